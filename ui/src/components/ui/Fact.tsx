import type { ReactNode } from 'react';

/** One labelled value in a detail page's <dl>. */
export function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <dt className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 text-sm text-zinc-900 dark:text-zinc-100" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
