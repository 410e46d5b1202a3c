//! How the engine's progress reaches the window: every connector's sync reports the same shape,
//! so the shell and the CLI need not know the engine.

use crate::progress::{Progress, ProgressState};
use xp_ipc::{SyncProgress, SyncState};

impl From<Progress> for SyncProgress {
    fn from(p: Progress) -> Self {
        SyncProgress {
            organisation_id: p.organisation_id.to_string(),
            organisation_name: p.organisation_name,
            resource: p.resource,
            state: match p.state {
                ProgressState::Running => SyncState::Running,
                ProgressState::Done => SyncState::Done,
                ProgressState::Failed => SyncState::Failed,
                ProgressState::Cancelled => SyncState::Cancelled,
                ProgressState::Paused => SyncState::Paused,
            },
            pages_done: p.pages_done,
            page_count: p.page_count,
            items_done: p.items_done,
            item_count: p.item_count,
            eta_seconds: p.eta.map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX)),
            message: p.message,
        }
    }
}
