import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';

import { onSyncProgress } from '../../lib/ipc';
import { invalidateSyncedData } from '../../lib/queryKeys';
import { useIpcListener } from '../../lib/useIpcListener';
import { applyProgress, isActive, isAllDone, SyncProgressContext, type OrganisationSync } from './syncProgress';

/** Collects `sync-progress` events for the whole frame and refreshes cached data when an organisation finishes. */
export function SyncProgressProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [organisations, setOrganisations] = useState<OrganisationSync[]>([]);
  const latest = useRef<OrganisationSync[]>([]);

  useIpcListener(
    useCallback(
      () =>
        onSyncProgress((event) => {
          const next = applyProgress(latest.current, event);
          latest.current = next;
          setOrganisations(next);
          const sync = next.find((s) => s.organisationId === event.organisationId);
          if (event.state === 'done' && sync && isAllDone(sync)) invalidateSyncedData(queryClient);
        }),
      [queryClient],
    ),
  );

  const clearFinished = useCallback(() => {
    latest.current = latest.current.filter(isActive);
    setOrganisations(latest.current);
  }, []);

  const value = useMemo(
    () => ({ organisations, active: organisations.some(isActive), clearFinished }),
    [organisations, clearFinished],
  );
  return <SyncProgressContext value={value}>{children}</SyncProgressContext>;
}
