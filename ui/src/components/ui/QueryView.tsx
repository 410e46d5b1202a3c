import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';

import type { IpcError } from '../../lib/bindings';
import { ErrorPanel } from './ErrorPanel';
import { Loading } from './Loading';

interface QueryViewProps<T> {
  query: UseQueryResult<T, IpcError>;
  loadingLabel?: string;
  errorTitle?: string;
  children: (data: T) => ReactNode;
}

/** Renders the loading, error (with Retry) or success branch of one query. */
export function QueryView<T>({ query, loadingLabel, errorTitle, children }: QueryViewProps<T>) {
  if (query.isPending) return <Loading label={loadingLabel} />;
  if (query.isError) {
    return (
      <ErrorPanel
        error={query.error}
        title={errorTitle}
        retrying={query.isFetching}
        onRetry={() => void query.refetch()}
      />
    );
  }
  return <>{children(query.data)}</>;
}
