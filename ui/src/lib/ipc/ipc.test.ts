import { afterEach, describe, expect, it } from 'vitest';

import { appInfo, dbInfo, listAuditEvents, onNavigate, verifyAuditLog } from '.';
import { toIpcError } from './errors';
import { emitNavigate, fixtures, installFakeBackend, rejectWith, resetFakeBackend } from './testing';

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
});
