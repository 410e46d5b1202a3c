import type { ReactNode } from 'react';
import { Navigate, useLocation, type Location } from 'react-router-dom';

import { ErrorPanel } from '../components/ui/ErrorPanel';
import { SignInPanel } from '../features/session/SignInPanel';
import { useSession } from '../features/session/useSession';

/** Where the guard sent the user from (`state.from`), so signing in returns there; the dashboard otherwise. */
function returnPath(state: unknown): string {
  const from = (state as { from?: Partial<Location> } | null)?.from;
  if (typeof from?.pathname !== 'string' || from.pathname === '/login') return '/dashboard';
  return `${from.pathname}${from.search ?? ''}${from.hash ?? ''}`;
}

function LoginCard({ children }: { children: ReactNode }) {
  return (
    <main
      data-testid="page-login"
      className="flex min-h-screen items-center justify-center bg-zinc-100 px-4 dark:bg-zinc-950"
    >
      <div className="w-full max-w-md rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mb-6 flex items-center gap-3">
          <span
            aria-hidden="true"
            className="flex size-10 items-center justify-center rounded-lg bg-accent-600 text-sm font-bold text-white"
          >
            XP
          </span>
          <h1 className="text-xl font-semibold tracking-tight">Xero Partner</h1>
        </div>
        {children}
      </div>
    </main>
  );
}

export default function LoginRoute() {
  const session = useSession();
  const location = useLocation();

  const status = session.data;

  if (status?.state === 'signed_in') return <Navigate to={returnPath(location.state)} replace />;
  return (
    <LoginCard>
      {status ? (
        <SignInPanel status={status} onRecheck={() => void session.refetch()} />
      ) : session.isError ? (
        <ErrorPanel
          error={session.error}
          title="Could not check your sign-in"
          retrying={session.isFetching}
          onRetry={() => void session.refetch()}
        />
      ) : (
        <p role="status" className="text-sm text-zinc-500 dark:text-zinc-400">
          Checking your sign-in…
        </p>
      )}
    </LoginCard>
  );
}
