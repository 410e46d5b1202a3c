import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { Organisation } from '../../../lib/bindings';
import { connectXero, disconnectOrganisation, keepOrganisations, listOrganisations } from '../../../lib/ipc';
import { invalidateSyncedData, queryKeys } from '../../../lib/queryKeys';

/** The kept Xero organisations (the store also keeps other providers' accounts, e.g. a GoCardless creditor). */
export function useOrganisations() {
  return useQuery({
    queryKey: queryKeys.organisations,
    queryFn: listOrganisations,
    select: (orgs) => orgs.filter((o) => o.provider === 'xero'),
  });
}

/** Sign-in in the system browser; pending until Xero redirects back, which can take minutes. */
export function useConnectXero() {
  return useMutation({ mutationFn: connectXero });
}

export function useKeepOrganisations() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ connectionId, tenantIds }: { connectionId: string; tenantIds: string[] }) =>
      keepOrganisations(connectionId, tenantIds),
    onSuccess: (kept: Organisation[]) => {
      queryClient.setQueryData<Organisation[]>(queryKeys.organisations, (current = []) => [
        ...current.filter((o) => !kept.some((k) => k.id === o.id)),
        ...kept,
      ]);
      void queryClient.invalidateQueries({ queryKey: queryKeys.organisations });
      void queryClient.invalidateQueries({ queryKey: queryKeys.connections });
    },
  });
}

export function useDisconnectOrganisation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ organisationId, eraseData }: { organisationId: string; eraseData: boolean }) =>
      disconnectOrganisation(organisationId, eraseData),
    // Erasing drops the organisation's records; keeping them still changes its status and the connection's.
    onSuccess: () => invalidateSyncedData(queryClient),
  });
}
