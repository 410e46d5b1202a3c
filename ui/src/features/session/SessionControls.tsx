import { useNavigate } from 'react-router-dom';

import { ForbiddenLink } from '../../components/ui/ForbiddenLink';
import { buttonClass } from '../../components/ui/styles';
import { RoleBadge } from './RoleBadge';
import { OfflineSessionBadge, SessionUserName, SingleUserBadge } from './SessionBadges';
import { useLockSession, useSession, useSignOut } from './useSession';

const topBarButton = buttonClass('ghost', 'px-2.5 py-1 text-xs');

/** Ends the Okta session without asking, then shows the login page (the next person starts at the dashboard). */
export function SignOutButton({ className = topBarButton }: { className?: string }) {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <>
      <button
        type="button"
        data-testid="sign-out-button"
        className={className}
        disabled={signOut.isPending}
        onClick={() => signOut.mutate(undefined, { onSuccess: () => void navigate('/login', { replace: true }) })}
      >
        Sign out
      </button>
      {signOut.isError ? (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {signOut.error.message} <ForbiddenLink error={signOut.error} />
        </span>
      ) : null}
    </>
  );
}

/** Locks at once; signing in again returns to the same page. */
function LockButton() {
  const lock = useLockSession();
  return (
    <>
      <button
        type="button"
        data-testid="lock-button"
        className={topBarButton}
        disabled={lock.isPending}
        onClick={() => lock.mutate()}
      >
        Lock
      </button>
      {lock.isError ? (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {lock.error.message} <ForbiddenLink error={lock.error} />
        </span>
      ) : null}
    </>
  );
}

/** Who is signed in, as what, and the ways to end or pause the session. */
export function SessionControls() {
  const status = useSession().data;
  if (!status?.user) return null;
  const okta = status.mode === 'okta';
  return (
    <div className="flex items-center gap-2" aria-label="Session" role="group">
      {okta ? null : <SingleUserBadge />}
      {status.offline ? <OfflineSessionBadge offlineUntil={status.offlineUntil} /> : null}
      <SessionUserName user={status.user} />
      <RoleBadge role={status.user.role} />
      {okta ? (
        <>
          <LockButton />
          <SignOutButton />
        </>
      ) : null}
    </div>
  );
}
