import { SyncNow } from '../../components/ui/SyncNow';
import { syncGoCardless } from '../../lib/ipc';

/**
 * Reads GoCardless now instead of waiting for the background sync (every 15 minutes); Rust then books what arrived in
 * Xero. The lists refresh when the sync's progress says it finished.
 */
export function SyncGoCardless() {
  return <SyncNow provider="GoCardless" testId="sync-gocardless" sync={syncGoCardless} />;
}
