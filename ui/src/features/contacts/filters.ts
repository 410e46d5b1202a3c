import type { ContactQuery, ContactSort } from '../../lib/bindings';
import { listParam, parseSort, setParam, setSort, textParam, yesNo, yesNoParam } from '../lists/params';

export const CONTACT_STATUSES = ['ACTIVE', 'ARCHIVED'] as const;
const SORTS: readonly ContactSort[] = ['name', 'updated_utc'];

/** Everything the contact list is filtered and sorted by; lives in the URL so Back and deep links keep it. */
export interface ContactFilters {
  organisationId: string | null;
  statuses: string[];
  /** true: customers only, false: non-customers only, null: either. */
  isCustomer: boolean | null;
  isSupplier: boolean | null;
  search: string | null;
  sort: ContactSort;
  descending: boolean;
}

/** A to Z. */
export const DEFAULT_SORT: Pick<ContactFilters, 'sort' | 'descending'> = { sort: 'name', descending: false };

export function parseFilters(params: URLSearchParams): ContactFilters {
  return {
    organisationId: textParam(params, 'org'),
    statuses: listParam(params, 'status', CONTACT_STATUSES),
    isCustomer: yesNoParam(params, 'customer'),
    isSupplier: yesNoParam(params, 'supplier'),
    search: textParam(params, 'q'),
    ...parseSort(params, SORTS, DEFAULT_SORT),
  };
}

/** The inverse of parseFilters; defaults are left out so plain /contacts stays plain. */
export function filtersToParams(f: ContactFilters): URLSearchParams {
  const params = new URLSearchParams();
  setParam(params, 'org', f.organisationId);
  for (const status of f.statuses) params.append('status', status);
  setParam(params, 'customer', yesNo(f.isCustomer));
  setParam(params, 'supplier', yesNo(f.isSupplier));
  setParam(params, 'q', f.search);
  setSort(params, f, DEFAULT_SORT);
  return params;
}

export function toContactQuery(f: ContactFilters, offset: number, limit: number): ContactQuery {
  return {
    organisationId: f.organisationId,
    // Offer order, so the same choice always makes the same query (and cache key).
    statuses: CONTACT_STATUSES.filter((s) => f.statuses.includes(s)),
    isCustomer: f.isCustomer,
    isSupplier: f.isSupplier,
    search: f.search,
    sort: f.sort,
    descending: f.descending,
    offset,
    limit,
  };
}

export function hasActiveFilters(f: ContactFilters): boolean {
  return (
    f.organisationId !== null || f.statuses.length > 0 || f.isCustomer !== null || f.isSupplier !== null || f.search !== null
  );
}

/** Drops every filter but keeps the sort order. */
export function withoutFilters(f: ContactFilters): ContactFilters {
  return { ...parseFilters(new URLSearchParams()), sort: f.sort, descending: f.descending };
}
