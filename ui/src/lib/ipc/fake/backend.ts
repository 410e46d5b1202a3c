// The fake core itself: every area's handlers behind one mockIPC, refusing what Rust would refuse.
// Which commands work signed out, and what each other one needs, comes from the generated
// command table (../../bindings/commands.ts), as in Rust.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';

import { COMMANDS, type CommandName } from '../../bindings/commands';
import type { SessionStatus } from '../../bindings';
import { appHandlers } from './app';
import { auditHandlers } from './audit';
import { collectionsHandlers } from './collections';
import { connectionsHandlers } from './connections';
import { directDebitHandlers } from './directdebit';
import { fixtures } from './fixtures';
import type { Args, CommandHandler, CommandHandlers } from './handlers';
import { emitSessionChanged, sessionHandlers, sessionRejection } from './session';
import { xeroHandlers } from './xero';

export interface FakeBackend {
  /** Every command invoked, in order (event plumbing excluded). */
  calls: Array<{ cmd: string; args: Args }>;
  callsTo(cmd: string): number;
  /** Replace one command's handler mid-test (e.g. make a failing call succeed on retry). */
  set(cmd: CommandName, handler: CommandHandler): void;
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

/** The data commands' handlers (every area but the session, whose handlers act on the fake's session). */
export function defaultHandlers(): CommandHandlers {
  return {
    ...appHandlers(),
    ...connectionsHandlers(),
    ...auditHandlers(),
    ...collectionsHandlers(),
    ...directDebitHandlers(),
    ...xeroHandlers(),
  };
}

/** Every command's handler, by area. */
export function fakeHandlers(get: () => SessionStatus, put: (status: SessionStatus) => void): CommandHandlers {
  return { ...defaultHandlers(), ...sessionHandlers(get, put) };
}

function isCommand(cmd: string): cmd is CommandName {
  return Object.hasOwn(COMMANDS, cmd);
}

export function installFakeBackend(overrides: CommandHandlers = {}, options: FakeBackendOptions = {}): FakeBackend {
  let session = structuredClone(options.session ?? fixtures.session);
  const getSession = () => session;
  const putSession = (next: SessionStatus) => {
    session = structuredClone(next);
  };
  const handlers: CommandHandlers = { ...fakeHandlers(getSession, putSession), ...overrides };
  const calls: FakeBackend['calls'] = [];
  mockIPC(
    (cmd, payload) => {
      const args = payload as Args;
      calls.push({ cmd, args });
      const handler = isCommand(cmd) ? handlers[cmd] : undefined;
      if (!isCommand(cmd) || !handler) {
        return Promise.reject(new Error(`fake backend: no handler for command "${cmd}"`));
      }
      return sessionRejection(session, COMMANDS[cmd]) ?? handler(args);
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
