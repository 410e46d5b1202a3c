import { useMemo } from 'react';

import type { Organisation } from '../../lib/bindings';
import {
  AmountField,
  CheckboxGroup,
  ContactChip,
  DateField,
  FilterFooter,
  OrganisationField,
  SearchField,
  SelectField,
} from '../lists/FilterFields';
import { yesNo } from '../lists/params';
import {
  BANK_TRANSACTION_STATUSES,
  BANK_TRANSACTION_TYPES,
  hasActiveFilters,
  withoutFilters,
  type BankTransactionFilters,
} from './filters';
import { bankTransactionStatusLabel, bankTransactionTypeLabel } from './status';

interface BankTransactionFiltersBarProps {
  filters: BankTransactionFilters;
  organisations: Organisation[];
  onChange: (next: BankTransactionFilters) => void;
}

const TYPE_OPTIONS = [
  { value: '', label: 'All types' },
  ...BANK_TRANSACTION_TYPES.map((t) => ({ value: t, label: bankTransactionTypeLabel(t) })),
];
const RECONCILED_OPTIONS = [
  { value: '', label: 'Any' },
  { value: 'yes', label: 'Reconciled' },
  { value: 'no', label: 'Not reconciled' },
];

export function BankTransactionFiltersBar({ filters, organisations, onChange }: BankTransactionFiltersBarProps) {
  // Stable per filter state, so a pending debounce is not restarted by unrelated renders.
  const set = useMemo(() => {
    const commit =
      <K extends keyof BankTransactionFilters>(key: K) =>
      (value: BankTransactionFilters[K]) =>
        onChange({ ...filters, [key]: value });
    return {
      search: commit('search'),
      organisationId: commit('organisationId'),
      dateFrom: commit('dateFrom'),
      dateTo: commit('dateTo'),
      amountMin: commit('amountMin'),
      amountMax: commit('amountMax'),
      statuses: commit('statuses'),
      type: (v: string | null) => onChange({ ...filters, types: v ? [v] : [] }),
      reconciled: (v: string | null) =>
        onChange({ ...filters, isReconciled: v === 'yes' ? true : v === 'no' ? false : null }),
    };
  }, [filters, onChange]);
  // One type at a time in the picker; a deep link with several shows "All types" but still filters.
  const type = filters.types.length === 1 ? (filters.types[0] ?? null) : null;

  return (
    <div role="search" aria-label="Filter bank transactions" className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <SearchField value={filters.search} placeholder="Reference or contact" onCommit={set.search} />
        <OrganisationField organisations={organisations} value={filters.organisationId} onChange={set.organisationId} />
        <SelectField label="Type" testId="filter-type" value={type} options={TYPE_OPTIONS} onChange={set.type} />
        <SelectField
          label="Reconciled"
          testId="filter-reconciled"
          value={yesNo(filters.isReconciled)}
          options={RECONCILED_OPTIONS}
          onChange={set.reconciled}
        />
        <DateField label="Date from" testId="filter-date-from" value={filters.dateFrom} onChange={set.dateFrom} />
        <DateField label="Date to" testId="filter-date-to" value={filters.dateTo} onChange={set.dateTo} />
        <AmountField label="Total from" testId="filter-amount-min" value={filters.amountMin} onCommit={set.amountMin} />
        <AmountField label="Total to" testId="filter-amount-max" value={filters.amountMax} onCommit={set.amountMax} />
      </div>
      <CheckboxGroup
        legend="Status"
        testId="filter-status"
        options={BANK_TRANSACTION_STATUSES}
        chosen={filters.statuses}
        labelOf={bankTransactionStatusLabel}
        onChange={set.statuses}
      />
      <FilterFooter active={hasActiveFilters(filters)} onClear={() => onChange(withoutFilters(filters))}>
        {filters.contactId ? (
          <ContactChip
            label={filters.contactName ?? filters.contactId}
            onRemove={() => onChange({ ...filters, contactId: null, contactName: null })}
          />
        ) : null}
      </FilterFooter>
    </div>
  );
}
