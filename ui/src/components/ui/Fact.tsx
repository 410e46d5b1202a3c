import type { ReactNode } from 'react';

/**
 * One labelled value in a detail page's <dl>. Provider ids and references have no spaces: they
 * wrap inside their grid cell (min-w-0 lets the cell shrink) instead of running past the card.
 */
export function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 break-words text-sm text-zinc-900 dark:text-zinc-100" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
