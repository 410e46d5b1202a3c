//! Connections to providers and the organisations (Xero tenants) kept from them.

use crate::Provider;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "connections/")]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    Active,
    ReconnectNeeded,
    Disconnected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "connections/")]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSummary {
    pub id: String,
    pub provider: Provider,
    pub display_name: String,
    pub status: ConnectionStatus,
    /// RFC 3339, UTC.
    pub last_synced_at: Option<String>,
    #[ts(type = "number")]
    pub organisations: i64,
}

/// An organisation (Xero tenant) the user connected, with its sync status and API budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "connections/")]
#[serde(rename_all = "camelCase")]
pub struct Organisation {
    /// The app's own id.
    pub id: String,
    pub connection_id: String,
    pub provider: Provider,
    /// Xero's tenant id.
    pub tenant_id: String,
    pub name: String,
    pub base_currency: Option<String>,
    pub status: OrganisationStatus,
    /// RFC 3339, UTC.
    pub last_synced_at: Option<String>,
    /// Remaining calls this minute / today, from the provider's last rate-limit headers.
    pub budget_minute: Option<u32>,
    pub budget_day: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "connections/")]
#[serde(rename_all = "snake_case")]
pub enum OrganisationStatus {
    Active,
    /// The daily API limit is used up; syncing resumes after the reset.
    Paused,
    ReconnectNeeded,
    Disconnected,
}

/// This area's TypeScript bindings: `(path under ui/src/lib/bindings, content)`.
pub(crate) fn bindings(cfg: &ts_rs::Config) -> Vec<(String, String)> {
    crate::bindings_of![cfg; ConnectionStatus, ConnectionSummary, Organisation, OrganisationStatus]
}
