import { Link } from 'react-router-dom';

import { PageHeader } from '../components/ui/PageHeader';
import { buttonClass } from '../components/ui/styles';

export default function UnauthorizedRoute() {
  return (
    <div data-testid="page-unauthorized">
      <PageHeader title="Not allowed" />
      <div className="max-w-2xl space-y-3 text-sm text-zinc-700 dark:text-zinc-300">
        <p>Your signed-in role does not allow this action.</p>
        <p>
          To get access, ask an owner of your organisation to give you the accountant or owner role in Okta, then
          sign in again.
        </p>
      </div>
      <Link to="/dashboard" className={buttonClass('secondary', 'mt-6')}>
        Back to dashboard
      </Link>
    </div>
  );
}
