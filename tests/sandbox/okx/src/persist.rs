//! `sandbox --state FILE`: the OKX emulator's state as JSON and back.
//!
//! Kept: the API key, secret and passphrase, and the whole ledger (deposits, withdrawals,
//! bills, fills, balances and the id counters). Dropped: the rate-limit request logs.

use crate::ledger::Ledger;
use crate::{Creds, Emulator, Inner, Limiter};
use serde::{Deserialize, Serialize, Serializer};
use std::sync::{Arc, Mutex};
use url::Url;
use xp_sandbox_kit::persist::Persist;
use xp_sandbox_kit::Ctx;

/// `L` is `&Ledger` when saving and `Ledger` when restoring, so nothing is copied to save.
#[derive(Serialize, Deserialize)]
pub struct Saved<L> {
    #[serde(flatten)]
    creds: Creds,
    ledger: L,
}

impl Persist for Emulator {
    type Saved = Saved<Ledger>;
    type Base = Url;

    /// Everything that must survive a restart (see the module doc), written while the ledger
    /// lock is held.
    fn save_into<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ledger = self.inner.ledger();
        Saved { creds: self.inner.creds.clone(), ledger: &*ledger }.serialize(s)
    }

    fn from_saved(ctx: Ctx, base: Url, saved: Saved<Ledger>) -> Result<Self, String> {
        let inner =
            Inner { ctx, base, creds: saved.creds, ledger: Mutex::new(saved.ledger), limiter: Limiter::default() };
        Ok(Self { inner: Arc::new(inner) })
    }
}
