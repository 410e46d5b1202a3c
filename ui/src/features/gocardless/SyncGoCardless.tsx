import { useMutation } from '@tanstack/react-query';

import { buttonClass } from '../../components/ui/styles';
import { syncGoCardless } from '../../lib/ipc';

/**
 * Reads GoCardless now instead of waiting for the background sync (every 15 minutes); Rust then books what arrived in
 * Xero. The lists refresh when the sync's progress says it finished.
 */
export function SyncGoCardless() {
  const sync = useMutation({ mutationFn: syncGoCardless });
  return (
    <div className="flex items-center gap-3">
      {sync.error ? (
        <span role="alert" className="text-sm text-red-700 dark:text-red-400">
          {sync.error.message}
        </span>
      ) : sync.isSuccess ? (
        <span className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="sync-gocardless-started">
          Syncing GoCardless…
        </span>
      ) : null}
      <button
        type="button"
        data-testid="sync-gocardless"
        className={buttonClass('secondary')}
        disabled={sync.isPending}
        onClick={() => sync.mutate()}
      >
        Sync GoCardless now
      </button>
    </div>
  );
}
