import type { BadgeTone } from '../../../components/ui/Badge';

/** Xero's invoice statuses in words people use; tones follow "needs action" (amber/blue) vs "settled". */
export const INVOICE_STATUS: Record<string, { tone: BadgeTone; label: string }> = {
  DRAFT: { tone: 'neutral', label: 'Draft' },
  SUBMITTED: { tone: 'warning', label: 'Awaiting approval' },
  AUTHORISED: { tone: 'accent', label: 'Awaiting payment' },
  PAID: { tone: 'success', label: 'Paid' },
  VOIDED: { tone: 'danger', label: 'Voided' },
  DELETED: { tone: 'danger', label: 'Deleted' },
};

export function invoiceStatusLabel(status: string): string {
  return INVOICE_STATUS[status]?.label ?? status;
}
