import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';

import { onSessionChanged } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';
import { useIpcListener } from '../../lib/useIpcListener';

/** Puts every `session-changed` status from Rust into the session query, so guards and pages follow at once. */
export function useSessionEvents(): void {
  const queryClient = useQueryClient();
  useIpcListener(useCallback(() => onSessionChanged((status) => queryClient.setQueryData(queryKeys.session, status)), [queryClient]));
}
