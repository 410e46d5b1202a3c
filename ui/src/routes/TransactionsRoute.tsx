import { Link } from 'react-router-dom';

import { Card } from '../components/ui/Card';
import { EmptyState } from '../components/ui/EmptyState';
import { PageHeader } from '../components/ui/PageHeader';
import { QueryView } from '../components/ui/QueryView';
import { buttonClass } from '../components/ui/styles';
import { useConnections } from '../features/connections/useConnections';

export default function TransactionsRoute() {
  const connections = useConnections();
  return (
    <div data-testid="page-transactions">
      <PageHeader
        title="Transactions"
        description="One ledger for every connected source: Xero, bank accounts, card acquiring and crypto."
      />
      <Card title="Ledger">
        <QueryView query={connections} loadingLabel="Loading transactions…" errorTitle="Could not load transactions">
          {(list) =>
            list.length === 0 ? (
              <EmptyState
                title="No transactions yet."
                action={
                  <Link to="/connections" className={buttonClass('primary')}>
                    Go to Connections
                  </Link>
                }
              >
                Connect Xero, GoCardless, Saferpay or OKX on the Connections page; their transactions appear here.
              </EmptyState>
            ) : (
              <EmptyState title="Nothing synced yet">
                Your connections have not brought in any transactions so far. They appear here after the first sync.
              </EmptyState>
            )
          }
        </QueryView>
      </Card>
    </div>
  );
}
