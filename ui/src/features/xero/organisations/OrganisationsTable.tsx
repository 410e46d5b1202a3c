import { useState } from 'react';

import { ErrorPanel } from '../../../components/ui/ErrorPanel';
import { buttonClass, numericCell } from '../../../components/ui/styles';
import type { Organisation } from '../../../lib/bindings';
import { formatBudget, formatDateTime, formatRelative } from '../../../lib/format';
import { useCan } from '../../session/useSession';
import { isActive, useSyncProgress } from '../../sync/syncProgress';
import { useSyncNow } from '../../sync/useSync';
import { DisconnectDialog } from './DisconnectDialog';
import { OrganisationStatusBadge } from './OrganisationStatusBadge';

const th = 'px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400';
const td = 'px-3 py-2.5 text-sm';

export function OrganisationsTable({ organisations }: { organisations: Organisation[] }) {
  const [disconnecting, setDisconnecting] = useState<Organisation | null>(null);
  const sync = useSyncNow();
  const canDisconnect = useCan('manage_connections');
  const progress = useSyncProgress();
  const syncing = (id: string) => progress.organisations.some((s) => s.organisationId === id && isActive(s));

  return (
    <div className="space-y-4">
      <div className="-mx-5 overflow-x-auto">
        <table className="w-full" aria-label="Xero organisations">
          <thead className="border-b border-zinc-200 dark:border-zinc-800">
            <tr>
              <th scope="col" className={`${th} pl-5`}>Organisation</th>
              <th scope="col" className={th}>Currency</th>
              <th scope="col" className={th}>Status</th>
              <th scope="col" className={th}>Last synced</th>
              <th scope="col" className={`${th} text-right`}>API budget left</th>
              <th scope="col" className={`${th} pr-5 text-right`}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {organisations.map((org) => (
              <tr key={org.id} data-testid={`org-row-${org.id}`}>
                <td className={`${td} pl-5 font-medium`}>{org.name}</td>
                <td className={`${td} font-mono text-xs`}>{org.baseCurrency ?? '—'}</td>
                <td className={td}>
                  <OrganisationStatusBadge status={org.status} />
                </td>
                <td className={`${td} whitespace-nowrap text-zinc-600 dark:text-zinc-400`}>
                  {org.lastSyncedAt ? (
                    <time dateTime={org.lastSyncedAt} title={formatDateTime(org.lastSyncedAt)}>
                      {formatRelative(org.lastSyncedAt)}
                    </time>
                  ) : (
                    'Never'
                  )}
                </td>
                <td className={`${td} ${numericCell} whitespace-nowrap`} data-testid={`org-budget-${org.id}`}>
                  {formatBudget(org.budgetMinute, org.budgetDay)}
                </td>
                <td className={`${td} pr-5`}>
                  <div className="flex justify-end gap-2">
                    <button
                      type="button"
                      data-testid={`sync-now-${org.id}`}
                      className={buttonClass('secondary', 'py-1 text-xs')}
                      disabled={org.status === 'disconnected' || syncing(org.id)}
                      aria-label={`Sync ${org.name} now`}
                      onClick={() => sync.mutate(org.id)}
                    >
                      {syncing(org.id) ? 'Syncing…' : 'Sync now'}
                    </button>
                    {canDisconnect ? (
                      <button
                        type="button"
                        data-testid={`disconnect-${org.id}`}
                        className={buttonClass('ghost', 'py-1 text-xs')}
                        disabled={org.status === 'disconnected'}
                        aria-label={`Disconnect ${org.name}`}
                        onClick={() => setDisconnecting(org)}
                      >
                        Disconnect
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sync.isError ? <ErrorPanel error={sync.error} title="Could not start the sync" /> : null}
      {disconnecting && canDisconnect ? <DisconnectDialog organisation={disconnecting} onClose={() => setDisconnecting(null)} /> : null}
    </div>
  );
}
