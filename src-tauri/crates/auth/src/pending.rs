//! Sign-ins in progress, keyed by their `state` (RFC 6749 §10.12, RFC 8252 §8.9).
//!
//! A redirect is accepted only if its state was issued here, has not expired and has not been
//! used: each state opens exactly one flow. Taken and expired states are remembered for one
//! more lifetime as tombstones, so a replay or a late answer gets an error that says so instead
//! of "unknown"; after that they are forgotten too.

use crate::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};
use time::{Duration, OffsetDateTime};
use xp_core::{Clock, Sensitive};

/// Default lifetime of a pending sign-in: long enough to type a password and pass 2FA.
pub const DEFAULT_TTL: Duration = Duration::minutes(10);
/// 256 bits; RFC 6749 §10.10 asks for at least 128.
const STATE_BYTES: usize = 32;

/// What the app must remember between sending the user to the browser and the redirect.
#[derive(Debug, Clone)]
pub struct PendingFlow {
    /// Which provider this flow belongs to ("xero", "okta"), so the redirect is routed right.
    pub provider: String,
    /// Must be sent again, unchanged, with the code exchange (RFC 6749 §4.1.3).
    pub redirect_uri: String,
    pub verifier: Sensitive<String>,
    /// OpenID Connect nonce, checked against the ID token later.
    pub nonce: Option<String>,
    /// Anything else the caller wants back (e.g. the connection being re-authorised).
    pub extra: BTreeMap<String, String>,
}

/// An opaque, unguessable `state` value: base64url without padding.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct State(String);

impl State {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for State {
    // Short on purpose: a state is not a secret, but a full one in a log helps nobody.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "State({}…)", self.0.get(..6).unwrap_or_default())
    }
}

#[derive(Debug, Clone, Copy)]
enum Tombstone {
    Used,
    Expired,
}

#[derive(Debug, Default)]
struct Inner {
    pending: HashMap<String, (PendingFlow, OffsetDateTime)>,
    /// state → (why it is gone, when to forget it)
    gone: HashMap<String, (Tombstone, OffsetDateTime)>,
}

impl Inner {
    fn prune(&mut self, now: OffsetDateTime, ttl: Duration) {
        let expired: Vec<String> =
            self.pending.iter().filter(|(_, (_, exp))| *exp <= now).map(|(k, _)| k.clone()).collect();
        for state in expired {
            if let Some((_, exp)) = self.pending.remove(&state) {
                // The flow (and its verifier) is dropped now; only the fact that it expired stays.
                self.gone.insert(state, (Tombstone::Expired, exp + ttl));
            }
        }
        self.gone.retain(|_, (_, forget_at)| *forget_at > now);
    }
}

/// The registry of pending sign-ins. Clones share one registry.
#[derive(Clone)]
pub struct Registry {
    inner: Arc<Mutex<Inner>>,
    clock: Arc<dyn Clock>,
    ttl: Duration,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry").field("pending", &self.len()).field("ttl", &self.ttl).finish()
    }
}

impl Registry {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self::with_ttl(clock, DEFAULT_TTL)
    }

    pub fn with_ttl(clock: Arc<dyn Clock>, ttl: Duration) -> Self {
        Self { inner: Arc::new(Mutex::new(Inner::default())), clock, ttl }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves consistent maps behind.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a flow and returns its fresh state, drawn from the OS's random source.
    pub fn start(&self, flow: PendingFlow) -> State {
        let mut bytes = [0u8; STATE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let state = URL_SAFE_NO_PAD.encode(bytes);
        let now = self.clock.now();
        let mut inner = self.lock();
        inner.prune(now, self.ttl);
        inner.pending.insert(state.clone(), (flow, now + self.ttl));
        State(state)
    }

    /// Consumes the flow for `state` if it belongs to `provider`. Works once: a second call is
    /// [`Error::ReplayedState`]. One registry serves every provider, so a state that belongs to
    /// another provider's flow is [`Error::UnknownState`] here and that flow stays pending: an
    /// answer arriving at the wrong entrance (a deep link carrying a loopback state) must not
    /// end the sign-in that is really waiting for it.
    pub fn take(&self, state: &str, provider: &str) -> Result<PendingFlow> {
        let now = self.clock.now();
        let mut inner = self.lock();
        inner.prune(now, self.ttl);
        match inner.pending.get(state) {
            Some((flow, _)) if flow.provider != provider => return Err(Error::UnknownState),
            Some(_) => {
                if let Some((flow, _)) = inner.pending.remove(state) {
                    inner.gone.insert(state.to_owned(), (Tombstone::Used, now + self.ttl));
                    return Ok(flow);
                }
            }
            None => {}
        }
        match inner.gone.get(state) {
            Some((Tombstone::Used, _)) => Err(Error::ReplayedState),
            Some((Tombstone::Expired, _)) => Err(Error::ExpiredState),
            None => Err(Error::UnknownState),
        }
    }

    /// Which provider a pending state belongs to, without consuming it: lets one redirect
    /// entrance (the deep link) hand each answer to the flow that is waiting for it.
    pub fn provider_of(&self, state: &str) -> Option<String> {
        let now = self.clock.now();
        let mut inner = self.lock();
        inner.prune(now, self.ttl);
        inner.pending.get(state).map(|(flow, _)| flow.provider.clone())
    }

    /// Forgets a flow the user abandoned (e.g. closed the sign-in dialog), if still pending.
    pub fn cancel(&self, state: &str) {
        let now = self.clock.now();
        let mut inner = self.lock();
        if inner.pending.remove(state).is_some() {
            inner.gone.insert(state.to_owned(), (Tombstone::Used, now + self.ttl));
        }
    }

    /// Flows still waiting for their redirect (expired ones are pruned first).
    pub fn len(&self) -> usize {
        let now = self.clock.now();
        let mut inner = self.lock();
        inner.prune(now, self.ttl);
        inner.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod provider_tests {
    use super::*;
    use time::macros::datetime;
    use xp_core::ManualClock;

    #[test]
    fn provider_of_names_the_waiting_flow_without_consuming_it() {
        let clock = Arc::new(ManualClock::new(datetime!(2026-11-23 09:00 UTC)));
        let reg = Registry::new(clock.clone());
        let flow = PendingFlow {
            provider: "xero".into(),
            redirect_uri: "https://xeropartner.app/oauth/xero/callback".into(),
            verifier: Sensitive::new("v".repeat(64)),
            nonce: None,
            extra: BTreeMap::new(),
        };
        let state = reg.start(flow);
        assert_eq!(reg.provider_of(state.as_str()).as_deref(), Some("xero"));
        assert_eq!(reg.provider_of("unknown"), None);
        assert!(reg.take(state.as_str(), "xero").is_ok(), "asking did not consume it");
        assert_eq!(reg.provider_of(state.as_str()), None, "a used state belongs to nobody");
        let state = reg.start(PendingFlow { provider: "okta".into(), ..reg_flow() });
        clock.advance(DEFAULT_TTL + Duration::seconds(1));
        assert_eq!(reg.provider_of(state.as_str()), None, "an expired state belongs to nobody");
    }

    fn reg_flow() -> PendingFlow {
        PendingFlow {
            provider: String::new(),
            redirect_uri: String::new(),
            verifier: Sensitive::new("v".repeat(64)),
            nonce: None,
            extra: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use xp_core::ManualClock;

    fn flow(provider: &str) -> PendingFlow {
        PendingFlow {
            provider: provider.into(),
            redirect_uri: "http://127.0.0.1:53682/callback".into(),
            verifier: Sensitive::new("v".repeat(64)),
            nonce: None,
            extra: BTreeMap::from([("connection".to_owned(), "c-1".to_owned())]),
        }
    }

    fn registry() -> (Registry, ManualClock) {
        let clock = ManualClock::new(datetime!(2026-01-01 09:00 UTC));
        (Registry::new(Arc::new(clock.clone())), clock)
    }

    #[test]
    fn states_are_long_random_and_url_safe() {
        let (r, _) = registry();
        let a = r.start(flow("xero"));
        let b = r.start(flow("xero"));
        assert_ne!(a, b);
        let raw = URL_SAFE_NO_PAD.decode(a.as_str()).unwrap();
        assert!(raw.len() * 8 >= 128, "RFC 6749 §10.10: at least 128 bits");
        assert!(a.as_str().bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn a_state_opens_its_flow_exactly_once() {
        let (r, _) = registry();
        let s = r.start(flow("okta"));
        let f = r.take(s.as_str(), "okta").unwrap();
        assert_eq!(f.provider, "okta");
        assert_eq!(f.extra["connection"], "c-1", "extra data comes back with the flow");
        assert!(
            matches!(r.take(s.as_str(), "okta"), Err(Error::ReplayedState)),
            "a second redirect with the same state"
        );
    }

    #[test]
    fn unknown_states_are_refused() {
        let (r, _) = registry();
        r.start(flow("xero"));
        assert!(matches!(r.take("forged-state", "xero"), Err(Error::UnknownState)));
        assert_eq!(r.len(), 1, "a forged state must not consume the real flow");
    }

    #[test]
    fn states_expire_and_are_pruned() {
        let (r, clock) = registry();
        let s = r.start(flow("xero"));
        clock.advance(Duration::minutes(9) + Duration::seconds(59));
        assert_eq!(r.len(), 1, "still valid just before ten minutes");
        clock.advance(Duration::seconds(1));
        assert!(matches!(r.take(s.as_str(), "xero"), Err(Error::ExpiredState)), "ten minutes is the limit");
        assert_eq!(r.len(), 0, "the expired flow and its verifier are gone");
        clock.advance(DEFAULT_TTL);
        assert!(
            matches!(r.take(s.as_str(), "xero"), Err(Error::UnknownState)),
            "tombstones are forgotten after another lifetime, so the registry does not grow"
        );
        assert!(r.lock().gone.is_empty());
    }

    #[test]
    fn a_state_of_another_provider_is_refused_and_left_pending() {
        let (r, _) = registry();
        let xero = r.start(flow("xero"));
        assert!(
            matches!(r.take(xero.as_str(), "okta"), Err(Error::UnknownState)),
            "an Okta answer carrying a Xero state is not Okta's"
        );
        assert_eq!(r.len(), 1, "the foreign state is left untouched");
        let f = r.take(xero.as_str(), "xero").expect("the Xero flow can still complete");
        assert_eq!(f.provider, "xero");
    }

    #[test]
    fn clones_share_the_registry() {
        let (r, _) = registry();
        let s = r.start(flow("xero"));
        let other = r.clone();
        assert!(other.take(s.as_str(), "xero").is_ok());
        assert!(matches!(r.take(s.as_str(), "xero"), Err(Error::ReplayedState)));
    }

    #[test]
    fn cancelled_flows_cannot_be_completed() {
        let (r, _) = registry();
        let s = r.start(flow("xero"));
        r.cancel(s.as_str());
        assert!(r.take(s.as_str(), "xero").is_err());
        assert!(r.is_empty());
    }
}
