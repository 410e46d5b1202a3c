import { Badge } from '../../../components/ui/Badge';
import type { ContactRow } from '../../../lib/bindings';
import { contactStatus } from './status';

/** Xero's contact status; unknown values from a newer API are shown as sent. */
export const ContactStatusBadge = contactStatus.StatusBadge;

/** "Customer" and/or "Supplier"; a dash when Xero marks neither (no invoices or bills yet). */
export function ContactRoleBadges({ contact }: { contact: Pick<ContactRow, 'isCustomer' | 'isSupplier'> }) {
  if (!contact.isCustomer && !contact.isSupplier) return <span className="text-zinc-400">—</span>;
  return (
    <span className="inline-flex gap-1">
      {contact.isCustomer ? <Badge tone="accent">Customer</Badge> : null}
      {contact.isSupplier ? <Badge tone="warning">Supplier</Badge> : null}
    </span>
  );
}
