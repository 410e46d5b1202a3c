import type { UseQueryResult } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';

import { Card } from '../../components/ui/Card';
import { EmptyState } from '../../components/ui/EmptyState';
import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { Fact } from '../../components/ui/Fact';
import { QueryView } from '../../components/ui/QueryView';
import { buttonClass, fieldInput, fieldLabel, linkClass } from '../../components/ui/styles';
import type { IpcError, Organisation, Provider, SettlementAccounts, SettlementMapping } from '../../lib/bindings';
import { ACCOUNTS, EMPTY_MAPPING, mappingError, trimmedMapping } from './settlementMapping';
import { useCan } from '../session/useSession';
import { providerName } from './status';
import { useCreateClearingAccount, useSetSettlementMapping, useSettlementMappings, useXeroAccounts } from './useDirectDebit';

/** Which accounts of the chart each field offers: bank accounts for money that moves, others for fees and suspense. */
function fits(key: keyof SettlementAccounts, type: string | null): boolean {
  return key === 'clearing' || key === 'bank' ? type === 'BANK' : type !== 'BANK';
}

interface ProviderMappingProps {
  provider: Provider;
  mapping: SettlementMapping | null;
  organisations: Organisation[];
}

function MappingForm({ provider, mapping, organisations }: ProviderMappingProps) {
  const [draft, setDraft] = useState<SettlementMapping>(() => mapping ?? EMPTY_MAPPING);
  const save = useSetSettlementMapping();
  const chart = useXeroAccounts(draft.organisationId);
  const create = useCreateClearingAccount();
  const baseId = useId();
  // The chart's name for a code, so a person sees which account a code is.
  const nameOf = (code: string) =>
    chart.data?.find((a) => a.code !== null && a.code.toLowerCase() === code.trim().toLowerCase())?.name ?? null;
  const problem = mappingError(draft);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!problem) save.mutate({ provider, mapping: trimmedMapping(draft) });
  };
  const setAccount = (key: keyof SettlementAccounts, value: string) => {
    save.reset();
    setDraft((d) => ({ ...d, accounts: { ...d.accounts, [key]: value } }));
  };
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label={`${providerName(provider)} accounts`}>
      <div>
        <label htmlFor={`${baseId}-org`} className={fieldLabel}>
          Xero organisation
        </label>
        <select
          id={`${baseId}-org`}
          data-testid={`settlement-${provider}-organisation`}
          value={draft.organisationId}
          onChange={(e) => {
            save.reset();
            create.reset();
            setDraft((d) => ({ ...d, organisationId: e.target.value }));
          }}
          className={fieldInput}
        >
          <option value="">Choose an organisation…</option>
          {organisations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        {ACCOUNTS.map(({ key, label, hint }) => (
          <div key={key}>
            <label htmlFor={`${baseId}-${key}`} className={fieldLabel}>
              {label}
            </label>
            <div className="flex gap-2">
              <input
                id={`${baseId}-${key}`}
                data-testid={`settlement-${provider}-${key}`}
                value={draft.accounts[key]}
                maxLength={10}
                spellCheck={false}
                onChange={(e) => setAccount(key, e.target.value)}
                aria-describedby={`${baseId}-${key}-hint`}
                list={`${baseId}-${key}-chart`}
                className={`${fieldInput} min-w-0 flex-1 font-mono`}
              />
              {key === 'clearing' ? (
                <button
                  type="button"
                  data-testid={`settlement-${provider}-create-clearing`}
                  disabled={!draft.organisationId || create.isPending}
                  onClick={() =>
                    create.mutate(
                      { provider, organisationId: draft.organisationId },
                      { onSuccess: (a) => setAccount('clearing', a.code ?? '') },
                    )
                  }
                  className={buttonClass('secondary', 'shrink-0 py-1 text-xs')}
                >
                  {create.isPending ? 'Creating in Xero…' : 'Create one in Xero'}
                </button>
              ) : null}
            </div>
            <datalist id={`${baseId}-${key}-chart`} data-testid={`settlement-${provider}-${key}-chart`}>
              {(chart.data ?? [])
                .filter((a) => a.code && a.status !== 'ARCHIVED' && fits(key, a.type))
                .map((a) => (
                  <option key={a.accountId} value={a.code ?? ''}>
                    {a.name}
                  </option>
                ))}
            </datalist>
            <p id={`${baseId}-${key}-hint`} className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
              {nameOf(draft.accounts[key]) ? (
                <span data-testid={`settlement-${provider}-${key}-name`} className="font-medium text-zinc-700 dark:text-zinc-300">
                  {nameOf(draft.accounts[key])}.{' '}
                </span>
              ) : null}
              {hint}
            </p>
          </div>
        ))}
      </div>
      {problem ? (
        <p data-testid={`settlement-${provider}-problem`} className="text-xs text-zinc-600 dark:text-zinc-400">
          {problem}
        </p>
      ) : null}
      <div className="flex items-center gap-3">
        <button
          type="submit"
          data-testid={`settlement-${provider}-save`}
          disabled={problem !== null || save.isPending}
          className={buttonClass('primary', 'py-1.5 text-xs')}
        >
          {save.isPending ? 'Saving…' : 'Save accounts'}
        </button>
        {save.isSuccess ? (
          <span role="status" data-testid={`settlement-${provider}-saved`} className="text-sm text-emerald-800 dark:text-emerald-300">
            Saved. The next settlement pass books {providerName(provider)} money into these accounts.
          </span>
        ) : null}
      </div>
      {create.isSuccess ? (
        <p role="status" data-testid={`settlement-${provider}-created`} className="text-sm text-emerald-800 dark:text-emerald-300">
          Created bank account {create.data.code} &ldquo;{create.data.name}&rdquo; in Xero. Save the accounts to book{' '}
          {providerName(provider)} money through it.
        </p>
      ) : null}
      {create.isError ? <ErrorPanel error={create.error} title="No account was created in Xero" /> : null}
      {save.isError ? <ErrorPanel error={save.error} title="The accounts were not saved" /> : null}
    </form>
  );
}

function MappingFacts({ provider, mapping, organisations }: ProviderMappingProps) {
  if (!mapping) {
    return (
      <p className="text-sm text-zinc-500 dark:text-zinc-400">
        Not mapped yet: an owner chooses where {providerName(provider)} money is booked.
      </p>
    );
  }
  const org = organisations.find((o) => o.id === mapping.organisationId);
  return (
    <dl className="grid gap-3 sm:grid-cols-3">
      <Fact label="Xero organisation" testId={`settlement-${provider}-organisation`}>
        {org?.name ?? mapping.organisationId}
      </Fact>
      {ACCOUNTS.map(({ key, label }) => (
        <Fact key={key} label={label} testId={`settlement-${provider}-${key}`}>
          <span className="font-mono">{mapping.accounts[key]}</span>
        </Fact>
      ))}
    </dl>
  );
}

interface SettlementMappingCardProps {
  /** The kept Xero organisations (never another provider's accounts). */
  organisations: UseQueryResult<Organisation[], IpcError>;
}

/**
 * Settings → Direct debit accounts: per provider, the Xero organisation and the four accounts its money goes
 * through. An owner edits them; other roles see them read-only.
 */
export function SettlementMappingCard({ organisations }: SettlementMappingCardProps) {
  const mappings = useSettlementMappings();
  const canManage = useCan('manage_connections');
  return (
    <Card
      title="Direct debit accounts"
      description="Where each provider’s money is booked in Xero: payments into a clearing account when confirmed, then fees and the net payout when it arrives."
    >
      <QueryView query={organisations} loadingLabel="Loading organisations…" errorTitle="Could not load the organisations">
        {(orgs) =>
          orgs.length === 0 ? (
            <EmptyState title="No Xero organisation yet">
              Connect a Xero organisation under{' '}
              <Link to="/connections" className={linkClass}>
                Connections
              </Link>{' '}
              first; its accounts are chosen here.
            </EmptyState>
          ) : (
            <QueryView query={mappings} loadingLabel="Loading accounts…" errorTitle="Could not load the accounts">
              {(list) => (
                <div className="space-y-6">
                  {list.map(({ provider, mapping }) => (
                    <section
                      key={provider}
                      data-testid={`settlement-mapping-${provider}`}
                      aria-label={`${providerName(provider)} accounts`}
                      className="space-y-3"
                    >
                      <h3 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{providerName(provider)}</h3>
                      {canManage ? (
                        <MappingForm provider={provider} mapping={mapping} organisations={orgs} />
                      ) : (
                        <MappingFacts provider={provider} mapping={mapping} organisations={orgs} />
                      )}
                    </section>
                  ))}
                  {canManage ? null : (
                    <p data-testid="settlement-read-only" className="text-sm text-zinc-500 dark:text-zinc-400">
                      Only an owner can change these accounts.
                    </p>
                  )}
                </div>
              )}
            </QueryView>
          )
        }
      </QueryView>
    </Card>
  );
}
