import type { InvoiceQuery, InvoiceSort } from '../../../lib/bindings';
import { commonFields, contactFields, rangeFields } from '../../lists/filters';
import type { CommonFilters, ContactFilter, FilterCodec, ListOptions, RangeFilters } from '../../lists/filters';
import { isValidAmount, setParam, textParam } from '../../lists/params';

export { isValidAmount };

export const INVOICE_STATUSES = ['DRAFT', 'SUBMITTED', 'AUTHORISED', 'PAID', 'VOIDED', 'DELETED'] as const;

/** Everything the invoice list is filtered and sorted by; lives in the URL so Back and deep links keep it. */
export interface InvoiceFilters extends CommonFilters<InvoiceSort>, ContactFilter, RangeFilters {
  currency: string | null;
}

const OPTIONS: ListOptions<InvoiceSort> = {
  statuses: INVOICE_STATUSES,
  sorts: ['date', 'due_date', 'number', 'contact', 'total', 'amount_due', 'status'],
  /** Newest first. */
  defaultSort: { sort: 'date', descending: true },
};

const CURRENCY = /^[A-Z]{3}$/;

export const isValidCurrency = (text: string) => CURRENCY.test(text.trim().toUpperCase());

export function parseFilters(params: URLSearchParams): InvoiceFilters {
  return {
    ...commonFields.parse(params, OPTIONS),
    ...contactFields.parse(params),
    currency: textParam(params, 'currency', (v) => CURRENCY.test(v)),
    ...rangeFields.parse(params),
  };
}

/** The inverse of parseFilters; defaults are left out so plain /invoices stays plain. */
export function filtersToParams(f: InvoiceFilters): URLSearchParams {
  return commonFields.toParams(f, OPTIONS, (params) => {
    contactFields.set(params, f);
    setParam(params, 'currency', f.currency);
    rangeFields.set(params, f);
  });
}

export function toInvoiceQuery(f: InvoiceFilters, offset: number, limit: number): InvoiceQuery {
  return {
    ...commonFields.query(f, OPTIONS, offset, limit),
    contactId: f.contactId,
    currency: f.currency,
    ...rangeFields.query(f),
  };
}

export function hasActiveFilters(f: InvoiceFilters): boolean {
  return commonFields.isActive(f) || contactFields.isActive(f) || f.currency !== null || rangeFields.isActive(f);
}

export const invoiceFilterCodec: FilterCodec<InvoiceFilters, InvoiceQuery> = {
  parse: parseFilters,
  toParams: filtersToParams,
  toQuery: toInvoiceQuery,
  isActive: hasActiveFilters,
};
