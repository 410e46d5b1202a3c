import type { FormEvent, ReactNode } from 'react';

import type { IpcError } from '../../lib/bindings';
import { ErrorPanel } from './ErrorPanel';
import { buttonClass } from './styles';

interface CredentialsFormProps {
  /** The provider's id, for the test ids: `<id>-submit`, `<id>-owner-only`, `<id>-error`. */
  id: string;
  /** The provider's name, in the words of the form. */
  label: string;
  /** The signed-in role may enter credentials; without it only `status` and a note show. */
  canManage: boolean;
  /** Who the saved credentials belong to, when known. */
  status: ReactNode;
  /** Every field is filled. */
  ready: boolean;
  pending: boolean;
  error: IpcError | null;
  errorTitle: string;
  onSubmit: () => void;
  /** The fields. */
  children: ReactNode;
}

/**
 * A provider's credentials typed into its card: the fields, a submit that waits while Rust verifies them with the
 * provider, and the provider's answer. Roles that may not manage credentials see only who it is connected as.
 */
export function CredentialsForm(props: CredentialsFormProps) {
  const { id, label, canManage, status, ready, pending, error, errorTitle, onSubmit, children } = props;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <div className="space-y-3">
      {status}
      {canManage ? (
        <form onSubmit={submit} className="space-y-2" aria-label={`Connect ${label}`}>
          {children}
          <button
            type="submit"
            data-testid={`${id}-submit`}
            disabled={pending || !ready}
            className={buttonClass('primary', 'py-1.5 text-xs')}
          >
            {pending ? `Checking with ${label}…` : 'Verify and save'}
          </button>
        </form>
      ) : (
        <p data-testid={`${id}-owner-only`} className="text-sm text-zinc-500 dark:text-zinc-400">
          Only an owner can connect {label}.
        </p>
      )}
      {error ? (
        <div data-testid={`${id}-error`}>
          <ErrorPanel error={error} title={errorTitle} />
        </div>
      ) : null}
    </div>
  );
}
