import { useMutation, useQueryClient } from '@tanstack/react-query';

import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { buttonClass } from '../../components/ui/styles';
import type { CollectionSummary } from '../../lib/bindings';
import { cancelCollection } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';
import { useCan } from '../session/useSession';

/**
 * Cancel a GoCardless payment while it waits to go to the bank. Rust queues the cancellation (once, whatever the
 * clicks) and refuses it once the payment is on its way; GoCardless's own event then marks the collection cancelled.
 */
export function CancelCollection({ collection }: { collection: CollectionSummary }) {
  const canCollect = useCan('collect_payments');
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => cancelCollection(collection.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.collections }),
  });
  if (!canCollect || collection.provider !== 'gocardless' || collection.status !== 'pending_submission') return null;
  return (
    <div className="space-y-3" data-testid="cancel-collection">
      {cancel.isSuccess ? (
        <p role="status" data-testid="cancel-collection-sent" className="text-sm text-emerald-800 dark:text-emerald-300">
          Cancellation sent to GoCardless. The payment shows Cancelled once GoCardless confirms it, which the app reads right after sending.
        </p>
      ) : (
        <button
          type="button"
          data-testid="cancel-collection-submit"
          disabled={cancel.isPending}
          onClick={() => cancel.mutate()}
          className={buttonClass('secondary')}
        >
          {cancel.isPending ? 'Cancelling…' : 'Cancel this payment'}
        </button>
      )}
      {cancel.error ? <ErrorPanel error={cancel.error} title="The payment cannot be cancelled" /> : null}
    </div>
  );
}
