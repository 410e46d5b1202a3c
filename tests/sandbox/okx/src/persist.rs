//! `sandbox --state FILE`: the OKX emulator's state as JSON and back.
//!
//! Kept: the API key, secret and passphrase, and the whole ledger (deposits, withdrawals,
//! bills, fills, balances and the id counters). Dropped: the rate-limit request logs.

use crate::ledger::Ledger;
use crate::{Creds, Emulator, Inner, Limiter};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use url::Url;
use xp_sandbox_kit::Ctx;

/// `L` is `&Ledger` when saving and `Ledger` when restoring, so nothing is copied to save.
#[derive(Serialize, Deserialize)]
struct Saved<L> {
    #[serde(flatten)]
    creds: Creds,
    ledger: L,
}

impl Emulator {
    /// Everything that must survive a restart, as JSON (see the module doc).
    pub fn save(&self) -> Result<Value, String> {
        let ledger = self.inner.ledger();
        let saved = Saved { creds: self.inner.creds.clone(), ledger: &*ledger };
        serde_json::to_value(&saved).map_err(|e| format!("okx: {e}"))
    }

    /// The emulator as [`Emulator::save`] left it, reachable at `base`.
    pub fn restore(ctx: Ctx, base: Url, saved: Value) -> Result<Self, String> {
        let saved: Saved<Ledger> = serde_json::from_value(saved).map_err(|e| format!("okx: {e}"))?;
        let inner =
            Inner { ctx, base, creds: saved.creds, ledger: Mutex::new(saved.ledger), limiter: Limiter::default() };
        Ok(Self { inner: Arc::new(inner) })
    }
}
