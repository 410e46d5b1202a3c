import { invoiceStatus } from './status';

/** Xero's invoice status; unknown values from a newer API are shown as sent. */
export const InvoiceStatusBadge = invoiceStatus.StatusBadge;
