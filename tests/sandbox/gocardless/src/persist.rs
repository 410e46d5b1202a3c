//! `sandbox --state FILE`: the GoCardless emulator's state as JSON and back.
//!
//! Kept: the access token, every resource with its planned timeline (so lifecycles go on where
//! they stopped), events, payouts, idempotency keys and the IBAN index behind
//! `bank_account_exists`. Rebuilt: the indexes [`State::reindex`] names. Dropped: the rate-limit
//! window.

use crate::model::{State, Ts};
use crate::{App, Emulator, Shared, Window};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use url::Url;
use xp_sandbox_kit::Ctx;

/// `S` is `&State` when saving and `State` when restoring, so nothing is copied to save.
#[derive(Serialize, Deserialize)]
struct Saved<S> {
    access_token: String,
    #[serde(with = "time::serde::rfc3339::option")]
    creditor_created_at: Option<Ts>,
    idempotency: Vec<Keyed>,
    ibans: Vec<Keyed>,
    state: S,
}

/// One entry of an index keyed by two strings: (resource, Idempotency-Key) → id created, or
/// (customer, IBAN) → bank account.
#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Keyed {
    scope: String,
    key: String,
    id: String,
}

fn entries(m: &std::collections::HashMap<(String, String), String>) -> Vec<Keyed> {
    let mut v: Vec<Keyed> =
        m.iter().map(|((scope, key), id)| Keyed { scope: scope.clone(), key: key.clone(), id: id.clone() }).collect();
    v.sort();
    v
}

impl Emulator {
    /// Everything that must survive a restart, as JSON (see the module doc).
    pub fn save(&self) -> Result<Value, String> {
        let st = self.app.0.state.lock().unwrap_or_else(|p| p.into_inner());
        let saved = Saved {
            access_token: self.app.0.token.clone(),
            creditor_created_at: st.creditor_created_at,
            idempotency: entries(&st.idempotency),
            ibans: entries(&st.ibans),
            state: &*st,
        };
        serde_json::to_value(&saved).map_err(|e| format!("gocardless: {e}"))
    }

    /// The emulator as [`Emulator::save`] left it, reachable at `base`.
    pub fn restore(ctx: Ctx, base: Url, saved: Value) -> Result<Self, String> {
        let saved: Saved<State> = serde_json::from_value(saved).map_err(|e| format!("gocardless: {e}"))?;
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
