import { useCallback, useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';

import { Card } from '../components/ui/Card';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorPanel } from '../components/ui/ErrorPanel';
import { Loading } from '../components/ui/Loading';
import { PageHeader } from '../components/ui/PageHeader';
import { QueryView } from '../components/ui/QueryView';
import { buttonClass } from '../components/ui/styles';
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
import { useOnlineStatus } from '../features/network/useOnlineStatus';
import { useOrganisations } from '../features/organisations/useOrganisations';
import type { InvoiceRow, InvoiceSort } from '../lib/bindings';
import { formatCount } from '../lib/format';

const EMPTY: InvoiceRow[] = [];

function InvoiceList({ filters, onChange }: { filters: InvoiceFilters; onChange: (next: InvoiceFilters) => void }) {
  const navigate = useNavigate();
  const pages = useInvoicePages(filters);
  const rows = useMemo(() => pages.data?.pages.flatMap((p) => p.rows) ?? EMPTY, [pages.data]);
  const total = pages.data?.pages[0]?.total ?? 0;
  const tableKey = useMemo(() => JSON.stringify(toInvoiceQuery(filters, 0, 0)), [filters]);
  const { fetchNextPage } = pages;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const onSort = useCallback(
    (sort: InvoiceSort, descending: boolean) => onChange({ ...filters, sort, descending }),
    [filters, onChange],
  );
  const onOpen = useCallback(
    (row: InvoiceRow) =>
      void navigate(`/invoices/${encodeURIComponent(row.organisationId)}/${encodeURIComponent(row.invoiceId)}`),
    [navigate],
  );

  if (!pages.data) {
    if (!pages.isError) return <Loading label="Loading invoices…" />;
    return (
      <ErrorPanel
        error={pages.error}
        title="Could not load invoices"
        retrying={pages.isFetching}
        onRetry={() => void pages.refetch()}
      />
    );
  }
  if (total === 0) {
    return hasActiveFilters(filters) ? (
      <EmptyState
        title="No invoices match these filters"
        action={
          <button type="button" className={buttonClass('secondary')} onClick={() => onChange(withoutFilters(filters))}>
            Clear filters
          </button>
        }
      >
        Widen the dates or amounts, or pick more statuses.
      </EmptyState>
    ) : (
      <EmptyState
        title="No invoices synced yet"
        action={
          <Link to="/connections" className={buttonClass('secondary')}>
            Go to Connections
          </Link>
        }
      >
        Invoices appear here after an organisation has synced. Start a sync on the Connections page.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-live="polite">
        <span data-testid="invoice-count" className="font-semibold text-zinc-900 tabular-nums dark:text-zinc-100">
          {formatCount(total)}
        </span>{' '}
        {total === 1 ? 'invoice' : 'invoices'}
        {pages.isFetching && !pages.isFetchingNextPage ? <span> · updating…</span> : null}
      </p>
      {pages.isError ? (
        <ErrorPanel
          error={pages.error}
          title={pages.isFetchNextPageError ? 'Could not load more invoices' : 'Could not refresh invoices'}
          retrying={pages.isFetching}
          onRetry={pages.isFetchNextPageError ? loadMore : () => void pages.refetch()}
        />
      ) : null}
      <InvoiceTable
        // A new query starts at the top of the list with the first row focusable.
        key={tableKey}
        rows={rows}
        total={total}
        sort={filters.sort}
        descending={filters.descending}
        onSort={onSort}
        hasNextPage={pages.hasNextPage && !pages.isFetchNextPageError}
        isFetchingNextPage={pages.isFetchingNextPage}
        fetchNextPage={loadMore}
        onOpen={onOpen}
      />
    </div>
  );
}

export default function InvoicesRoute() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);
  const onChange = useCallback(
    (next: InvoiceFilters) => setParams(filtersToParams(next), { replace: true }),
    [setParams],
  );
  const organisations = useOrganisations();
  const online = useOnlineStatus();

  return (
    <div data-testid="page-invoices" className="space-y-6">
      <PageHeader title="Invoices" description="Sales invoices and bills of every connected Xero organisation." />
      {online ? null : (
        <p
          role="status"
          data-testid="invoices-offline"
          className="rounded-md border border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/50 dark:text-amber-200"
        >
          Offline — showing data cached on this computer
        </p>
      )}
      <QueryView query={organisations} loadingLabel="Loading organisations…" errorTitle="Could not load organisations">
        {(list) =>
          list.length === 0 ? (
            <EmptyState
              title="Connect Xero on the Connections page"
              action={
                <Link to="/connections" className={buttonClass('primary')}>
                  Go to Connections
                </Link>
              }
            >
              Invoices appear here once a Xero organisation is connected and synced.
            </EmptyState>
          ) : (
            <Card title="Invoices">
              <div className="space-y-5">
                <InvoiceFiltersBar filters={filters} organisations={list} onChange={onChange} />
                <InvoiceList filters={filters} onChange={onChange} />
              </div>
            </Card>
          )
        }
      </QueryView>
    </div>
  );
}
