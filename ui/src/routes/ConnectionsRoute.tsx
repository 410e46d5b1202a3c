import { Card } from '../components/ui/Card';
import { EmptyState } from '../components/ui/EmptyState';
import { PageHeader } from '../components/ui/PageHeader';
import { QueryView } from '../components/ui/QueryView';
import { useAppInfo } from '../features/app/useAppInfo';
import { AvailableProviders } from '../features/connections/AvailableProviders';
import { ConnectionsTable } from '../features/connections/ConnectionsTable';
import { providerRegistry } from '../features/connections/providers';
import { useConnections } from '../features/connections/useConnections';
import { GoCardlessConnect } from '../features/gocardless/GoCardlessConnect';
import { SaferpayConnect } from '../features/saferpay/SaferpayConnect';
import { useCan } from '../features/session/useSession';
import { SyncProgressPanel } from '../features/sync/SyncProgressPanel';
import { useConnectXero } from '../features/xero/organisations/useOrganisations';
import { XeroConnectPanel } from '../features/xero/organisations/XeroConnectPanel';
import { XeroOrganisationsCard } from '../features/xero/organisations/XeroOrganisationsCard';
import type { Provider } from '../lib/bindings';

export default function ConnectionsRoute() {
  const connections = useConnections();
  const info = useAppInfo();
  const connect = useConnectXero();
  const canManage = useCan('manage_connections');
  // One entry per provider whose integration exists; the others show a disabled placeholder.
  const providers = providerRegistry(
    { xero: { connecting: connect.isPending } },
    { gocardless: <GoCardlessConnect />, saferpay: <SaferpayConnect /> },
  );
  const onConnect = (provider: Provider) => {
    if (provider === 'xero') connect.mutate();
  };
  return (
    <div data-testid="page-connections" className="space-y-6">
      <PageHeader title="Connections" description="The providers this installation reads from and writes to." />
      {canManage ? (
        <XeroConnectPanel connect={connect} />
      ) : (
        <p data-testid="connections-owner-only" className="-mt-3 text-sm text-zinc-500 dark:text-zinc-400">
          Only an owner can connect or disconnect organisations.
        </p>
      )}
      <SyncProgressPanel />
      <XeroOrganisationsCard />
      <Card title="Your connections">
        <QueryView query={connections} loadingLabel="Loading connections…" errorTitle="Could not load connections">
          {(list) =>
            list.length === 0 ? (
              <EmptyState title="No providers connected yet">
                Connect Xero, GoCardless or Saferpay under Available providers below.
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
              providers={providers}
              canConnect={canManage}
              onConnect={onConnect}
            />
          )}
        </QueryView>
      </Card>
    </div>
  );
}
