import { numericCell } from '../../components/ui/styles';
import { td, th } from '../../components/ui/tableStyles';
import type { LineItemRow } from '../../lib/bindings';
import { formatMoney } from '../../lib/format';

/** Line items of an invoice or bank transaction, amounts in the record's currency. */
export function LineItemsTable({ lines, currency, emptyText }: { lines: LineItemRow[]; currency: string; emptyText: string }) {
  const money = (amount: string) => formatMoney(amount, currency);
  if (lines.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">{emptyText}</p>;
  return (
    <div className="-mx-5 -my-4 overflow-x-auto">
      <table className="w-full" aria-label="Line items" data-testid="line-items">
        <thead className="border-b border-zinc-200 dark:border-zinc-800">
          <tr>
            <th scope="col" className={`${th} pl-5`}>Description</th>
            <th scope="col" className={`${th} text-right`}>Quantity</th>
            <th scope="col" className={`${th} text-right`}>Unit price</th>
            <th scope="col" className={th}>Account</th>
            <th scope="col" className={th}>Tax</th>
            <th scope="col" className={`${th} text-right`}>Tax amount</th>
            <th scope="col" className={`${th} pr-5 text-right`}>Amount</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {lines.map((line, i) => (
            <tr key={i}>
              <td className={`${td} pl-5`}>{line.description || '—'}</td>
              <td className={`${td} ${numericCell}`}>{line.quantity}</td>
              <td className={`${td} ${numericCell}`}>{money(line.unitAmount)}</td>
              <td className={`${td} font-mono text-xs`}>{line.accountCode ?? '—'}</td>
              <td className={`${td} font-mono text-xs`}>{line.taxType ?? '—'}</td>
              <td className={`${td} ${numericCell}`}>{money(line.taxAmount)}</td>
              <td className={`${td} ${numericCell} pr-5`}>{money(line.lineAmount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
