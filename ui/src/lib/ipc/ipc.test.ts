import { afterEach, describe, expect, it } from 'vitest';

import {
  appInfo,
  cancelSignIn,
  cancelSync,
  connectXero,
  dbInfo,
  disconnectOrganisation,
  getInvoice,
  keepOrganisations,
  listAuditEvents,
  listInvoices,
  listOrganisations,
  lockSession,
  onNavigate,
  onSessionChanged,
  onSyncProgress,
  sessionActivity,
  sessionStatus,
  signIn,
  signOut,
  syncNow,
  updateSessionSettings,
  verifyAuditLog,
} from '.';
import type { InvoiceQuery, SessionState, SyncProgress } from '../bindings';
import { toIpcError } from './errors';
import {
  emitNavigate,
  emitSessionChanged,
  emitSyncProgress,
  fixtures,
  installFakeBackend,
  makeSession,
  rejectWith,
  resetFakeBackend,
} from './testing';

afterEach(() => resetFakeBackend());

describe('ipc wrappers', () => {
  it('invoke the Rust commands by name with their arguments', async () => {
    const fake = installFakeBackend();
    await expect(appInfo()).resolves.toEqual(fixtures.appInfo);
    await expect(dbInfo()).resolves.toEqual(fixtures.dbInfo);
    await listAuditEvents(50);
    await expect(verifyAuditLog()).resolves.toEqual({ entries: 3 });
    expect(fake.calls.map((c) => c.cmd)).toEqual(['app_info', 'db_info', 'list_audit_events', 'verify_audit_log']);
    expect(fake.calls[2]?.args).toEqual({ limit: 50 });
  });

  it('pass IpcError rejections through unchanged', async () => {
    installFakeBackend({ db_info: () => rejectWith({ code: 'store_key_mismatch', message: 'wrong key' }) });
    await expect(dbInfo()).rejects.toEqual({ code: 'store_key_mismatch', message: 'wrong key' });
  });

  it.each([
    ['a string', 'boom', 'boom'],
    ['an Error', new Error('exploded'), 'exploded'],
    ['an unknown code', { code: 'teapot', message: 'short and stout' }, 'short and stout'],
    ['nothing useful', 42, 'The app core returned an unexpected error.'],
  ])('normalise %s into code "internal"', async (_label, reason, message) => {
    installFakeBackend({ app_info: () => rejectWith(reason) });
    await expect(appInfo()).rejects.toEqual({ code: 'internal', message });
  });

  it('explain a missing core when not running inside Tauri', () => {
    resetFakeBackend();
    delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
    const error = toIpcError(new TypeError("Cannot read properties of undefined (reading 'invoke')"));
    expect(error.code).toBe('internal');
    expect(error.message).toContain('not available');
  });

  it('onNavigate delivers the payload and unsubscribes', async () => {
    installFakeBackend();
    const seen: string[] = [];
    const stop = await onNavigate((e) => seen.push(e.path));
    await emitNavigate('/connections');
    stop();
    await emitNavigate('/settings');
    expect(seen).toEqual(['/connections']);
  });

  it('name the Xero, sync and invoice commands and pass camelCase arguments', async () => {
    const fake = installFakeBackend({ get_invoice: () => null });
    const query: InvoiceQuery = {
      organisationId: 'org-1',
      statuses: ['PAID'],
      contactId: null,
      currency: 'GBP',
      dateFrom: '2026-01-01',
      dateTo: null,
      amountMin: '10.00',
      amountMax: null,
      search: 'acme',
      sort: 'amount_due',
      descending: false,
      offset: 200,
      limit: 200,
    };
    await listOrganisations();
    await connectXero();
    await keepOrganisations('conn-1', ['tenant-uk']);
    await syncNow('org-1');
    await syncNow(null);
    await cancelSync();
    await disconnectOrganisation('org-1', true);
    await listInvoices(query);
    await getInvoice('org-1', 'inv-1');
    expect(fake.calls.map((c) => [c.cmd, c.args])).toEqual([
      ['list_organisations', {}],
      ['connect_xero', {}],
      ['keep_organisations', { connectionId: 'conn-1', tenantIds: ['tenant-uk'] }],
      ['sync_now', { organisationId: 'org-1' }],
      ['sync_now', { organisationId: null }],
      ['cancel_sync', {}],
      ['disconnect_organisation', { organisationId: 'org-1', eraseData: true }],
      ['list_invoices', { query }],
      ['get_invoice', { organisationId: 'org-1', invoiceId: 'inv-1' }],
    ]);
  });

  it('onSyncProgress delivers sync-progress payloads and unsubscribes', async () => {
    installFakeBackend();
    const event: SyncProgress = {
      organisationId: 'org-1',
      organisationName: 'Demo',
      resource: 'Invoices',
      state: 'running',
      pagesDone: 1,
      pageCount: null,
      itemsDone: 100,
      itemCount: null,
      etaSeconds: null,
      message: null,
    };
    const seen: SyncProgress[] = [];
    const stop = await onSyncProgress((p) => seen.push(p));
    await emitSyncProgress(event);
    stop();
    await emitSyncProgress({ ...event, state: 'done' });
    expect(seen).toEqual([event]);
  });

  it('name the session commands and pass the settings as `settings`', async () => {
    const fake = installFakeBackend({}, { session: makeSession({ state: 'signed_out' }) });
    const states: SessionState[] = [];
    states.push((await sessionStatus()).state);
    states.push((await signIn()).state);
    states.push((await cancelSignIn()).state);
    states.push((await lockSession()).state);
    states.push((await signOut()).state);
    await expect(sessionActivity()).resolves.toBeNull();
    // Changing sign-in settings needs the owner's manage_sign_in, so the owner signs in first (as in Rust).
    fake.setSession(makeSession({ role: 'owner' }));
    const settings = { mode: 'single_user', idleLockMinutes: 0, offlineGraceDays: 3 } as const;
    const updated = await updateSessionSettings(settings);
    expect(states).toEqual(['signed_out', 'signing_in', 'signed_out', 'locked', 'signed_out']);
    expect(updated).toMatchObject(settings);
    expect(fake.calls.map((c) => [c.cmd, c.args])).toEqual([
      ['session_status', {}],
      ['sign_in', {}],
      ['cancel_sign_in', {}],
      ['lock_session', {}],
      ['sign_out', {}],
      ['session_activity', {}],
      ['update_session_settings', { settings }],
    ]);
  });

  it('the fake core refuses data commands outside an open session, as Rust does', async () => {
    const fake = installFakeBackend({}, { session: makeSession({ state: 'signed_out' }) });
    await expect(dbInfo()).rejects.toMatchObject({ code: 'sign_in_required' });
    fake.setSession(makeSession({ state: 'locked' }));
    await expect(dbInfo()).rejects.toMatchObject({ code: 'locked' });
    fake.setSession(makeSession());
    await expect(dbInfo()).resolves.toEqual(fixtures.dbInfo);
  });

  it('the fake core refuses a command the role lacks the permission for, as Rust does', async () => {
    installFakeBackend({}, { session: makeSession({ role: 'viewer' }) });
    await expect(dbInfo()).resolves.toEqual(fixtures.dbInfo);
    await expect(connectXero()).rejects.toMatchObject({ code: 'forbidden' });
    await expect(updateSessionSettings(fixtures.session)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(sessionStatus()).resolves.toMatchObject({ state: 'signed_in' });
  });

  it('onSessionChanged delivers session-changed payloads and unsubscribes', async () => {
    installFakeBackend();
    const seen: SessionState[] = [];
    const stop = await onSessionChanged((status) => seen.push(status.state));
    await emitSessionChanged(makeSession({ state: 'locked' }));
    stop();
    await emitSessionChanged(makeSession());
    expect(seen).toEqual(['locked']);
  });
});
