import type { InvoiceRow } from '../../lib/bindings';

/** An unpaid sales invoice with something still due (a decimal string above zero): what a direct debit can collect. */
export function isCollectable(row: InvoiceRow): boolean {
  const nothingDue = /^-|^0*(\.0*)?$/.test(row.amountDue.trim());
  return row.invoiceType === 'ACCREC' && row.status === 'AUTHORISED' && !nothingDue;
}
