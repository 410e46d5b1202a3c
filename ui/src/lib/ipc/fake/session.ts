// The fake core's session: role fixtures, the session commands acting like Rust's state machine,
// and what Rust answers a command the session does not allow.
import { emit } from '@tauri-apps/api/event';

import type { Need } from '../../bindings/commands';
import { EVENT_SESSION_CHANGED } from '../../bindings/events';
import type { Permission, Role, RoleGroups, SessionSettings, SessionStatus, SessionUser } from '../../bindings';
import { rejectWith, type CommandHandlers } from './handlers';

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
    proposedSignIn: null,
    ...overrides,
  };
}


/**
 * What Rust answers a command outside an open session or without the permission the command table
 * gives it; null when the call may go ahead.
 */
export function sessionRejection(session: SessionStatus, need: Need): Promise<never> | null {
  if (need === 'public') return null;
  if (session.state === 'locked') {
    return rejectWith({ code: 'locked', message: 'Xero Partner is locked. Sign in again to continue.' });
  }
  if (session.state !== 'signed_in') return rejectWith({ code: 'sign_in_required', message: 'Sign in to continue.' });
  if (session.permissions.includes(need)) return null;
  const role = session.user?.role ?? 'no role';
  return rejectWith({ code: 'forbidden', message: `This needs the ${need} permission; you are signed in as ${role}.` });
}

/** The session commands, acting on the fake core's session the way Rust's state machine does. */
export function sessionHandlers(get: () => SessionStatus, put: (status: SessionStatus) => void): CommandHandlers {
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
    adopt_proposed_sign_in: () => {
      const { proposedSignIn, oktaIssuer } = get();
      if (!proposedSignIn) {
        return rejectWith({
          code: 'invalid_input',
          message: 'the configuration file proposes no change to the sign-in settings',
        });
      }
      const moved = proposedSignIn.oktaIssuer !== oktaIssuer;
      return update({
        proposedSignIn: null,
        oktaIssuer: proposedSignIn.oktaIssuer,
        roleGroups: proposedSignIn.roleGroups,
        ...(moved ? { state: 'signed_out', ...ended, message: 'The sign-in provider changed. Sign in again.' } : {}),
      });
    },
  };
}

/** What Rust emits when the session changes (sign-in done or failed, idle lock, sign-out, grace expiry). */
export function emitSessionChanged(status: SessionStatus): Promise<void> {
  return emit(EVENT_SESSION_CHANGED, status);
}
