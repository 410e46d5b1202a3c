import { listColumnHelper, type PagedTableProps } from '../../../components/ui/listTable';
import { VirtualTable } from '../../../components/ui/VirtualTable';
import type { BankTransactionRow, BankTransactionSort } from '../../../lib/bindings';
import { formatDate, formatMoney } from '../../../lib/format';
import { BankTransactionStatusBadge, ReconciledBadge } from './BankTransactionBadges';
import { bankTransactionTypeLabel } from './status';

const helper = listColumnHelper<BankTransactionRow>();

// Ids of sortable columns are the BankTransactionSort values Rust sorts by.
const columns = helper.columns([
  helper.accessor('date', { id: 'date', header: 'Date', cell: (c) => formatDate(c.getValue()) }),
  helper.accessor('transactionType', {
    id: 'type',
    header: 'Type',
    enableSorting: false,
    cell: (c) => bankTransactionTypeLabel(c.getValue()),
  }),
  helper.accessor('contactName', { id: 'contact', header: 'Contact' }),
  helper.accessor('reference', { id: 'reference', header: 'Reference', cell: (c) => c.getValue() ?? '—' }),
  helper.accessor('bankAccountName', {
    id: 'account',
    header: 'Bank account',
    enableSorting: false,
    cell: (c) => c.getValue() ?? '—',
  }),
  helper.accessor('isReconciled', {
    id: 'reconciled',
    header: 'Reconciled',
    enableSorting: false,
    cell: (c) => <ReconciledBadge reconciled={c.getValue()} />,
  }),
  helper.accessor('status', {
    id: 'status',
    header: 'Status',
    cell: (c) => <BankTransactionStatusBadge status={c.getValue()} />,
  }),
  helper.accessor('total', {
    id: 'total',
    header: 'Total',
    cell: (c) => formatMoney(c.getValue(), c.row.original.currency),
  }),
]);

const NUMERIC: ReadonlySet<string> = new Set(['total']);
const GRID = 'grid grid-cols-[7.5rem_9rem_minmax(10rem,1fr)_9rem_minmax(9rem,0.8fr)_8.5rem_7.5rem_9.5rem]';

const rowId = (row: BankTransactionRow) => `${row.organisationId}/${row.bankTransactionId}`;
const rowTestId = (row: BankTransactionRow) => row.bankTransactionId;

export function BankTransactionTable(props: PagedTableProps<BankTransactionRow, BankTransactionSort>) {
  return (
    <VirtualTable
      {...props}
      label="Bank transactions"
      noun="bank transactions"
      testIdPrefix="bank-transaction"
      columns={columns}
      grid={GRID}
      minWidth="min-w-[72rem]"
      numeric={NUMERIC}
      emphasis="contact"
      getRowId={rowId}
      rowTestId={rowTestId}
    />
  );
}
