import { listColumnHelper, type PagedTableProps } from '../../../components/ui/listTable';
import { VirtualTable } from '../../../components/ui/VirtualTable';
import type { InvoiceRow, InvoiceSort } from '../../../lib/bindings';
import { formatDate, formatMoney } from '../../../lib/format';
import { InvoiceStatusBadge } from './InvoiceStatusBadge';

export { ROW_HEIGHT } from '../../../components/ui/listTable';

const helper = listColumnHelper<InvoiceRow>();

// Column ids are the InvoiceSort values Rust sorts by.
const columns = helper.columns([
  helper.accessor('number', { id: 'number', header: 'Number' }),
  helper.accessor('contactName', { id: 'contact', header: 'Contact' }),
  helper.accessor('date', { id: 'date', header: 'Date', cell: (c) => formatDate(c.getValue()) }),
  helper.accessor('dueDate', { id: 'due_date', header: 'Due', cell: (c) => formatDate(c.getValue()) }),
  helper.accessor('status', { id: 'status', header: 'Status', cell: (c) => <InvoiceStatusBadge status={c.getValue()} /> }),
  helper.accessor('total', {
    id: 'total',
    header: 'Total',
    cell: (c) => formatMoney(c.getValue(), c.row.original.currency),
  }),
  helper.accessor('amountDue', {
    id: 'amount_due',
    header: 'Amount due',
    cell: (c) => formatMoney(c.getValue(), c.row.original.currency),
  }),
]);

const NUMERIC: ReadonlySet<string> = new Set(['total', 'amount_due']);
// The min-width below is the sum of the tracks' minimums (58rem), so nothing clips; it fits a 1280 px window.
const GRID = 'grid grid-cols-[8rem_minmax(9rem,1fr)_7.5rem_7rem_9.5rem_8.5rem_8.5rem]';

const rowId = (row: InvoiceRow) => `${row.organisationId}/${row.invoiceId}`;
const rowTestId = (row: InvoiceRow) => row.invoiceId;

export function InvoiceTable(props: PagedTableProps<InvoiceRow, InvoiceSort>) {
  return (
    <VirtualTable
      {...props}
      label="Invoices"
      noun="invoices"
      testIdPrefix="invoice"
      columns={columns}
      grid={GRID}
      minWidth="min-w-[58rem]"
      numeric={NUMERIC}
      emphasis="number"
      getRowId={rowId}
      rowTestId={rowTestId}
    />
  );
}
