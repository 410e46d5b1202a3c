import type { BankTransactionQuery, BankTransactionSort } from '../../lib/bindings';
import {
  isValidAmount,
  isValidDate,
  listParam,
  parseSort,
  setParam,
  setSort,
  textParam as text,
  yesNo,
  yesNoParam,
} from '../lists/params';

export const BANK_TRANSACTION_STATUSES = ['AUTHORISED', 'DELETED', 'VOIDED'] as const;
export const BANK_TRANSACTION_TYPES = [
  'RECEIVE',
  'SPEND',
  'RECEIVE-OVERPAYMENT',
  'SPEND-OVERPAYMENT',
  'RECEIVE-PREPAYMENT',
  'SPEND-PREPAYMENT',
  'RECEIVE-TRANSFER',
  'SPEND-TRANSFER',
] as const;
const SORTS: readonly BankTransactionSort[] = ['date', 'total', 'contact', 'reference', 'status'];

/** Everything the bank-transaction list is filtered and sorted by; lives in the URL. */
export interface BankTransactionFilters {
  organisationId: string | null;
  statuses: string[];
  types: string[];
  contactId: string | null;
  /** Only to label the contact filter; never sent to Rust. */
  contactName: string | null;
  isReconciled: boolean | null;
  dateFrom: string | null;
  dateTo: string | null;
  amountMin: string | null;
  amountMax: string | null;
  search: string | null;
  sort: BankTransactionSort;
  descending: boolean;
}

/** Newest first. */
export const DEFAULT_SORT: Pick<BankTransactionFilters, 'sort' | 'descending'> = { sort: 'date', descending: true };

export function parseFilters(params: URLSearchParams): BankTransactionFilters {
  return {
    organisationId: text(params, 'org'),
    statuses: listParam(params, 'status', BANK_TRANSACTION_STATUSES),
    types: listParam(params, 'type', BANK_TRANSACTION_TYPES),
    contactId: text(params, 'contact'),
    contactName: text(params, 'contactName'),
    isReconciled: yesNoParam(params, 'reconciled'),
    dateFrom: text(params, 'from', isValidDate),
    dateTo: text(params, 'to', isValidDate),
    amountMin: text(params, 'min', isValidAmount),
    amountMax: text(params, 'max', isValidAmount),
    search: text(params, 'q'),
    ...parseSort(params, SORTS, DEFAULT_SORT),
  };
}

/** The inverse of parseFilters; defaults are left out so plain /bank-transactions stays plain. */
export function filtersToParams(f: BankTransactionFilters): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string | null) => setParam(params, key, value);
  set('org', f.organisationId);
  for (const status of f.statuses) params.append('status', status);
  for (const type of f.types) params.append('type', type);
  set('contact', f.contactId);
  if (f.contactId) set('contactName', f.contactName);
  set('reconciled', yesNo(f.isReconciled));
  set('from', f.dateFrom);
  set('to', f.dateTo);
  set('min', f.amountMin);
  set('max', f.amountMax);
  set('q', f.search);
  setSort(params, f, DEFAULT_SORT);
  return params;
}

export function toBankTransactionQuery(f: BankTransactionFilters, offset: number, limit: number): BankTransactionQuery {
  return {
    organisationId: f.organisationId,
    // Offer order, so the same choice always makes the same query (and cache key).
    statuses: BANK_TRANSACTION_STATUSES.filter((s) => f.statuses.includes(s)),
    types: BANK_TRANSACTION_TYPES.filter((t) => f.types.includes(t)),
    contactId: f.contactId,
    isReconciled: f.isReconciled,
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

export function hasActiveFilters(f: BankTransactionFilters): boolean {
  return (
    f.organisationId !== null ||
    f.statuses.length > 0 ||
    f.types.length > 0 ||
    f.contactId !== null ||
    f.isReconciled !== null ||
    f.dateFrom !== null ||
    f.dateTo !== null ||
    f.amountMin !== null ||
    f.amountMax !== null ||
    f.search !== null
  );
}

/** Drops every filter but keeps the sort order. */
export function withoutFilters(f: BankTransactionFilters): BankTransactionFilters {
  return { ...parseFilters(new URLSearchParams()), sort: f.sort, descending: f.descending };
}
