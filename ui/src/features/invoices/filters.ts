import type { InvoiceQuery, InvoiceSort } from '../../lib/bindings';
import { isValidAmount, isValidDate, listParam, parseSort, setParam, setSort, textParam as text } from '../lists/params';

export { isValidAmount };

export const INVOICE_STATUSES = ['DRAFT', 'SUBMITTED', 'AUTHORISED', 'PAID', 'VOIDED', 'DELETED'] as const;

const SORTS: readonly InvoiceSort[] = ['date', 'due_date', 'number', 'contact', 'total', 'amount_due', 'status'];

/** Everything the invoice list is filtered and sorted by; lives in the URL so Back and deep links keep it. */
export interface InvoiceFilters {
  organisationId: string | null;
  statuses: string[];
  contactId: string | null;
  /** Only to label the contact filter; never sent to Rust. */
  contactName: string | null;
  currency: string | null;
  dateFrom: string | null;
  dateTo: string | null;
  amountMin: string | null;
  amountMax: string | null;
  search: string | null;
  sort: InvoiceSort;
  descending: boolean;
}

/** Newest first. */
export const DEFAULT_SORT: Pick<InvoiceFilters, 'sort' | 'descending'> = { sort: 'date', descending: true };

const CURRENCY = /^[A-Z]{3}$/;

export const isValidCurrency = (text: string) => CURRENCY.test(text.trim().toUpperCase());

export function parseFilters(params: URLSearchParams): InvoiceFilters {
  return {
    organisationId: text(params, 'org'),
    statuses: listParam(params, 'status', INVOICE_STATUSES),
    contactId: text(params, 'contact'),
    contactName: text(params, 'contactName'),
    currency: text(params, 'currency', (v) => CURRENCY.test(v)),
    dateFrom: text(params, 'from', isValidDate),
    dateTo: text(params, 'to', isValidDate),
    amountMin: text(params, 'min', isValidAmount),
    amountMax: text(params, 'max', isValidAmount),
    search: text(params, 'q'),
    ...parseSort(params, SORTS, DEFAULT_SORT),
  };
}

/** The inverse of parseFilters; defaults are left out so plain /invoices stays plain. */
export function filtersToParams(f: InvoiceFilters): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string | null) => setParam(params, key, value);
  set('org', f.organisationId);
  for (const status of f.statuses) params.append('status', status);
  set('contact', f.contactId);
  if (f.contactId) set('contactName', f.contactName);
  set('currency', f.currency);
  set('from', f.dateFrom);
  set('to', f.dateTo);
  set('min', f.amountMin);
  set('max', f.amountMax);
  set('q', f.search);
  setSort(params, f, DEFAULT_SORT);
  return params;
}

export function toInvoiceQuery(f: InvoiceFilters, offset: number, limit: number): InvoiceQuery {
  return {
    organisationId: f.organisationId,
    // Offer order, so the same choice always makes the same query (and cache key).
    statuses: INVOICE_STATUSES.filter((s) => f.statuses.includes(s)),
    contactId: f.contactId,
    currency: f.currency,
    dateFrom: f.dateFrom,
    dateTo: f.dateTo,
    amountMin: f.amountMin,
    amountMax: f.amountMax,
    search: f.search,
    sort: f.sort,
    descending: f.descending,
    offset,
    limit,
  };
}

export function hasActiveFilters(f: InvoiceFilters): boolean {
  return (
    f.organisationId !== null ||
    f.statuses.length > 0 ||
    f.contactId !== null ||
    f.currency !== null ||
    f.dateFrom !== null ||
    f.dateTo !== null ||
    f.amountMin !== null ||
    f.amountMax !== null ||
    f.search !== null
  );
}

/** Drops every filter but keeps the sort order. */
export function withoutFilters(f: InvoiceFilters): InvoiceFilters {
  return {
    ...parseFilters(new URLSearchParams()),
    sort: f.sort,
    descending: f.descending,
  };
}
