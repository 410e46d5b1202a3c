import { SyncNow } from '../../components/ui/SyncNow';
import { syncSaferpay } from '../../lib/ipc';

/**
 * Reads Saferpay's transaction report now instead of waiting for the hourly read; returned debits then show on their
 * collections and are reversed in Xero. The report ends yesterday (Swiss time): today's returns show tomorrow.
 */
export function SyncSaferpay() {
  return <SyncNow provider="Saferpay" testId="sync-saferpay" sync={syncSaferpay} />;
}
