import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import type { SessionState } from '../../lib/bindings';
import { clearDataQueries } from '../../lib/queryClient';

/**
 * Drops every cached answer from the books once the session is no longer open (locked, signed out, grace over),
 * so nothing read under the last session is shown before the next one is confirmed.
 */
export function useClearDataWhenSessionCloses(state: SessionState | undefined): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (state !== undefined && state !== 'signed_in') clearDataQueries(queryClient);
  }, [state, queryClient]);
}
