// Direct-debit collections, read from the local store.
import type { CollectionDetail, CollectionSummary } from '../bindings';
import { call } from './call';

export function listCollections(limit: number): Promise<CollectionSummary[]> {
  return call<CollectionSummary[]>('list_collections', { limit });
}

export function getCollection(collectionId: string): Promise<CollectionDetail> {
  return call<CollectionDetail>('get_collection', { collectionId });
}
