import { useId, useState } from 'react';

import { Badge } from '../../components/ui/Badge';
import { CredentialsForm } from '../../components/ui/CredentialsForm';
import { fieldInput, fieldLabel } from '../../components/ui/styles';
import type { SaferpayCredentialsInput } from '../../lib/bindings';
import { useCan } from '../session/useSession';
import { useConnectSaferpay, useSaferpayStatus } from './useSaferpay';

type Field = keyof SaferpayCredentialsInput;

const FIELDS: Array<{ field: Field; testId: string; label: string; hint: string; secret?: boolean }> = [
  { field: 'apiUser', testId: 'saferpay-api-user', label: 'JSON API user', hint: 'Backoffice → Settings → JSON API basic authentication, e.g. API_401860_80003225.' },
  { field: 'password', testId: 'saferpay-password', label: 'JSON API password', hint: 'Shown once when the API user was created.', secret: true },
  { field: 'customerId', testId: 'saferpay-customer-id', label: 'Customer id', hint: 'The number before the dash in your account id.' },
  { field: 'terminalId', testId: 'saferpay-terminal-id', label: 'Terminal id', hint: 'The 8 digits of the terminal SEPA debits go to. Saferpay checks it with the first debit, not here.' },
];

const EMPTY: SaferpayCredentialsInput = { apiUser: '', password: '', customerId: '', terminalId: '' };

function trimmed(c: SaferpayCredentialsInput): SaferpayCredentialsInput {
  // The password is taken exactly as typed: spaces may be part of it.
  return { apiUser: c.apiUser.trim(), password: c.password, customerId: c.customerId.trim(), terminalId: c.terminalId.trim() };
}

/**
 * Saferpay on the Connections page: whether debits can be sent and, for an owner, the four JSON API fields. Rust
 * verifies them with Saferpay before the vault keeps them; the password is never shown back.
 */
export function SaferpayConnect() {
  const canManage = useCan('manage_credentials');
  const saved = useSaferpayStatus();
  const connect = useConnectSaferpay();
  const [draft, setDraft] = useState<SaferpayCredentialsInput>(EMPTY);
  const baseId = useId();
  const complete = FIELDS.every(({ field }) => draft[field].trim() !== '');

  const status = connect.isSuccess ? (
    <p role="status" data-testid="saferpay-connected" className="text-sm text-emerald-800 dark:text-emerald-300">
      Connected as customer <strong className="font-medium">{connect.data.customerId}</strong>, terminal{' '}
      <strong className="font-medium">{connect.data.terminalId}</strong>.
    </p>
  ) : saved.data?.configured ? (
    <p data-testid="saferpay-configured" className="text-sm text-zinc-700 dark:text-zinc-300">
      <Badge tone="success">Credentials saved</Badge> Direct debits can be sent.
    </p>
  ) : null;

  return (
    <CredentialsForm
      id="saferpay"
      label="Saferpay"
      canManage={canManage}
      status={status}
      ready={complete}
      pending={connect.isPending}
      error={connect.error}
      errorTitle="Saferpay did not accept the credentials"
      onSubmit={() => connect.mutate(trimmed(draft), { onSuccess: () => setDraft(EMPTY) })}
    >
      {FIELDS.map(({ field, testId, label, hint, secret }) => {
        const id = `${baseId}-${field}`;
        return (
          <div key={field}>
            <label htmlFor={id} className={fieldLabel}>
              {label}
            </label>
            <input
              id={id}
              type={secret ? 'password' : 'text'}
              autoComplete="off"
              spellCheck={false}
              inputMode={field === 'customerId' || field === 'terminalId' ? 'numeric' : undefined}
              data-testid={testId}
              value={draft[field]}
              onChange={(e) => setDraft((d) => ({ ...d, [field]: e.target.value }))}
              aria-describedby={`${id}-hint`}
              className={`${fieldInput} font-mono`}
            />
            <p id={`${id}-hint`} className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
              {hint}
            </p>
          </div>
        );
      })}
    </CredentialsForm>
  );
}
