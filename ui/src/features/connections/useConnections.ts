import { useQuery } from '@tanstack/react-query';

import { listConnections } from '../../lib/ipc';

export const connectionsKey = ['connections'] as const;

export function useConnections() {
  return useQuery({ queryKey: connectionsKey, queryFn: listConnections });
}
