// Test-only fake backend built on @tauri-apps/api/mocks, one file per area under ./fake. Lives
// here because src/lib/ipc is the only place allowed to import @tauri-apps/*; production code
// never imports this file.
export { emitConnectivityChanged, emitNavigate } from './fake/app';
export {
  defaultHandlers,
  fakeHandlers,
  installFakeBackend,
  resetFakeBackend,
  type FakeBackend,
  type FakeBackendOptions,
} from './fake/backend';
export { fixtures } from './fake/fixtures';
export type { CommandName } from '../bindings/commands';
export { pageOf, rejectWith, type CommandHandler, type CommandHandlers } from './fake/handlers';
export {
  emitSessionChanged,
  makeSession,
  OKTA_USER,
  ROLE_GROUPS,
  type SessionFixtureOptions,
} from './fake/session';
export { emitSyncProgress, makeBankTransactions, makeContacts, makeInvoices, organisationFor } from './fake/xero';
