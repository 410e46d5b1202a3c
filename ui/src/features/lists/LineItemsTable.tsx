import type { LineItemRow } from '../../lib/bindings';
import { formatMoney } from '../../lib/format';
import { DetailTable, type DetailColumn } from './DetailTable';

const columns = (currency: string): Array<DetailColumn<LineItemRow>> => [
  { header: 'Description', cell: (line) => line.description || '—' },
  { header: 'Quantity', numeric: true, cell: (line) => line.quantity },
  { header: 'Unit price', numeric: true, cell: (line) => formatMoney(line.unitAmount, currency) },
  { header: 'Account', className: 'font-mono text-xs', cell: (line) => line.accountCode ?? '—' },
  { header: 'Tax', className: 'font-mono text-xs', cell: (line) => line.taxType ?? '—' },
  { header: 'Tax amount', numeric: true, cell: (line) => formatMoney(line.taxAmount, currency) },
  { header: 'Amount', numeric: true, cell: (line) => formatMoney(line.lineAmount, currency) },
];

/** Line items of an invoice or bank transaction, amounts in the record's currency. */
export function LineItemsTable({ lines, currency, emptyText }: { lines: LineItemRow[]; currency: string; emptyText: string }) {
  return (
    <DetailTable
      label="Line items"
      testId="line-items"
      rows={lines}
      columns={columns(currency)}
      rowKey={(_, i) => String(i)}
      emptyText={emptyText}
    />
  );
}
