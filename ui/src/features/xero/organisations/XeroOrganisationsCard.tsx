import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { ErrorPanel } from '../../../components/ui/ErrorPanel';
import { QueryView } from '../../../components/ui/QueryView';
import { buttonClass } from '../../../components/ui/styles';
import { useSyncProgress } from '../../sync/syncProgress';
import { useSyncNow } from '../../sync/useSync';
import { OrganisationsTable } from './OrganisationsTable';
import { useOrganisations } from './useOrganisations';

export function XeroOrganisationsCard() {
  const organisations = useOrganisations();
  const syncAll = useSyncNow();
  const { active } = useSyncProgress();
  const syncable = (organisations.data ?? []).some((o) => o.status !== 'disconnected');
  return (
    <Card
      title="Xero organisations"
      description="Each organisation syncs into the local store, so its invoices stay readable offline."
      actions={
        syncable ? (
          <button
            type="button"
            data-testid="sync-all"
            className={buttonClass('secondary')}
            disabled={syncAll.isPending || active}
            onClick={() => syncAll.mutate(null)}
          >
            Sync all
          </button>
        ) : null
      }
    >
      <QueryView query={organisations} loadingLabel="Loading organisations…" errorTitle="Could not load organisations">
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No Xero organisations yet">
              Use Connect Xero under Available providers: sign in to Xero in your browser, then pick the organisations
              to keep.
            </EmptyState>
          ) : (
            <OrganisationsTable organisations={list} />
          )
        }
      </QueryView>
      {syncAll.isError ? (
        <div className="mt-4">
          <ErrorPanel error={syncAll.error} title="Could not start the sync" />
        </div>
      ) : null}
    </Card>
  );
}
