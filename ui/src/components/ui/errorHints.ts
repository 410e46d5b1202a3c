import type { ErrorCode } from '../../lib/bindings';

/** What the user can do next, per error code. Codes without a specific next step fall back to Retry. */
export const ERROR_HINTS: Partial<Record<ErrorCode, string>> = {
  store_key_mismatch:
    'The key in the keychain does not open the local store. Restore the original keychain entry or the matching backup.',
  store_key_missing: 'The local store key is missing from the keychain. Restore it, then retry.',
  store_unavailable: 'The local store could not be opened. Check that the data folder exists and is writable.',
  store_busy: 'Another change, such as a sync, is being saved. Wait a moment, then try again.',
  keychain_unavailable: 'The OS keychain is locked or not running. Unlock it, then retry.',
  offline: 'You are offline. Cached data stays available; retry when the connection is back.',
  rate_limited: 'The provider is rate-limiting requests. Wait a minute, then retry.',
  reconnect_needed: 'The provider connection has expired. Reconnect it on the Connections page.',
  forbidden: 'Your role does not allow this action.',
  sign_in_required: 'Your sign-in has ended. Sign in again to continue.',
  locked: 'Xero Partner is locked. Sign in again to continue.',
  provider: 'The provider answered with an error. Try again in a few minutes; if it keeps failing, check its status page.',
  invalid_input: 'The request was not accepted. Check what you entered or chose, then try again.',
  not_found: 'It is not in the local store. It may have been removed by the last sync.',
  config: 'The app configuration is invalid. Check the settings file, then restart the app.',
};
