import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { connectGoCardless, disconnectGoCardless, listOrganisations } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';

/** The GoCardless creditors kept (the store keeps each as an organisation of provider `gocardless`). */
export function useGoCardlessCreditors() {
  return useQuery({
    queryKey: queryKeys.organisations,
    queryFn: listOrganisations,
    select: (orgs) => orgs.filter((o) => o.provider === 'gocardless' && o.status !== 'disconnected'),
  });
}

const CHANGED = [queryKeys.organisations, queryKeys.connections, queryKeys.mandates, queryKeys.payouts];

/** Verifies and keeps the access token; a new creditor changes the organisations, connections and what syncs. */
export function useConnectGoCardless() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: connectGoCardless,
    onSuccess: () => {
      for (const queryKey of CHANGED) void queryClient.invalidateQueries({ queryKey });
    },
  });
}

/** Forgets the token; with `eraseData` the creditor's records go too. */
export function useDisconnectGoCardless() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: disconnectGoCardless,
    onSuccess: () => {
      for (const queryKey of CHANGED) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
