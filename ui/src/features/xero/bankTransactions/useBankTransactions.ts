import { useQuery } from '@tanstack/react-query';

import { getBankTransaction, listBankTransactions } from '../../../lib/ipc';
import { queryKeys } from '../../../lib/queryKeys';
import { PAGE_SIZE, usePages } from '../../lists/usePages';
import { toBankTransactionQuery, type BankTransactionFilters } from './filters';

/** Pages of 200 bank transactions, loaded on demand as the table scrolls. */
export function useBankTransactionPages(filters: BankTransactionFilters) {
  return usePages([...queryKeys.bankTransactions, 'list', toBankTransactionQuery(filters, 0, PAGE_SIZE)], (offset, limit) =>
    listBankTransactions(toBankTransactionQuery(filters, offset, limit)),
  );
}

export function useBankTransaction(organisationId: string, bankTransactionId: string) {
  return useQuery({
    queryKey: [...queryKeys.bankTransactions, 'detail', organisationId, bankTransactionId],
    queryFn: () => getBankTransaction(organisationId, bankTransactionId),
  });
}
