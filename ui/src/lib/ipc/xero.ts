// Xero: connecting organisations, syncing them, and the cached invoices, contacts and bank transactions.
import type {
  BankTransactionDetail,
  BankTransactionPage,
  BankTransactionQuery,
  ContactDetail,
  ContactPage,
  ContactQuery,
  InvoiceDetail,
  InvoicePage,
  InvoiceQuery,
  Organisation,
  SyncProgress,
  XeroConnectResult,
} from '../bindings';
import { EVENT_SYNC_PROGRESS } from '../bindings/events';
import { call, subscribe } from './call';

export function listOrganisations(): Promise<Organisation[]> {
  return call<Organisation[]>('list_organisations');
}

/** Opens the system browser for Xero sign-in; resolves when the redirect arrives, which can take minutes. */
export function connectXero(): Promise<XeroConnectResult> {
  return call<XeroConnectResult>('connect_xero');
}

export function keepOrganisations(connectionId: string, tenantIds: string[]): Promise<Organisation[]> {
  return call<Organisation[]>('keep_organisations', { connectionId, tenantIds });
}

/** Starts a background sync (`null` = every organisation); progress arrives as `sync-progress` events. */
export function syncNow(organisationId: string | null): Promise<null> {
  return call<null>('sync_now', { organisationId });
}

export function cancelSync(): Promise<null> {
  return call<null>('cancel_sync');
}

export function disconnectOrganisation(organisationId: string, eraseData: boolean): Promise<null> {
  return call<null>('disconnect_organisation', { organisationId, eraseData });
}

/** Progress of background syncs, one event per organisation and resource; resolves to the unsubscribe function. */
export function onSyncProgress(handler: (progress: SyncProgress) => void): Promise<() => void> {
  return subscribe(EVENT_SYNC_PROGRESS, handler);
}

export function listInvoices(query: InvoiceQuery): Promise<InvoicePage> {
  return call<InvoicePage>('list_invoices', { query });
}

export function getInvoice(organisationId: string, invoiceId: string): Promise<InvoiceDetail> {
  return call<InvoiceDetail>('get_invoice', { organisationId, invoiceId });
}

/** Opens the invoice in Xero's web app in the system browser (Rust builds the URL). */
export function openInXero(organisationId: string, invoiceId: string): Promise<null> {
  return call<null>('open_in_xero', { organisationId, invoiceId });
}

export function listContacts(query: ContactQuery): Promise<ContactPage> {
  return call<ContactPage>('list_contacts', { query });
}

export function getContact(organisationId: string, contactId: string): Promise<ContactDetail> {
  return call<ContactDetail>('get_contact', { organisationId, contactId });
}

export function listBankTransactions(query: BankTransactionQuery): Promise<BankTransactionPage> {
  return call<BankTransactionPage>('list_bank_transactions', { query });
}

export function getBankTransaction(organisationId: string, bankTransactionId: string): Promise<BankTransactionDetail> {
  return call<BankTransactionDetail>('get_bank_transaction', { organisationId, bankTransactionId });
}
