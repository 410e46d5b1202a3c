import { QueryClient } from '@tanstack/react-query';

import type { IpcError } from './bindings';

declare module '@tanstack/react-query' {
  interface Register {
    // Every query and mutation goes through src/lib/ipc, which rejects with IpcError only.
    defaultError: IpcError;
  }
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
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
}
