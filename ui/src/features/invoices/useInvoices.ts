import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';

import { getInvoice, listInvoices } from '../../lib/ipc';
import { toInvoiceQuery, type InvoiceFilters } from './filters';

export const invoicesKey = ['invoices'] as const;
export const INVOICE_PAGE_SIZE = 200;

/** Pages of 200 rows, loaded on demand as the table scrolls; keyed by everything that shapes the query. */
export function useInvoicePages(filters: InvoiceFilters) {
  return useInfiniteQuery({
    // The query itself (offset 0) is the key: the contact's display name is not part of it.
    queryKey: [...invoicesKey, 'list', toInvoiceQuery(filters, 0, INVOICE_PAGE_SIZE)],
    queryFn: ({ pageParam }) => listInvoices(toInvoiceQuery(filters, pageParam, INVOICE_PAGE_SIZE)),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.rows.length, 0);
      return last.rows.length > 0 && loaded < last.total ? loaded : undefined;
    },
    // Keep the old rows on screen while a new filter loads instead of flashing a skeleton.
    placeholderData: keepPreviousData,
  });
}

export function useInvoice(organisationId: string, invoiceId: string) {
  return useQuery({
    queryKey: [...invoicesKey, 'detail', organisationId, invoiceId],
    queryFn: () => getInvoice(organisationId, invoiceId),
  });
}
