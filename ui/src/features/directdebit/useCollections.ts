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

/** While money is on its way the page follows it: the outbox sends it and the sync brings the bank's answers. */
const FOLLOW_MS = 5_000;
const LIVE = new Set(['intent', 'pending_submission', 'submitted', 'confirmed']);

export function useCollection(id: string) {
  return useQuery({
    queryKey: [...queryKeys.collections, 'detail', id],
    queryFn: () => getCollection(id),
    refetchInterval: (query) => (LIVE.has(query.state.data?.collection.status ?? '') ? FOLLOW_MS : false),
  });
}
