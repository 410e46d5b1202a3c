import type { ErrorCode, IpcError } from '../bindings';

// Mirrors the ErrorCode union generated from Rust; the `satisfies` check fails to compile if Rust adds or drops a code.
const ERROR_CODES = {
  internal: true,
  invalid_input: true,
  keychain_unavailable: true,
  store_key_mismatch: true,
  store_key_missing: true,
  store_unavailable: true,
  store_busy: true,
  not_found: true,
  forbidden: true,
  sign_in_required: true,
  locked: true,
  reconnect_needed: true,
  offline: true,
  rate_limited: true,
  provider: true,
  config: true,
} as const satisfies Record<ErrorCode, true>;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return isErrorCode(candidate.code) && typeof candidate.message === 'string';
}

const NO_CORE_MESSAGE =
  'The Xero Partner core is not available. Open this screen from the desktop app, not a web browser.';

/** Turns whatever an IPC call rejected with into the `{code, message}` shape components rely on. */
export function toIpcError(reason: unknown): IpcError {
  if (isIpcError(reason)) return { code: reason.code, message: reason.message };
  if (typeof window !== 'undefined' && !('__TAURI_INTERNALS__' in window)) {
    return { code: 'internal', message: NO_CORE_MESSAGE };
  }
  if (typeof reason === 'string' && reason.trim() !== '') return { code: 'internal', message: reason };
  if (reason instanceof Error && reason.message !== '') return { code: 'internal', message: reason.message };
  if (typeof reason === 'object' && reason !== null) {
    const message = (reason as Record<string, unknown>).message;
    if (typeof message === 'string' && message !== '') return { code: 'internal', message };
  }
  return { code: 'internal', message: 'The app core returned an unexpected error.' };
}
