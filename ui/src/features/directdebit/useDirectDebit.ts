import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';

import type { Provider, SettlementMapping } from '../../lib/bindings';
import {
  createClearingAccount,
  getSettlementMappings,
  listGoCardlessMandates,
  listGoCardlessPayouts,
  listSaferpayMandates,
  listXeroAccounts,
  setSettlementMapping,
} from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';

/** Both providers' mandates, each its own query, so one provider failing still shows the other's. */
export function useMandates() {
  return useQueries({
    queries: [
      { queryKey: [...queryKeys.mandates, 'gocardless'], queryFn: listGoCardlessMandates },
      { queryKey: [...queryKeys.mandates, 'saferpay'], queryFn: listSaferpayMandates },
    ],
  });
}

export function usePayouts() {
  return useQuery({ queryKey: [...queryKeys.payouts, 'gocardless'], queryFn: listGoCardlessPayouts });
}

export function useSettlementMappings() {
  return useQuery({ queryKey: queryKeys.settlementMappings, queryFn: getSettlementMappings });
}

export function useSetSettlementMapping() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ provider, mapping }: { provider: Provider; mapping: SettlementMapping }) =>
      setSettlementMapping(provider, mapping),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.settlementMappings }),
  });
}

/** The chart of accounts of the organisation chosen in a form (nothing is asked before one is chosen). */
export function useXeroAccounts(organisationId: string) {
  return useQuery({
    queryKey: [...queryKeys.xeroAccounts, organisationId],
    queryFn: () => listXeroAccounts(organisationId),
    enabled: organisationId !== '',
  });
}

export function useCreateClearingAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ provider, organisationId }: { provider: Provider; organisationId: string }) =>
      createClearingAccount(provider, organisationId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.xeroAccounts }),
  });
}
