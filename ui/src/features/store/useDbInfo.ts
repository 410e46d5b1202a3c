import { useQuery } from '@tanstack/react-query';

import { dbInfo } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';

export function useDbInfo() {
  return useQuery({ queryKey: queryKeys.dbInfo, queryFn: dbInfo });
}
