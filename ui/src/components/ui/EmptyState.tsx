import type { ReactNode } from 'react';

interface EmptyStateProps {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}

export function EmptyState({ title, children, action }: EmptyStateProps) {
  return (
    <div
      data-testid="empty-state"
      className="flex flex-col items-center rounded-lg border border-dashed border-zinc-300 px-6 py-10 text-center dark:border-zinc-700"
    >
      <p className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{title}</p>
      {children ? <div className="mt-1 max-w-md text-sm text-zinc-600 dark:text-zinc-400">{children}</div> : null}
      {action ? <div className="mt-4">{action}</div> : null}
    </div>
  );
}
