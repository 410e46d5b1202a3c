import { Link } from 'react-router-dom';

import { Badge, type BadgeTone } from '../../components/ui/Badge';
import { Card } from '../../components/ui/Card';
import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { ProgressBar } from '../../components/ui/ProgressBar';
import { buttonClass } from '../../components/ui/styles';
import type { SyncProgress, SyncState } from '../../lib/bindings';
import { formatCount, formatEta } from '../../lib/format';
import { isActive, progressOf, useSyncProgress, type OrganisationSync } from './syncProgress';
import { useCancelSync } from './useSync';

const STATE: Record<SyncState, { tone: BadgeTone; label: string }> = {
  running: { tone: 'accent', label: 'Syncing' },
  done: { tone: 'success', label: 'Done' },
  failed: { tone: 'danger', label: 'Failed' },
  cancelled: { tone: 'neutral', label: 'Cancelled' },
  paused: { tone: 'warning', label: 'Paused' },
};

function ResourceProgress({ progress, organisationName }: { progress: SyncProgress; organisationName: string }) {
  const { tone, label } = STATE[progress.state];
  const amount = progressOf(progress);
  const eta = progress.state === 'running' ? formatEta(progress.etaSeconds) : null;
  const finished = progress.state === 'done';
  return (
    <li data-testid={`sync-resource-${progress.organisationId}-${progress.resource}`} className="space-y-1.5">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="flex items-center gap-2">
          <span className="font-medium">{progress.resource}</span>
          <Badge tone={tone}>{label}</Badge>
        </span>
        <span className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
          {amount ? amount.text : `${formatCount(progress.itemsDone)} items`}
          {eta ? ` · ${eta}` : null}
        </span>
      </div>
      <ProgressBar
        label={`${organisationName}: ${progress.resource}`}
        value={finished ? 1 : (amount?.value ?? null)}
        max={finished ? 1 : (amount?.max ?? 1)}
        valueText={amount?.text}
      />
      {progress.message && (progress.state === 'failed' || progress.state === 'paused') ? (
        <p
          role={progress.state === 'failed' ? 'alert' : undefined}
          className={`text-sm ${progress.state === 'failed' ? 'text-red-700 dark:text-red-400' : 'text-amber-800 dark:text-amber-300'}`}
        >
          {progress.message}
        </p>
      ) : null}
    </li>
  );
}

function OrganisationProgress({ sync }: { sync: OrganisationSync }) {
  return (
    <li data-testid={`sync-org-${sync.organisationId}`} className="space-y-3">
      <p className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{sync.organisationName}</p>
      <ul className="space-y-3">
        {sync.resources.map((p) => (
          <ResourceProgress key={p.resource} progress={p} organisationName={sync.organisationName} />
        ))}
      </ul>
    </li>
  );
}

function CancelSyncButton({ cancel, compact = false }: { cancel: ReturnType<typeof useCancelSync>; compact?: boolean }) {
  return (
    <button
      type="button"
      data-testid={compact ? 'cancel-sync-compact' : 'cancel-sync'}
      className={buttonClass(compact ? 'ghost' : 'secondary', compact ? 'px-2 py-1 text-xs' : '')}
      disabled={cancel.isPending}
      onClick={() => cancel.mutate()}
    >
      {cancel.isPending ? 'Cancelling…' : compact ? 'Cancel' : 'Cancel sync'}
    </button>
  );
}

/** Full progress of every organisation that synced in this session; renders nothing before the first event. */
export function SyncProgressPanel() {
  const { organisations, active, clearFinished } = useSyncProgress();
  const cancel = useCancelSync();
  if (organisations.length === 0) return null;
  return (
    <div data-testid="sync-progress" aria-live="polite">
      <Card
        title="Sync progress"
        actions={
          active ? (
            <CancelSyncButton cancel={cancel} />
          ) : (
            <button type="button" className={buttonClass('ghost', 'py-1 text-xs')} onClick={clearFinished}>
              Dismiss
            </button>
          )
        }
      >
        <ul className="space-y-6">
          {organisations.map((sync) => (
            <OrganisationProgress key={sync.organisationId} sync={sync} />
          ))}
        </ul>
        {cancel.isError ? (
          <div className="mt-4">
            <ErrorPanel error={cancel.error} title="Could not cancel the sync" />
          </div>
        ) : null}
      </Card>
    </div>
  );
}

/** One line for the top bar while a sync runs. */
export function SyncProgressCompact() {
  const { organisations, active } = useSyncProgress();
  const cancel = useCancelSync();
  if (!active) return null;
  const running = organisations.filter(isActive);
  const resources = running.flatMap((s) => s.resources);
  const known = resources.map(progressOf).filter((p) => p !== null);
  const fraction = known.length === resources.length && known.length > 0
    ? known.reduce((sum, p) => sum + p.value / p.max, 0) / known.length
    : null;
  const first = running[0];
  const label = running.length === 1 && first ? `Syncing ${first.organisationName}` : `Syncing ${running.length} organisations`;
  return (
    <div data-testid="sync-progress-compact" className="flex items-center gap-2">
      <Link to="/connections" className="focus-ring flex items-center gap-2 rounded-sm text-xs font-medium text-zinc-600 dark:text-zinc-300">
        <span className="max-w-48 truncate">{label}</span>
        <span className="w-24">
          <ProgressBar label={label} value={fraction} valueText={fraction === null ? undefined : `${Math.round(fraction * 100)}%`} />
        </span>
      </Link>
      <CancelSyncButton cancel={cancel} compact />
    </div>
  );
}
