interface LoadingProps {
  label?: string;
  lines?: number;
}

/** Skeleton lines plus a screen-reader-visible "Loading…" status. */
export function Loading({ label = 'Loading…', lines = 3 }: LoadingProps) {
  return (
    <div role="status" aria-live="polite" className="space-y-2.5">
      <span className="text-sm text-zinc-500 dark:text-zinc-400">{label}</span>
      {Array.from({ length: lines }, (_, i) => (
        <div
          key={i}
          className={`h-3 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800 ${i % 2 === 0 ? 'w-full' : 'w-2/3'}`}
        />
      ))}
    </div>
  );
}
