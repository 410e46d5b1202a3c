import { statusBadge } from '../../../components/ui/statusBadge';

/** Xero's invoice statuses in words people use; tones follow "needs action" (amber/blue) vs "settled". */
export const invoiceStatus = statusBadge<string>({
  DRAFT: { tone: 'neutral', label: 'Draft' },
  SUBMITTED: { tone: 'warning', label: 'Awaiting approval' },
  AUTHORISED: { tone: 'accent', label: 'Awaiting payment' },
  PAID: { tone: 'success', label: 'Paid' },
  VOIDED: { tone: 'danger', label: 'Voided' },
  DELETED: { tone: 'danger', label: 'Deleted' },
});

export const invoiceStatusLabel = invoiceStatus.label;
