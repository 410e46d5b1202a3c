// The filter model the list pages share: groups of fields several lists have, each knowing how it is read from
// the URL, written back, sent to Rust and whether it narrows the list. A feature's filters.ts composes the groups
// it has with its own fields (statuses offered, sort keys, extra filters).
import { isValidAmount, isValidDate, listParam, parseSort, setParam, setSort, textParam } from './params';

export interface SortOrder<TSort extends string> {
  sort: TSort;
  descending: boolean;
}

/** How one list's filters are read from and written to the URL and turned into its query. */
export interface FilterCodec<TFilters, TQuery> {
  /** Filters from the URL; a missing or invalid value means "no filter". */
  parse: (params: URLSearchParams) => TFilters;
  /** The inverse of `parse`; defaults are left out so the plain list URL stays plain. */
  toParams: (filters: TFilters) => URLSearchParams;
  /** The query Rust runs for the page at `offset`. */
  toQuery: (filters: TFilters, offset: number, limit: number) => TQuery;
  /** Whether any filter narrows the list (the sort order does not count). */
  isActive: (filters: TFilters) => boolean;
}

/** Drops every filter but keeps the sort order. */
export function withoutFilters<TFilters extends SortOrder<string>>(
  codec: Pick<FilterCodec<TFilters, unknown>, 'parse'>,
  filters: TFilters,
): TFilters {
  return { ...codec.parse(new URLSearchParams()), sort: filters.sort, descending: filters.descending };
}

/** What every list is filtered by: organisation, status and free text; plus its sort order. */
export interface CommonFilters<TSort extends string> extends SortOrder<TSort> {
  organisationId: string | null;
  statuses: string[];
  search: string | null;
}

/** Statuses a list offers and the sort keys Rust knows for it, with the order a plain URL means. */
export interface ListOptions<TSort extends string> {
  statuses: readonly string[];
  sorts: readonly TSort[];
  defaultSort: SortOrder<TSort>;
}

/** `org`, `status` (repeated), `q`, `sort` and `dir`. */
export const commonFields = {
  parse: <TSort extends string>(params: URLSearchParams, options: ListOptions<TSort>): CommonFilters<TSort> => ({
    organisationId: textParam(params, 'org'),
    statuses: listParam(params, 'status', options.statuses),
    search: textParam(params, 'q'),
    ...parseSort(params, options.sorts, options.defaultSort),
  }),

  /** `org` and `status` first, then the list's own (`addOwn`), then `q` and the sort: the order these URLs have. */
  toParams: <TSort extends string>(
    filters: CommonFilters<TSort>,
    options: ListOptions<TSort>,
    addOwn: (params: URLSearchParams) => void,
  ): URLSearchParams => {
    const params = new URLSearchParams();
    setParam(params, 'org', filters.organisationId);
    for (const status of filters.statuses) params.append('status', status);
    addOwn(params);
    setParam(params, 'q', filters.search);
    setSort(params, filters, options.defaultSort);
    return params;
  },

  /** The common part of a list query; the rest of it is the list's own. */
  query: <TSort extends string>(filters: CommonFilters<TSort>, options: ListOptions<TSort>, offset: number, limit: number) => ({
    organisationId: filters.organisationId,
    // Offer order, so the same choice always makes the same query (and cache key).
    statuses: options.statuses.filter((s) => filters.statuses.includes(s)),
    search: filters.search,
    sort: filters.sort,
    descending: filters.descending,
    offset,
    limit,
  }),

  isActive: (f: CommonFilters<string>): boolean => f.organisationId !== null || f.statuses.length > 0 || f.search !== null,
};

/** One contact, from the contact link on a detail page. */
export interface ContactFilter {
  contactId: string | null;
  /** Only to label the contact filter; never sent to Rust. */
  contactName: string | null;
}

/** `contact` and, only with it, `contactName`. */
export const contactFields = {
  parse: (params: URLSearchParams): ContactFilter => ({
    contactId: textParam(params, 'contact'),
    contactName: textParam(params, 'contactName'),
  }),

  set: (params: URLSearchParams, f: ContactFilter): void => {
    setParam(params, 'contact', f.contactId);
    if (f.contactId) setParam(params, 'contactName', f.contactName);
  },

  isActive: (f: ContactFilter): boolean => f.contactId !== null,
};

/** Date and total ranges of the lists of money records (invoices, bank transactions). */
export interface RangeFilters {
  dateFrom: string | null;
  dateTo: string | null;
  amountMin: string | null;
  amountMax: string | null;
}

/** `from`, `to` (YYYY-MM-DD), `min` and `max` (decimal text). */
export const rangeFields = {
  parse: (params: URLSearchParams): RangeFilters => ({
    dateFrom: textParam(params, 'from', isValidDate),
    dateTo: textParam(params, 'to', isValidDate),
    amountMin: textParam(params, 'min', isValidAmount),
    amountMax: textParam(params, 'max', isValidAmount),
  }),

  set: (params: URLSearchParams, f: RangeFilters): void => {
    setParam(params, 'from', f.dateFrom);
    setParam(params, 'to', f.dateTo);
    setParam(params, 'min', f.amountMin);
    setParam(params, 'max', f.amountMax);
  },

  /** Just the range fields, for the query (the filters hold more than the query may). */
  query: ({ dateFrom, dateTo, amountMin, amountMax }: RangeFilters): RangeFilters => ({ dateFrom, dateTo, amountMin, amountMax }),

  isActive: (f: RangeFilters): boolean =>
    f.dateFrom !== null || f.dateTo !== null || f.amountMin !== null || f.amountMax !== null,
};
