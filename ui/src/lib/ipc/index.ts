// The only module that talks to Tauri. Everything else imports these typed wrappers.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';

import type {
  AppInfo,
  AuditEvent,
  AuditVerification,
  ConnectionSummary,
  DbInfo,
  NavigateEvent,
} from '../bindings';
import { toIpcError } from './errors';

export { isIpcError, toIpcError } from './errors';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    // Reject with a plain IpcError so every caller can show `message` and branch on `code`.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toIpcError(reason);
  }
}

export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>('app_info');
}

export function dbInfo(): Promise<DbInfo> {
  return call<DbInfo>('db_info');
}

export function listConnections(): Promise<ConnectionSummary[]> {
  return call<ConnectionSummary[]>('list_connections');
}

export function listAuditEvents(limit: number): Promise<AuditEvent[]> {
  return call<AuditEvent[]>('list_audit_events', { limit });
}

export function verifyAuditLog(): Promise<AuditVerification> {
  return call<AuditVerification>('verify_audit_log');
}

/** Deep links validated by Rust arrive as `navigate` events; resolves to the unsubscribe function. */
export async function onNavigate(handler: (event: NavigateEvent) => void): Promise<() => void> {
  try {
    return await listen<NavigateEvent>('navigate', (event) => handler(event.payload));
  } catch (reason) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toIpcError(reason);
  }
}
