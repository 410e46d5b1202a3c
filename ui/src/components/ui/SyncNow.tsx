import { useMutation } from '@tanstack/react-query';

import { buttonClass } from './styles';

/**
 * A provider's "Sync now": asks Rust to read the provider at once instead of waiting for the background sync. Rust
 * answers before the sync ends (progress comes as sync-progress events), so success only says it started.
 */
export function SyncNow({ provider, testId, sync }: { provider: string; testId: string; sync: () => Promise<unknown> }) {
  const run = useMutation({ mutationFn: sync });
  return (
    <div className="flex items-center gap-3">
      {run.error ? (
        <span role="alert" className="text-sm text-red-700 dark:text-red-400">
          {run.error.message}
        </span>
      ) : run.isSuccess ? (
        <span className="text-sm text-zinc-500 dark:text-zinc-400" data-testid={`${testId}-started`}>
          Syncing {provider}…
        </span>
      ) : null}
      <button
        type="button"
        data-testid={testId}
        className={buttonClass('secondary')}
        disabled={run.isPending}
        onClick={() => run.mutate()}
      >
        Sync {provider} now
      </button>
    </div>
  );
}
