import { statusBadge } from '../../components/ui/statusBadge';
import type { CollectionStatus } from '../../lib/bindings';

/** Where a collection is on its way to the bank, in words people use; failures say what happened. */
export const collectionStatus = statusBadge<CollectionStatus>(
  {
    intent: { tone: 'neutral', label: 'Queued', title: 'Written on this computer; sent to the provider when online' },
    pending_submission: { tone: 'accent', label: 'Pending submission' },
    submitted: { tone: 'accent', label: 'Submitted to the bank' },
    confirmed: { tone: 'success', label: 'Collected' },
    paid_out: { tone: 'success', label: 'Paid out' },
    failed: { tone: 'danger', label: 'Failed' },
    cancelled: { tone: 'neutral', label: 'Cancelled' },
    charged_back: { tone: 'danger', label: 'Charged back' },
    late_failure: { tone: 'danger', label: 'Returned by the bank' },
    refunded: { tone: 'warning', label: 'Refunded' },
  },
  { codeAsTitle: false },
);

export const PROVIDER_LABELS = { gocardless: 'GoCardless', saferpay: 'Saferpay' } as const;

export function providerName(p: string): string {
  return PROVIDER_LABELS[p as keyof typeof PROVIDER_LABELS] ?? p;
}
