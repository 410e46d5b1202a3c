import { useQuery } from '@tanstack/react-query';

import { getInvoice, listInvoices } from '../../../lib/ipc';
import { queryKeys } from '../../../lib/queryKeys';
import { PAGE_SIZE, usePages } from '../../lists/usePages';
import { toInvoiceQuery, type InvoiceFilters } from './filters';

export const INVOICE_PAGE_SIZE = PAGE_SIZE;

/** Pages of 200 rows, loaded on demand as the table scrolls; keyed by everything that shapes the query. */
export function useInvoicePages(filters: InvoiceFilters) {
  return usePages(
    // The query itself (offset 0) is the key: the contact's display name is not part of it.
    [...queryKeys.invoices, 'list', toInvoiceQuery(filters, 0, PAGE_SIZE)],
    (offset, limit) => listInvoices(toInvoiceQuery(filters, offset, limit)),
  );
}

export function useInvoice(organisationId: string, invoiceId: string) {
  return useQuery({
    queryKey: [...queryKeys.invoices, 'detail', organisationId, invoiceId],
    queryFn: () => getInvoice(organisationId, invoiceId),
  });
}
