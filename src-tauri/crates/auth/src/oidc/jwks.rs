//! The provider's signing keys: the JWKS at `jwks_uri` (RFC 7517) and a cache of it that
//! honours `Cache-Control` and follows key rotation (okta.md §6, §10 "kid rotation").
//!
//! Each key is an `openidconnect` JSON Web Key, and signatures are checked by the library
//! (RS256 on RustCrypto `rsa`). Ours: which keys of a key set are trusted at all, and the cache
//! policy (freshness, the unknown-kid throttle, the stale copy during an outage), which the
//! library does not have: its `JsonWebKeySet::fetch` is a plain GET with no cache.

use super::shown;
use super::Rejected;
use crate::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use openidconnect::core::{CoreJsonWebKey, CoreJwsSigningAlgorithm};
use openidconnect::{JsonWebKey, JsonWebKeyId};
use serde_json::Value;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use url::Url;
use xp_core::Clock;
use xp_http::{HttpClient, Request};

/// Freshness when the key set carries no `Cache-Control` (or one without a lifetime).
pub const DEFAULT_MAX_AGE: Duration = Duration::hours(1);
/// A longer `max-age` is cut to this: a key the provider withdraws (e.g. compromised) must not
/// stay trusted for days because of one generous header.
pub const MAX_MAX_AGE: Duration = Duration::hours(24);
/// At most one refetch for an unknown `kid` per this much time: a stream of tokens with forged
/// key ids must not turn the app into a load generator against the provider.
pub const UNKNOWN_KID_REFETCH_INTERVAL: Duration = Duration::seconds(60);
/// How long past its freshness a key set may stand in while the provider cannot be reached.
pub const MAX_STALE: Duration = Duration::hours(24);

/// Smallest RSA modulus trusted (RFC 7518 §3.3: "2048 bits or larger MUST be used").
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus the library verifies (`rsa::RsaPublicKey::new` caps public keys at 4096
/// bits); a bigger key in the set is skipped with a warning rather than failing every token.
pub const MAX_RSA_BITS: usize = 4096;

/// An RSA public key from the JWKS (RFC 7518 §6.3.1), usable for RS256 only.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaKey {
    kid: String,
    bits: usize,
    /// Built from the modulus and exponent without leading zero bytes, so equal keys compare equal.
    jwk: CoreJsonWebKey,
}

impl fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaKey").field("kid", &self.kid).field("bits", &self.bits()).finish()
    }
}

impl RsaKey {
    /// Modulus and exponent as big-endian bytes. Leading zero bytes are dropped: some
    /// libraries add one and RFC 7518 §6.3.1.1 says to omit it.
    pub fn new(kid: impl Into<String>, n: &[u8], e: &[u8]) -> RsaKey {
        let strip = |b: &[u8]| b.iter().position(|x| *x != 0).map_or_else(Vec::new, |i| b[i..].to_vec());
        let (kid, n, e) = (kid.into(), strip(n), strip(e));
        let bits = n.first().map_or(0, |b| n.len() * 8 - b.leading_zeros() as usize);
        let jwk = CoreJsonWebKey::new_rsa(n, e, Some(JsonWebKeyId::new(kid.clone())));
        RsaKey { kid, bits, jwk }
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Size of the modulus in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 (RS256, RFC 7518 §3.3), by the library. Keys outside
    /// [`MIN_RSA_BITS`]..=[`MAX_RSA_BITS`] fail, whatever the signature.
    pub(crate) fn verify_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        (MIN_RSA_BITS..=MAX_RSA_BITS).contains(&self.bits)
            && self.jwk.verify_signature(&CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, message, signature).is_ok()
    }
}

/// The RS256 signing keys of a JWKS document. Other keys are skipped, not errors: a key set
/// may hold encryption keys or other algorithms next to the ones that sign ID tokens.
pub fn parse_jwks(body: &[u8]) -> Result<Vec<RsaKey>> {
    let doc: Value = serde_json::from_slice(body)
        .map_err(|_| Error::Discovery("the provider's key set (jwks_uri) is not JSON".into()))?;
    let Some(jwks) = doc.get("keys").and_then(Value::as_array) else {
        return Err(Error::Discovery("the provider's key set (jwks_uri) has no 'keys' list".into()));
    };
    let mut keys: Vec<RsaKey> = Vec::new();
    for jwk in jwks {
        let Some(key) = rs256_key(jwk) else { continue };
        // RFC 7517 §4.5: kids should be unique; with two keys under one kid, trust the first.
        if keys.iter().any(|k| k.kid == key.kid) {
            tracing::warn!(kid = %shown(&key.kid), "JWKS lists a key id twice; using the first");
            continue;
        }
        keys.push(key);
    }
    if keys.is_empty() {
        tracing::warn!("the provider's key set has no RS256 signing key; every ID token will be refused");
    }
    Ok(keys)
}

fn rs256_key(jwk: &Value) -> Option<RsaKey> {
    let text = |k: &str| jwk.get(k).and_then(Value::as_str);
    // RFC 7517 §4.1; EC, OKP and oct keys cannot verify RS256.
    if text("kty")? != "RSA" {
        return None;
    }
    // §4.2: an "enc" key must not verify signatures. §4.4: a key bound to another algorithm
    // must not be used for RS256.
    if jwk.get("use").is_some_and(|u| u.as_str() != Some("sig"))
        || jwk.get("alg").is_some_and(|a| a.as_str() != Some("RS256"))
    {
        return None;
    }
    // §4.3: key_ops, when given, must allow "verify".
    if let Some(ops) = jwk.get("key_ops") {
        if !ops.as_array().is_some_and(|a| a.iter().any(|o| o.as_str() == Some("verify"))) {
            return None;
        }
    }
    // Tokens without a kid are refused, so a key without one can never be chosen.
    let kid = text("kid").filter(|k| !k.is_empty())?;
    let (n, e) = (B64.decode(text("n")?).ok()?, B64.decode(text("e")?).ok()?);
    let key = RsaKey::new(kid, &n, &e);
    if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&key.bits()) {
        tracing::warn!(kid = %shown(kid), bits = key.bits(), "JWKS key size outside 2048–4096 bits; ignored");
        return None;
    }
    Some(key)
}

/// How long a key set may be reused, from its `Cache-Control` (all values joined) and `Age`
/// headers (RFC 9111 §4.2.1, §5.1, §5.2.2). Pure, so the rules are unit-tested.
pub(crate) fn freshness(cache_control: Option<&str>, age: Option<&str>) -> Duration {
    let Some(cc) = cache_control else { return DEFAULT_MAX_AGE };
    let mut max_age = None;
    for directive in cc.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            // "do not reuse without asking the server again": every use fetches.
            "no-store" | "no-cache" => return Duration::ZERO,
            "max-age" => {
                // §4.2.1: invalid (or repeated, hence ambiguous) freshness means stale.
                let parsed = value.trim().trim_matches('"').parse::<u64>().ok();
                max_age = match (max_age, parsed) {
                    (None, Some(s)) => Some(s),
                    _ => return Duration::ZERO,
                };
            }
            _ => {}
        }
    }
    let Some(secs) = max_age else { return DEFAULT_MAX_AGE };
    let lifetime = Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX).min(MAX_MAX_AGE.whole_seconds()));
    // §4.2.3: time already spent in caches on the way counts against the lifetime.
    let age = age.and_then(|a| a.trim().parse::<u64>().ok()).unwrap_or(0);
    (lifetime - Duration::seconds(i64::try_from(age).unwrap_or(i64::MAX).min(lifetime.whole_seconds())))
        .max(Duration::ZERO)
}

struct KeySet {
    keys: Vec<RsaKey>,
    fresh_until: OffsetDateTime,
}

impl KeySet {
    fn find(&self, kid: &str) -> Option<RsaKey> {
        self.keys.iter().find(|k| k.kid == kid).cloned()
    }
}

#[derive(Default)]
struct Held {
    set: Option<KeySet>,
    last_unknown_refetch: Option<OffsetDateTime>,
}

struct Inner {
    http: HttpClient,
    jwks_uri: Url,
    clock: Arc<dyn Clock>,
    /// A tokio mutex held across the fetch: concurrent callers wait for the one fetch in flight
    /// and then read its result, so N verifications at once cost one request (single flight).
    held: tokio::sync::Mutex<Held>,
    fetches: AtomicU64,
}

/// The provider's keys, fetched on demand and reused while fresh. Clones share one cache.
#[derive(Clone)]
pub struct JwksCache {
    inner: Arc<Inner>,
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksCache")
            .field("jwks_uri", &self.inner.jwks_uri.as_str())
            .field("fetches", &self.fetches())
            .finish()
    }
}

impl JwksCache {
    pub fn new(http: HttpClient, jwks_uri: Url, clock: Arc<dyn Clock>) -> Self {
        let inner = Inner { http, jwks_uri, clock, held: Default::default(), fetches: AtomicU64::new(0) };
        Self { inner: Arc::new(inner) }
    }

    pub fn jwks_uri(&self) -> &Url {
        &self.inner.jwks_uri
    }

    /// HTTP fetches of the key set so far (failed ones included).
    pub fn fetches(&self) -> u64 {
        self.inner.fetches.load(Ordering::Relaxed)
    }

    /// The signing key with this `kid`.
    ///
    /// - A fresh key set is used as is.
    /// - An unknown `kid` causes one refetch, since keys rotate (sheet §6, §10), but at most one
    ///   per [`UNKNOWN_KID_REFETCH_INTERVAL`]; still unknown → [`Rejected::UnknownKey`].
    /// - A stale set is refetched. If the provider cannot be reached (network, 5xx, 429), a key
    ///   from the stale set is used for up to [`MAX_STALE`]: we are an application key cache, not
    ///   an HTTP cache, and the provider's outage should not sign everybody out. Only keys we
    ///   already trusted qualify; a new kid still needs the provider.
    pub async fn key(&self, kid: &str) -> Result<RsaKey> {
        let mut held = self.inner.held.lock().await;
        let now = self.inner.clock.now();
        let known = held.set.as_ref().and_then(|s| s.find(kid));
        let fresh = held.set.as_ref().is_some_and(|s| now < s.fresh_until);
        if let (Some(key), true) = (&known, fresh) {
            return Ok(key.clone());
        }
        if known.is_none() && held.set.is_some() {
            if held.last_unknown_refetch.is_some_and(|at| now - at < UNKNOWN_KID_REFETCH_INTERVAL) {
                return Err(unknown(kid));
            }
            held.last_unknown_refetch = Some(now);
            tracing::info!(kid = %shown(kid), "ID token signed with a key id we do not hold; fetching the key set again");
        }
        match self.fetch().await {
            Ok(set) => {
                let key = set.find(kid);
                held.set = Some(set);
                key.ok_or_else(|| unknown(kid))
            }
            Err(e) if is_outage(&e) => {
                let within = held.set.as_ref().is_some_and(|s| now < s.fresh_until + MAX_STALE);
                match known.filter(|_| within) {
                    Some(key) => {
                        tracing::warn!(kid = %shown(kid), error = %e, "cannot refresh the provider's keys; using the cached key set past its freshness");
                        Ok(key)
                    }
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn fetch(&self) -> Result<KeySet> {
        self.inner.fetches.fetch_add(1, Ordering::Relaxed);
        let req = Request::get(self.inner.jwks_uri.clone())
            .header("accept", "application/jwk-set+json, application/json")?
            .max_body(crate::MAX_DOCUMENT_BYTES);
        let resp = self.inner.http.send(req).await?.error_for_status()?;
        let keys = parse_jwks(&resp.body)?;
        let cache_control: Vec<&str> =
            resp.headers.get_all("cache-control").iter().filter_map(|v| v.to_str().ok()).collect();
        let cache_control = (!cache_control.is_empty()).then(|| cache_control.join(","));
        let lifetime = freshness(cache_control.as_deref(), resp.header("age"));
        tracing::debug!(keys = keys.len(), lifetime_s = lifetime.whole_seconds(), "fetched the provider's key set");
        Ok(KeySet { keys, fresh_until: self.inner.clock.now() + lifetime })
    }
}

fn unknown(kid: &str) -> Error {
    Error::IdTokenRejected(Rejected::UnknownKey(shown(kid)))
}

/// The provider did not answer usefully: transport failure, 5xx or 429 (sheet §9's retryable
/// class), as opposed to an answer that is wrong.
fn is_outage(e: &Error) -> bool {
    match e {
        Error::Http(h) => match h.as_ref() {
            xp_http::Error::Status { status, .. } => *status >= 500,
            xp_http::Error::RateLimited { .. } => true,
            _ => e.is_transport(),
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests;
