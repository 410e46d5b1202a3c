import { useId, useState } from 'react';

import { CredentialsForm } from '../../components/ui/CredentialsForm';
import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { buttonClass, fieldInput, fieldLabel } from '../../components/ui/styles';
import { useCan } from '../session/useSession';
import { useConnectGoCardless, useDisconnectGoCardless, useGoCardlessCreditors } from './useGoCardless';

/**
 * GoCardless on the Connections page: who it is connected as and, for an owner, the access-token field. The token
 * goes to Rust, which verifies it with GoCardless before the vault keeps it; it is never shown back.
 */
export function GoCardlessConnect() {
  const canManage = useCan('manage_credentials');
  const canDisconnect = useCan('manage_connections');
  const creditors = useGoCardlessCreditors();
  const connect = useConnectGoCardless();
  const [token, setToken] = useState('');
  const tokenId = useId();
  const names = (creditors.data ?? []).map((c) => c.name);

  const status = connect.isSuccess ? (
    <p role="status" data-testid="gocardless-connected" className="text-sm text-emerald-800 dark:text-emerald-300">
      Connected as <strong className="font-medium">{connect.data.creditorName}</strong>. Mandates and payouts appear
      under Direct debit after the next sync.
    </p>
  ) : names.length > 0 ? (
    <div className="space-y-2">
      <p data-testid="gocardless-creditor" className="text-sm text-zinc-700 dark:text-zinc-300">
        Connected as <strong className="font-medium">{names.join(', ')}</strong>.
      </p>
      {canDisconnect ? <Disconnect /> : null}
    </div>
  ) : null;

  return (
    <CredentialsForm
      id="gocardless"
      label="GoCardless"
      canManage={canManage}
      status={status}
      ready={token.trim() !== ''}
      pending={connect.isPending}
      error={connect.error}
      errorTitle="GoCardless did not accept the token"
      onSubmit={() => connect.mutate(token.trim(), { onSuccess: () => setToken('') })}
    >
      <div>
        <label htmlFor={tokenId} className={fieldLabel}>
          {names.length > 0 ? 'Replace the access token' : 'Access token'}
        </label>
        <input
          id={tokenId}
          type="password"
          autoComplete="off"
          spellCheck={false}
          data-testid="gocardless-token"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby={`${tokenId}-hint`}
          className={`${fieldInput} font-mono`}
        />
        <p id={`${tokenId}-hint`} className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
          Create one in GoCardless under Developers → Create → Access token (read-write). It is checked with GoCardless
          and kept in this computer&apos;s keychain.
        </p>
      </div>
    </CredentialsForm>
  );
}

/** Forgets the token (the records stay for the books unless erased); Rust refuses while money is on its way. */
function Disconnect() {
  const disconnect = useDisconnectGoCardless();
  const [erase, setErase] = useState(false);
  const eraseId = useId();
  return (
    <div className="flex flex-wrap items-center gap-3" data-testid="gocardless-disconnect">
      <label htmlFor={eraseId} className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
        <input
          id={eraseId}
          type="checkbox"
          data-testid="gocardless-disconnect-erase"
          checked={erase}
          onChange={(e) => setErase(e.target.checked)}
        />
        Also erase its mandates, payments and payouts from this computer
      </label>
      <button
        type="button"
        data-testid="gocardless-disconnect-submit"
        className={buttonClass('secondary')}
        disabled={disconnect.isPending}
        onClick={() => disconnect.mutate(erase)}
      >
        {disconnect.isPending ? 'Disconnecting…' : 'Disconnect GoCardless'}
      </button>
      {disconnect.error ? (
        <div className="basis-full">
          <ErrorPanel error={disconnect.error} title="GoCardless stays connected" />
        </div>
      ) : null}
    </div>
  );
}
