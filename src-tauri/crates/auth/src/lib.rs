//! OAuth 2.0 Authorization Code + PKCE for a native app (RFC 6749, RFC 7636, RFC 8252):
//! PKCE pairs, the registry of sign-ins in progress, the authorize URL, a loopback redirect
//! receiver, the token endpoint, and single-flight token refresh that never loses a rotated
//! refresh token. No Tauri here: the shell opens the browser and routes deep links.
//!
//! A loopback sign-in, end to end:
//! 1. `LoopbackReceiver::bind` → `redirect_uri()`; `Pkce::generate`; `Registry::start` → state.
//! 2. `authorize_url` → open it in the system browser; `receiver.receive(state)` → code + state
//!    (only the request carrying this flow's state ends the wait).
//! 3. `Registry::take(state, provider)` → the flow (verifier, redirect URI); `exchange_code` → `TokenSet`.
//! 4. `TokenVault::save`; from then on `Refresher::access_token(key)`.
//!
//! For OpenID Connect sign-ins (Okta), [`oidc`] adds discovery, the provider's signing keys,
//! ID token validation and revocation.
//!
//! The authorize URL, the PKCE challenge and the token requests are the `oauth2` library's, run
//! over the app's own HTTP client; the discovery document and the JWS signature check are
//! `openidconnect`'s. What stays ours, and why, is listed in this crate's README.md.

pub mod authorize;
mod error;
pub mod loopback;
pub mod oidc;
pub mod pending;
pub mod pkce;
pub mod refresher;
pub mod revoke;
pub mod token;
mod transport;

#[cfg(test)]
mod fuzz;

/// The most a discovery document, key set, token or revocation answer may hold: real ones are a
/// few kilobytes, and a hostile or broken server must not fill the memory.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

pub use authorize::{authorize_url, AuthorizeRequest};
pub use error::{Error, Result};
pub use loopback::{parse_callback, parse_redirect, Callback, LoopbackConfig, LoopbackReceiver};
pub use pending::{PendingFlow, Registry, State};
pub use pkce::Pkce;
pub use refresher::{AccessToken, Refresher, TokenVault};
pub use revoke::{revoke, TokenTypeHint};
pub use token::{exchange_code, refresh, TokenSet};
