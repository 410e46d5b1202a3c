interface ProgressBarProps {
  label: string;
  /** 0..max; null draws an indeterminate bar. */
  value: number | null;
  max?: number;
  valueText?: string;
}

export function ProgressBar({ label, value, max = 1, valueText }: ProgressBarProps) {
  const determinate = value !== null && max > 0;
  const percent = determinate ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={determinate ? 0 : undefined}
      aria-valuemax={determinate ? max : undefined}
      aria-valuenow={determinate ? value : undefined}
      aria-valuetext={valueText}
      data-indeterminate={!determinate}
      className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
    >
      {determinate ? (
        <div className="h-full rounded-full bg-accent-600 transition-[width]" style={{ width: `${percent}%` }} />
      ) : (
        <div className="h-full w-1/3 animate-pulse rounded-full bg-accent-500/70" />
      )}
    </div>
  );
}
