import { MutationCache, QueryCache, QueryClient, type QueryKey } from '@tanstack/react-query';

import type { ErrorCode, IpcError } from './bindings';
import { isIpcError } from './ipc';
import { queryKeys } from './queryKeys';

declare module '@tanstack/react-query' {
  interface Register {
    // Every query and mutation goes through src/lib/ipc, which rejects with IpcError only.
    defaultError: IpcError;
  }
}

// Every failing query or mutation may need to refresh the session.
const sessionKey = queryKeys.session;

/** Rust answers these when the session is over (nobody signed in, grace expired) or locked. */
const SESSION_ENDED: ReadonlySet<ErrorCode> = new Set(['sign_in_required', 'locked']);

function isSessionKey(key: QueryKey): boolean {
  return key[0] === sessionKey[0];
}

/**
 * A command refused for lack of a session means Rust's view changed (idle lock, sign-out elsewhere, grace over):
 * refetch the session so the route guard sends the user to /login.
 */
function refreshSessionOnEndedSession(client: QueryClient, error: unknown, key?: QueryKey): void {
  if (!isIpcError(error) || !SESSION_ENDED.has(error.code)) return;
  if (key && isSessionKey(key)) return;
  void client.invalidateQueries({ queryKey: sessionKey });
}

/** Forgets everything read from the books; the session query stays so the login page knows what to show. */
export function clearDataQueries(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => !isSessionKey(query.queryKey) });
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => refreshSessionOnEndedSession(client, error, query.queryKey),
    }),
    mutationCache: new MutationCache({
      onError: (error) => refreshSessionOnEndedSession(client, error),
    }),
    defaultOptions: {
      queries: {
        // IPC is local: run queries while the machine is offline and serve cached data meanwhile.
        networkMode: 'always',
        // Local errors (wrong key, missing keychain) do not heal by retrying; the user retries from the ErrorPanel.
        retry: false,
        refetchOnWindowFocus: false,
        staleTime: 30_000,
      },
      mutations: { networkMode: 'always', retry: false },
    },
  });
  return client;
}
