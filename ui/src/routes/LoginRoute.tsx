import { Link } from 'react-router-dom';

import { buttonClass } from '../components/ui/styles';

export default function LoginRoute() {
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
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          Your Xero books, bank accounts, card payments and crypto in one local, encrypted ledger.
        </p>
        <p className="mt-4 rounded-md bg-zinc-50 p-3 text-sm text-zinc-600 dark:bg-zinc-800/60 dark:text-zinc-400">
          Sign-in with Okta arrives in a later release; this installation runs in single-user mode as owner.
        </p>
        <Link to="/dashboard" className={buttonClass('primary', 'mt-6 w-full')}>
          Continue
        </Link>
      </div>
    </main>
  );
}
