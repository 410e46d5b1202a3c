import { mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';

import { COMMANDS } from '../bindings/commands';
import type { SessionStatus } from '../bindings';
import * as ipc from '.';
import { fakeHandlers, fixtures, resetFakeBackend } from './testing';

afterEach(() => resetFakeBackend());

/** Every disagreement between the command table and the places that list commands, naming the place. */
function commandDisagreements(table: readonly string[], places: Record<string, readonly string[]>): string[] {
  const declared = new Set(table);
  return Object.entries(places).flatMap(([place, listed]) => {
    const found = new Set(listed);
    return [
      ...table.filter((c) => !found.has(c)).map((c) => `${place} lacks \`${c}\`, which the command table declares`),
      ...[...found]
        .filter((c) => !declared.has(c))
        .map((c) => `${place} has \`${c}\`, which the command table does not declare`),
    ];
  });
}

/** The commands the exported wrappers invoke: each export is called once against a recording core. */
async function commandsTheWrappersCall(): Promise<string[]> {
  const called = new Set<string>();
  mockIPC(
    (cmd) => {
      called.add(cmd);
      return null;
    },
    { shouldMockEvents: true },
  );
  for (const wrapper of Object.values(ipc)) {
    if (typeof wrapper !== 'function') continue;
    // Arguments do not matter: the recording core answers every command, and only the names are compared.
    try {
      await (wrapper as (...args: unknown[]) => unknown)();
    } catch {
      // A helper that needs its argument (e.g. toIpcError) calls no command; nothing to record.
    }
  }
  // Event plumbing goes through Tauri's own plugin commands, not the app's.
  return [...called].filter((cmd) => !cmd.startsWith('plugin:'));
}

function fakeBackendCommands(): string[] {
  let session: SessionStatus = fixtures.session;
  return Object.keys(
    fakeHandlers(
      () => session,
      (next) => {
        session = next;
      },
    ),
  );
}

const TABLE = Object.keys(COMMANDS);

describe('the command table (generated from src-tauri/src/commands/table.rs)', () => {
  it('has a wrapper in src/lib/ipc for every command, and no wrapper calls a command outside it', async () => {
    expect(commandDisagreements(TABLE, { 'src/lib/ipc (wrappers)': await commandsTheWrappersCall() })).toEqual([]);
  });

  it('has a handler in the fake backend for every command, and the fake handles nothing else', () => {
    expect(commandDisagreements(TABLE, { 'src/lib/ipc/fake (handlers)': fakeBackendCommands() })).toEqual([]);
  });

  it('lists public commands and the wire name of each permission', () => {
    expect(COMMANDS.app_info).toBe('public');
    expect(COMMANDS.sign_in).toBe('public');
    expect(COMMANDS.update_session_settings).toBe('manage_sign_in');
    expect(COMMANDS.connect_xero).toBe('manage_connections');
  });

  it('the checker names the place that lacks a command and the one that has an extra', () => {
    const table = ['app_info', 'db_info', 'sync_now'];
    expect(
      commandDisagreements(table, {
        'src/lib/ipc (wrappers)': ['app_info', 'sync_now'],
        'src/lib/ipc/fake (handlers)': ['app_info', 'db_info', 'sync_now', 'export_ledger'],
        'an agreeing place': ['sync_now', 'db_info', 'app_info'],
      }),
    ).toEqual([
      'src/lib/ipc (wrappers) lacks `db_info`, which the command table declares',
      'src/lib/ipc/fake (handlers) has `export_ledger`, which the command table does not declare',
    ]);
  });
});
