import { Link } from 'react-router-dom';

import { ProfileBadge } from '../app/ProfileBadge';
import { useAppInfo } from '../app/useAppInfo';
import { OnlineIndicator } from '../network/OnlineIndicator';
import { SessionControls } from '../session/SessionControls';
import { SyncProgressCompact } from '../sync/SyncProgressPanel';
import { ThemeToggle } from '../theme/ThemeToggle';

export function TopBar() {
  const info = useAppInfo();
  return (
    <header className="flex h-14 shrink-0 items-center justify-between gap-4 border-b border-zinc-200 bg-white px-5 dark:border-zinc-800 dark:bg-zinc-900">
      <Link to="/dashboard" className="focus-ring flex items-center gap-2.5 rounded-md">
        <span
          aria-hidden="true"
          className="flex size-7 items-center justify-center rounded-md bg-accent-600 text-xs font-bold text-white"
        >
          XP
        </span>
        <span className="text-sm font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">Xero Partner</span>
      </Link>
      <div className="flex items-center gap-4">
        <SyncProgressCompact />
        <OnlineIndicator />
        {info.data ? (
          <span data-testid="profile-badge">
            <ProfileBadge profile={info.data.profile} />
          </span>
        ) : null}
        <SessionControls />
        <ThemeToggle />
      </div>
    </header>
  );
}
