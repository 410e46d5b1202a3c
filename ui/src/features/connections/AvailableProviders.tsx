import { useId } from 'react';

import { Badge } from '../../components/ui/Badge';
import { buttonClass } from '../../components/ui/styles';
import type { ConnectionSummary, ProviderEndpoint } from '../../lib/bindings';
import { PROVIDER_ORDER, PROVIDERS } from './providers';

interface AvailableProvidersProps {
  endpoints: ProviderEndpoint[];
  connections: ConnectionSummary[];
  /** Starts the Xero sign-in; the only provider that can be connected so far. */
  onConnectXero: () => void;
  connectingXero: boolean;
  /** The signed-in role may connect providers (manage_connections); without it no connect button shows. */
  canConnect: boolean;
}

export function AvailableProviders({
  endpoints,
  connections,
  onConnectXero,
  connectingXero,
  canConnect,
}: AvailableProvidersProps) {
  const noteId = useId();
  return (
    <div>
      <p id={noteId} className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        Xero can be connected now; the other providers arrive with their integrations in a later release. The
        addresses below are the base URLs this installation is configured to use.
      </p>
      <ul className="grid gap-3 sm:grid-cols-2" aria-label="Available providers">
        {PROVIDER_ORDER.map((provider) => {
          const meta = PROVIDERS[provider];
          const baseUrl = endpoints.find((e) => e.provider === provider)?.baseUrl;
          const count = connections.filter((c) => c.provider === provider).length;
          return (
            <li
              key={provider}
              data-testid={`provider-${provider}`}
              className="flex flex-col gap-2 rounded-md border border-zinc-200 p-4 dark:border-zinc-800"
            >
              <div className="flex items-center justify-between gap-2">
                <span className="font-medium text-zinc-900 dark:text-zinc-100">{meta.label}</span>
                {count > 0 ? (
                  <Badge tone="success">{count === 1 ? 'Connected' : `${count} connections`}</Badge>
                ) : (
                  <Badge>Not connected</Badge>
                )}
              </div>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">{meta.description}</p>
              <p className="truncate font-mono text-xs text-zinc-500 dark:text-zinc-400" title={baseUrl}>
                {baseUrl ?? 'No base URL configured'}
              </p>
              {canConnect ? (
                <div>
                  {provider === 'xero' ? (
                    <button
                      type="button"
                      data-testid="connect-xero"
                      disabled={connectingXero}
                      onClick={onConnectXero}
                      className={buttonClass('primary', 'mt-1 py-1.5 text-xs')}
                    >
                      {connectingXero ? 'Waiting for Xero…' : `Connect ${meta.label}`}
                    </button>
                  ) : (
                    <button
                      type="button"
                      disabled
                      aria-describedby={noteId}
                      title="Connecting arrives with this provider's integration"
                      className={buttonClass('secondary', 'mt-1 py-1.5 text-xs')}
                    >
                      Connect {meta.label}
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
