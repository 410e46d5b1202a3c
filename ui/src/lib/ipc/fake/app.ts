// The fake app area: version, store and connectivity, and the events Rust sends about them.
import { emit } from '@tauri-apps/api/event';

import type { Connectivity, NavigateEvent } from '../../bindings';
import { EVENT_CONNECTIVITY_CHANGED, EVENT_NAVIGATE } from '../../bindings/events';
import { fixtures } from './fixtures';
import type { CommandHandlers } from './handlers';

export function appHandlers(): CommandHandlers {
  return {
    app_info: () => structuredClone(fixtures.appInfo),
    connectivity: () => ({ online: true, unreachableHosts: [], checkedAt: null }),
    db_info: () => structuredClone(fixtures.dbInfo),
  };
}

/** What Rust does when a validated deep link arrives. */
export function emitNavigate(path: string): Promise<void> {
  return emit(EVENT_NAVIGATE, { path } satisfies NavigateEvent);
}

/** What Rust emits when the providers stop or start answering. */
export function emitConnectivityChanged(status: Connectivity): Promise<void> {
  return emit(EVENT_CONNECTIVITY_CHANGED, status);
}
