import { Link } from 'react-router-dom';

import { Loading } from '../components/ui/Loading';
import { PageHeader } from '../components/ui/PageHeader';
import { buttonClass } from '../components/ui/styles';
import { RoleBadge } from '../features/session/RoleBadge';
import { RoleGuide } from '../features/session/RoleGuide';
import { SignOutButton } from '../features/session/SessionControls';
import { useCan, useSession } from '../features/session/useSession';
import type { SessionStatus } from '../lib/bindings';

function SignedInAs({ status }: { status: SessionStatus }) {
  const user = status.user;
  if (!user) return null;
  return (
    <div data-testid="unauthorized-user" className="space-y-2 text-sm text-zinc-700 dark:text-zinc-300">
      <p>
        Signed in as <strong className="font-medium text-zinc-900 dark:text-zinc-100">{user.name}</strong>
        {user.email ? ` (${user.email})` : null}.
      </p>
      {user.role ? (
        <p className="flex flex-wrap items-center gap-2">
          Your role: <RoleBadge role={user.role} /> It does not allow what you tried to do.
        </p>
      ) : (
        <p data-testid="no-role">
          Your Okta groups give you no role in Xero Partner, so you cannot see any data yet.
        </p>
      )}
    </div>
  );
}

function HowToGetAccess({ status }: { status: SessionStatus }) {
  const okta = status.mode === 'okta';
  return (
    <section aria-labelledby="get-access" className="space-y-3">
      <h2 id="get-access" className="text-base font-semibold text-zinc-900 dark:text-zinc-50">
        What each role may do
      </h2>
      <RoleGuide roleGroups={status.roleGroups} />
      {okta ? (
        <div className="flex flex-wrap items-center gap-3 text-sm text-zinc-700 dark:text-zinc-300">
          <p>Once you are in the group, sign out and sign in again so Xero Partner reads your new groups.</p>
          <SignOutButton className={buttonClass('secondary')} />
        </div>
      ) : null}
    </section>
  );
}

export default function UnauthorizedRoute() {
  const status = useSession().data;
  const mayRead = useCan('read');
  return (
    <div data-testid="page-unauthorized" className="space-y-6">
      <PageHeader title="Not allowed" description="Your role does not allow this. Here is how to get access." />
      {status ? (
        <>
          <SignedInAs status={status} />
          <HowToGetAccess status={status} />
        </>
      ) : (
        <Loading label="Loading your role…" lines={2} />
      )}
      {mayRead ? (
        <Link to="/dashboard" className={buttonClass('secondary')}>
          Back to dashboard
        </Link>
      ) : null}
    </div>
  );
}
