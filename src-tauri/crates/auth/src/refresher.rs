//! Keeping a connection's access token fresh without losing its refresh token.
//!
//! - Single flight: refresh tokens rotate (xero.md §2), so two refreshes racing with the same
//!   token would waste one and, at Okta with reuse detection, revoke the whole grant
//!   (okta.md §5). Concurrent callers for one key wait for one refresh and share its result.
//! - Save before use: the rotated refresh token is in the vault before any caller sees the new
//!   access token, so a crash after the provider rotated cannot strand us with a dead token.
//! - Lost responses: if the refresh request may have reached the provider but no answer came
//!   back, it is retried once with the same token; Xero honours it for a 30-minute grace window
//!   and hands out the same successor (xero.md §2 "Token lifetimes and rotation").
//! - `invalid_grant` is final: the user has to connect again.

use crate::{token, Error, Result, TokenSet};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use time::{Duration, OffsetDateTime};
use url::Url;
use xp_core::{Clock, Sensitive};
use xp_http::HttpClient;
use xp_vault::SecretStore;

/// An access token with less than this left is refreshed rather than handed out: a request
/// that starts with it might arrive after it expired.
pub const MIN_VALIDITY: Duration = Duration::seconds(60);

/// Where a connection's tokens live: `{prefix}/refresh/{key}` holds the refresh token,
/// `{prefix}/access/{key}` the access token with its expiry (JSON).
#[derive(Debug, Clone)]
pub struct TokenVault {
    store: Arc<dyn SecretStore>,
    prefix: String,
}

#[derive(Serialize, Deserialize)]
struct StoredAccess {
    access_token: String,
    /// Unix seconds.
    expires_at: i64,
    #[serde(default)]
    scope: String,
}

/// An access token as stored, with its expiry.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: Sensitive<String>,
    pub expires_at: OffsetDateTime,
}

impl TokenVault {
    /// `prefix` is usually the provider name ("xero", "okta").
    pub fn new(store: Arc<dyn SecretStore>, prefix: impl Into<String>) -> Self {
        Self { store, prefix: prefix.into() }
    }

    pub fn refresh_key(&self, key: &str) -> String {
        format!("{}/refresh/{key}", self.prefix)
    }

    pub fn access_key(&self, key: &str) -> String {
        format!("{}/access/{key}", self.prefix)
    }

    /// Stores a token set: the refresh token first, because it is the one that cannot be got
    /// back; an access token can always be refreshed again. A set without a refresh token
    /// keeps the stored one (providers without rotation omit it on refresh).
    pub fn save(&self, key: &str, tokens: &TokenSet) -> Result<()> {
        if let Some(refresh) = &tokens.refresh_token {
            self.store.set(&self.refresh_key(key), refresh)?;
        }
        let access = StoredAccess {
            access_token: tokens.access_token.expose().clone(),
            expires_at: tokens.expires_at.unix_timestamp(),
            scope: tokens.scope.clone(),
        };
        let json = serde_json::to_string(&access)
            .map_err(|e| Error::MalformedTokenResponse(format!("cannot serialise the token set: {e}")))?;
        self.store.set(&self.access_key(key), &Sensitive::new(json))?;
        Ok(())
    }

    pub fn refresh_token(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        Ok(self.store.get(&self.refresh_key(key))?)
    }

    /// The stored access token; an unreadable entry counts as none (it is refreshed over).
    pub fn access_token(&self, key: &str) -> Result<Option<AccessToken>> {
        let Some(raw) = self.store.get(&self.access_key(key))? else { return Ok(None) };
        let Ok(stored) = serde_json::from_str::<StoredAccess>(raw.expose()) else {
            tracing::warn!(key, "stored access token is unreadable; it will be refreshed");
            return Ok(None);
        };
        let Ok(expires_at) = OffsetDateTime::from_unix_timestamp(stored.expires_at) else { return Ok(None) };
        Ok(Some(AccessToken { token: Sensitive::new(stored.access_token), expires_at }))
    }

    /// Forgets a connection's tokens (disconnect).
    pub fn delete(&self, key: &str) -> Result<()> {
        self.store.delete(&self.access_key(key))?;
        self.store.delete(&self.refresh_key(key))?;
        Ok(())
    }
}

/// One key's in-flight state. `generation` moves when a refresh finishes; a caller that saw an
/// older generation before queueing takes the finished refresh's result instead of refreshing
/// again.
#[derive(Default)]
struct Flight {
    generation: AtomicU64,
    last: tokio::sync::Mutex<Option<Result<Sensitive<String>>>>,
}

struct Inner {
    http: HttpClient,
    clock: Arc<dyn Clock>,
    token_url: Url,
    client_id: String,
    vault: TokenVault,
    flights: Mutex<HashMap<String, Arc<Flight>>>,
}

/// Hands out valid access tokens per connection key, refreshing when needed. Clones share
/// in-flight refreshes; use one per provider (token URL + client id) per process.
#[derive(Clone)]
pub struct Refresher {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Refresher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refresher").field("token_url", &self.inner.token_url.as_str()).finish_non_exhaustive()
    }
}

impl Refresher {
    pub fn new(
        http: HttpClient,
        clock: Arc<dyn Clock>,
        token_url: Url,
        client_id: impl Into<String>,
        vault: TokenVault,
    ) -> Self {
        let inner =
            Inner { http, clock, token_url, client_id: client_id.into(), vault, flights: Mutex::new(HashMap::new()) };
        Self { inner: Arc::new(inner) }
    }

    pub fn vault(&self) -> &TokenVault {
        &self.inner.vault
    }

    /// A stored access token valid for more than [`MIN_VALIDITY`], or a freshly refreshed one.
    pub async fn access_token(&self, key: &str) -> Result<Sensitive<String>> {
        self.get(key, None).await
    }

    /// For a request that got 401 with `rejected`: refreshes unless another caller already
    /// replaced that token, so a burst of 401s still costs one refresh.
    pub async fn refresh_rejected(&self, key: &str, rejected: &Sensitive<String>) -> Result<Sensitive<String>> {
        self.get(key, Some(rejected)).await
    }

    fn usable(&self, key: &str, rejected: Option<&Sensitive<String>>) -> Result<Option<Sensitive<String>>> {
        let now = self.inner.clock.now();
        Ok(self
            .inner
            .vault
            .access_token(key)?
            .filter(|a| a.expires_at - now > MIN_VALIDITY && Some(&a.token) != rejected)
            .map(|a| a.token))
    }

    fn flight(&self, key: &str) -> Arc<Flight> {
        let mut flights = self.inner.flights.lock().unwrap_or_else(|p| p.into_inner());
        flights.entry(key.to_owned()).or_default().clone()
    }

    async fn get(&self, key: &str, rejected: Option<&Sensitive<String>>) -> Result<Sensitive<String>> {
        if let Some(token) = self.usable(key, rejected)? {
            return Ok(token);
        }
        let flight = self.flight(key);
        let seen = flight.generation.load(Ordering::Acquire);
        let mut last = flight.last.lock().await;
        if flight.generation.load(Ordering::Acquire) != seen {
            // A refresh finished while we queued: its result is ours too.
            if let Some(result) = last.as_ref() {
                return result.clone();
            }
        }
        // Someone may have refreshed before we even queued (or another holder of the vault did).
        if let Some(token) = self.usable(key, rejected)? {
            return Ok(token);
        }
        let result = self.refresh_and_save(key).await;
        *last = Some(result.clone());
        flight.generation.fetch_add(1, Ordering::AcqRel);
        result
    }

    async fn refresh_and_save(&self, key: &str) -> Result<Sensitive<String>> {
        let inner = &self.inner;
        let Some(refresh_token) = inner.vault.refresh_token(key)? else {
            return Err(Error::ReconnectNeeded { key: key.to_owned(), reason: "no refresh token is stored".into() });
        };
        let call =
            || token::refresh(&inner.http, inner.clock.as_ref(), &inner.token_url, &inner.client_id, &refresh_token);
        let outcome = match call().await {
            Err(e) if e.is_transport() => {
                // The provider may have rotated and the answer was lost: the same token is
                // accepted again within the grace window and yields the same successor.
                tracing::warn!(key, error = %e, "token refresh answer lost; retrying once with the same refresh token");
                call().await
            }
            other => other,
        };
        let tokens = match outcome {
            Ok(t) => t,
            Err(Error::InvalidGrant { description }) => {
                tracing::warn!(key, "refresh token refused (invalid_grant); reconnect needed");
                return Err(Error::ReconnectNeeded {
                    key: key.to_owned(),
                    reason: description.unwrap_or_else(|| "the provider refused the refresh token".into()),
                });
            }
            Err(e) => return Err(e),
        };
        // Save before use (see the module comment).
        inner.vault.save(key, &tokens)?;
        tracing::info!(key, rotated = tokens.refresh_token.is_some(), "access token refreshed");
        Ok(tokens.access_token)
    }
}
