import { isRouteErrorResponse, Link, useRouteError } from 'react-router-dom';

import { buttonClass } from '../components/ui/styles';

/** Last-resort screen when a page throws while rendering. */
export default function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <main role="alert" data-testid="page-error" className="mx-auto max-w-xl p-10">
      <h1 className="text-xl font-semibold">This screen failed to load</h1>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{message}</p>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        Go back to the dashboard; if it happens again, send the log folder shown in Settings to support.
      </p>
      <Link to="/dashboard" reloadDocument className={buttonClass('secondary', 'mt-6')}>
        Go to the dashboard
      </Link>
    </main>
  );
}
