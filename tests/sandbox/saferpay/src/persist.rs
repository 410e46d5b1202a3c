//! `sandbox --state FILE`: the Saferpay emulator's state as JSON and back.
//!
//! Kept: the API credentials and terminal, payment page sessions, transactions (with their
//! charge-backs and SEPA export state), notifications sent and the scripted declines still to
//! come. A file written before retries stopped being replayed still reads: its `replies` are
//! ignored.
//! Restarted: the id generator, from fresh entropy rather than the seed, so that ids issued
//! after a restart do not repeat ones issued before it.

use crate::model::Tx;
use crate::{Creds, Data, Emulator, Page, Shared};
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use url::Url;
use xp_sandbox_kit::persist::Persist;
use xp_sandbox_kit::Ctx;

/// The Saferpay section of the state file.
#[derive(Serialize, Deserialize)]
pub struct Saved<'a> {
    customer_id: Cow<'a, str>,
    terminal_id: Cow<'a, str>,
    username: Cow<'a, str>,
    password: Cow<'a, str>,
    payment_pages: Cow<'a, BTreeMap<String, Page>>,
    transactions: Cow<'a, BTreeMap<String, Tx>>,
    notifications: Cow<'a, [Value]>,
    decline_next: u32,
}

impl Persist for Emulator {
    type Saved = Saved<'static>;
    type Base = Url;

    /// Everything that must survive a restart (see the module doc), written while the data
    /// lock is held.
    fn save_into<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = &self.shared.creds;
        let d = self.shared.data();
        Saved {
            customer_id: Cow::Borrowed(&c.customer_id),
            terminal_id: Cow::Borrowed(&c.terminal_id),
            username: Cow::Borrowed(&c.username),
            password: Cow::Borrowed(&c.password),
            payment_pages: Cow::Borrowed(&d.pages),
            transactions: Cow::Borrowed(&d.txs),
            notifications: Cow::Borrowed(&d.notifications),
            decline_next: d.decline_next,
        }
        .serialize(s)
    }

    fn from_saved(ctx: Ctx, base: Url, saved: Saved<'static>) -> Result<Self, String> {
        let creds = Creds {
            customer_id: saved.customer_id.into_owned(),
            terminal_id: saved.terminal_id.into_owned(),
            username: saved.username.into_owned(),
            password: saved.password.into_owned(),
        };
        let data = Data {
            rng: StdRng::from_entropy(),
            pages: saved.payment_pages.into_owned(),
            txs: saved.transactions.into_owned(),
            notifications: saved.notifications.into_owned(),
            decline_next: saved.decline_next,
        };
        let base = base.as_str().trim_end_matches('/').to_owned();
        Ok(Self { shared: Arc::new(Shared { ctx, base, creds, data: Mutex::new(data) }) })
    }
}
