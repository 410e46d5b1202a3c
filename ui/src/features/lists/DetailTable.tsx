import type { ReactNode } from 'react';

import { numericCell } from '../../components/ui/styles';
import { td, th } from '../../components/ui/tableStyles';

/** One column of a detail table. */
export interface DetailColumn<TRow> {
  header: string;
  /** Right-aligned tabular figures, for amounts and counts. */
  numeric?: boolean;
  /** More classes for the cells, e.g. 'font-mono text-xs'. */
  className?: string;
  cell: (row: TRow) => ReactNode;
}

interface DetailTableProps<TRow> {
  /** The table's accessible name, e.g. "Payments". */
  label: string;
  /** On the table, or on the empty note when there are no rows. */
  testId?: string;
  rows: readonly TRow[];
  columns: ReadonlyArray<DetailColumn<TRow>>;
  rowKey: (row: TRow, index: number) => string;
  rowTestId?: (row: TRow) => string;
  /** Said instead of an empty table. */
  emptyText: string;
}

/**
 * A small table filling the card of a detail page (line items, payments, outstanding amounts), edge to edge,
 * or one sentence when it has no rows.
 */
export function DetailTable<TRow>({ label, testId, rows, columns, rowKey, rowTestId, emptyText }: DetailTableProps<TRow>) {
  if (rows.length === 0) {
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid={testId}>
        {emptyText}
      </p>
    );
  }
  // The card's padding is undone so the rows reach its edges; the outer cells put it back.
  const edge = (i: number) => (i === 0 ? 'pl-5' : i === columns.length - 1 ? 'pr-5' : '');
  return (
    <div className="-mx-5 -my-4 overflow-x-auto">
      <table className="w-full" aria-label={label} data-testid={testId}>
        <thead className="border-b border-zinc-200 dark:border-zinc-800">
          <tr>
            {columns.map((c, i) => (
              <th key={c.header} scope="col" className={`${th} ${edge(i)} ${c.numeric ? 'text-right' : ''}`}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.map((row, r) => (
            <tr key={rowKey(row, r)} data-testid={rowTestId?.(row)}>
              {columns.map((c, i) => (
                <td key={c.header} className={`${td} ${edge(i)} ${c.numeric ? numericCell : ''} ${c.className ?? ''}`}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
