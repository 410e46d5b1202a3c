//! `sandbox --state FILE`: the GoCardless emulator's state as JSON and back.
//!
//! Kept: the access token, every resource with its planned timeline (so lifecycles go on where
//! they stopped), events, payouts, idempotency keys and the IBAN index behind
//! `bank_account_exists`. Rebuilt: the indexes [`State::reindex`] names. Dropped: the rate-limit
//! window.

use crate::model::{State, Ts};
use crate::{App, Emulator, Shared, Window};
use serde::{Deserialize, Serialize, Serializer};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use url::Url;
use xp_sandbox_kit::persist::{pairs, Persist};
use xp_sandbox_kit::Ctx;

/// `S` is `&State` when saving and `State` when restoring, so nothing is copied to save.
#[derive(Serialize, Deserialize)]
pub struct Saved<S> {
    access_token: String,
    #[serde(with = "time::serde::rfc3339::option")]
    creditor_created_at: Option<Ts>,
    idempotency: Vec<Keyed>,
    ibans: Vec<Keyed>,
    state: S,
}

/// One entry of an index keyed by two strings: (resource, Idempotency-Key) → id created, or
/// (customer, IBAN) → bank account.
#[derive(Serialize, Deserialize)]
struct Keyed {
    scope: String,
    key: String,
    id: String,
}

fn entries(m: &std::collections::HashMap<(String, String), String>) -> Vec<Keyed> {
    pairs(m, |scope, key, id| Keyed { scope: scope.clone(), key: key.clone(), id: id.clone() })
}

impl Persist for Emulator {
    type Saved = Saved<State>;
    type Base = Url;

    /// Everything that must survive a restart (see the module doc), written while the state
    /// lock is held.
    fn save_into<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let st = self.app.0.state.lock().unwrap_or_else(|p| p.into_inner());
        Saved {
            access_token: self.app.0.token.clone(),
            creditor_created_at: st.creditor_created_at,
            idempotency: entries(&st.idempotency),
            ibans: entries(&st.ibans),
            state: &*st,
        }
        .serialize(s)
    }

    fn from_saved(ctx: Ctx, base: Url, saved: Saved<State>) -> Result<Self, String> {
        let mut st = saved.state;
        st.creditor_created_at = saved.creditor_created_at;
        st.idempotency = saved.idempotency.into_iter().map(|k| ((k.scope, k.key), k.id)).collect();
        st.ibans = saved.ibans.into_iter().map(|k| ((k.scope, k.key), k.id)).collect();
        st.reindex();
        let shared = Shared {
            ctx,
            base: base.as_str().trim_end_matches('/').to_owned(),
            token: saved.access_token,
            state: Mutex::new(st),
            limiter: Mutex::new(Window { started: Instant::now(), used: 0 }),
        };
        Ok(Self { app: App(Arc::new(shared)) })
    }
}
