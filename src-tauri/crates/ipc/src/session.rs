//! Who is signed in and what they may do (Okta issue). Rust decides; the UI only reads.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The three roles, mapped from Okta groups in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[ts(export_to = "session/")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything.
    Viewer,
    /// Also reconciles, posts to Xero and exports.
    Accountant,
    /// Also collects payments and manages connections, credentials, AI and sign-in settings.
    Owner,
}

/// One thing a command may need. Every Tauri command names the permission it needs and the
/// Rust side checks it; the list a user holds comes with the session status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export_to = "session/")]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See cached data and refresh it from the providers.
    Read,
    Reconcile,
    PostToXero,
    Export,
    CollectPayments,
    ManageConnections,
    ManageCredentials,
    ManageAiSettings,
    /// Change how people sign in (Okta or single-user), idle lock and offline grace.
    ManageSignIn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "session/")]
#[serde(rename_all = "snake_case")]
pub enum SignInMode {
    /// Everyone signs in with the organisation's Okta; roles come from Okta groups.
    Okta,
    /// No sign-in: whoever uses this computer account acts as owner.
    SingleUser,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "session/")]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// Nobody is signed in.
    SignedOut,
    /// The browser is open at the sign-in page; the answer comes back through the deep link.
    SigningIn,
    SignedIn,
    /// Locked by the user or after idle time: data stays hidden until the user signs in again.
    Locked,
    /// Offline for longer than the grace period since the last online check: sign in online.
    GraceExpired,
}

/// The signed-in person as the UI may show them. Never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "session/")]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
    pub name: String,
    pub email: String,
    /// None when the person's Okta groups map to no role: signed in, but allowed nothing.
    pub role: Option<Role>,
}

/// Which Okta groups give a role, so `/unauthorized` can say how to get access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "session/")]
#[serde(rename_all = "camelCase")]
pub struct RoleGroups {
    pub role: Role,
    pub groups: Vec<String>,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "session/")]
#[serde(rename_all = "camelCase")]
pub struct SessionStatus {
    pub mode: SignInMode,
    pub state: SessionState,
    pub user: Option<SessionUser>,
    /// What the user may do now; empty unless signed in (and unlocked).
    pub permissions: Vec<Permission>,
    /// Whether an Okta issuer and client id are configured (single-user is the only choice otherwise).
    pub okta_configured: bool,
    /// The issuer the app signs in with, for display.
    pub okta_issuer: Option<String>,
    /// The last online check of the session failed for lack of network: working from the cache.
    pub offline: bool,
    /// RFC 3339: when the session was last confirmed online.
    pub last_validated_at: Option<String>,
    /// RFC 3339: when working offline stops being allowed without an online sign-in.
    pub offline_until: Option<String>,
    pub offline_grace_days: u32,
    /// 0 means never.
    pub idle_lock_minutes: u32,
    /// Why the last sign-in failed or the session ended, for the login page.
    pub message: Option<String>,
    pub role_groups: Vec<RoleGroups>,
    /// The configuration file names another identity provider or role map than the one pinned
    /// at setup; it takes effect only when an owner adopts it.
    pub proposed_sign_in: Option<ProposedSignIn>,
}

/// Sign-in settings the configuration file proposes instead of the pinned ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "session/")]
#[serde(rename_all = "camelCase")]
pub struct ProposedSignIn {
    pub okta_issuer: Option<String>,
    pub client_id: Option<String>,
    pub role_groups: Vec<RoleGroups>,
}

/// What an owner may change about sign-in (Settings page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "session/")]
#[serde(rename_all = "camelCase")]
pub struct SessionSettings {
    pub mode: SignInMode,
    /// 0 turns the idle lock off; at most 24 h.
    pub idle_lock_minutes: u32,
    /// 1..=30 days.
    pub offline_grace_days: u32,
}

/// This area's TypeScript bindings: `(path under ui/src/lib/bindings, content)`.
pub(crate) fn bindings(cfg: &ts_rs::Config) -> Vec<(String, String)> {
    crate::bindings_of![cfg; Role, Permission, SignInMode, SessionState, SessionUser, RoleGroups, SessionStatus, ProposedSignIn, SessionSettings]
}
