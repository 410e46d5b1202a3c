import { useCallback, useId } from 'react';

import { DebouncedInput } from '../../components/ui/DebouncedInput';
import { buttonClass } from '../../components/ui/styles';
import type { Organisation } from '../../lib/bindings';
import {
  hasActiveFilters,
  INVOICE_STATUSES,
  isValidAmount,
  isValidCurrency,
  withoutFilters,
  type InvoiceFilters,
} from './filters';
import { invoiceStatusLabel } from './status';

interface InvoiceFiltersBarProps {
  filters: InvoiceFilters;
  organisations: Organisation[];
  onChange: (next: InvoiceFilters) => void;
}

const label = 'block text-xs font-medium text-zinc-600 dark:text-zinc-400';
const input =
  'mt-1 block w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm shadow-xs aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900';

export function InvoiceFiltersBar({ filters, organisations, onChange }: InvoiceFiltersBarProps) {
  const id = useId();
  // Stable per field, so a pending debounce is not restarted by unrelated renders.
  const commit = useCallback(
    <K extends keyof InvoiceFilters>(key: K, value: InvoiceFilters[K]) => onChange({ ...filters, [key]: value }),
    [filters, onChange],
  );
  const onSearch = useCallback((v: string) => commit('search', v || null), [commit]);
  const onCurrency = useCallback((v: string) => commit('currency', v ? v.toUpperCase() : null), [commit]);
  const onMin = useCallback((v: string) => commit('amountMin', v || null), [commit]);
  const onMax = useCallback((v: string) => commit('amountMax', v || null), [commit]);

  function toggleStatus(status: string, checked: boolean) {
    const statuses = checked ? [...filters.statuses, status] : filters.statuses.filter((s) => s !== status);
    commit('statuses', statuses);
  }

  return (
    <div role="search" aria-label="Filter invoices" className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div className="sm:col-span-2">
          <label htmlFor={`${id}-search`} className={label}>
            Search
          </label>
          <DebouncedInput
            id={`${id}-search`}
            type="search"
            data-testid="filter-search"
            placeholder="Number, reference or contact"
            className={input}
            value={filters.search ?? ''}
            onCommit={onSearch}
          />
        </div>
        <div>
          <label htmlFor={`${id}-org`} className={label}>
            Organisation
          </label>
          <select
            id={`${id}-org`}
            data-testid="filter-organisation"
            className={input}
            value={filters.organisationId ?? ''}
            onChange={(e) => commit('organisationId', e.target.value || null)}
          >
            <option value="">All organisations</option>
            {organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-currency`} className={label}>
            Currency
          </label>
          <DebouncedInput
            id={`${id}-currency`}
            data-testid="filter-currency"
            placeholder="e.g. GBP"
            maxLength={3}
            autoCapitalize="characters"
            className={`${input} uppercase`}
            value={filters.currency ?? ''}
            validate={isValidCurrency}
            onCommit={onCurrency}
          />
        </div>
        <div>
          <label htmlFor={`${id}-from`} className={label}>
            Date from
          </label>
          <input
            id={`${id}-from`}
            type="date"
            data-testid="filter-date-from"
            className={input}
            value={filters.dateFrom ?? ''}
            onChange={(e) => commit('dateFrom', e.target.value || null)}
          />
        </div>
        <div>
          <label htmlFor={`${id}-to`} className={label}>
            Date to
          </label>
          <input
            id={`${id}-to`}
            type="date"
            data-testid="filter-date-to"
            className={input}
            value={filters.dateTo ?? ''}
            onChange={(e) => commit('dateTo', e.target.value || null)}
          />
        </div>
        <div>
          <label htmlFor={`${id}-min`} className={label}>
            Total from
          </label>
          <DebouncedInput
            id={`${id}-min`}
            inputMode="decimal"
            data-testid="filter-amount-min"
            placeholder="0.00"
            className={`${input} text-right tabular-nums`}
            value={filters.amountMin ?? ''}
            validate={isValidAmount}
            onCommit={onMin}
          />
        </div>
        <div>
          <label htmlFor={`${id}-max`} className={label}>
            Total to
          </label>
          <DebouncedInput
            id={`${id}-max`}
            inputMode="decimal"
            data-testid="filter-amount-max"
            placeholder="0.00"
            className={`${input} text-right tabular-nums`}
            value={filters.amountMax ?? ''}
            validate={isValidAmount}
            onCommit={onMax}
          />
        </div>
      </div>
      <fieldset data-testid="filter-status" className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <legend className={`${label} mb-1.5`}>Status</legend>
        {INVOICE_STATUSES.map((status) => (
          <label key={status} className="inline-flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              value={status}
              className="size-4 accent-accent-600"
              checked={filters.statuses.includes(status)}
              onChange={(e) => toggleStatus(status, e.target.checked)}
            />
            {invoiceStatusLabel(status)}
          </label>
        ))}
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        {filters.contactId ? (
          <span className="inline-flex items-center gap-1 rounded-full bg-accent-50 py-0.5 pr-1 pl-2.5 text-xs font-medium text-accent-800 ring-1 ring-accent-600/20 dark:bg-accent-950/60 dark:text-accent-300">
            Contact: {filters.contactName ?? filters.contactId}
            <button
              type="button"
              aria-label="Remove the contact filter"
              className="focus-ring rounded-full px-1.5 hover:bg-accent-100 dark:hover:bg-accent-900"
              onClick={() => onChange({ ...filters, contactId: null, contactName: null })}
            >
              ×
            </button>
          </span>
        ) : null}
        {hasActiveFilters(filters) ? (
          <button type="button" className={buttonClass('ghost', 'py-1 text-xs')} onClick={() => onChange(withoutFilters(filters))}>
            Clear filters
          </button>
        ) : null}
      </div>
    </div>
  );
}
