//! `sandbox --state FILE`: the Okta emulator's state as JSON and back.
//!
//! Kept: the app's client id, the org id, the demo users with their passwords (the start-up
//! line shows them), the signing keys (PKCS#8 PEM, so the JWKS keeps its kids and tokens
//! signed before a restart still verify), grants and their refresh and access tokens.
//! Dropped: sign-in transactions and authorization codes (a browser flow does not survive a
//! restart) and rate-limit buckets. Access tokens carry the issuer URL: after a restart on
//! another address they no longer verify, as for a real org whose URL changed; refresh tokens
//! are opaque and keep working.

use crate::jwt::KeyRing;
use crate::state::{AccessRecord, Grant, RefreshRecord, Shared, Store, User};
use crate::Emulator;
use serde::ser::Error as _;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use url::Url;
use xp_sandbox_kit::persist::Persist;
use xp_sandbox_kit::Ctx;

/// The Okta section of the state file.
#[derive(Serialize, Deserialize)]
pub struct Saved {
    client_id: String,
    org_id: String,
    users: Vec<SavedUser>,
    signing_keys: Vec<SavedKey>,
    /// Index into `signing_keys` of the key new tokens are signed with.
    current_key: usize,
    grants: BTreeMap<String, SavedGrant>,
    refresh_tokens: BTreeMap<String, RefreshRecord>,
    /// By `jti`.
    access_tokens: BTreeMap<String, AccessRecord>,
}

/// [`User`] with the password its admin-dump form leaves out.
#[derive(Serialize, Deserialize)]
struct SavedUser {
    id: String,
    username: String,
    password: String,
    given_name: String,
    family_name: String,
    groups: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct SavedKey {
    kid: String,
    pkcs8_pem: String,
}

#[derive(Serialize, Deserialize)]
struct SavedGrant {
    #[serde(flatten)]
    grant: Grant,
    nonce: Option<String>,
}

impl Persist for Emulator {
    type Saved = Saved;
    type Base = Url;

    /// Everything that must survive a restart (see the module doc for what is left out).
    /// Waits for signing keys that are still generating.
    fn save_into<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let s = &self.shared;
        let (keys, current_key) = s.keys().save().map_err(S::Error::custom)?;
        let store = s.store();
        let saved = Saved {
            client_id: s.client_id.clone(),
            org_id: s.org_id.clone(),
            users: s
                .users
                .iter()
                .map(|u| SavedUser {
                    id: u.id.clone(),
                    username: u.username.clone(),
                    password: u.password.clone(),
                    given_name: u.given_name.clone(),
                    family_name: u.family_name.clone(),
                    groups: u.groups.clone(),
                })
                .collect(),
            signing_keys: keys.into_iter().map(|(kid, pkcs8_pem)| SavedKey { kid, pkcs8_pem }).collect(),
            current_key,
            grants: store
                .grants
                .iter()
                .map(|(id, g)| (id.clone(), SavedGrant { grant: g.clone(), nonce: g.nonce.clone() }))
                .collect(),
            refresh_tokens: store.refresh.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            access_tokens: store.access.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        };
        saved.serialize(ser)
    }

    /// The issuer follows `base`.
    fn from_saved(ctx: Ctx, base: Url, saved: Saved) -> Result<Self, String> {
        let users: Vec<User> = saved
            .users
            .into_iter()
            .map(|u| User {
                id: u.id,
                username: u.username,
                password: u.password,
                given_name: u.given_name,
                family_name: u.family_name,
                groups: u.groups,
            })
            .collect();
        let keys = saved.signing_keys.into_iter().map(|k| (k.kid, k.pkcs8_pem)).collect();
        let keys = KeyRing::restore(keys, saved.current_key).map_err(|e| e.to_string())?;
        let mut store = Store::default();
        for (id, SavedGrant { mut grant, nonce }) in saved.grants {
            grant.user_index = users
                .iter()
                .position(|u| u.id == grant.user)
                .ok_or_else(|| format!("grant {id} names unknown user {}", grant.user))?;
            grant.nonce = nonce;
            store.grants.insert(id, grant);
        }
        store.refresh = saved.refresh_tokens.into_iter().collect();
        store.access = saved.access_tokens.into_iter().collect();
        let shared = Shared {
            ctx,
            base: base.as_str().trim_end_matches('/').to_owned(),
            client_id: saved.client_id,
            org_id: saved.org_id,
            users,
            keys: Mutex::new(keys),
            store: Mutex::new(store),
        };
        Ok(Self { shared: Arc::new(shared) })
    }
}
