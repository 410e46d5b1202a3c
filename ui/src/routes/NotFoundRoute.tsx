import { Link, useLocation } from 'react-router-dom';

import { PageHeader } from '../components/ui/PageHeader';
import { buttonClass } from '../components/ui/styles';

export default function NotFoundRoute() {
  const { pathname } = useLocation();
  return (
    <div data-testid="page-not-found">
      <PageHeader title="Page not found" />
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        There is no page at <code className="font-mono">{pathname}</code>. It may have moved, or the link is wrong.
      </p>
      <Link to="/dashboard" className={buttonClass('secondary', 'mt-6')}>
        Go to the dashboard
      </Link>
    </div>
  );
}
