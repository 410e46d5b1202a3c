// Direct-debit collections, read from the local store.
import type { CollectionDetail, CollectionSummary, SettlementAttention } from '../bindings';
import { call } from './call';

export function listCollections(limit: number): Promise<CollectionSummary[]> {
  return call<CollectionSummary[]>('list_collections', { limit });
}

/** What the settlement booked that needs a person (a charge-back, a partial payment, a credit note to record…). */
export function listSettlementAttention(limit: number): Promise<SettlementAttention[]> {
  return call<SettlementAttention[]>('list_settlement_attention', { limit });
}

export function getCollection(collectionId: string): Promise<CollectionDetail> {
  return call<CollectionDetail>('get_collection', { collectionId });
}

/**
 * "Collect by direct debit": the invoice's amount due from its contact's mandate; answers the new collection.
 * `confirmMatch`: the person confirms the GoCardless customer found by the contact's email is this contact (Rust
 * links them first); without it such a customer is not debited.
 */
export function collectInvoice(
  organisationId: string,
  invoiceId: string,
  via: 'gocardless' | 'saferpay',
  chargeDate: string | null,
  confirmMatch: boolean,
): Promise<CollectionDetail> {
  return call<CollectionDetail>('collect_invoice', { organisationId, invoiceId, via, chargeDate, confirmMatch });
}

/** Cancels a GoCardless payment that has not gone to the bank yet (sent once by the outbox). */
export function cancelCollection(collectionId: string): Promise<void> {
  return call<void>('cancel_collection', { collectionId });
}

/** Tries a failed GoCardless payment again (sent once by the outbox). */
export function retryCollection(collectionId: string): Promise<void> {
  return call<void>('retry_collection', { collectionId });
}

/** Gives back collected money: `amount` (e.g. "20.50"), or everything not refunded yet when null. */
export function refundCollection(collectionId: string, amount: string | null): Promise<void> {
  return call<void>('refund_collection', { collectionId, amount });
}
