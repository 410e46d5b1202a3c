import { useCallback, useId, type ReactNode } from 'react';

import { DebouncedInput } from '../../components/ui/DebouncedInput';
import { buttonClass, fieldInput as input, fieldLabel as label } from '../../components/ui/styles';
import type { Organisation } from '../../lib/bindings';
import { isValidAmount } from './params';

/** A label above one control; `children` renders the control with the id the label points at. */
export function LabelledField({
  label: text,
  className,
  children,
}: {
  label: string;
  className?: string;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className={label}>
        {text}
      </label>
      {children(id)}
    </div>
  );
}

/** Debounced free-text search (`filter-search`). */
export function SearchField({
  value,
  placeholder,
  onCommit,
  className = 'sm:col-span-2',
}: {
  value: string | null;
  placeholder: string;
  onCommit: (value: string | null) => void;
  className?: string;
}) {
  const commit = useCallback((v: string) => onCommit(v || null), [onCommit]);
  return (
    <LabelledField label="Search" className={className}>
      {(id) => (
        <DebouncedInput
          id={id}
          type="search"
          data-testid="filter-search"
          placeholder={placeholder}
          className={input}
          value={value ?? ''}
          onCommit={commit}
        />
      )}
    </LabelledField>
  );
}

/** A labelled <select>; the empty option stands for "no filter". */
export function SelectField({
  label: text,
  testId,
  value,
  options,
  onChange,
}: {
  label: string;
  testId: string;
  value: string | null;
  options: ReadonlyArray<{ value: string; label: string }>;
  onChange: (value: string | null) => void;
}) {
  return (
    <LabelledField label={text}>
      {(id) => (
        <select
          id={id}
          data-testid={testId}
          className={input}
          value={value ?? ''}
          onChange={(e) => onChange(e.target.value || null)}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </LabelledField>
  );
}

export function OrganisationField({
  organisations,
  value,
  onChange,
}: {
  organisations: Organisation[];
  value: string | null;
  onChange: (value: string | null) => void;
}) {
  const options = [{ value: '', label: 'All organisations' }, ...organisations.map((o) => ({ value: o.id, label: o.name }))];
  return <SelectField label="Organisation" testId="filter-organisation" value={value} options={options} onChange={onChange} />;
}

export function DateField({
  label: text,
  testId,
  value,
  onChange,
}: {
  label: string;
  testId: string;
  value: string | null;
  onChange: (value: string | null) => void;
}) {
  return (
    <LabelledField label={text}>
      {(id) => (
        <input
          id={id}
          type="date"
          data-testid={testId}
          className={input}
          value={value ?? ''}
          onChange={(e) => onChange(e.target.value || null)}
        />
      )}
    </LabelledField>
  );
}

/** A decimal amount, debounced; text that is not a number is marked invalid and never sent. */
export function AmountField({
  label: text,
  testId,
  value,
  onCommit,
}: {
  label: string;
  testId: string;
  value: string | null;
  onCommit: (value: string | null) => void;
}) {
  const commit = useCallback((v: string) => onCommit(v || null), [onCommit]);
  return (
    <LabelledField label={text}>
      {(id) => (
        <DebouncedInput
          id={id}
          inputMode="decimal"
          data-testid={testId}
          placeholder="0.00"
          className={`${input} text-right tabular-nums`}
          value={value ?? ''}
          validate={isValidAmount}
          onCommit={commit}
        />
      )}
    </LabelledField>
  );
}

/** Checkboxes of a multi-choice filter; an empty choice means "all". */
export function CheckboxGroup<T extends string>({
  legend,
  testId,
  options,
  chosen,
  labelOf,
  onChange,
}: {
  legend: string;
  testId: string;
  options: readonly T[];
  chosen: readonly T[];
  labelOf: (value: T) => string;
  onChange: (chosen: T[]) => void;
}) {
  return (
    <fieldset data-testid={testId} className="flex flex-wrap items-center gap-x-4 gap-y-2">
      <legend className={`${label} mb-1.5`}>{legend}</legend>
      {options.map((value) => (
        <label key={value} className="inline-flex items-center gap-1.5 text-sm">
          <input
            type="checkbox"
            value={value}
            className="size-4 accent-accent-600"
            checked={chosen.includes(value)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, value] : chosen.filter((s) => s !== value))}
          />
          {labelOf(value)}
        </label>
      ))}
    </fieldset>
  );
}

/** "Clear filters" plus any chips, shown under a filter bar. */
export function FilterFooter({ active, onClear, children }: { active: boolean; onClear: () => void; children?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      {children}
      {active ? (
        <button type="button" className={buttonClass('ghost', 'py-1 text-xs')} onClick={onClear}>
          Clear filters
        </button>
      ) : null}
    </div>
  );
}

/** The "Contact: <name> ×" chip of a list filtered by one contact (from a link on a detail page). */
export function ContactChip({ label: text, onRemove }: { label: string; onRemove: () => void }) {
  return (
    <span className="inline-flex items-center gap-1 rounded-full bg-accent-50 py-0.5 pr-1 pl-2.5 text-xs font-medium text-accent-800 ring-1 ring-accent-600/20 dark:bg-accent-950/60 dark:text-accent-300">
      Contact: {text}
      <button
        type="button"
        aria-label="Remove the contact filter"
        className="focus-ring rounded-full px-1.5 hover:bg-accent-100 dark:hover:bg-accent-900"
        onClick={onRemove}
      >
        ×
      </button>
    </span>
  );
}
