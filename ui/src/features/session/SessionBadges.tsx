import { useId } from 'react';
import { Link } from 'react-router-dom';

import { Badge } from '../../components/ui/Badge';
import type { SessionUser } from '../../lib/bindings';
import { formatDateTime } from '../../lib/format';

export function SessionUserName({ user }: { user: SessionUser }) {
  return (
    <span
      data-testid="session-user"
      title={user.email || undefined}
      className="max-w-48 truncate text-sm font-medium text-zinc-700 dark:text-zinc-200"
    >
      {user.name}
    </span>
  );
}

const SINGLE_USER_EXPLANATION =
  'No sign-in: anyone using this computer account acts as owner. Change in Settings.';

/** Single-user mode is a security choice, so it stays visible; the badge leads to where it is changed. */
export function SingleUserBadge() {
  const descriptionId = useId();
  return (
    <Link
      to="/settings"
      data-testid="single-user-badge"
      title={SINGLE_USER_EXPLANATION}
      aria-describedby={descriptionId}
      className="focus-ring rounded-full"
    >
      <Badge tone="warning">Single-user mode</Badge>
      <span id={descriptionId} className="sr-only">
        {SINGLE_USER_EXPLANATION}
      </span>
    </Link>
  );
}

/** Rust could not confirm the session online and works from its cache until `offlineUntil`. */
export function OfflineSessionBadge({ offlineUntil }: { offlineUntil: string | null }) {
  const until = offlineUntil ? formatDateTime(offlineUntil) : null;
  return (
    <span
      data-testid="offline-session-badge"
      title="Your sign-in could not be checked online; connect to the internet before this time to keep working."
    >
      <Badge tone="warning">{until ? `Offline — signed in until ${until}` : 'Offline — sign-in not checked'}</Badge>
    </span>
  );
}
