import { Badge } from '../../../components/ui/Badge';
import { BANK_TRANSACTION_STATUS as STATUS } from './status';

/** Xero's bank-transaction status; unknown values from a newer API are shown as sent. */
export function BankTransactionStatusBadge({ status }: { status: string }) {
  const known = STATUS[status];
  return (
    <Badge tone={known?.tone ?? 'neutral'} title={status}>
      {known?.label ?? status}
    </Badge>
  );
}

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
