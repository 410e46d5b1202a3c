//! What the authorization server remembers: demo users, pending sign-ins, codes, grants and the
//! tokens issued under them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rand::distributions::Alphanumeric;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use time::OffsetDateTime;
use url::Url;
use xp_sandbox_kit::Ctx;

use crate::jwt::KeyRing;

#[derive(Debug, Clone, Serialize)]
pub struct User {
    /// Okta user ids start with `00u` and are 20 characters long (e.g. `00u1a2b3c4D5e6F7g8h9`).
    pub id: String,
    pub username: String,
    #[serde(skip)]
    pub password: String,
    pub given_name: String,
    pub family_name: String,
    pub groups: Vec<String>,
}

impl User {
    pub fn name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// Okta-style object id: a three-character type prefix (`00u` user, `0oa` app, `00o` org)
/// and 17 alphanumerics.
pub fn okta_id(prefix: &str) -> String {
    let tail: String = rand::thread_rng().sample_iter(&Alphanumeric).take(17).map(char::from).collect();
    format!("{prefix}{tail}")
}

/// 32 random bytes, base64url: the shape of Okta's codes and refresh tokens (43 characters,
/// e.g. `i6mapTIAVSp2oJkgUnCACKKfZxt_H5MBLiqcybBBd04` in the refresh-tokens guide).
pub fn opaque() -> String {
    let bytes: [u8; 32] = rand::thread_rng().gen();
    B64.encode(bytes)
}

fn password() -> String {
    let tail: String = rand::thread_rng().sample_iter(&Alphanumeric).take(14).map(char::from).collect();
    format!("Sbx-{tail}")
}

pub fn demo_users() -> Vec<User> {
    let mk = |first: &str, last: &str, group: &str| User {
        id: okta_id("00u"),
        username: format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase()),
        password: password(),
        given_name: first.to_owned(),
        family_name: last.to_owned(),
        // Every Okta user is a member of the built-in `Everyone` group.
        groups: vec!["Everyone".to_owned(), group.to_owned()],
    };
    vec![
        mk("Olivia", "Owner", "XP-Owners"),
        mk("Adam", "Accountant", "XP-Accountants"),
        mk("Vera", "Viewer", "XP-Viewers"),
    ]
}

/// A validated `/authorize` request waiting for the user (or turned into a code).
#[derive(Debug, Clone)]
pub struct AuthzRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: String,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub created: OffsetDateTime,
}

#[derive(Debug)]
pub struct CodeRecord {
    pub req: AuthzRequest,
    pub user: usize,
    pub auth_time: OffsetDateTime,
    pub expires: OffsetDateTime,
    /// Set on first redemption; a second one is a replay.
    pub redeemed: bool,
    /// The grant created by redeeming it, revoked if the code is replayed.
    pub grant: Option<String>,
}

/// `nonce` and `user_index` stay out of the admin dump; the state file adds `nonce` itself and
/// `user_index` follows from `user`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    pub id: String,
    pub user: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub auth_time: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    pub revoked_because: Option<String>,
    pub refreshes: u32,
    #[serde(skip)]
    pub nonce: Option<String>,
    #[serde(skip)]
    pub user_index: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshRecord {
    pub grant: String,
    #[serde(with = "time::serde::rfc3339")]
    pub issued: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub rotated_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessRecord {
    pub grant: String,
    pub revoked: bool,
}

#[derive(Default)]
pub struct Store {
    /// Sign-in transactions, by the id the form posts back.
    pub pending: HashMap<String, AuthzRequest>,
    pub codes: HashMap<String, CodeRecord>,
    pub grants: HashMap<String, Grant>,
    /// By token value.
    pub refresh: HashMap<String, RefreshRecord>,
    /// By `jti`.
    pub access: HashMap<String, AccessRecord>,
    /// Rate-limit buckets: endpoint → (window index, requests in it).
    pub buckets: HashMap<&'static str, (i128, u32)>,
}

impl Store {
    pub fn revoke_grant(&mut self, id: &str, now: OffsetDateTime, why: &str) {
        if let Some(g) = self.grants.get_mut(id) {
            if g.revoked_at.is_none() {
                g.revoked_at = Some(now);
                g.revoked_because = Some(why.to_owned());
            }
        }
        self.refresh.retain(|_, r| r.grant != id);
        for a in self.access.values_mut().filter(|a| a.grant == id) {
            a.revoked = true;
        }
    }

    pub fn grant_live(&self, id: &str) -> bool {
        self.grants.get(id).is_some_and(|g| g.revoked_at.is_none())
    }
}

pub struct Shared {
    pub ctx: Ctx,
    /// The mount URL without a trailing slash.
    pub base: String,
    pub client_id: String,
    /// Okta org id (`idp` claim).
    pub org_id: String,
    pub users: Vec<User>,
    pub keys: Mutex<KeyRing>,
    pub store: Mutex<Store>,
}

impl Shared {
    pub fn new(ctx: Ctx, base: &Url) -> Shared {
        Shared {
            ctx,
            base: base.as_str().trim_end_matches('/').to_owned(),
            client_id: okta_id("0oa"),
            org_id: okta_id("00o"),
            users: demo_users(),
            keys: Mutex::new(KeyRing::new()),
            store: Mutex::new(Store::default()),
        }
    }

    pub fn issuer(&self) -> String {
        format!("{}/oauth2/default", self.base)
    }

    pub fn now(&self) -> OffsetDateTime {
        self.ctx.clock.now()
    }

    pub fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn keys(&self) -> std::sync::MutexGuard<'_, KeyRing> {
        self.keys.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn user_by_name(&self, username: &str) -> Option<usize> {
        // Okta usernames are case-insensitive.
        self.users.iter().position(|u| u.username.eq_ignore_ascii_case(username.trim()))
    }
}
