import { PageHeader } from '../components/ui/PageHeader';
import { SecretsCard } from '../features/app/SecretsCard';
import { ConnectionsCard } from '../features/connections/ConnectionsCard';
import { StoreCard } from '../features/store/StoreCard';

export default function DashboardRoute() {
  return (
    <div data-testid="page-dashboard">
      <PageHeader title="Dashboard" description="The state of this installation at a glance." />
      <div className="grid items-start gap-5 lg:grid-cols-3">
        <StoreCard className="lg:col-span-2" />
        <div className="grid gap-5">
          <ConnectionsCard />
          <SecretsCard />
        </div>
      </div>
    </div>
  );
}
