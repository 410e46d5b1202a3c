import type { CollectionEvent } from '../../lib/bindings';
import { formatDateTime } from '../../lib/format';
import { collectionStatus } from './status';

/** Each status the collection went through, oldest first, with the provider's reason where it gave one. */
export function CollectionTimeline({ events }: { events: CollectionEvent[] }) {
  const StatusBadge = collectionStatus.StatusBadge;
  return (
    <ol aria-label="Timeline" className="space-y-3">
      {events.map((e, i) => (
        <li key={`${e.at}-${i}`} data-testid="timeline-entry" className="flex gap-3 text-sm">
          <time dateTime={e.at} className="w-44 shrink-0 text-zinc-500 dark:text-zinc-400">
            {formatDateTime(e.at)}
          </time>
          <div>
            <StatusBadge status={e.status} />
            {e.reason ? <p className="mt-1 text-zinc-700 dark:text-zinc-300">{e.reason}</p> : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
