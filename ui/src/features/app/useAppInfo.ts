import { useQuery } from '@tanstack/react-query';

import { appInfo } from '../../lib/ipc';

export const appInfoKey = ['app-info'] as const;

export function useAppInfo() {
  return useQuery({ queryKey: appInfoKey, queryFn: appInfo, staleTime: Infinity });
}
