import { statusBadge } from '../../components/ui/statusBadge';
import type { CollectionStatus, MandateRow } from '../../lib/bindings';

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

/** A mandate's status in words (GoCardless's vocabulary, plus Saferpay's `revoked`). */
export const mandateStatus = statusBadge<string>({
  pending_customer_approval: { tone: 'neutral', label: 'Awaiting the customer' },
  pending_submission: { tone: 'accent', label: 'Pending submission', title: 'Submitted to the bank with its first payment' },
  submitted: { tone: 'accent', label: 'Submitted to the bank' },
  active: { tone: 'success', label: 'Active' },
  suspended_by_payer: { tone: 'warning', label: 'Suspended by the payer' },
  cancelled: { tone: 'neutral', label: 'Cancelled' },
  failed: { tone: 'danger', label: 'Failed' },
  expired: { tone: 'neutral', label: 'Expired', title: 'Unused for 13 months (SEPA)' },
  consumed: { tone: 'neutral', label: 'Used up' },
  blocked: { tone: 'danger', label: 'Blocked' },
  revoked: { tone: 'neutral', label: 'Revoked' },
});

/** A GoCardless payout's status in words. */
export const payoutStatus = statusBadge<string>({
  pending: { tone: 'accent', label: 'On its way', title: 'Created; not yet in your bank account' },
  paid: { tone: 'success', label: 'Paid' },
  bounced: { tone: 'danger', label: 'Bounced', title: 'Your bank returned it; GoCardless retries after the bank details are fixed' },
});

const SCHEMES: Record<string, string> = {
  sepa_core: 'SEPA Core',
  sepa_cor1: 'SEPA COR1',
  bacs: 'Bacs',
  autogiro: 'Autogiro',
  becs: 'BECS',
  DIRECTDEBIT: 'SEPA (Saferpay)',
};

export function schemeName(scheme: string): string {
  return SCHEMES[scheme] ?? scheme;
}

/** A payout line's type in words; an unknown type is shown as GoCardless sent it. */
const PAYOUT_ITEMS: Record<string, string> = {
  payment_paid_out: 'Payment collected',
  payment_failed: 'Late failure',
  payment_charged_back: 'Charge-back',
  payment_refunded: 'Refund',
  refund: 'Refund',
  refund_funds_returned: 'Refund returned',
  gocardless_fee: 'GoCardless fee',
  app_fee: 'App fee',
  surcharge_fee: 'Surcharge',
  revenue_share: 'Revenue share',
};

export function payoutItemName(itemType: string): string {
  return PAYOUT_ITEMS[itemType] ?? itemType;
}

/** The bank and the last characters of the account, e.g. "Commerzbank ••3000"; never more of the number. */
export function bankOf(m: MandateRow): string {
  const ending = m.accountEnding ? `••${m.accountEnding}` : null;
  return [m.bankName, ending].filter(Boolean).join(' ') || '—';
}
