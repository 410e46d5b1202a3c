import { Badge } from '../../../components/ui/Badge';
import { INVOICE_STATUS as STATUS } from './status';

/** Xero's invoice status; unknown values from a newer API are shown as sent. */
export function InvoiceStatusBadge({ status }: { status: string }) {
  const known = STATUS[status];
  return (
    <Badge tone={known?.tone ?? 'neutral'} title={status}>
      {known?.label ?? status}
    </Badge>
  );
}
