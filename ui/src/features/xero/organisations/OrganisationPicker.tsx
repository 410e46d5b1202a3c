import { useId, useState } from 'react';

import { Badge } from '../../../components/ui/Badge';
import { ErrorPanel } from '../../../components/ui/ErrorPanel';
import { buttonClass } from '../../../components/ui/styles';
import type { XeroConnectResult } from '../../../lib/bindings';
import { useKeepOrganisations } from './useOrganisations';

interface OrganisationPickerProps {
  result: XeroConnectResult;
  onDone: () => void;
  onCancel: () => void;
}

/** The organisations the Xero grant covers; the user picks explicitly, nothing is preselected. */
export function OrganisationPicker({ result, onDone, onCancel }: OrganisationPickerProps) {
  const legendId = useId();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set());
  const keep = useKeepOrganisations();

  function toggle(tenantId: string, checked: boolean) {
    setChosen((current) => {
      const next = new Set(current);
      if (checked) next.add(tenantId);
      else next.delete(tenantId);
      return next;
    });
  }

  return (
    <form
      data-testid="org-picker"
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen.size === 0) return;
        keep.mutate(
          // Offer order, not click order, so the request is stable.
          { connectionId: result.connectionId, tenantIds: result.organisations.map((o) => o.tenantId).filter((id) => chosen.has(id)) },
          { onSuccess: onDone },
        );
      }}
    >
      <fieldset aria-labelledby={legendId}>
        <legend id={legendId} className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
          Choose the organisations to keep
        </legend>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          You signed in to Xero. Pick which of its organisations this app may read; the others stay untouched.
        </p>
        {result.organisations.length === 0 ? (
          <p className="mt-3 text-sm text-zinc-700 dark:text-zinc-300">
            This Xero login has no organisations. Sign in with a user who belongs to one.
          </p>
        ) : (
          <ul className="mt-3 divide-y divide-zinc-100 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {result.organisations.map((org) => (
              <li key={org.tenantId}>
                <label className="flex cursor-pointer items-center gap-3 px-3 py-2.5 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                  <input
                    type="checkbox"
                    data-testid={`org-option-${org.tenantId}`}
                    checked={chosen.has(org.tenantId)}
                    onChange={(e) => toggle(org.tenantId, e.target.checked)}
                    className="size-4 accent-accent-600"
                  />
                  <span className="flex-1 font-medium">{org.name}</span>
                  {org.alreadyConnected ? <Badge tone="success">Already connected</Badge> : null}
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      {keep.isError ? <ErrorPanel error={keep.error} title="Could not keep the organisations" /> : null}
      <div className="flex items-center gap-2">
        <button
          type="submit"
          data-testid="keep-organisations"
          className={buttonClass('primary')}
          disabled={chosen.size === 0 || keep.isPending}
        >
          {keep.isPending ? 'Keeping…' : 'Keep selected'}
        </button>
        <button type="button" className={buttonClass('ghost')} onClick={onCancel} disabled={keep.isPending}>
          Cancel
        </button>
        <span className="text-sm text-zinc-500 dark:text-zinc-400" aria-live="polite">
          {chosen.size} selected
        </span>
      </div>
    </form>
  );
}
