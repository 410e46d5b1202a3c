import type { ReactNode } from 'react';

import { buttonClass } from '../../components/ui/styles';
import type { IpcError, SessionStatus } from '../../lib/bindings';
import { formatDateTime } from '../../lib/format';
import { useCancelSignIn, useSignIn } from './useSession';

const heading = 'text-base font-semibold text-zinc-900 dark:text-zinc-50';
const text = 'mt-1 text-sm text-zinc-700 dark:text-zinc-300';

/** Why the login page is showing: locked, offline too long, or simply nobody signed in. */
function SessionStateExplanation({ status }: { status: SessionStatus }) {
  if (status.state === 'locked') {
    return (
      <div>
        <h2 className={heading}>Xero Partner is locked</h2>
        <p className={text}>Sign in again to see your data.</p>
      </div>
    );
  }
  if (status.state === 'grace_expired') {
    const days = status.offlineGraceDays === 1 ? '1 day' : `${status.offlineGraceDays} days`;
    return (
      <div data-testid="grace-expired">
        <h2 className={heading}>Sign-in needs an internet connection</h2>
        <p className={text}>
          Xero Partner was offline for longer than the allowed {days} since the last online check of your sign-in.
          Connect to the internet, then sign in again.
        </p>
        {status.lastValidatedAt ? (
          <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
            Last checked online: {formatDateTime(status.lastValidatedAt)}
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <div>
      <h2 className={heading}>Sign in</h2>
      <p className={text}>Your Xero books, bank accounts, card payments and crypto in one local, encrypted ledger.</p>
    </div>
  );
}

function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="rounded-md bg-zinc-50 p-3 text-sm text-zinc-700 dark:bg-zinc-800/60 dark:text-zinc-300">
      {children}
    </div>
  );
}

function OktaNotConfigured() {
  return (
    <Notice>
      <p className="font-medium text-zinc-900 dark:text-zinc-100">Sign-in is not configured.</p>
      <p className="mt-1">
        An owner must set the Okta issuer and client id in the config file, then restart Xero Partner.
      </p>
    </Notice>
  );
}

/** Rust's latest word on sign-in, or the error of the last button press; errors are announced at once. */
function LoginMessage({ message, isError }: { message: string; isError: boolean }) {
  return (
    <p
      data-testid="login-message"
      role={isError ? 'alert' : 'status'}
      className={
        isError
          ? 'rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200'
          : 'rounded-md bg-zinc-50 p-3 text-sm text-zinc-700 dark:bg-zinc-800/60 dark:text-zinc-300'
      }
    >
      {message}
    </p>
  );
}

function loginMessage(status: SessionStatus, actionError: IpcError | null) {
  if (actionError) return { message: actionError.message, isError: true };
  if (!status.message) return null;
  // Signed out with a message: the last sign-in failed or Rust ended the session; otherwise it explains a state.
  return { message: status.message, isError: status.state === 'signed_out' };
}

function SignInWaiting({ onCancel, cancelling }: { onCancel: () => void; cancelling: boolean }) {
  return (
    <div className="space-y-3">
      <p role="status" data-testid="sign-in-waiting" className="flex items-center gap-3 text-sm">
        <span
          aria-hidden="true"
          className="size-4 animate-spin rounded-full border-2 border-accent-600 border-t-transparent"
        />
        Finish signing in in your browser…
      </p>
      <button
        type="button"
        data-testid="cancel-sign-in"
        className={buttonClass('secondary', 'w-full')}
        disabled={cancelling}
        onClick={onCancel}
      >
        Cancel sign-in
      </button>
    </div>
  );
}

function OktaSignIn({ status }: { status: SessionStatus }) {
  const signIn = useSignIn();
  const cancel = useCancelSignIn();
  const actionError = signIn.error ?? cancel.error;
  const message = loginMessage(status, actionError);
  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="okta-issuer">
        Signs in with Okta
        {status.oktaIssuer ? (
          <>
            {' at '}
            <span className="font-mono text-xs break-all text-zinc-800 dark:text-zinc-200">{status.oktaIssuer}</span>
          </>
        ) : null}
      </p>
      {message ? <LoginMessage {...message} /> : null}
      {status.state === 'signing_in' ? (
        <SignInWaiting
          cancelling={cancel.isPending}
          onCancel={() => {
            signIn.reset();
            cancel.mutate();
          }}
        />
      ) : (
        <button
          type="button"
          data-testid="sign-in"
          className={buttonClass('primary', 'w-full')}
          disabled={signIn.isPending}
          onClick={() => {
            cancel.reset();
            signIn.mutate();
          }}
        >
          Sign in with Okta
        </button>
      )}
    </div>
  );
}

interface SignInPanelProps {
  status: SessionStatus;
  /** Asks Rust for the session again (single-user mode reports it open once the core is ready). */
  onRecheck: () => void;
}

/** Everything the login page says and offers for the current session state; never data from the books. */
export function SignInPanel({ status, onRecheck }: SignInPanelProps) {
  return (
    <div className="space-y-5">
      <SessionStateExplanation status={status} />
      {status.mode === 'single_user' ? (
        <div className="space-y-3">
          <Notice>This installation runs in single-user mode and needs no sign-in.</Notice>
          <button type="button" className={buttonClass('primary', 'w-full')} onClick={onRecheck}>
            Continue
          </button>
        </div>
      ) : status.oktaConfigured ? (
        <OktaSignIn status={status} />
      ) : (
        <OktaNotConfigured />
      )}
    </div>
  );
}
