import { EmptyState } from '../../components/ui/EmptyState';
import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { Loading } from '../../components/ui/Loading';
import { td as cell, th } from '../../components/ui/tableStyles';
import { formatDate } from '../../lib/format';
import { bankOf, mandateStatus, providerName, schemeName } from './status';
import { useMandates } from './useDirectDebit';

const td = `${cell} align-top`;

/** Every mandate of GoCardless and Saferpay: who signed it, their bank, its scheme and whether it can be charged. */
export function MandatesTable() {
  const [gocardless, saferpay] = useMandates();
  const queries = [gocardless, saferpay];
  if (queries.some((q) => q.isPending)) return <Loading label="Loading mandates…" />;
  const rows = queries.flatMap((q) => q.data ?? []);
  const failed = [
    { query: gocardless, provider: 'GoCardless' },
    { query: saferpay, provider: 'Saferpay' },
  ].filter(({ query }) => query.isError);
  const StatusBadge = mandateStatus.StatusBadge;
  return (
    <div className="space-y-4">
      {failed.map(({ query, provider }) =>
        query.error ? (
          <ErrorPanel
            key={provider}
            error={query.error}
            title={`Could not load the ${provider} mandates`}
            retrying={query.isFetching}
            onRetry={() => void query.refetch()}
          />
        ) : null,
      )}
      {rows.length === 0 ? (
        failed.length === 2 ? null : (
          <EmptyState title="No mandates yet">
            Connect GoCardless or Saferpay under Connections. GoCardless mandates appear here after the next sync;
            a Saferpay mandate is recorded when a customer signs one for a debit.
          </EmptyState>
        )
      ) : (
        <div className="-mx-5 overflow-x-auto">
          <table className="w-full" aria-label="Mandates" data-testid="mandates-table">
            <thead className="border-b border-zinc-200 dark:border-zinc-800">
              <tr>
                <th scope="col" className={`${th} pl-5`}>Customer</th>
                <th scope="col" className={th}>Provider</th>
                <th scope="col" className={th}>Scheme</th>
                <th scope="col" className={th}>Bank</th>
                <th scope="col" className={th}>Status</th>
                <th scope="col" className={th}>Next possible charge</th>
                <th scope="col" className={`${th} pr-5`}>Reason</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {rows.map((m) => (
                <tr key={`${m.provider}-${m.id}`} data-testid={`mandate-row-${m.id}`}>
                  <td className={`${td} pl-5`}>
                    <span className="font-medium text-zinc-900 dark:text-zinc-100">{m.customerName ?? '—'}</span>
                    {m.customerEmail ? (
                      <span className="block text-xs text-zinc-500 dark:text-zinc-400">{m.customerEmail}</span>
                    ) : null}
                    <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">
                      {m.reference ?? m.id}
                    </span>
                  </td>
                  <td className={td}>{providerName(m.provider)}</td>
                  <td className={td}>{schemeName(m.scheme)}</td>
                  <td className={`${td} whitespace-nowrap`}>{bankOf(m)}</td>
                  <td className={td}>
                    <StatusBadge status={m.status} />
                  </td>
                  <td className={`${td} whitespace-nowrap`}>
                    {m.nextPossibleChargeDate ? formatDate(m.nextPossibleChargeDate) : '—'}
                  </td>
                  <td className={`${td} pr-5`}>{m.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
