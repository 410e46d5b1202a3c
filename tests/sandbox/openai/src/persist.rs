//! `sandbox --state FILE`: the OpenAI emulator's state as JSON and back.
//!
//! Kept: the API key and organisation, stored responses (a chain may continue one after a
//! restart) and the id sequence (ids mix it in, so a restarted sandbox never reissues one).
//! Reset: the request count and the rate-limit window; limits set with `with_limits` are
//! configuration and stay the defaults.

use crate::ratelimit::RateLimiter;
use crate::{Emulator, Shared};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use url::Url;
use xp_sandbox_kit::Ctx;

#[derive(Serialize, Deserialize)]
struct Saved<'a> {
    api_key: Cow<'a, str>,
    org: Cow<'a, str>,
    next_seq: u64,
    stored_responses: Cow<'a, BTreeMap<String, Value>>,
}

impl Emulator {
    /// Everything that must survive a restart, as JSON (see the module doc).
    pub fn save(&self) -> Result<Value, String> {
        let s = &self.shared;
        let stored = s.stored.lock().unwrap_or_else(|p| p.into_inner());
        let saved = Saved {
            api_key: Cow::Borrowed(&s.api_key),
            org: Cow::Borrowed(&s.org),
            next_seq: s.seq.load(Ordering::Relaxed),
            stored_responses: Cow::Borrowed(&stored),
        };
        serde_json::to_value(&saved).map_err(|e| format!("openai: {e}"))
    }

    /// The emulator as [`Emulator::save`] left it, reachable at `base`.
    pub fn restore(ctx: Ctx, base: Url, saved: Value) -> Result<Self, String> {
        let saved: Saved<'_> = serde_json::from_value(saved).map_err(|e| format!("openai: {e}"))?;
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
