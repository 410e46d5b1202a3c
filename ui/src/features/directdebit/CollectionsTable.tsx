import { Link } from 'react-router-dom';

import { EmptyState } from '../../components/ui/EmptyState';
import { QueryView } from '../../components/ui/QueryView';
import { numericCell } from '../../components/ui/styles';
import { formatDate, formatDateTime, formatMoney } from '../../lib/format';
import { collectionStatus, providerName } from './status';
import { COLLECTIONS_LIMIT, useCollections } from './useCollections';

const th = 'px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400';
const td = 'px-3 py-2 text-sm';

/** Every collection, newest first: the invoice, who collects, the amount, when, and where it stands. */
export function CollectionsTable() {
  const collections = useCollections();
  const StatusBadge = collectionStatus.StatusBadge;
  return (
    <QueryView query={collections} loadingLabel="Loading collections…" errorTitle="Could not load the collections">
      {(rows) =>
        rows.length === 0 ? (
          <EmptyState title="No collections yet">
            Collect an unpaid invoice by direct debit from its page once a customer has an active mandate; each
            collection is followed here from the request to the bank.
          </EmptyState>
        ) : (
          <div className="-mx-5 overflow-x-auto">
            <table className="w-full" aria-label="Collections">
              <caption className="sr-only">Latest {COLLECTIONS_LIMIT} collections, newest first</caption>
              <thead className="border-b border-zinc-200 dark:border-zinc-800">
                <tr>
                  <th scope="col" className={`${th} pl-5`}>Invoice</th>
                  <th scope="col" className={th}>Provider</th>
                  <th scope="col" className={`${th} text-right`}>Amount</th>
                  <th scope="col" className={th}>Charge date</th>
                  <th scope="col" className={th}>Status</th>
                  <th scope="col" className={`${th} pr-5`}>Updated</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {rows.map((c) => (
                  <tr key={c.id} data-testid={`collection-row-${c.id}`}>
                    <td className={`${td} pl-5`}>
                      <Link to={`/direct-debit/${c.id}`} className="focus-ring rounded-sm font-medium hover:underline">
                        {c.invoiceNumber ?? c.invoiceId}
                      </Link>
                    </td>
                    <td className={td}>{providerName(c.provider)}</td>
                    <td className={`${td} ${numericCell}`}>{formatMoney(c.amount, c.currency)}</td>
                    <td className={td}>{c.chargeDate ? formatDate(c.chargeDate) : 'Earliest possible'}</td>
                    <td className={td}>
                      <StatusBadge status={c.status} />
                    </td>
                    <td className={`${td} whitespace-nowrap pr-5`}>
                      <time dateTime={c.updatedAt}>{formatDateTime(c.updatedAt)}</time>
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
