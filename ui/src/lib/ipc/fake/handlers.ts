// What every area of the fake backend shares: the handler types and the way Tauri rejects and pages.
import type { CommandName } from '../../bindings/commands';

export type Args = Record<string, unknown> | undefined;
export type CommandHandler = (args: Args) => unknown;
/** Handlers by command name; a name the command table does not declare fails to compile. */
export type CommandHandlers = Partial<Record<CommandName, CommandHandler>>;

/** A handler result that rejects the way Tauri does: with the plain `{code, message}` object, not an Error. */
export function rejectWith(reason: unknown): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- mirrors Tauri's wire format
  return Promise.reject(reason);
}

/** One page of `rows` the way Rust pages: `offset`/`limit` of the whole (already filtered) list. */
export function pageOf<TRow>(rows: TRow[], query: { offset: number; limit: number }): { rows: TRow[]; total: number } {
  return { rows: rows.slice(query.offset, query.offset + query.limit), total: rows.length };
}
