import { EmptyState } from '../../components/ui/EmptyState';
import { QueryView } from '../../components/ui/QueryView';
import { numericCell } from '../../components/ui/styles';
import { td as cell, th } from '../../components/ui/tableStyles';
import type { PayoutRow } from '../../lib/bindings';
import { formatDate, formatMoney } from '../../lib/format';
import { payoutItemName, payoutStatus } from './status';
import { usePayouts } from './useDirectDebit';

const td = `${cell} align-top`;

/** The lines a payout is made of: each collected payment, fee, charge-back or refund with its signed amount. */
function PayoutItems({ payout }: { payout: PayoutRow }) {
  if (payout.items.length === 0) return <span className="text-zinc-500 dark:text-zinc-400">No lines synced</span>;
  return (
    <details data-testid={`payout-items-${payout.id}`}>
      <summary className="focus-ring cursor-pointer rounded-sm">
        {payout.items.length === 1 ? '1 line' : `${payout.items.length} lines`}
      </summary>
      <ul className="mt-2 space-y-1">
        {payout.items.map((item, i) => (
          <li key={i} className="flex justify-between gap-4 text-xs">
            <span>
              {payoutItemName(item.itemType)}
              {item.paymentId ? <span className="ml-1 font-mono text-zinc-500 dark:text-zinc-400">{item.paymentId}</span> : null}
            </span>
            <span className={numericCell}>{formatMoney(item.amount, payout.currency)}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** GoCardless payouts, newest first: what reaches the bank, the fees kept, and when. */
export function PayoutsTable() {
  const payouts = usePayouts();
  const StatusBadge = payoutStatus.StatusBadge;
  return (
    <QueryView query={payouts} loadingLabel="Loading payouts…" errorTitle="Could not load the payouts">
      {(rows) =>
        rows.length === 0 ? (
          <EmptyState title="No payouts yet">
            GoCardless pays collected money out a few working days after it is confirmed. Payouts appear here after
            the next sync once GoCardless is connected under Connections.
          </EmptyState>
        ) : (
          <div className="-mx-5 overflow-x-auto">
            <table className="w-full" aria-label="Payouts" data-testid="payouts-table">
              <thead className="border-b border-zinc-200 dark:border-zinc-800">
                <tr>
                  <th scope="col" className={`${th} pl-5`}>Reference</th>
                  <th scope="col" className={`${th} text-right`}>Amount</th>
                  <th scope="col" className={`${th} text-right`}>Fees</th>
                  <th scope="col" className={th}>Status</th>
                  <th scope="col" className={th}>Arrival</th>
                  <th scope="col" className={`${th} pr-5`}>Items</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {rows.map((p) => (
                  <tr key={p.id} data-testid={`payout-row-${p.id}`}>
                    <td className={`${td} pl-5`}>
                      <span className="font-medium text-zinc-900 dark:text-zinc-100">{p.reference || p.id}</span>
                      <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">{p.id}</span>
                    </td>
                    <td className={`${td} ${numericCell}`}>{formatMoney(p.amount, p.currency)}</td>
                    <td className={`${td} ${numericCell}`}>{formatMoney(p.deductedFees, p.currency)}</td>
                    <td className={td}>
                      <StatusBadge status={p.status} />
                    </td>
                    <td className={`${td} whitespace-nowrap`}>{p.arrivalDate ? formatDate(p.arrivalDate) : '—'}</td>
                    <td className={`${td} pr-5`}>
                      <PayoutItems payout={p} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </QueryView>
  );
}
