import { useEffect } from 'react';
import { useNavigate } from 'react-router-dom';

import { onNavigate } from '../../lib/ipc';

/** In-app absolute paths only: Rust validates deep links, this guards against anything else slipping through. */
export function isInAppPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//');
}

/** Subscribes once to `navigate` events from Rust (deep links) and routes to them. */
export function useDeepLinkNavigation(): void {
  const navigate = useNavigate();
  useEffect(() => {
    let disposed = false;
    let unlisten: (() => void) | undefined;
    onNavigate(({ path }) => {
      if (isInAppPath(path)) void navigate(path);
    })
      .then((stop) => {
        if (disposed) stop();
        else unlisten = stop;
      })
      .catch(() => {
        // Outside the desktop shell there is no event bus; deep links simply cannot arrive.
      });
    return () => {
      disposed = true;
      unlisten?.();
    };
  }, [navigate]);
}
