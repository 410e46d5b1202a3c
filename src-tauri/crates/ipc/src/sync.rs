//! Progress of a sync as the window sees it, one event per organisation and resource.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "sync/")]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Running,
    Done,
    Failed,
    Cancelled,
    /// Waiting for a rate-limit reset; `message` says until when.
    Paused,
}

/// Sent on the `sync-progress` event, per organisation and resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "sync/")]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub organisation_id: String,
    pub organisation_name: String,
    /// e.g. "Invoices".
    pub resource: String,
    pub state: SyncState,
    pub pages_done: u32,
    pub page_count: Option<u32>,
    #[ts(type = "number")]
    pub items_done: u64,
    #[ts(type = "number | null")]
    pub item_count: Option<u64>,
    pub eta_seconds: Option<u32>,
    /// What went wrong or what is being waited for, in words.
    pub message: Option<String>,
}

/// This area's TypeScript bindings: `(path under ui/src/lib/bindings, content)`.
pub(crate) fn bindings(cfg: &ts_rs::Config) -> Vec<(String, String)> {
    crate::bindings_of![cfg; SyncState, SyncProgress]
}
