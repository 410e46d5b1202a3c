import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { connectGoCardless, listOrganisations } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';

/** The GoCardless creditors kept (the store keeps each as an organisation of provider `gocardless`). */
export function useGoCardlessCreditors() {
  return useQuery({
    queryKey: queryKeys.organisations,
    queryFn: listOrganisations,
    select: (orgs) => orgs.filter((o) => o.provider === 'gocardless'),
  });
}

/** Verifies and keeps the access token; a new creditor changes the organisations, connections and what syncs. */
export function useConnectGoCardless() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: connectGoCardless,
    onSuccess: () => {
      for (const queryKey of [queryKeys.organisations, queryKeys.connections, queryKeys.mandates, queryKeys.payouts]) {
        void queryClient.invalidateQueries({ queryKey });
      }
    },
  });
}
