import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';

import type { Connectivity } from '../../lib/bindings';
import { connectivity, onConnectivityChanged } from '../../lib/ipc';
import { useIpcListener } from '../../lib/useIpcListener';
import { queryKeys } from '../../lib/queryKeys';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

/** Rust's view: whether the providers answered the app's last requests (null before the first). */
export function useConnectivity(): Connectivity | undefined {
  const queryClient = useQueryClient();
  useIpcListener(
    useCallback(() => onConnectivityChanged((c) => queryClient.setQueryData(queryKeys.connectivity, c)), [queryClient]),
  );
  return useQuery({ queryKey: queryKeys.connectivity, queryFn: connectivity, refetchInterval: 30_000, retry: false }).data;
}

/**
 * Offline when the OS says so or when the providers stopped answering the app's requests (the OS
 * cannot know that a provider is unreachable; Rust's requests do).
 */
export function useOnlineStatus(): boolean {
  const osOnline = useSyncExternalStore(
    subscribe,
    () => navigator.onLine,
    () => true,
  );
  const rust = useConnectivity();
  return osOnline && rust?.online !== false;
}
