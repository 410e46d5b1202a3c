import { Link, useParams } from 'react-router-dom';

import { EmptyState } from '../components/ui/EmptyState';
import { PageHeader } from '../components/ui/PageHeader';
import { buttonClass } from '../components/ui/styles';

export default function TransactionDetailRoute() {
  const { id = '' } = useParams();
  return (
    <div data-testid="page-transaction-detail">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-500 dark:text-zinc-400">
        <Link to="/transactions" className="focus-ring rounded-sm hover:text-zinc-900 dark:hover:text-zinc-100">
          Transactions
        </Link>
        <span aria-hidden="true"> / </span>
        <span className="font-mono" data-testid="transaction-id">{id}</span>
      </nav>
      <PageHeader title="Transaction" />
      <EmptyState
        title={`Transaction ${id} is not in the local cache yet`}
        action={
          <Link to="/transactions" className={buttonClass('secondary')}>
            Back to transactions
          </Link>
        }
      >
        It appears here once the connection it belongs to has synced.
      </EmptyState>
    </div>
  );
}
