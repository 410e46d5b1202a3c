import { useQuery } from '@tanstack/react-query';

import { getInvoice, listInvoices } from '../../lib/ipc';
import { PAGE_SIZE, usePages } from '../lists/usePages';
import { toInvoiceQuery, type InvoiceFilters } from './filters';

export const invoicesKey = ['invoices'] as const;
export const INVOICE_PAGE_SIZE = PAGE_SIZE;

/** Pages of 200 rows, loaded on demand as the table scrolls; keyed by everything that shapes the query. */
export function useInvoicePages(filters: InvoiceFilters) {
  return usePages(
    // The query itself (offset 0) is the key: the contact's display name is not part of it.
    [...invoicesKey, 'list', toInvoiceQuery(filters, 0, PAGE_SIZE)],
    (offset, limit) => listInvoices(toInvoiceQuery(filters, offset, limit)),
  );
}

export function useInvoice(organisationId: string, invoiceId: string) {
  return useQuery({
    queryKey: [...invoicesKey, 'detail', organisationId, invoiceId],
    queryFn: () => getInvoice(organisationId, invoiceId),
  });
}
