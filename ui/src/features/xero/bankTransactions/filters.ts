import type { BankTransactionQuery, BankTransactionSort } from '../../../lib/bindings';
import { commonFields, contactFields, rangeFields } from '../../lists/filters';
import type { CommonFilters, ContactFilter, FilterCodec, ListOptions, RangeFilters } from '../../lists/filters';
import { listParam, setParam, yesNo, yesNoParam } from '../../lists/params';

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

/** Everything the bank-transaction list is filtered and sorted by; lives in the URL. */
export interface BankTransactionFilters extends CommonFilters<BankTransactionSort>, ContactFilter, RangeFilters {
  types: string[];
  isReconciled: boolean | null;
}

const OPTIONS: ListOptions<BankTransactionSort> = {
  statuses: BANK_TRANSACTION_STATUSES,
  sorts: ['date', 'total', 'contact', 'reference', 'status'],
  /** Newest first. */
  defaultSort: { sort: 'date', descending: true },
};

export function parseFilters(params: URLSearchParams): BankTransactionFilters {
  return {
    ...commonFields.parse(params, OPTIONS),
    types: listParam(params, 'type', BANK_TRANSACTION_TYPES),
    ...contactFields.parse(params),
    isReconciled: yesNoParam(params, 'reconciled'),
    ...rangeFields.parse(params),
  };
}

/** The inverse of parseFilters; defaults are left out so plain /bank-transactions stays plain. */
export function filtersToParams(f: BankTransactionFilters): URLSearchParams {
  return commonFields.toParams(f, OPTIONS, (params) => {
    for (const type of f.types) params.append('type', type);
    contactFields.set(params, f);
    setParam(params, 'reconciled', yesNo(f.isReconciled));
    rangeFields.set(params, f);
  });
}

export function toBankTransactionQuery(f: BankTransactionFilters, offset: number, limit: number): BankTransactionQuery {
  return {
    ...commonFields.query(f, OPTIONS, offset, limit),
    // Offer order, like the statuses.
    types: BANK_TRANSACTION_TYPES.filter((t) => f.types.includes(t)),
    contactId: f.contactId,
    isReconciled: f.isReconciled,
    ...rangeFields.query(f),
  };
}

export function hasActiveFilters(f: BankTransactionFilters): boolean {
  return (
    commonFields.isActive(f) ||
    f.types.length > 0 ||
    contactFields.isActive(f) ||
    f.isReconciled !== null ||
    rangeFields.isActive(f)
  );
}

export const bankTransactionFilterCodec: FilterCodec<BankTransactionFilters, BankTransactionQuery> = {
  parse: parseFilters,
  toParams: filtersToParams,
  toQuery: toBankTransactionQuery,
  isActive: hasActiveFilters,
};
