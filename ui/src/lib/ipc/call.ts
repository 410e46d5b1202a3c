// The two ways the wrappers reach Rust: a command (named in the generated command table) and an
// event (named in the generated event list). Nothing else in the UI talks to Tauri.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';

import type { CommandName } from '../bindings/commands';
import type { EventName, EventPayloads } from '../bindings/events';
import { toIpcError } from './errors';

/** Invokes a command from `COMMANDS`; a name Rust does not declare fails to compile. */
export async function call<T>(command: CommandName, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    // Reject with a plain IpcError so every caller can show `message` and branch on `code`.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toIpcError(reason);
  }
}

/** Listens to an event Rust emits, with the payload type Rust sends; resolves to the unsubscribe function. */
export async function subscribe<E extends EventName>(
  event: E,
  handler: (payload: EventPayloads[E]) => void,
): Promise<() => void> {
  try {
    return await listen<EventPayloads[E]>(event, (e) => handler(e.payload));
  } catch (reason) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toIpcError(reason);
  }
}
