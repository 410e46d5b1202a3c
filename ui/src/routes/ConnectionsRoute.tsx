import { Card } from '../components/ui/Card';
import { EmptyState } from '../components/ui/EmptyState';
import { PageHeader } from '../components/ui/PageHeader';
import { QueryView } from '../components/ui/QueryView';
import { useAppInfo } from '../features/app/useAppInfo';
import { AvailableProviders } from '../features/connections/AvailableProviders';
import { ConnectionsTable } from '../features/connections/ConnectionsTable';
import { useConnections } from '../features/connections/useConnections';
import { useConnectXero } from '../features/organisations/useOrganisations';
import { XeroConnectPanel } from '../features/organisations/XeroConnectPanel';
import { XeroOrganisationsCard } from '../features/organisations/XeroOrganisationsCard';
import { SyncProgressPanel } from '../features/sync/SyncProgressPanel';

export default function ConnectionsRoute() {
  const connections = useConnections();
  const info = useAppInfo();
  const connect = useConnectXero();
  return (
    <div data-testid="page-connections" className="space-y-6">
      <PageHeader title="Connections" description="The providers this installation reads from and writes to." />
      <XeroConnectPanel connect={connect} />
      <SyncProgressPanel />
      <XeroOrganisationsCard />
      <Card title="Your connections">
        <QueryView query={connections} loadingLabel="Loading connections…" errorTitle="Could not load connections">
          {(list) =>
            list.length === 0 ? (
              <EmptyState title="No providers connected yet">
                Connect Xero under Available providers below; other providers follow in later releases.
              </EmptyState>
            ) : (
              <ConnectionsTable connections={list} />
            )
          }
        </QueryView>
      </Card>
      <Card title="Available providers">
        <QueryView query={info} loadingLabel="Loading provider configuration…" errorTitle="Could not load providers">
          {(data) => (
            <AvailableProviders
              endpoints={data.endpoints}
              connections={connections.data ?? []}
              onConnectXero={() => connect.mutate()}
              connectingXero={connect.isPending}
            />
          )}
        </QueryView>
      </Card>
    </div>
  );
}
