import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

import { EmptyState } from '../../components/ui/EmptyState';
import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { Loading } from '../../components/ui/Loading';
import { PageHeader } from '../../components/ui/PageHeader';
import { buttonClass } from '../../components/ui/styles';
import type { IpcError } from '../../lib/bindings';
import type { RecordSource } from './source';

interface DetailPageProps<T> {
  testId: string;
  /** Whose record this is: the not-found message names the provider. */
  source: Pick<RecordSource, 'name'>;
  /** The list this record belongs to, e.g. { to: '/invoices', label: 'Invoices' }. */
  back: { to: string; label: string };
  /** What one record is called, e.g. "Invoice". */
  noun: string;
  /** The id from the URL, for the not-found message. */
  id: string;
  query: UseQueryResult<T, IpcError>;
  children: (data: T) => ReactNode;
}

/** Breadcrumb back to the list plus the loading, not-found, error and loaded states of one record. */
export function DetailPage<T>({ testId, source, back, noun, id, query, children }: DetailPageProps<T>) {
  const lower = noun.toLowerCase();
  return (
    <div data-testid={testId}>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-500 dark:text-zinc-400">
        <Link to={back.to} className="focus-ring rounded-sm hover:text-zinc-900 dark:hover:text-zinc-100">
          ← {back.label}
        </Link>
      </nav>
      {query.isPending ? (
        <>
          <PageHeader title={noun} />
          <Loading label={`Loading ${lower}…`} />
        </>
      ) : query.isError ? (
        query.error.code === 'not_found' ? (
          <>
            <PageHeader title={`${noun} not found`} />
            <EmptyState
              title={`${noun} ${id} is not in the local store`}
              action={
                <Link to={back.to} className={buttonClass('secondary')}>
                  Back to {back.label.toLowerCase()}
                </Link>
              }
            >
              It may have been deleted in {source.name}, or its organisation was disconnected and its data erased. The
              link may also be wrong.
            </EmptyState>
          </>
        ) : (
          <>
            <PageHeader title={noun} />
            <ErrorPanel
              error={query.error}
              title={`Could not load the ${lower}`}
              retrying={query.isFetching}
              onRetry={() => void query.refetch()}
            />
          </>
        )
      ) : (
        children(query.data)
      )}
    </div>
  );
}
