import { useMemo, type ReactNode } from 'react';

import type { Organisation } from '../../lib/bindings';
import { AmountField, CheckboxGroup, ContactChip, DateField, FilterFooter, OrganisationField, SearchField } from './FilterFields';
import { withoutFilters, type CommonFilters, type ContactFilter, type FilterCodec, type RangeFilters } from './filters';

/** A piece of a filter bar: the current filters and how to replace them. */
export interface FilterProps<TFilters> {
  filters: TFilters;
  onChange: (next: TFilters) => void;
}

/** What a list route hands its filter bar. */
export interface FiltersBarProps<TFilters> extends FilterProps<TFilters> {
  organisations: Organisation[];
}

interface ListFiltersBarProps<TFilters extends CommonFilters<string>> extends FiltersBarProps<TFilters> {
  /** Accessible name of the search region, e.g. "Filter invoices". */
  label: string;
  codec: FilterCodec<TFilters, unknown>;
  searchPlaceholder: string;
  statuses: readonly string[];
  statusLabel: (status: string) => string;
  /** The list's own fields, placed after search and organisation. */
  children?: ReactNode;
  /** Chips of filters that have no field of their own, shown beside Clear filters. */
  chips?: ReactNode;
}

/**
 * The filter bar every list has: search, organisation, the list's own fields, status checkboxes and Clear filters.
 * Setters are stable per filter state, so a pending debounce is not restarted by unrelated renders.
 */
export function ListFiltersBar<TFilters extends CommonFilters<string>>(props: ListFiltersBarProps<TFilters>) {
  const { filters, organisations, onChange, label, codec, searchPlaceholder, statuses, statusLabel, children, chips } = props;
  const set = useMemo(
    () => ({
      search: (search: string | null) => onChange({ ...filters, search }),
      organisationId: (organisationId: string | null) => onChange({ ...filters, organisationId }),
      statuses: (chosen: string[]) => onChange({ ...filters, statuses: chosen }),
    }),
    [filters, onChange],
  );

  return (
    <div role="search" aria-label={label} className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <SearchField value={filters.search} placeholder={searchPlaceholder} onCommit={set.search} />
        <OrganisationField organisations={organisations} value={filters.organisationId} onChange={set.organisationId} />
        {children}
      </div>
      <CheckboxGroup
        legend="Status"
        testId="filter-status"
        options={statuses}
        chosen={filters.statuses}
        labelOf={statusLabel}
        onChange={set.statuses}
      />
      <FilterFooter active={codec.isActive(filters)} onClear={() => onChange(withoutFilters(codec, filters))}>
        {chips}
      </FilterFooter>
    </div>
  );
}

/** Date from/to and total from/to, for the lists of money records. */
export function DateAndTotalFields<TFilters extends RangeFilters>({ filters, onChange }: FilterProps<TFilters>) {
  const set = useMemo(
    () => ({
      dateFrom: (dateFrom: string | null) => onChange({ ...filters, dateFrom }),
      dateTo: (dateTo: string | null) => onChange({ ...filters, dateTo }),
      amountMin: (amountMin: string | null) => onChange({ ...filters, amountMin }),
      amountMax: (amountMax: string | null) => onChange({ ...filters, amountMax }),
    }),
    [filters, onChange],
  );
  return (
    <>
      <DateField label="Date from" testId="filter-date-from" value={filters.dateFrom} onChange={set.dateFrom} />
      <DateField label="Date to" testId="filter-date-to" value={filters.dateTo} onChange={set.dateTo} />
      <AmountField label="Total from" testId="filter-amount-min" value={filters.amountMin} onCommit={set.amountMin} />
      <AmountField label="Total to" testId="filter-amount-max" value={filters.amountMax} onCommit={set.amountMax} />
    </>
  );
}

/** The removable "Contact: <name>" chip while the list is filtered by one contact; nothing otherwise. */
export function ContactFilterChip<TFilters extends ContactFilter>({ filters, onChange }: FilterProps<TFilters>) {
  if (!filters.contactId) return null;
  return (
    <ContactChip
      label={filters.contactName ?? filters.contactId}
      onRemove={() => onChange({ ...filters, contactId: null, contactName: null })}
    />
  );
}
