//! `sandbox --state FILE`: the OpenAI emulator's state as JSON and back.
//!
//! Kept: the API key and organisation, stored responses (a chain may continue one after a
//! restart) and the id sequence (ids mix it in, so a restarted sandbox never reissues one).
//! Reset: the request count and the rate-limit window; limits set with `with_limits` are
//! configuration and stay the defaults.

use crate::ratelimit::RateLimiter;
use crate::{Emulator, Shared};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use url::Url;
use xp_sandbox_kit::persist::Persist;
use xp_sandbox_kit::Ctx;

/// The OpenAI section of the state file.
#[derive(Serialize, Deserialize)]
pub struct Saved<'a> {
    api_key: Cow<'a, str>,
    org: Cow<'a, str>,
    next_seq: u64,
    stored_responses: Cow<'a, BTreeMap<String, Value>>,
}

impl Persist for Emulator {
    type Saved = Saved<'static>;
    type Base = Url;

    /// Everything that must survive a restart (see the module doc), written while the stored
    /// responses are locked.
    fn save_into<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let sh = &self.shared;
        let stored = sh.stored.lock().unwrap_or_else(|p| p.into_inner());
        Saved {
            api_key: Cow::Borrowed(&sh.api_key),
            org: Cow::Borrowed(&sh.org),
            next_seq: sh.seq.load(Ordering::Relaxed),
            stored_responses: Cow::Borrowed(&stored),
        }
        .serialize(s)
    }

    fn from_saved(ctx: Ctx, base: Url, saved: Saved<'static>) -> Result<Self, String> {
        let shared = Shared {
            limiter: RateLimiter::new(ctx.minute),
            ctx,
            base,
            api_key: saved.api_key.into_owned(),
            org: saved.org.into_owned(),
            seq: AtomicU64::new(saved.next_seq),
            served: AtomicU64::new(0),
            stored: Mutex::new(saved.stored_responses.into_owned()),
        };
        Ok(Self { shared: Arc::new(shared) })
    }
}
