// The app itself: version and profile, the local store, whether the providers answer, deep links.
import type { AppInfo, Connectivity, DbInfo, NavigateEvent } from '../bindings';
import { EVENT_CONNECTIVITY_CHANGED, EVENT_NAVIGATE } from '../bindings/events';
import { call, subscribe } from './call';

export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>('app_info');
}

/** Whether the providers answer, as Rust's own requests found out. */
export function connectivity(): Promise<Connectivity> {
  return call<Connectivity>('connectivity');
}

export function dbInfo(): Promise<DbInfo> {
  return call<DbInfo>('db_info');
}

/** Deep links validated by Rust arrive as `navigate` events; resolves to the unsubscribe function. */
export function onNavigate(handler: (event: NavigateEvent) => void): Promise<() => void> {
  return subscribe(EVENT_NAVIGATE, handler);
}

/** Sent when the providers stop or start answering; resolves to the unsubscribe function. */
export function onConnectivityChanged(handler: (status: Connectivity) => void): Promise<() => void> {
  return subscribe(EVENT_CONNECTIVITY_CHANGED, handler);
}
