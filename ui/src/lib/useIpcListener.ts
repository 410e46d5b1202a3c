import { useEffect } from 'react';

/**
 * Keeps one event subscription from Rust for the component's lifetime. `subscribe` resolves to
 * the unsubscribe function; pass a stable (memoised) function, it re-subscribes when it changes.
 * Outside the desktop shell there is no event bus: the subscription simply never happens.
 */
export function useIpcListener(subscribe: () => Promise<() => void>): void {
  useEffect(() => {
    let disposed = false;
    let unlisten: (() => void) | undefined;
    subscribe()
      .then((stop) => {
        if (disposed) stop();
        else unlisten = stop;
      })
      .catch(() => {
        // No event bus (a plain browser or a test without one): nothing can arrive.
      });
    return () => {
      disposed = true;
      unlisten?.();
    };
  }, [subscribe]);
}
