import { useMemo } from 'react';

import type { ContactSort } from '../../../lib/bindings';
import { SelectField } from '../../lists/FilterFields';
import { ListFiltersBar, type FiltersBarProps } from '../../lists/ListFiltersBar';
import { fromYesNo, yesNo } from '../../lists/params';
import { CONTACT_STATUSES, contactFilterCodec, type ContactFilters } from './filters';
import { contactStatusLabel } from './status';

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

export function ContactFiltersBar(props: FiltersBarProps<ContactFilters>) {
  const { filters, onChange } = props;
  // Stable per filter state, so a pending debounce is not restarted by unrelated renders.
  const set = useMemo(
    () => ({
      isCustomer: (v: string | null) => onChange({ ...filters, isCustomer: fromYesNo(v) }),
      isSupplier: (v: string | null) => onChange({ ...filters, isSupplier: fromYesNo(v) }),
      sort: (v: string | null) => {
        const option = SORT_OPTIONS.find((o) => o.value === v);
        if (option) onChange({ ...filters, sort: option.sort, descending: option.descending });
      },
    }),
    [filters, onChange],
  );

  return (
    <ListFiltersBar
      {...props}
      label="Filter contacts"
      codec={contactFilterCodec}
      searchPlaceholder="Name, email or contact number"
      statuses={CONTACT_STATUSES}
      statusLabel={contactStatusLabel}
    >
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
    </ListFiltersBar>
  );
}
