import { statusBadge } from '../../../components/ui/statusBadge';

export const bankTransactionStatus = statusBadge<string>({
  AUTHORISED: { tone: 'success', label: 'Authorised' },
  DELETED: { tone: 'danger', label: 'Deleted' },
  VOIDED: { tone: 'danger', label: 'Voided' },
});

export const bankTransactionStatusLabel = bankTransactionStatus.label;

const TYPE_LABEL: Record<string, string> = {
  RECEIVE: 'Received',
  SPEND: 'Spent',
  'RECEIVE-OVERPAYMENT': 'Received (overpayment)',
  'SPEND-OVERPAYMENT': 'Spent (overpayment)',
  'RECEIVE-PREPAYMENT': 'Received (prepayment)',
  'SPEND-PREPAYMENT': 'Spent (prepayment)',
  'RECEIVE-TRANSFER': 'Received (transfer)',
  'SPEND-TRANSFER': 'Spent (transfer)',
};

/** "Received" / "Spent" (with the variant in brackets); unknown types are shown as sent. */
export function bankTransactionTypeLabel(type: string): string {
  return TYPE_LABEL[type] ?? type;
}
