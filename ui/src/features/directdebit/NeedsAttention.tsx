import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';

import { Card } from '../../components/ui/Card';
import { EmptyState } from '../../components/ui/EmptyState';
import { QueryView } from '../../components/ui/QueryView';
import { buttonClass, linkClass } from '../../components/ui/styles';
import type { SettlementAttention } from '../../lib/bindings';
import { formatDateTime } from '../../lib/format';
import { listSettlementAttention } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';

/** The newest bookings whose notes are read. */
const BOOKINGS = 200;
/** Shown before "Show all": the page's other cards stay in reach. */
const FIRST = 5;

const PROVIDER: Record<string, string> = { gocardless: 'GoCardless', saferpay: 'Saferpay' };

function useSettlementAttention() {
  return useQuery({
    queryKey: [...queryKeys.collections, 'attention'],
    queryFn: () => listSettlementAttention(BOOKINGS),
  });
}

function Item({ item }: { item: SettlementAttention }) {
  const invoice = item.invoiceNumber ?? item.invoiceId;
  return (
    <li data-testid={`attention-${item.kind}`} className="space-y-1 py-3 first:pt-0 last:pb-0">
      <p className="text-sm text-zinc-900 dark:text-zinc-100">{item.message}</p>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        {PROVIDER[item.provider] ?? item.provider} · {formatDateTime(item.bookedAt)}
        {invoice && item.invoiceId ? (
          <>
            {' · '}
            <Link to={`/invoices/${item.organisationId}/${item.invoiceId}`} className={linkClass}>
              Invoice {invoice}
            </Link>
          </>
        ) : null}
      </p>
    </li>
  );
}

function AttentionList({ items }: { items: SettlementAttention[] }) {
  const [all, setAll] = useState(false);
  const shown = all ? items : items.slice(0, FIRST);
  return (
    <div className="space-y-3">
      <ul data-testid="attention-list" className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {shown.map((item, i) => (
          <Item key={`${item.bookedAt}-${item.kind}-${i}`} item={item} />
        ))}
      </ul>
      {items.length > FIRST ? (
        <button
          type="button"
          data-testid="attention-toggle"
          className={buttonClass('secondary')}
          onClick={() => setAll((v) => !v)}
        >
          {all ? 'Show fewer' : `Show all ${items.length}`}
        </button>
      ) : null}
    </div>
  );
}

/**
 * What the books could not settle alone: the settlement booked the money and says here what a person
 * does next (chase a charged-back invoice, record a credit note for a refund, place money that
 * belongs to no invoice). Nothing is hidden when all is well: the card says so.
 */
export function NeedsAttention() {
  const attention = useSettlementAttention();
  return (
    <Card title="Needs attention" description="What the direct-debit bookings in Xero leave for a person to do.">
      <QueryView query={attention} loadingLabel="Loading…" errorTitle="Could not load what needs attention">
        {(items) =>
          items.length === 0 ? (
            <EmptyState title="Nothing needs attention">
              Charge-backs, partial payments and refunds that need a credit note appear here once they are booked.
            </EmptyState>
          ) : (
            <AttentionList items={items} />
          )
        }
      </QueryView>
    </Card>
  );
}
