import { useId } from 'react';

import { Badge } from '../../components/ui/Badge';
import { buttonClass } from '../../components/ui/styles';
import type { ConnectionSummary, Provider, ProviderEndpoint } from '../../lib/bindings';
import { isConnectable, type ProviderEntry } from './providers';

interface AvailableProvidersProps {
  endpoints: ProviderEndpoint[];
  connections: ConnectionSummary[];
  /** Every provider in display order; those with a connector get a working Connect button, those with a panel show it. */
  providers: ProviderEntry[];
  /** Starts the sign-in of a provider that has a connector. */
  onConnect: (provider: Provider) => void;
  /** The signed-in role may connect providers (manage_connections); without it no connect button shows. */
  canConnect: boolean;
}

/** "A and B" / "A, B and C": the providers that can be connected, in the note above the list. */
function listOf(labels: string[]): string {
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

export function AvailableProviders({ endpoints, connections, providers, onConnect, canConnect }: AvailableProvidersProps) {
  const noteId = useId();
  const connectable = listOf(providers.filter(isConnectable).map((p) => p.label));
  const later = providers.filter((p) => !isConnectable(p) && !p.setUpIn).map((p) => p.label);
  const laterNote =
    later.length === 0
      ? ''
      : `${listOf(later)} ${later.length === 1 ? 'arrives with its integration' : 'arrive with their integrations'} in a later release. `;
  return (
    <div>
      <p id={noteId} className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        {connectable ? `${connectable} can be connected now. ` : ''}
        {laterNote}
        The addresses below are the base URLs this installation is configured to use.
      </p>
      <ul className="grid gap-3 sm:grid-cols-2" aria-label="Available providers">
        {providers.map(({ provider, label, description, connector, panel, setUpIn }) => {
          const baseUrl = endpoints.find((e) => e.provider === provider)?.baseUrl;
          const count = connections.filter((c) => c.provider === provider).length;
          return (
            <li
              key={provider}
              data-testid={`provider-${provider}`}
              className="flex flex-col gap-2 rounded-md border border-zinc-200 p-4 dark:border-zinc-800"
            >
              <div className="flex items-center justify-between gap-2">
                <span className="font-medium text-zinc-900 dark:text-zinc-100">{label}</span>
                {count > 0 ? (
                  <Badge tone="success">{count === 1 ? 'Connected' : `${count} connections`}</Badge>
                ) : panel ? null : (
                  // A provider with a panel says there whether it is set up (Saferpay keeps credentials, no connection).
                  <Badge>Not connected</Badge>
                )}
              </div>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">{description}</p>
              <p className="truncate font-mono text-xs text-zinc-500 dark:text-zinc-400" title={baseUrl}>
                {baseUrl ?? 'No base URL configured'}
              </p>
              {panel ? (
                <div className="mt-1 border-t border-zinc-100 pt-3 dark:border-zinc-800">{panel}</div>
              ) : setUpIn ? (
                <p className="text-sm text-zinc-600 dark:text-zinc-400">{setUpIn}</p>
              ) : canConnect ? (
                <div>
                  {connector ? (
                    <button
                      type="button"
                      data-testid={`connect-${provider}`}
                      disabled={connector.connecting}
                      onClick={() => onConnect(provider)}
                      className={buttonClass('primary', 'mt-1 py-1.5 text-xs')}
                    >
                      {connector.connecting ? `Waiting for ${label}…` : `Connect ${label}`}
                    </button>
                  ) : (
                    <button
                      type="button"
                      disabled
                      aria-describedby={noteId}
                      title="Connecting arrives with this provider's integration"
                      className={buttonClass('secondary', 'mt-1 py-1.5 text-xs')}
                    >
                      Connect {label}
                    </button>
                  )}
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
