import { useQuery } from '@tanstack/react-query';

import { getCollection, listCollections } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';

export const COLLECTIONS_LIMIT = 500;

export function useCollections() {
  return useQuery({
    queryKey: [...queryKeys.collections, 'list'],
    queryFn: () => listCollections(COLLECTIONS_LIMIT),
  });
}

export function useCollection(id: string) {
  return useQuery({ queryKey: [...queryKeys.collections, 'detail', id], queryFn: () => getCollection(id) });
}
