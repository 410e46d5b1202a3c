import { useCallback } from 'react';
import { useNavigate } from 'react-router-dom';

import { onNavigate } from '../../lib/ipc';
import { useIpcListener } from '../../lib/useIpcListener';

/** In-app absolute paths only: Rust validates deep links, this guards against anything else slipping through. */
export function isInAppPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//');
}

/** Subscribes once to `navigate` events from Rust (deep links) and routes to them. */
export function useDeepLinkNavigation(): void {
  const navigate = useNavigate();
  useIpcListener(
    useCallback(
      () =>
        onNavigate(({ path }) => {
          if (isInAppPath(path)) void navigate(path);
        }),
      [navigate],
    ),
  );
}
