//! The tamper-evident audit log as the UI lists and verifies it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "audit/")]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    #[ts(type = "number")]
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// JSON text with the action's details.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "audit/")]
#[serde(rename_all = "camelCase")]
pub struct AuditVerification {
    #[ts(type = "number")]
    pub entries: i64,
}

/// This area's TypeScript bindings: `(path under ui/src/lib/bindings, content)`.
pub(crate) fn bindings(cfg: &ts_rs::Config) -> Vec<(String, String)> {
    crate::bindings_of![cfg; AuditEvent, AuditVerification]
}
