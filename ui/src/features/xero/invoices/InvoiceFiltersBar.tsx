import { useCallback } from 'react';

import { DebouncedInput } from '../../../components/ui/DebouncedInput';
import { fieldInput } from '../../../components/ui/styles';
import { LabelledField } from '../../lists/FilterFields';
import { ContactFilterChip, DateAndTotalFields, ListFiltersBar, type FiltersBarProps } from '../../lists/ListFiltersBar';
import { INVOICE_STATUSES, invoiceFilterCodec, isValidCurrency, type InvoiceFilters } from './filters';
import { invoiceStatusLabel } from './status';

export function InvoiceFiltersBar(props: FiltersBarProps<InvoiceFilters>) {
  const { filters, onChange } = props;
  const onCurrency = useCallback(
    (v: string) => onChange({ ...filters, currency: v ? v.toUpperCase() : null }),
    [filters, onChange],
  );

  return (
    <ListFiltersBar
      {...props}
      label="Filter invoices"
      codec={invoiceFilterCodec}
      searchPlaceholder="Number, reference or contact"
      statuses={INVOICE_STATUSES}
      statusLabel={invoiceStatusLabel}
      chips={<ContactFilterChip filters={filters} onChange={onChange} />}
    >
      <LabelledField label="Currency">
        {(id) => (
          <DebouncedInput
            id={id}
            data-testid="filter-currency"
            placeholder="e.g. GBP"
            maxLength={3}
            autoCapitalize="characters"
            className={`${fieldInput} uppercase`}
            value={filters.currency ?? ''}
            validate={isValidCurrency}
            onCommit={onCurrency}
          />
        )}
      </LabelledField>
      <DateAndTotalFields filters={filters} onChange={onChange} />
    </ListFiltersBar>
  );
}
