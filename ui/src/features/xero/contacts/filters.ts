import type { ContactQuery, ContactSort } from '../../../lib/bindings';
import { commonFields } from '../../lists/filters';
import type { CommonFilters, FilterCodec, ListOptions } from '../../lists/filters';
import { setParam, yesNo, yesNoParam } from '../../lists/params';

export const CONTACT_STATUSES = ['ACTIVE', 'ARCHIVED'] as const;

/** Everything the contact list is filtered and sorted by; lives in the URL so Back and deep links keep it. */
export interface ContactFilters extends CommonFilters<ContactSort> {
  /** true: customers only, false: non-customers only, null: either. */
  isCustomer: boolean | null;
  isSupplier: boolean | null;
}

const OPTIONS: ListOptions<ContactSort> = {
  statuses: CONTACT_STATUSES,
  sorts: ['name', 'updated_utc'],
  /** A to Z. */
  defaultSort: { sort: 'name', descending: false },
};

export function parseFilters(params: URLSearchParams): ContactFilters {
  return {
    ...commonFields.parse(params, OPTIONS),
    isCustomer: yesNoParam(params, 'customer'),
    isSupplier: yesNoParam(params, 'supplier'),
  };
}

/** The inverse of parseFilters; defaults are left out so plain /contacts stays plain. */
export function filtersToParams(f: ContactFilters): URLSearchParams {
  return commonFields.toParams(f, OPTIONS, (params) => {
    setParam(params, 'customer', yesNo(f.isCustomer));
    setParam(params, 'supplier', yesNo(f.isSupplier));
  });
}

export function toContactQuery(f: ContactFilters, offset: number, limit: number): ContactQuery {
  return { ...commonFields.query(f, OPTIONS, offset, limit), isCustomer: f.isCustomer, isSupplier: f.isSupplier };
}

export function hasActiveFilters(f: ContactFilters): boolean {
  return commonFields.isActive(f) || f.isCustomer !== null || f.isSupplier !== null;
}

export const contactFilterCodec: FilterCodec<ContactFilters, ContactQuery> = {
  parse: parseFilters,
  toParams: filtersToParams,
  toQuery: toContactQuery,
  isActive: hasActiveFilters,
};
