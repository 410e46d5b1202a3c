import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

import { Card } from '../../components/ui/Card';
import { EmptyState } from '../../components/ui/EmptyState';
import { PageHeader } from '../../components/ui/PageHeader';
import { QueryView } from '../../components/ui/QueryView';
import { buttonClass } from '../../components/ui/styles';
import type { Organisation } from '../../lib/bindings';
import { useOnlineStatus } from '../network/useOnlineStatus';
import type { RecordSource } from './source';

export interface ListPageProps {
  testId: string;
  /** Whose records these are: names the provider to connect and reads its organisations. */
  source: RecordSource;
  title: string;
  description: string;
  /** Test id of the offline note, e.g. "invoices-offline". */
  offlineTestId: string;
  /** Why the page is empty before any organisation is connected. */
  noOrganisationsHint: ReactNode;
  /** Filters and list; only rendered once at least one organisation is connected. */
  children: (organisations: Organisation[]) => ReactNode;
}

/** The frame of a list of one provider's synced records: header, offline note, and "connect it first" when nothing is. */
export function ListPage({ testId, source, title, description, offlineTestId, noOrganisationsHint, children }: ListPageProps) {
  const { useOrganisations } = source;
  const organisations = useOrganisations();
  const online = useOnlineStatus();
  return (
    <div data-testid={testId} className="space-y-6">
      <PageHeader title={title} description={description} />
      {online ? null : (
        <p
          role="status"
          data-testid={offlineTestId}
          className="rounded-md border border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/50 dark:text-amber-200"
        >
          Offline — showing data cached on this computer
        </p>
      )}
      <QueryView query={organisations} loadingLabel="Loading organisations…" errorTitle="Could not load organisations">
        {(list) =>
          list.length === 0 ? (
            <EmptyState
              title={`Connect ${source.name} on the Connections page`}
              action={
                <Link to="/connections" className={buttonClass('primary')}>
                  Go to Connections
                </Link>
              }
            >
              {noOrganisationsHint}
            </EmptyState>
          ) : (
            <Card title={title}>
              <div className="space-y-5">{children(list)}</div>
            </Card>
          )
        }
      </QueryView>
    </div>
  );
}
