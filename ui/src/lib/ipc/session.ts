// Sign-in, lock, sign-out and the sign-in settings. Rust decides; these only ask and report.
import type { SessionSettings, SessionStatus } from '../bindings';
import { EVENT_SESSION_CHANGED } from '../bindings/events';
import { call, subscribe } from './call';

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

/** Owner only: the configuration file's sign-in proposal (issuer, client id, role map) replaces the pinned one. */
export function adoptProposedSignIn(): Promise<SessionStatus> {
  return call<SessionStatus>('adopt_proposed_sign_in');
}

/** Sign-in finished or failed, idle lock, sign-out, grace expiry; resolves to the unsubscribe function. */
export function onSessionChanged(handler: (status: SessionStatus) => void): Promise<() => void> {
  return subscribe(EVENT_SESSION_CHANGED, handler);
}
