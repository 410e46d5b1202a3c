// Every TanStack Query key of the app in one place, so what a change in Rust makes stale is decided here once
// instead of by whichever feature happens to remember the keys of the others.
import type { QueryClient } from '@tanstack/react-query';

/**
 * The root key of each query family. A family's queries start with its root (`[...invoices, 'list', query]`,
 * `[...invoices, 'detail', org, id]`), so invalidating the root refreshes all of them.
 */
export const queryKeys = {
  /** `session_status`; survives sign-out so the login page knows what to show. */
  session: ['session'],
  appInfo: ['app-info'],
  connectivity: ['connectivity'],
  dbInfo: ['db-info'],
  auditEvents: ['audit-events'],
  collections: ['collections'],
  mandates: ['mandates'],
  payouts: ['payouts'],
  saferpayStatus: ['saferpay-status'],
  settlementMappings: ['settlement-mappings'],
  /** A Xero organisation's chart of accounts: `[...xeroAccounts, organisationId]`. */
  xeroAccounts: ['xero-accounts'],
  connections: ['connections'],
  organisations: ['organisations'],
  invoices: ['invoices'],
  contacts: ['contacts'],
  bankTransactions: ['bank-transactions'],
} as const;

/**
 * What a finished sync or a disconnect changes in the local store: the synced records, the organisations and
 * connections (status, last synced) and the store's row counts. A new synced list adds its key here.
 */
export const syncedDataKeys = [
  queryKeys.organisations,
  queryKeys.connections,
  queryKeys.invoices,
  queryKeys.contacts,
  queryKeys.bankTransactions,
  queryKeys.xeroAccounts,
  queryKeys.mandates,
  queryKeys.payouts,
  queryKeys.dbInfo,
] as const;

/** Marks every synced-data query stale; the ones on screen refetch now, the others when next shown. */
export function invalidateSyncedData(client: QueryClient): void {
  for (const queryKey of syncedDataKeys) void client.invalidateQueries({ queryKey });
}
