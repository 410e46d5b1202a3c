import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';

import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { buttonClass, fieldInput, fieldLabel } from '../../components/ui/styles';
import type { CollectionSummary } from '../../lib/bindings';
import { refundCollection, retryCollection } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';
import { useCan } from '../session/useSession';

/** Statuses whose money can (still) be given back, per provider: GoCardless keeps a refunded payment refundable until
 * all of it is back; a Saferpay debit turns `refunded` only once all of it is. */
const REFUNDABLE: Record<string, string[]> = {
  gocardless: ['confirmed', 'paid_out', 'refunded'],
  saferpay: ['confirmed', 'paid_out'],
};

const REFUND_SENT: Record<string, string> = {
  gocardless:
    'Refund sent to GoCardless. It shows on the timeline once GoCardless confirms it, which the app reads right after sending.',
  saferpay:
    'Refund queued for Saferpay. The outbox sends it once; it shows on the timeline as soon as Saferpay has made it.',
};

/**
 * What can still be done with a collection: try a failed GoCardless payment again, or give collected money back (all
 * of it, or an amount) through GoCardless or Saferpay. Rust checks the status, the amount and who asks, and queues
 * each request once.
 */
export function CollectionAftercare({ collection }: { collection: CollectionSummary }) {
  const canCollect = useCan('collect_payments');
  if (!canCollect) return null;
  if (collection.status === 'failed' && collection.provider === 'gocardless') return <Retry collection={collection} />;
  if (REFUNDABLE[collection.provider]?.includes(collection.status)) return <Refund collection={collection} />;
  return null;
}

function useQueued<T>(fn: (args: T) => Promise<void>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.collections }),
  });
}

function Retry({ collection }: { collection: CollectionSummary }) {
  const retry = useQueued(() => retryCollection(collection.id));
  return (
    <div className="space-y-3" data-testid="retry-collection">
      {retry.isSuccess ? (
        <p role="status" data-testid="retry-collection-sent" className="text-sm text-emerald-800 dark:text-emerald-300">
          Retry sent to GoCardless. The payment goes back to the bank; the app reads GoCardless's answer right after sending.
        </p>
      ) : (
        <button
          type="button"
          data-testid="retry-collection-submit"
          disabled={retry.isPending}
          onClick={() => retry.mutate(undefined)}
          className={buttonClass('secondary')}
        >
          {retry.isPending ? 'Retrying…' : 'Try this payment again'}
        </button>
      )}
      {retry.error ? <ErrorPanel error={retry.error} title="The payment cannot be tried again" /> : null}
    </div>
  );
}

function Refund({ collection }: { collection: CollectionSummary }) {
  const [amount, setAmount] = useState('');
  const amountId = useId();
  const refund = useQueued((value: string | null) => refundCollection(collection.id, value));
  if (refund.isSuccess) {
    return (
      <p role="status" data-testid="refund-collection-sent" className="text-sm text-emerald-800 dark:text-emerald-300">
        {REFUND_SENT[collection.provider]}
      </p>
    );
  }
  return (
    <form
      data-testid="refund-collection"
      className="flex flex-wrap items-end gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        refund.mutate(amount.trim() === '' ? null : amount.trim());
      }}
    >
      <div className="w-40">
        <label htmlFor={amountId} className={fieldLabel}>
          Refund ({collection.currency})
        </label>
        <input
          id={amountId}
          inputMode="decimal"
          placeholder="All of it"
          data-testid="refund-amount"
          value={amount}
          onChange={(e) => {
            refund.reset();
            setAmount(e.target.value);
          }}
          className={fieldInput}
        />
      </div>
      <button type="submit" data-testid="refund-submit" disabled={refund.isPending} className={buttonClass('secondary')}>
        {refund.isPending ? 'Refunding…' : 'Refund'}
      </button>
      {refund.error ? (
        <div className="basis-full">
          <ErrorPanel error={refund.error} title="The money cannot be refunded" />
        </div>
      ) : null}
    </form>
  );
}
