import { useMemo } from 'react';

import { SelectField } from '../../lists/FilterFields';
import { ContactFilterChip, DateAndTotalFields, ListFiltersBar, type FiltersBarProps } from '../../lists/ListFiltersBar';
import { fromYesNo, yesNo } from '../../lists/params';
import {
  BANK_TRANSACTION_STATUSES,
  BANK_TRANSACTION_TYPES,
  bankTransactionFilterCodec,
  type BankTransactionFilters,
} from './filters';
import { bankTransactionStatusLabel, bankTransactionTypeLabel } from './status';

const TYPE_OPTIONS = [
  { value: '', label: 'All types' },
  ...BANK_TRANSACTION_TYPES.map((t) => ({ value: t, label: bankTransactionTypeLabel(t) })),
];
const RECONCILED_OPTIONS = [
  { value: '', label: 'Any' },
  { value: 'yes', label: 'Reconciled' },
  { value: 'no', label: 'Not reconciled' },
];

export function BankTransactionFiltersBar(props: FiltersBarProps<BankTransactionFilters>) {
  const { filters, onChange } = props;
  // Stable per filter state, so a pending debounce is not restarted by unrelated renders.
  const set = useMemo(
    () => ({
      type: (v: string | null) => onChange({ ...filters, types: v ? [v] : [] }),
      reconciled: (v: string | null) => onChange({ ...filters, isReconciled: fromYesNo(v) }),
    }),
    [filters, onChange],
  );
  // One type at a time in the picker; a deep link with several shows "All types" but still filters.
  const type = filters.types.length === 1 ? (filters.types[0] ?? null) : null;

  return (
    <ListFiltersBar
      {...props}
      label="Filter bank transactions"
      codec={bankTransactionFilterCodec}
      searchPlaceholder="Reference or contact"
      statuses={BANK_TRANSACTION_STATUSES}
      statusLabel={bankTransactionStatusLabel}
      chips={<ContactFilterChip filters={filters} onChange={onChange} />}
    >
      <SelectField label="Type" testId="filter-type" value={type} options={TYPE_OPTIONS} onChange={set.type} />
      <SelectField
        label="Reconciled"
        testId="filter-reconciled"
        value={yesNo(filters.isReconciled)}
        options={RECONCILED_OPTIONS}
        onChange={set.reconciled}
      />
      <DateAndTotalFields filters={filters} onChange={onChange} />
    </ListFiltersBar>
  );
}
