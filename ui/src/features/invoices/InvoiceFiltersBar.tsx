import { useCallback, useId, useMemo } from 'react';

import { DebouncedInput } from '../../components/ui/DebouncedInput';
import { fieldInput, fieldLabel } from '../../components/ui/styles';
import type { Organisation } from '../../lib/bindings';
import { AmountField, CheckboxGroup, ContactChip, DateField, FilterFooter, OrganisationField, SearchField } from '../lists/FilterFields';
import { hasActiveFilters, INVOICE_STATUSES, isValidCurrency, withoutFilters, type InvoiceFilters } from './filters';
import { invoiceStatusLabel } from './status';

interface InvoiceFiltersBarProps {
  filters: InvoiceFilters;
  organisations: Organisation[];
  onChange: (next: InvoiceFilters) => void;
}

export function InvoiceFiltersBar({ filters, organisations, onChange }: InvoiceFiltersBarProps) {
  const id = useId();
  // Stable per filter state, so a pending debounce is not restarted by unrelated renders.
  const set = useMemo(() => {
    const commit =
      <K extends keyof InvoiceFilters>(key: K) =>
      (value: InvoiceFilters[K]) =>
        onChange({ ...filters, [key]: value });
    return {
      search: commit('search'),
      organisationId: commit('organisationId'),
      dateFrom: commit('dateFrom'),
      dateTo: commit('dateTo'),
      amountMin: commit('amountMin'),
      amountMax: commit('amountMax'),
      statuses: commit('statuses'),
    };
  }, [filters, onChange]);
  const onCurrency = useCallback(
    (v: string) => onChange({ ...filters, currency: v ? v.toUpperCase() : null }),
    [filters, onChange],
  );

  return (
    <div role="search" aria-label="Filter invoices" className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <SearchField value={filters.search} placeholder="Number, reference or contact" onCommit={set.search} />
        <OrganisationField organisations={organisations} value={filters.organisationId} onChange={set.organisationId} />
        <div>
          <label htmlFor={`${id}-currency`} className={fieldLabel}>
            Currency
          </label>
          <DebouncedInput
            id={`${id}-currency`}
            data-testid="filter-currency"
            placeholder="e.g. GBP"
            maxLength={3}
            autoCapitalize="characters"
            className={`${fieldInput} uppercase`}
            value={filters.currency ?? ''}
            validate={isValidCurrency}
            onCommit={onCurrency}
          />
        </div>
        <DateField label="Date from" testId="filter-date-from" value={filters.dateFrom} onChange={set.dateFrom} />
        <DateField label="Date to" testId="filter-date-to" value={filters.dateTo} onChange={set.dateTo} />
        <AmountField label="Total from" testId="filter-amount-min" value={filters.amountMin} onCommit={set.amountMin} />
        <AmountField label="Total to" testId="filter-amount-max" value={filters.amountMax} onCommit={set.amountMax} />
      </div>
      <CheckboxGroup
        legend="Status"
        testId="filter-status"
        options={INVOICE_STATUSES}
        chosen={filters.statuses}
        labelOf={invoiceStatusLabel}
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
