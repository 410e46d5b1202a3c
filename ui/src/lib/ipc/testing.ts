// Test-only fake backend built on @tauri-apps/api/mocks. Lives here because src/lib/ipc is the only
// place allowed to import @tauri-apps/*; production code never imports this file.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';

import type {
  AppInfo,
  AuditEvent,
  AuditVerification,
  Connectivity,
  BankTransactionDetail,
  BankTransactionQuery,
  BankTransactionRow,
  ConnectionSummary,
  ContactDetail,
  ContactQuery,
  ContactRow,
  DbInfo,
  InvoiceDetail,
  InvoicePage,
  InvoiceQuery,
  InvoiceRow,
  NavigateEvent,
  Organisation,
  Permission,
  Role,
  RoleGroups,
  SessionSettings,
  SessionStatus,
  SessionUser,
  SyncProgress,
  XeroConnectResult,
} from '../bindings';

const INVOICE_STATUSES = ['DRAFT', 'SUBMITTED', 'AUTHORISED', 'PAID', 'VOIDED', 'DELETED'] as const;
const CONTACTS = ['Bayside Club', 'City Limousines', 'Ridgeway University', 'Marine Systems', 'Basket Case'] as const;

/** `count` deterministic invoice rows of one organisation, numbered INV-00001 upwards. */
export function makeInvoices(count: number, organisationId = 'org-1'): InvoiceRow[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const day = String((i % 28) + 1).padStart(2, '0');
    const total = `${(n * 37) % 5000}.${String(n % 100).padStart(2, '0')}`;
    const status = INVOICE_STATUSES[i % INVOICE_STATUSES.length] ?? 'DRAFT';
    return {
      organisationId,
      invoiceId: `inv-${n}`,
      number: `INV-${String(n).padStart(5, '0')}`,
      invoiceType: 'ACCREC',
      status,
      contactId: `contact-${i % CONTACTS.length}`,
      contactName: CONTACTS[i % CONTACTS.length] ?? 'Unknown',
      date: `2026-10-${day}`,
      dueDate: `2026-11-${day}`,
      currency: 'GBP',
      total,
      amountDue: status === 'PAID' ? '0.00' : total,
    };
  });
}

const CONTACT_DOMAINS = ['bayside.example', 'city.example', 'ridgeway.example', 'marine.example', 'basket.example'] as const;

/** `count` deterministic contact rows of one organisation, ids contact-1 upwards; every 4th is a supplier too. */
export function makeContacts(count: number, organisationId = 'org-1'): ContactRow[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const base = CONTACTS[i % CONTACTS.length] ?? 'Contact';
    return {
      organisationId,
      contactId: `contact-${n}`,
      name: `${base} ${n}`,
      email: i % 7 === 6 ? null : `accounts${n}@${CONTACT_DOMAINS[i % CONTACT_DOMAINS.length] ?? 'example.com'}`,
      contactNumber: i % 3 === 2 ? null : `C-${String(n).padStart(5, '0')}`,
      status: i % 10 === 9 ? 'ARCHIVED' : 'ACTIVE',
      isCustomer: i % 4 !== 3,
      isSupplier: i % 4 === 0 || i % 4 === 3,
      defaultCurrency: i % 5 === 4 ? null : 'GBP',
    };
  });
}

const BANK_TYPES = ['RECEIVE', 'SPEND'] as const;
const BANK_STATUSES = ['AUTHORISED', 'AUTHORISED', 'AUTHORISED', 'DELETED'] as const;

/** `count` deterministic bank-transaction rows of one organisation, ids bt-1 upwards. */
export function makeBankTransactions(count: number, organisationId = 'org-1'): BankTransactionRow[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const day = String((i % 28) + 1).padStart(2, '0');
    return {
      organisationId,
      bankTransactionId: `bt-${n}`,
      transactionType: BANK_TYPES[i % BANK_TYPES.length] ?? 'RECEIVE',
      status: BANK_STATUSES[i % BANK_STATUSES.length] ?? 'AUTHORISED',
      contactId: `contact-${(i % CONTACTS.length) + 1}`,
      contactName: CONTACTS[i % CONTACTS.length] ?? 'Unknown',
      date: `2026-10-${day}`,
      reference: i % 6 === 5 ? null : `REF-${String(n).padStart(5, '0')}`,
      currency: 'GBP',
      total: `${(n * 53) % 3000}.${String((n * 7) % 100).padStart(2, '0')}`,
      isReconciled: i % 3 !== 2,
      bankAccountName: i % 2 === 0 ? 'Business Current Account' : 'Business Savings',
    };
  });
}

const ALL_PERMISSIONS: Permission[] = [
  'read',
  'reconcile',
  'post_to_xero',
  'export',
  'collect_payments',
  'manage_connections',
  'manage_credentials',
  'manage_ai_settings',
  'manage_sign_in',
];

/** A plausible Okta group mapping; tests read the permissions from here, as the UI reads them from Rust. */
export const ROLE_GROUPS: RoleGroups[] = [
  { role: 'viewer', groups: ['xp-viewers'], permissions: ['read'] },
  {
    role: 'accountant',
    groups: ['xp-accountants'],
    permissions: ['read', 'reconcile', 'post_to_xero', 'export', 'collect_payments'],
  },
  { role: 'owner', groups: ['xp-owners', 'finance-admins'], permissions: ALL_PERMISSIONS },
];

export const OKTA_USER = { name: 'Ada Lovelace', email: 'ada@example.com' } as const;
const SINGLE_USER: SessionUser = { name: 'owner', email: '', role: 'owner' };

export interface SessionFixtureOptions extends Partial<Omit<SessionStatus, 'user'>> {
  /** The signed-in person's role; `null` = their Okta groups map to no role. Default owner. */
  role?: Role | null;
}

/**
 * A session status the way Rust reports it: okta mode, signed in as owner unless told otherwise. The user is
 * known while signed in or locked; permissions only while signed in; single-user mode is always the owner.
 */
export function makeSession({ role = 'owner', ...overrides }: SessionFixtureOptions = {}): SessionStatus {
  const mode = overrides.mode ?? 'okta';
  const state = overrides.state ?? 'signed_in';
  const user: SessionUser | null =
    mode === 'single_user'
      ? SINGLE_USER
      : state === 'signed_in' || state === 'locked'
        ? { ...OKTA_USER, role }
        : null;
  const granted = ROLE_GROUPS.find((g) => g.role === user?.role)?.permissions ?? [];
  return {
    mode,
    state,
    user,
    permissions: state === 'signed_in' ? [...granted] : [],
    oktaConfigured: true,
    oktaIssuer: 'https://example.okta.com/oauth2/default',
    offline: false,
    lastValidatedAt: state === 'signed_in' ? '2026-11-23T09:00:00Z' : null,
    offlineUntil: null,
    offlineGraceDays: 7,
    idleLockMinutes: 15,
    message: null,
    roleGroups: structuredClone(ROLE_GROUPS),
    ...overrides,
  };
}

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

/** What `keep_organisations` answers in the fake: one active organisation per kept tenant. */
export function organisationFor(tenantId: string, name: string, connectionId = 'conn-1'): Organisation {
  return {
    id: `org-${tenantId}`,
    connectionId,
    provider: 'xero',
    tenantId,
    name,
    baseCurrency: 'GBP',
    status: 'active',
    lastSyncedAt: null,
    budgetMinute: null,
    budgetDay: null,
  };
}

/** One page of `rows` the way Rust pages: `offset`/`limit` of the whole (already filtered) list. */
export function pageOf<TRow>(rows: TRow[], query: { offset: number; limit: number }): { rows: TRow[]; total: number } {
  return { rows: rows.slice(query.offset, query.offset + query.limit), total: rows.length };
}

type Args = Record<string, unknown> | undefined;
export type CommandHandler = (args: Args) => unknown;
export type CommandHandlers = Record<string, CommandHandler>;

export interface FakeBackend {
  /** Every command invoked, in order (event plumbing excluded). */
  calls: Array<{ cmd: string; args: Args }>;
  callsTo(cmd: string): number;
  /** Replace one command's handler mid-test (e.g. make a failing call succeed on retry). */
  set(cmd: string, handler: CommandHandler): void;
  /** The session the fake core holds now. */
  session(): SessionStatus;
  /** Change the session silently, as when Rust decides something the UI has not been told yet. */
  setSession(status: SessionStatus): void;
  /** Change the session and emit `session-changed`, as Rust does when sign-in finishes or the idle lock fires. */
  changeSession(status: SessionStatus): Promise<void>;
}

export interface FakeBackendOptions {
  /** The session the fake core starts with; default `fixtures.session` (single-user owner). */
  session?: SessionStatus;
}

/** Commands that answer whatever the session state (as in Rust); every other one needs an open session. */
const SESSION_COMMANDS: ReadonlySet<string> = new Set([
  'app_info',
  'connectivity',
  'session_status',
  'sign_in',
  'cancel_sign_in',
  'sign_out',
  'lock_session',
  'session_activity',
  'update_session_settings',
]);

/** What Rust answers a data command outside an open session. */
function sessionRejection(session: SessionStatus): Promise<never> | null {
  if (session.state === 'signed_in') return null;
  if (session.state === 'locked') {
    return rejectWith({ code: 'locked', message: 'Xero Partner is locked. Sign in again to continue.' });
  }
  return rejectWith({ code: 'sign_in_required', message: 'Sign in to continue.' });
}

/** The session commands, acting on the fake core's session the way Rust's state machine does. */
function sessionHandlers(get: () => SessionStatus, put: (status: SessionStatus) => void): CommandHandlers {
  const update = (patch: Partial<SessionStatus>) => {
    put({ ...get(), ...patch });
    return structuredClone(get());
  };
  const ended = { user: null, permissions: [], message: null } satisfies Partial<SessionStatus>;
  return {
    session_status: () => structuredClone(get()),
    sign_in: () => update({ state: 'signing_in', message: null }),
    cancel_sign_in: () => update({ state: 'signed_out', ...ended }),
    sign_out: () => update({ state: 'signed_out', ...ended }),
    lock_session: () => update({ state: 'locked', permissions: [] }),
    session_activity: () => null,
    update_session_settings: (args) => {
      const { settings } = args as { settings: SessionSettings };
      return update(settings);
    },
  };
}

export function defaultHandlers(): CommandHandlers {
  return {
    app_info: () => structuredClone(fixtures.appInfo),
    connectivity: () => ({ online: true, unreachableHosts: [], checkedAt: null }),
    db_info: () => structuredClone(fixtures.dbInfo),
    list_connections: () => structuredClone(fixtures.connections),
    list_audit_events: () => structuredClone(fixtures.auditEvents),
    verify_audit_log: () => structuredClone(fixtures.auditVerification),
    list_organisations: () => structuredClone(fixtures.organisations),
    connect_xero: () => structuredClone(fixtures.xeroConnect),
    keep_organisations: (args) => {
      const { connectionId, tenantIds } = args as { connectionId: string; tenantIds: string[] };
      return tenantIds.map((tenantId) => {
        const offered = fixtures.xeroConnect.organisations.find((o) => o.tenantId === tenantId);
        return organisationFor(tenantId, offered?.name ?? tenantId, connectionId);
      });
    },
    sync_now: () => null,
    cancel_sync: () => null,
    disconnect_organisation: () => null,
    // Paging only: tests assert the query the UI sends, not the fake's filtering.
    list_invoices: (args): InvoicePage => pageOf(fixtures.invoices, (args as { query: InvoiceQuery }).query),
    open_in_xero: () => null,
    get_invoice: (args) => {
      const { organisationId, invoiceId } = args as { organisationId: string; invoiceId: string };
      const found = fixtures.invoiceDetails.find(
        (d) => d.row.organisationId === organisationId && d.row.invoiceId === invoiceId,
      );
      return found
        ? structuredClone(found)
        : rejectWith({ code: 'not_found', message: `Invoice ${invoiceId} is not in the local store.` });
    },
    list_contacts: (args) => pageOf(fixtures.contacts, (args as { query: ContactQuery }).query),
    get_contact: (args) => {
      const { organisationId, contactId } = args as { organisationId: string; contactId: string };
      const found = fixtures.contactDetails.find(
        (d) => d.row.organisationId === organisationId && d.row.contactId === contactId,
      );
      return found
        ? structuredClone(found)
        : rejectWith({ code: 'not_found', message: `Contact ${contactId} is not in the local store.` });
    },
    list_bank_transactions: (args) =>
      pageOf(fixtures.bankTransactions, (args as { query: BankTransactionQuery }).query),
    get_bank_transaction: (args) => {
      const { organisationId, bankTransactionId } = args as { organisationId: string; bankTransactionId: string };
      const found = fixtures.bankTransactionDetails.find(
        (d) => d.row.organisationId === organisationId && d.row.bankTransactionId === bankTransactionId,
      );
      return found
        ? structuredClone(found)
        : rejectWith({ code: 'not_found', message: `Bank transaction ${bankTransactionId} is not in the local store.` });
    },
  };
}

export function installFakeBackend(overrides: CommandHandlers = {}, options: FakeBackendOptions = {}): FakeBackend {
  let session = structuredClone(options.session ?? fixtures.session);
  const getSession = () => session;
  const putSession = (next: SessionStatus) => {
    session = structuredClone(next);
  };
  const handlers: CommandHandlers = {
    ...defaultHandlers(),
    ...sessionHandlers(getSession, putSession),
    ...overrides,
  };
  const calls: FakeBackend['calls'] = [];
  mockIPC(
    (cmd, payload) => {
      const args = payload as Args;
      calls.push({ cmd, args });
      const handler = handlers[cmd];
      if (!handler) {
        return Promise.reject(new Error(`fake backend: no handler for command "${cmd}"`));
      }
      if (!SESSION_COMMANDS.has(cmd)) {
        const rejection = sessionRejection(session);
        if (rejection) return rejection;
      }
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return {
    calls,
    callsTo: (cmd) => calls.filter((c) => c.cmd === cmd).length,
    set: (cmd, handler) => {
      handlers[cmd] = handler;
    },
    session: () => structuredClone(session),
    setSession: putSession,
    changeSession: (status) => {
      putSession(status);
      return emitSessionChanged(status);
    },
  };
}

export function resetFakeBackend(): void {
  clearMocks();
}

/** What Rust does when a validated deep link arrives. */
export function emitNavigate(path: string): Promise<void> {
  return emit('navigate', { path } satisfies NavigateEvent);
}

/** What Rust emits while a background sync runs. */
export function emitSyncProgress(progress: SyncProgress): Promise<void> {
  return emit('sync-progress', progress);
}

/** What Rust emits when the providers stop or start answering. */
export function emitConnectivityChanged(status: Connectivity): Promise<void> {
  return emit('connectivity-changed', status);
}

/** What Rust emits when the session changes (sign-in done or failed, idle lock, sign-out, grace expiry). */
export function emitSessionChanged(status: SessionStatus): Promise<void> {
  return emit('session-changed', status);
}

/** A handler result that rejects the way Tauri does: with the plain `{code, message}` object, not an Error. */
export function rejectWith(reason: unknown): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- mirrors Tauri's wire format
  return Promise.reject(reason);
}
