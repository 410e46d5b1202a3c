import { useCallback, useMemo, type ReactNode } from 'react';
import { Link } from 'react-router-dom';

import { EmptyState } from '../../components/ui/EmptyState';
import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { Loading } from '../../components/ui/Loading';
import { buttonClass } from '../../components/ui/styles';
import type { PagedRows } from '../../components/ui/listTable';
import { formatCount } from '../../lib/format';
import type { PagesResult } from './usePages';

/** How one list names its rows and explains an empty result. */
export interface ResultsWording {
  /** Singular and plural noun, e.g. ['invoice', 'invoices']. */
  noun: readonly [one: string, many: string];
  countTestId: string;
  noMatchHint: ReactNode;
  emptyTitle: string;
  emptyHint: ReactNode;
}

interface PagedResultsProps<TRow> extends ResultsWording {
  pages: PagesResult<TRow>;
  /** Whether any filter narrows the list: an empty result then offers Clear filters. */
  filtered: boolean;
  onClearFilters: () => void;
  /** Renders the table for the loaded rows. */
  children: (paged: PagedRows<TRow>) => ReactNode;
}

const EMPTY: never[] = [];

/** Loading, error (with Retry), the two empty states, the row count and the table of one paged list. */
export function PagedResults<TRow>(props: PagedResultsProps<TRow>) {
  const { pages, noun, countTestId, filtered, onClearFilters, noMatchHint, emptyTitle, emptyHint, children } = props;
  const [one, many] = noun;
  const rows = useMemo<TRow[]>(() => pages.data?.pages.flatMap((p) => p.rows) ?? EMPTY, [pages.data]);
  const total = pages.data?.pages[0]?.total ?? 0;
  const { fetchNextPage } = pages;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  if (!pages.data) {
    if (!pages.isError) return <Loading label={`Loading ${many}…`} />;
    return (
      <ErrorPanel
        error={pages.error}
        title={`Could not load ${many}`}
        retrying={pages.isFetching}
        onRetry={() => void pages.refetch()}
      />
    );
  }
  if (total === 0) {
    return filtered ? (
      <EmptyState
        title={`No ${many} match these filters`}
        action={
          <button type="button" className={buttonClass('secondary')} onClick={onClearFilters}>
            Clear filters
          </button>
        }
      >
        {noMatchHint}
      </EmptyState>
    ) : (
      <EmptyState
        title={emptyTitle}
        action={
          <Link to="/connections" className={buttonClass('secondary')}>
            Go to Connections
          </Link>
        }
      >
        {emptyHint}
      </EmptyState>
    );
  }
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-live="polite">
        <span data-testid={countTestId} className="font-semibold text-zinc-900 tabular-nums dark:text-zinc-100">
          {formatCount(total)}
        </span>{' '}
        {total === 1 ? one : many}
        {pages.isFetching && !pages.isFetchingNextPage ? <span> · updating…</span> : null}
      </p>
      {pages.isError ? (
        <ErrorPanel
          error={pages.error}
          title={pages.isFetchNextPageError ? `Could not load more ${many}` : `Could not refresh ${many}`}
          retrying={pages.isFetching}
          onRetry={pages.isFetchNextPageError ? loadMore : () => void pages.refetch()}
        />
      ) : null}
      {children({
        rows,
        total,
        hasNextPage: pages.hasNextPage && !pages.isFetchNextPageError,
        isFetchingNextPage: pages.isFetchingNextPage,
        fetchNextPage: loadMore,
      })}
    </div>
  );
}
