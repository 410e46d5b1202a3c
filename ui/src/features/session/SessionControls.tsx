import { useNavigate } from 'react-router-dom';

import { ForbiddenLink } from '../../components/ui/ForbiddenLink';
import type { IpcError } from '../../lib/bindings';
import { buttonClass } from '../../components/ui/styles';
import { RoleBadge } from './RoleBadge';
import { OfflineSessionBadge, SessionUserName, SingleUserBadge } from './SessionBadges';
import { useLockSession, useSession, useSignOut } from './useSession';

const topBarButton = buttonClass('ghost', 'px-2.5 py-1 text-xs');

/** A top-bar session action with its failure shown beside it. */
function SessionAction(props: {
  testId: string;
  label: string;
  className: string;
  pending: boolean;
  error: IpcError | null;
  onClick: () => void;
}) {
  const { testId, label, className, pending, error, onClick } = props;
  return (
    <>
      <button type="button" data-testid={testId} className={className} disabled={pending} onClick={onClick}>
        {label}
      </button>
      {error ? (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {error.message} <ForbiddenLink error={error} />
        </span>
      ) : null}
    </>
  );
}

/** Ends the Okta session without asking, then shows the login page (the next person starts at the dashboard). */
export function SignOutButton({ className = topBarButton }: { className?: string }) {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <SessionAction
      testId="sign-out-button"
      label="Sign out"
      className={className}
      pending={signOut.isPending}
      error={signOut.error}
      onClick={() => signOut.mutate(undefined, { onSuccess: () => void navigate('/login', { replace: true }) })}
    />
  );
}

/** Locks at once; signing in again returns to the same page. */
function LockButton() {
  const lock = useLockSession();
  return (
    <SessionAction
      testId="lock-button"
      label="Lock"
      className={topBarButton}
      pending={lock.isPending}
      error={lock.error}
      onClick={() => lock.mutate()}
    />
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
