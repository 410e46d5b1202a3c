import { Badge } from '../../../components/ui/Badge';
import { bankTransactionStatus } from './status';

/** Xero's bank-transaction status; unknown values from a newer API are shown as sent. */
export const BankTransactionStatusBadge = bankTransactionStatus.StatusBadge;

/** ✓ Reconciled, or nothing (the row is not matched to a bank statement line yet). */
export function ReconciledBadge({ reconciled }: { reconciled: boolean }) {
  return reconciled ? (
    <Badge tone="success" title="Reconciled">
      <span aria-hidden="true">✓</span> Reconciled
    </Badge>
  ) : (
    <span className="sr-only">Not reconciled</span>
  );
}
