// The data the fake core answers with. One object, so a test that changes a list changes what
// every handler reads.
import type {
  AppInfo,
  AuditEvent,
  AuditVerification,
  BankTransactionDetail,
  BankTransactionRow,
  ConnectionSummary,
  ContactDetail,
  ContactRow,
  DbInfo,
  InvoiceDetail,
  InvoiceRow,
  Organisation,
  XeroConnectResult,
} from '../../bindings';
import { makeSession } from './session';

export const fixtures = {
  /** The default session: single-user mode, so every page is reachable as owner without signing in. */
  session: makeSession({ mode: 'single_user', oktaConfigured: false, oktaIssuer: null, idleLockMinutes: 0 }),
  appInfo: {
    version: '2.0.0',
    profile: 'sandbox',
    dataDir: '/home/owner/.local/share/xero-partner',
    logDir: '/home/owner/.local/state/xero-partner/logs',
    vault: 'keychain',
    endpoints: [
      { provider: 'xero', baseUrl: 'http://127.0.0.1:4010/xero' },
      { provider: 'okta', baseUrl: 'http://127.0.0.1:4010/okta' },
      { provider: 'gocardless', baseUrl: 'http://127.0.0.1:4010/gocardless' },
      { provider: 'saferpay', baseUrl: 'http://127.0.0.1:4010/saferpay' },
      { provider: 'okx', baseUrl: 'http://127.0.0.1:4010/okx' },
      { provider: 'openai', baseUrl: 'http://127.0.0.1:4010/openai' },
    ],
    warnings: [],
  } satisfies AppInfo,
  dbInfo: {
    schemaVersion: 3,
    cipherVersion: '4.5.6 community',
    fileBytes: 98_304,
    tables: [
      { name: 'audit_log', rows: 3 },
      { name: 'connections', rows: 0 },
    ],
  } satisfies DbInfo,
  connections: [] as ConnectionSummary[],
  auditEvents: [
    {
      seq: 3,
      at: '2026-11-23T10:02:00Z',
      actor: 'owner',
      action: 'app.started',
      subject: 'installation',
      detail: '{}',
    },
    {
      seq: 2,
      at: '2026-11-23T10:01:00Z',
      actor: 'owner',
      action: 'vault.key_created',
      subject: 'store',
      detail: '{}',
    },
    {
      seq: 1,
      at: '2026-11-23T10:00:00Z',
      actor: 'system',
      action: 'store.created',
      subject: 'store',
      detail: '{}',
    },
  ] satisfies AuditEvent[],
  auditVerification: { entries: 3 } satisfies AuditVerification,
  organisations: [] as Organisation[],
  xeroConnect: {
    connectionId: 'conn-1',
    organisations: [
      { tenantId: 'tenant-uk', name: 'Demo Company (UK)', alreadyConnected: false },
      { tenantId: 'tenant-nz', name: 'Demo Company (NZ)', alreadyConnected: true },
      { tenantId: 'tenant-us', name: 'Demo Company (US)', alreadyConnected: false },
    ],
  } satisfies XeroConnectResult,
  invoices: [] as InvoiceRow[],
  invoiceDetails: [] as InvoiceDetail[],
  contacts: [] as ContactRow[],
  contactDetails: [] as ContactDetail[],
  bankTransactions: [] as BankTransactionRow[],
  bankTransactionDetails: [] as BankTransactionDetail[],
};

