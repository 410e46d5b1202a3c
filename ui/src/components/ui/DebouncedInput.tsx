import { useEffect, useState, type InputHTMLAttributes } from 'react';

interface DebouncedInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  value: string;
  /** Called once typing pauses for `delay` ms, with the trimmed text; never with text `validate` rejects. */
  onCommit: (value: string) => void;
  /** Text that fails is marked aria-invalid and not committed; empty text is always accepted. */
  validate?: (value: string) => boolean;
  delay?: number;
}

/** A text input that reports its value only after the user stops typing, so each keystroke is not a query. */
export function DebouncedInput({ value, onCommit, validate, delay = 250, ...rest }: DebouncedInputProps) {
  const [draft, setDraft] = useState(value);
  const [outside, setOutside] = useState(value);
  // The value changed from outside (Clear filters, Back): show it instead of the stale draft.
  if (value !== outside) {
    setOutside(value);
    setDraft(value);
  }

  const trimmed = draft.trim();
  const invalid = trimmed !== '' && validate !== undefined && !validate(trimmed);

  useEffect(() => {
    if (invalid || trimmed === value) return;
    const timer = window.setTimeout(() => onCommit(trimmed), delay);
    return () => window.clearTimeout(timer);
  }, [trimmed, invalid, value, delay, onCommit]);

  return <input {...rest} aria-invalid={invalid || undefined} value={draft} onChange={(e) => setDraft(e.target.value)} />;
}
