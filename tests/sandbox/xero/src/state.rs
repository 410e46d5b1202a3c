//! Everything the Xero emulator remembers: tenants' data, OAuth grants and tokens,
//! idempotency records and rate-limit windows.

use crate::data::Tenant;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct PendingAuth {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub code_challenge: String,
}

#[derive(Debug, Clone)]
pub struct Code {
    pub auth: PendingAuth,
    pub auth_event_id: String,
    pub tenants: Vec<String>,
    pub expires: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub tenant_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    pub client_id: String,
    pub scope: String,
    pub connections: Vec<Connection>,
    pub revoked: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Access {
    pub auth_event_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Refresh {
    pub auth_event_id: String,
    /// Set when this token was used: it stays valid until then + grace (a lost response can be
    /// retried), then `invalid_grant`.
    #[serde(with = "time::serde::rfc3339::option")]
    pub used_at: Option<OffsetDateTime>,
    /// The token its use produced (returned again on a retry within the grace window).
    pub successor: Option<String>,
}

/// The first answer to a write that carried an `Idempotency-Key` (crate::writes).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Idempotent {
    /// Method and path with query: the same key on another request is refused (empty in
    /// state files written before they were kept).
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub target: String,
    pub body: String,
    pub status: u16,
    pub response: Value,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Default)]
pub struct Window {
    pub start_ms: i64,
    pub count: u32,
}

#[derive(Debug, Default)]
pub struct Limits {
    pub in_flight: HashMap<String, u32>,
    pub minute: HashMap<String, Window>,
    pub day: HashMap<String, Window>,
    pub app_minute: Window,
}

#[derive(Debug, Default)]
pub struct State {
    pub tenants: Vec<Tenant>,
    pub pending: HashMap<String, PendingAuth>,
    pub codes: HashMap<String, Code>,
    pub grants: HashMap<String, Grant>,
    pub access: HashMap<String, Access>,
    pub refresh: HashMap<String, Refresh>,
    /// By (app's client id, key): Xero scopes keys to the app.
    pub idempotency: HashMap<(String, String), Idempotent>,
    pub limits: Limits,
    pub redirect_uris: Vec<String>,
}

impl State {
    pub fn tenant(&self, id: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.tenant_id.eq_ignore_ascii_case(id))
    }

    pub fn tenant_mut(&mut self, id: &str) -> Option<&mut Tenant> {
        self.tenants.iter_mut().find(|t| t.tenant_id.eq_ignore_ascii_case(id))
    }
}
