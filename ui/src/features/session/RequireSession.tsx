import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';

import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { mayRead } from './roles';
import { useSession } from './useSession';

export const UNAUTHORIZED_PATH = '/unauthorized';

function SessionCheckScreen({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-zinc-100 px-4 dark:bg-zinc-950">
      <div className="w-full max-w-md">{children}</div>
    </main>
  );
}

/**
 * Renders the app only for an open session: nobody signed in (or locked, or offline too long) goes to /login,
 * remembering the page; someone signed in without a role that may read only reaches /unauthorized.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const status = session.data;

  // A failed poll keeps the last known status: only a first load has nothing to go on.
  if (status === undefined) {
    return (
      <SessionCheckScreen>
        {session.isError ? (
          <ErrorPanel
            error={session.error}
            title="Could not check your sign-in"
            retrying={session.isFetching}
            onRetry={() => void session.refetch()}
          />
        ) : (
          <p role="status" data-testid="session-loading" className="text-center text-sm text-zinc-500 dark:text-zinc-400">
            Checking your sign-in…
          </p>
        )}
      </SessionCheckScreen>
    );
  }
  if (status.state !== 'signed_in') {
    return <Navigate to="/login" state={{ from: location }} replace />;
  }
  if (!mayRead(status) && location.pathname !== UNAUTHORIZED_PATH) {
    return <Navigate to={UNAUTHORIZED_PATH} replace />;
  }
  return <>{children}</>;
}
