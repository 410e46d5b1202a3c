import { useCallback, useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';

import { BankTransactionFiltersBar } from '../features/bankTransactions/BankTransactionFiltersBar';
import { BankTransactionTable } from '../features/bankTransactions/BankTransactionTable';
import {
  filtersToParams,
  hasActiveFilters,
  parseFilters,
  toBankTransactionQuery,
  withoutFilters,
  type BankTransactionFilters,
} from '../features/bankTransactions/filters';
import { useBankTransactionPages } from '../features/bankTransactions/useBankTransactions';
import { ListPage } from '../features/lists/ListPage';
import { PagedResults } from '../features/lists/PagedResults';
import type { BankTransactionRow, BankTransactionSort } from '../lib/bindings';

function BankTransactionList({
  filters,
  onChange,
}: {
  filters: BankTransactionFilters;
  onChange: (next: BankTransactionFilters) => void;
}) {
  const navigate = useNavigate();
  const pages = useBankTransactionPages(filters);
  const tableKey = useMemo(() => JSON.stringify(toBankTransactionQuery(filters, 0, 0)), [filters]);
  const onSort = useCallback(
    (sort: BankTransactionSort, descending: boolean) => onChange({ ...filters, sort, descending }),
    [filters, onChange],
  );
  const onOpen = useCallback(
    (row: BankTransactionRow) =>
      void navigate(
        `/bank-transactions/${encodeURIComponent(row.organisationId)}/${encodeURIComponent(row.bankTransactionId)}`,
      ),
    [navigate],
  );

  return (
    <PagedResults
      pages={pages}
      noun={['bank transaction', 'bank transactions']}
      countTestId="bank-transaction-count"
      filtered={hasActiveFilters(filters)}
      onClearFilters={() => onChange(withoutFilters(filters))}
      noMatchHint="Widen the dates or amounts, or pick more statuses."
      emptyTitle="No bank transactions synced yet"
      emptyHint="Bank transactions appear here after an organisation has synced. Start a sync on the Connections page."
    >
      {(paged) => (
        <BankTransactionTable
          key={tableKey}
          {...paged}
          sort={filters.sort}
          descending={filters.descending}
          onSort={onSort}
          onOpen={onOpen}
        />
      )}
    </PagedResults>
  );
}

export default function BankTransactionsRoute() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);
  const onChange = useCallback(
    (next: BankTransactionFilters) => setParams(filtersToParams(next), { replace: true }),
    [setParams],
  );

  return (
    <ListPage
      testId="page-bank-transactions"
      title="Bank transactions"
      description="Money received and spent through the bank accounts of every connected Xero organisation."
      offlineTestId="bank-transactions-offline"
      noOrganisationsHint="Bank transactions appear here once a Xero organisation is connected and synced."
    >
      {(organisations) => (
        <>
          <BankTransactionFiltersBar filters={filters} organisations={organisations} onChange={onChange} />
          <BankTransactionList filters={filters} onChange={onChange} />
        </>
      )}
    </ListPage>
  );
}
