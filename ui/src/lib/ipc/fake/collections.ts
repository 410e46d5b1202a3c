// The fake core's direct-debit collections: one collected invoice with its timeline.
import type { CollectionDetail, SettlementAttention } from '../../bindings';
import { rejectWith, type CommandHandlers } from './handlers';

export const COLLECTION: CollectionDetail = {
  collection: {
    id: '5b0e1c3a-7c1d-4a8e-9f0b-1a2b3c4d5e6f',
    organisationId: 'org-tenant-eu',
    invoiceId: 'inv-42',
    invoiceNumber: 'INV-0042',
    provider: 'gocardless',
    mandateId: 'MD000123',
    amount: '1200.10',
    currency: 'EUR',
    chargeDate: '2026-12-10',
    status: 'failed',
    providerPaymentId: 'PM0001',
    createdAt: '2026-12-07T09:00:00Z',
    updatedAt: '2026-12-11T10:00:00Z',
  },
  timeline: [
    { at: '2026-12-07T09:00:00Z', status: 'intent', reason: null },
    { at: '2026-12-07T09:00:02Z', status: 'pending_submission', reason: null },
    { at: '2026-12-08T10:00:00Z', status: 'submitted', reason: null },
    { at: '2026-12-11T10:00:00Z', status: 'failed', reason: 'insufficient_funds (AM04): The payer’s account had insufficient funds' },
  ],
};

export const ATTENTION: SettlementAttention = {
  provider: 'gocardless',
  kind: 'charged_back',
  message:
    "Charged back by the payer's bank: the Xero payment was undone and the invoice is open again. Ask the customer how they will pay.",
  organisationId: 'org-tenant-eu',
  invoiceId: 'inv-42',
  invoiceNumber: 'INV-0042',
  bookedAt: '2026-12-12T08:00:00Z',
};

export function collectionsHandlers(): CommandHandlers {
  return {
    list_collections: () => [structuredClone(COLLECTION.collection)],
    list_settlement_attention: () => [structuredClone(ATTENTION)],
    cancel_collection: () =>
      rejectWith({ code: 'invalid_input', message: 'GoCardless cancels a payment only before it goes to the bank; this one is failed' }),
    retry_collection: () => null,
    refund_collection: (args) => {
      const { amount } = args as { amount: string | null };
      return amount !== null && Number(amount) > Number(COLLECTION.collection.amount)
        ? rejectWith({ code: 'invalid_input', message: 'a refund is more than 0 and at most what is not refunded yet (1200.10 EUR)' })
        : null;
    },
    collect_invoice: (args) => {
      const { invoiceId } = args as { invoiceId: string };
      return invoiceId === COLLECTION.collection.invoiceId
        ? rejectWith({ code: 'invalid_input', message: `invoice INV-0042 already has a collection ${COLLECTION.collection.id}` })
        : rejectWith({ code: 'invalid_input', message: 'no GoCardless customer has the email of this contact' });
    },
    get_collection: (args) =>
      (args as { collectionId: string }).collectionId === COLLECTION.collection.id
        ? structuredClone(COLLECTION)
        : rejectWith({ code: 'not_found', message: 'not found: collection' }),
  };
}
