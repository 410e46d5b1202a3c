//! `sandbox --state FILE`: the Saferpay emulator's state as JSON and back.
//!
//! Kept: the API credentials and terminal, payment page sessions, transactions, the replies
//! kept for retried writes, notifications sent and the scripted declines still to come.
//! Restarted: the id generator, from fresh entropy rather than the seed, so that ids issued
//! after a restart do not repeat ones issued before it.

use crate::model::Tx;
use crate::{Creds, Data, Emulator, Page, Shared};
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use url::Url;
use xp_sandbox_kit::persist::intern;
use xp_sandbox_kit::Ctx;

#[derive(Serialize, Deserialize)]
struct Saved<'a> {
    customer_id: Cow<'a, str>,
    terminal_id: Cow<'a, str>,
    username: Cow<'a, str>,
    password: Cow<'a, str>,
    payment_pages: Cow<'a, BTreeMap<String, Page>>,
    transactions: Cow<'a, BTreeMap<String, Tx>>,
    /// The first successful answer per (endpoint, RequestId), replayed to retries.
    replies: Vec<Reply<'a>>,
    notifications: Cow<'a, [Value]>,
    decline_next: u32,
}

#[derive(Serialize, Deserialize)]
struct Reply<'a> {
    endpoint: Cow<'a, str>,
    request_id: Cow<'a, str>,
    response: Cow<'a, Value>,
}

impl Emulator {
    /// Everything that must survive a restart, as JSON (see the module doc).
    pub fn save(&self) -> Result<Value, String> {
        let c = &self.shared.creds;
        let d = self.shared.data();
        let mut replies: Vec<Reply<'_>> = d
            .replies
            .iter()
            .map(|((endpoint, id), v)| Reply {
                endpoint: Cow::Borrowed(endpoint),
                request_id: Cow::Borrowed(id),
                response: Cow::Borrowed(v),
            })
            .collect();
        replies.sort_by(|a, b| (&a.endpoint, &a.request_id).cmp(&(&b.endpoint, &b.request_id)));
        let saved = Saved {
            customer_id: Cow::Borrowed(&c.customer_id),
            terminal_id: Cow::Borrowed(&c.terminal_id),
            username: Cow::Borrowed(&c.username),
            password: Cow::Borrowed(&c.password),
            payment_pages: Cow::Borrowed(&d.pages),
            transactions: Cow::Borrowed(&d.txs),
            replies,
            notifications: Cow::Borrowed(&d.notifications),
            decline_next: d.decline_next,
        };
        serde_json::to_value(&saved).map_err(|e| format!("saferpay: {e}"))
    }

    /// The emulator as [`Emulator::save`] left it, reachable at `base`.
    pub fn restore(ctx: Ctx, base: Url, saved: Value) -> Result<Self, String> {
        let saved: Saved<'_> = serde_json::from_value(saved).map_err(|e| format!("saferpay: {e}"))?;
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
            replies: saved
                .replies
                .into_iter()
                .map(|r| ((intern(&r.endpoint), r.request_id.into_owned()), r.response.into_owned()))
                .collect(),
            notifications: saved.notifications.into_owned(),
            decline_next: saved.decline_next,
        };
        let base = base.as_str().trim_end_matches('/').to_owned();
        Ok(Self { shared: Arc::new(Shared { ctx, base, creds, data: Mutex::new(data) }) })
    }
}
