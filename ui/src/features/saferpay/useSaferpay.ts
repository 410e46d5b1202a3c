import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { connectSaferpay, saferpayStatus } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';

/** Whether Saferpay debits can be sent: credentials saved (or the sandbox's demo account). */
export function useSaferpayStatus() {
  return useQuery({ queryKey: queryKeys.saferpayStatus, queryFn: saferpayStatus });
}

export function useConnectSaferpay() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: connectSaferpay,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.saferpayStatus }),
  });
}
