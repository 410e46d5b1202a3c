import { useQuery } from '@tanstack/react-query';

import { appInfo } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';

export function useAppInfo() {
  return useQuery({ queryKey: queryKeys.appInfo, queryFn: appInfo, staleTime: Infinity });
}
