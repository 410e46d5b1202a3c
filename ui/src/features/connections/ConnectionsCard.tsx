import { Link } from 'react-router-dom';

import { Card } from '../../components/ui/Card';
import { QueryView } from '../../components/ui/QueryView';
import { linkClass } from '../../components/ui/styles';
import { formatCount } from '../../lib/format';
import { useConnections } from './useConnections';

export function ConnectionsCard() {
  const connections = useConnections();
  return (
    <Card
      title="Connections"
      actions={
        <Link to="/connections" className={`${linkClass} text-sm`}>
          Manage
        </Link>
      }
    >
      <QueryView query={connections} loadingLabel="Loading connections…" errorTitle="Could not load connections">
        {(list) => {
          if (list.length === 0) {
            return (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                No providers connected yet — go to{' '}
                <Link to="/connections" className={linkClass}>
                  Connections
                </Link>
              </p>
            );
          }
          const needsAttention = list.filter((c) => c.status !== 'active').length;
          return (
            <div>
              <p className="text-3xl font-semibold tabular-nums" data-testid="connections-count">
                {formatCount(list.length)}
              </p>
              <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
                {list.length === 1 ? 'provider connection' : 'provider connections'}
                {needsAttention > 0 ? (
                  <span className="text-amber-700 dark:text-amber-400"> · {needsAttention} need attention</span>
                ) : null}
              </p>
            </div>
          );
        }}
      </QueryView>
    </Card>
  );
}
