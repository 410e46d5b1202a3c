import { numericCell } from '../../components/ui/styles';
import type { ConnectionSummary } from '../../lib/bindings';
import { formatCount, formatDateTime } from '../../lib/format';
import { ConnectionStatusBadge } from './ConnectionStatusBadge';
import { providerLabel } from './providers';

const th = 'px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400';
const td = 'px-3 py-2.5 text-sm';

export function ConnectionsTable({ connections }: { connections: ConnectionSummary[] }) {
  return (
    <div className="-mx-5 -my-4 overflow-x-auto">
      <table className="w-full" aria-label="Connections">
        <thead className="border-b border-zinc-200 dark:border-zinc-800">
          <tr>
            <th scope="col" className={`${th} pl-5`}>Provider</th>
            <th scope="col" className={th}>Name</th>
            <th scope="col" className={th}>Status</th>
            <th scope="col" className={th}>Last synced</th>
            <th scope="col" className={`${th} pr-5 text-right`}>Organisations</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {connections.map((c) => (
            <tr key={c.id} data-testid={`connection-${c.id}`}>
              <td className={`${td} pl-5 font-medium`}>{providerLabel(c.provider)}</td>
              <td className={td}>{c.displayName}</td>
              <td className={td}>
                <ConnectionStatusBadge status={c.status} />
              </td>
              <td className={`${td} text-zinc-600 dark:text-zinc-400`}>
                {c.lastSyncedAt ? <time dateTime={c.lastSyncedAt}>{formatDateTime(c.lastSyncedAt)}</time> : 'Never'}
              </td>
              <td className={`${td} ${numericCell} pr-5`}>{formatCount(c.organisations)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
