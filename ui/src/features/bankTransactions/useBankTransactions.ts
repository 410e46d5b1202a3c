import { useQuery } from '@tanstack/react-query';

import { getBankTransaction, listBankTransactions } from '../../lib/ipc';
import { PAGE_SIZE, usePages } from '../lists/usePages';
import { toBankTransactionQuery, type BankTransactionFilters } from './filters';

export const bankTransactionsKey = ['bank-transactions'] as const;

/** Pages of 200 bank transactions, loaded on demand as the table scrolls. */
export function useBankTransactionPages(filters: BankTransactionFilters) {
  return usePages([...bankTransactionsKey, 'list', toBankTransactionQuery(filters, 0, PAGE_SIZE)], (offset, limit) =>
    listBankTransactions(toBankTransactionQuery(filters, offset, limit)),
  );
}

export function useBankTransaction(organisationId: string, bankTransactionId: string) {
  return useQuery({
    queryKey: [...bankTransactionsKey, 'detail', organisationId, bankTransactionId],
    queryFn: () => getBankTransaction(organisationId, bankTransactionId),
  });
}
