// The only module that talks to Tauri. Everything else imports these typed wrappers.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';

import type {
  AppInfo,
  AuditEvent,
  AuditVerification,
  BankTransactionDetail,
  BankTransactionPage,
  BankTransactionQuery,
  ConnectionSummary,
  Connectivity,
  ContactDetail,
  ContactPage,
  ContactQuery,
  DbInfo,
  InvoiceDetail,
  InvoicePage,
  InvoiceQuery,
  NavigateEvent,
  Organisation,
  SessionSettings,
  SessionStatus,
  SyncProgress,
  XeroConnectResult,
} from '../bindings';
import { toIpcError } from './errors';

export { isIpcError, toIpcError } from './errors';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    // Reject with a plain IpcError so every caller can show `message` and branch on `code`.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toIpcError(reason);
  }
}

export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>('app_info');
}

/** Whether the providers answer, as Rust's own requests found out. */
export function connectivity(): Promise<Connectivity> {
  return call<Connectivity>('connectivity');
}

export function dbInfo(): Promise<DbInfo> {
  return call<DbInfo>('db_info');
}

export function listConnections(): Promise<ConnectionSummary[]> {
  return call<ConnectionSummary[]>('list_connections');
}

export function listAuditEvents(limit: number): Promise<AuditEvent[]> {
  return call<AuditEvent[]>('list_audit_events', { limit });
}

export function verifyAuditLog(): Promise<AuditVerification> {
  return call<AuditVerification>('verify_audit_log');
}

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

export function sessionStatus(): Promise<SessionStatus> {
  return call<SessionStatus>('session_status');
}

/** Opens the system browser for Okta; answers with state "signing_in", the outcome arrives as `session-changed`. */
export function signIn(): Promise<SessionStatus> {
  return call<SessionStatus>('sign_in');
}

export function cancelSignIn(): Promise<SessionStatus> {
  return call<SessionStatus>('cancel_sign_in');
}

export function signOut(): Promise<SessionStatus> {
  return call<SessionStatus>('sign_out');
}

export function lockSession(): Promise<SessionStatus> {
  return call<SessionStatus>('lock_session');
}

/** Tells Rust the user is active, which postpones the idle lock; callers send it at most once per 30 s. */
export function sessionActivity(): Promise<null> {
  return call<null>('session_activity');
}

export function updateSessionSettings(settings: SessionSettings): Promise<SessionStatus> {
  return call<SessionStatus>('update_session_settings', { settings });
}

async function subscribe<T>(event: string, handler: (payload: T) => void): Promise<() => void> {
  try {
    return await listen<T>(event, (e) => handler(e.payload));
  } catch (reason) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toIpcError(reason);
  }
}

/** Deep links validated by Rust arrive as `navigate` events; resolves to the unsubscribe function. */
export function onNavigate(handler: (event: NavigateEvent) => void): Promise<() => void> {
  return subscribe('navigate', handler);
}

/** Progress of background syncs, one event per organisation and resource; resolves to the unsubscribe function. */
export function onSyncProgress(handler: (progress: SyncProgress) => void): Promise<() => void> {
  return subscribe('sync-progress', handler);
}

/** Sign-in finished or failed, idle lock, sign-out, grace expiry; resolves to the unsubscribe function. */
/** Sent when the providers stop or start answering; resolves to the unsubscribe function. */
export function onConnectivityChanged(handler: (status: Connectivity) => void): Promise<() => void> {
  return subscribe('connectivity-changed', handler);
}

export function onSessionChanged(handler: (status: SessionStatus) => void): Promise<() => void> {
  return subscribe('session-changed', handler);
}
