import { useMemo } from 'react';

import type { ContactSort, Organisation } from '../../lib/bindings';
import { CheckboxGroup, FilterFooter, OrganisationField, SearchField, SelectField } from '../lists/FilterFields';
import { yesNo } from '../lists/params';
import { CONTACT_STATUSES, hasActiveFilters, withoutFilters, type ContactFilters } from './filters';
import { contactStatusLabel } from './status';

interface ContactFiltersBarProps {
  filters: ContactFilters;
  organisations: Organisation[];
  onChange: (next: ContactFilters) => void;
}

const YES_NO_ANY = [
  { value: '', label: 'Any' },
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
] as const;

const SORT_OPTIONS: ReadonlyArray<{ value: string; label: string; sort: ContactSort; descending: boolean }> = [
  { value: 'name-asc', label: 'Name A–Z', sort: 'name', descending: false },
  { value: 'name-desc', label: 'Name Z–A', sort: 'name', descending: true },
  { value: 'updated_utc-desc', label: 'Recently updated', sort: 'updated_utc', descending: true },
  { value: 'updated_utc-asc', label: 'Least recently updated', sort: 'updated_utc', descending: false },
];

const toYesNo = (value: string | null) => (value === 'yes' ? true : value === 'no' ? false : null);

export function ContactFiltersBar({ filters, organisations, onChange }: ContactFiltersBarProps) {
  // Stable per filter state, so a pending debounce is not restarted by unrelated renders.
  const set = useMemo(() => {
    const commit =
      <K extends keyof ContactFilters>(key: K) =>
      (value: ContactFilters[K]) =>
        onChange({ ...filters, [key]: value });
    return {
      search: commit('search'),
      organisationId: commit('organisationId'),
      statuses: commit('statuses'),
      isCustomer: (v: string | null) => onChange({ ...filters, isCustomer: toYesNo(v) }),
      isSupplier: (v: string | null) => onChange({ ...filters, isSupplier: toYesNo(v) }),
      sort: (v: string | null) => {
        const option = SORT_OPTIONS.find((o) => o.value === v);
        if (option) onChange({ ...filters, sort: option.sort, descending: option.descending });
      },
    };
  }, [filters, onChange]);

  return (
    <div role="search" aria-label="Filter contacts" className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <SearchField value={filters.search} placeholder="Name, email or contact number" onCommit={set.search} />
        <OrganisationField organisations={organisations} value={filters.organisationId} onChange={set.organisationId} />
        <SelectField
          label="Sort by"
          testId="filter-sort"
          value={`${filters.sort}-${filters.descending ? 'desc' : 'asc'}`}
          options={SORT_OPTIONS}
          onChange={set.sort}
        />
        <SelectField
          label="Customer"
          testId="filter-customer"
          value={yesNo(filters.isCustomer)}
          options={YES_NO_ANY}
          onChange={set.isCustomer}
        />
        <SelectField
          label="Supplier"
          testId="filter-supplier"
          value={yesNo(filters.isSupplier)}
          options={YES_NO_ANY}
          onChange={set.isSupplier}
        />
      </div>
      <CheckboxGroup
        legend="Status"
        testId="filter-status"
        options={CONTACT_STATUSES}
        chosen={filters.statuses}
        labelOf={contactStatusLabel}
        onChange={set.statuses}
      />
      <FilterFooter active={hasActiveFilters(filters)} onClear={() => onChange(withoutFilters(filters))} />
    </div>
  );
}
