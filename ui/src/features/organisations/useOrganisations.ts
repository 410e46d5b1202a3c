import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { Organisation } from '../../lib/bindings';
import { connectXero, disconnectOrganisation, keepOrganisations, listOrganisations } from '../../lib/ipc';
import { connectionsKey } from '../connections/useConnections';
import { invoicesKey } from '../invoices/useInvoices';

export const organisationsKey = ['organisations'] as const;

export function useOrganisations() {
  return useQuery({ queryKey: organisationsKey, queryFn: listOrganisations });
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
      queryClient.setQueryData<Organisation[]>(organisationsKey, (current = []) => [
        ...current.filter((o) => !kept.some((k) => k.id === o.id)),
        ...kept,
      ]);
      void queryClient.invalidateQueries({ queryKey: organisationsKey });
      void queryClient.invalidateQueries({ queryKey: connectionsKey });
    },
  });
}

export function useDisconnectOrganisation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ organisationId, eraseData }: { organisationId: string; eraseData: boolean }) =>
      disconnectOrganisation(organisationId, eraseData),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: organisationsKey });
      void queryClient.invalidateQueries({ queryKey: connectionsKey });
      void queryClient.invalidateQueries({ queryKey: invoicesKey });
    },
  });
}
