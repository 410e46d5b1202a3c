import { useQuery } from '@tanstack/react-query';

import { dbInfo } from '../../lib/ipc';

export const dbInfoKey = ['db-info'] as const;

export function useDbInfo() {
  return useQuery({ queryKey: dbInfoKey, queryFn: dbInfo });
}
