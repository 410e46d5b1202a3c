import { useCallback, useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';

import {
  filtersToParams,
  hasActiveFilters,
  parseFilters,
  toInvoiceQuery,
  withoutFilters,
  type InvoiceFilters,
} from '../features/invoices/filters';
import { InvoiceFiltersBar } from '../features/invoices/InvoiceFiltersBar';
import { InvoiceTable } from '../features/invoices/InvoiceTable';
import { useInvoicePages } from '../features/invoices/useInvoices';
import { ListPage } from '../features/lists/ListPage';
import { PagedResults } from '../features/lists/PagedResults';
import type { InvoiceRow, InvoiceSort } from '../lib/bindings';

function InvoiceList({ filters, onChange }: { filters: InvoiceFilters; onChange: (next: InvoiceFilters) => void }) {
  const navigate = useNavigate();
  const pages = useInvoicePages(filters);
  const tableKey = useMemo(() => JSON.stringify(toInvoiceQuery(filters, 0, 0)), [filters]);
  const onSort = useCallback(
    (sort: InvoiceSort, descending: boolean) => onChange({ ...filters, sort, descending }),
    [filters, onChange],
  );
  const onOpen = useCallback(
    (row: InvoiceRow) =>
      void navigate(`/invoices/${encodeURIComponent(row.organisationId)}/${encodeURIComponent(row.invoiceId)}`),
    [navigate],
  );

  return (
    <PagedResults
      pages={pages}
      noun={['invoice', 'invoices']}
      countTestId="invoice-count"
      filtered={hasActiveFilters(filters)}
      onClearFilters={() => onChange(withoutFilters(filters))}
      noMatchHint="Widen the dates or amounts, or pick more statuses."
      emptyTitle="No invoices synced yet"
      emptyHint="Invoices appear here after an organisation has synced. Start a sync on the Connections page."
    >
      {(paged) => (
        <InvoiceTable
          // A new query starts at the top of the list with the first row focusable.
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

export default function InvoicesRoute() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);
  const onChange = useCallback(
    (next: InvoiceFilters) => setParams(filtersToParams(next), { replace: true }),
    [setParams],
  );

  return (
    <ListPage
      testId="page-invoices"
      title="Invoices"
      description="Sales invoices and bills of every connected Xero organisation."
      offlineTestId="invoices-offline"
      noOrganisationsHint="Invoices appear here once a Xero organisation is connected and synced."
    >
      {(organisations) => (
        <>
          <InvoiceFiltersBar filters={filters} organisations={organisations} onChange={onChange} />
          <InvoiceList filters={filters} onChange={onChange} />
        </>
      )}
    </ListPage>
  );
}
