import type { SessionSettings, SessionStatus, SignInMode } from '../../lib/bindings';

export const MAX_IDLE_LOCK_MINUTES = 1440;
export const MIN_OFFLINE_GRACE_DAYS = 1;
export const MAX_OFFLINE_GRACE_DAYS = 30;

export const MODE_LABELS: Record<SignInMode, string> = {
  okta: 'Okta sign-in',
  single_user: 'Single-user mode (no sign-in)',
};

/** The settings form as typed: numbers stay text until they validate. */
export interface SessionSettingsDraft {
  mode: SignInMode;
  idleLockMinutes: string;
  offlineGraceDays: string;
}

export function draftOf(status: SessionStatus): SessionSettingsDraft {
  return {
    mode: status.mode,
    idleLockMinutes: String(status.idleLockMinutes),
    offlineGraceDays: String(status.offlineGraceDays),
  };
}

function wholeNumber(text: string): number | null {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}

export function idleLockError(text: string): string | null {
  const minutes = wholeNumber(text);
  return minutes === null || minutes > MAX_IDLE_LOCK_MINUTES
    ? `Enter whole minutes from 0 (never lock) to ${MAX_IDLE_LOCK_MINUTES} (24 hours).`
    : null;
}

export function offlineGraceError(text: string): string | null {
  const days = wholeNumber(text);
  return days === null || days < MIN_OFFLINE_GRACE_DAYS || days > MAX_OFFLINE_GRACE_DAYS
    ? `Enter whole days from ${MIN_OFFLINE_GRACE_DAYS} to ${MAX_OFFLINE_GRACE_DAYS}.`
    : null;
}

/** The settings to send, or null while a field is invalid. */
export function settingsOf(draft: SessionSettingsDraft): SessionSettings | null {
  if (idleLockError(draft.idleLockMinutes) || offlineGraceError(draft.offlineGraceDays)) return null;
  return {
    mode: draft.mode,
    idleLockMinutes: Number(draft.idleLockMinutes.trim()),
    offlineGraceDays: Number(draft.offlineGraceDays.trim()),
  };
}

export function describeIdleLock(minutes: number): string {
  if (minutes === 0) return 'Never';
  return minutes === 1 ? 'After 1 minute without activity' : `After ${minutes} minutes without activity`;
}

export function describeGraceDays(days: number): string {
  return days === 1 ? '1 day' : `${days} days`;
}
