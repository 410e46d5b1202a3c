import { useEffect, useRef } from 'react';

import type { SessionStatus } from '../../lib/bindings';
import { useReportActivity } from './useSession';

/** Rust needs no finer grain than this to postpone an idle lock measured in minutes. */
export const ACTIVITY_THROTTLE_MS = 30_000;

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel'] as const;

/**
 * While an idle lock is set, tells Rust that someone is using the app: the first input is reported at once,
 * further input at most once per 30 s. Rust decides when to lock; the UI never times anything itself.
 */
export function useActivityReporter(status: SessionStatus | undefined): void {
  const { mutate: report } = useReportActivity();
  const lastReport = useRef<number | null>(null);
  const watching = status?.state === 'signed_in' && status.idleLockMinutes > 0;

  useEffect(() => {
    if (!watching) return;
    const onActivity = () => {
      const now = Date.now();
      if (lastReport.current !== null && now - lastReport.current < ACTIVITY_THROTTLE_MS) return;
      lastReport.current = now;
      report();
    };
    const options = { capture: true, passive: true };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, options);
    return () => {
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity, options);
    };
  }, [watching, report]);
}
