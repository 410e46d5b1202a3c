// The only module features import to talk to Rust: typed wrappers, one file per area (the same
// areas as src-tauri/src/commands/), over `call` and `subscribe` (./call.ts), the only code that
// reaches Tauri. Every command a wrapper names is in the generated ../bindings/commands.ts.
export { isIpcError, toIpcError } from './errors';

export * from './app';
export * from './audit';
export * from './collections';
export * from './connections';
export * from './directdebit';
export * from './session';
export * from './xero';
