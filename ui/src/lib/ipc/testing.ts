// Test-only fake backend built on @tauri-apps/api/mocks. Lives here because src/lib/ipc is the only
// place allowed to import @tauri-apps/*; production code never imports this file.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';

import type {
  AppInfo,
  AuditEvent,
  AuditVerification,
  ConnectionSummary,
  DbInfo,
  NavigateEvent,
} from '../bindings';

export const fixtures = {
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
};

type Args = Record<string, unknown> | undefined;
export type CommandHandler = (args: Args) => unknown;
export type CommandHandlers = Record<string, CommandHandler>;

export interface FakeBackend {
  /** Every command invoked, in order (event plumbing excluded). */
  calls: Array<{ cmd: string; args: Args }>;
  callsTo(cmd: string): number;
  /** Replace one command's handler mid-test (e.g. make a failing call succeed on retry). */
  set(cmd: string, handler: CommandHandler): void;
}

export function defaultHandlers(): CommandHandlers {
  return {
    app_info: () => structuredClone(fixtures.appInfo),
    db_info: () => structuredClone(fixtures.dbInfo),
    list_connections: () => structuredClone(fixtures.connections),
    list_audit_events: () => structuredClone(fixtures.auditEvents),
    verify_audit_log: () => structuredClone(fixtures.auditVerification),
  };
}

export function installFakeBackend(overrides: CommandHandlers = {}): FakeBackend {
  const handlers: CommandHandlers = { ...defaultHandlers(), ...overrides };
  const calls: FakeBackend['calls'] = [];
  mockIPC(
    (cmd, payload) => {
      const args = payload as Args;
      calls.push({ cmd, args });
      const handler = handlers[cmd];
      if (!handler) {
        return Promise.reject(new Error(`fake backend: no handler for command "${cmd}"`));
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
  };
}

export function resetFakeBackend(): void {
  clearMocks();
}

/** What Rust does when a validated deep link arrives. */
export function emitNavigate(path: string): Promise<void> {
  return emit('navigate', { path } satisfies NavigateEvent);
}

/** A handler result that rejects the way Tauri does: with the plain `{code, message}` object, not an Error. */
export function rejectWith(reason: unknown): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- mirrors Tauri's wire format
  return Promise.reject(reason);
}
