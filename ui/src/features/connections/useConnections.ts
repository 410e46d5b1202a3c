import { useQuery } from '@tanstack/react-query';

import { listConnections } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';

export function useConnections() {
  return useQuery({ queryKey: queryKeys.connections, queryFn: listConnections });
}
