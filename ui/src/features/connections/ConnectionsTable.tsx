import type { ConnectionSummary } from '../../lib/bindings';
import { formatCount, formatDateTime } from '../../lib/format';
import { DetailTable, type DetailColumn } from '../lists/DetailTable';
import { ConnectionStatusBadge } from './ConnectionStatusBadge';
import { providerLabel } from './providers';

const COLUMNS: Array<DetailColumn<ConnectionSummary>> = [
  { header: 'Provider', className: 'font-medium', cell: (c) => providerLabel(c.provider) },
  { header: 'Name', cell: (c) => c.displayName },
  { header: 'Status', cell: (c) => <ConnectionStatusBadge status={c.status} /> },
  {
    header: 'Last synced',
    className: 'text-zinc-600 dark:text-zinc-400',
    cell: (c) => (c.lastSyncedAt ? <time dateTime={c.lastSyncedAt}>{formatDateTime(c.lastSyncedAt)}</time> : 'Never'),
  },
  { header: 'Organisations', numeric: true, cell: (c) => formatCount(c.organisations) },
];

export function ConnectionsTable({ connections }: { connections: ConnectionSummary[] }) {
  return (
    <DetailTable
      label="Connections"
      rows={connections}
      columns={COLUMNS}
      rowKey={(c) => c.id}
      rowTestId={(c) => `connection-${c.id}`}
      emptyText="No providers connected yet."
    />
  );
}
