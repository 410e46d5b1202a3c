//! OpenID Connect on top of the OAuth code flow: the provider's discovery document, its signing
//! keys, ID token validation and token revocation (OIDC Core 1.0, OIDC Discovery 1.0,
//! RFC 7517, RFC 7009; contract: shared/providers/okta.md).
//!
//! A sign-in with an ID token, end to end:
//! 1. `discover(issuer)` → `ProviderMetadata`; `JwksCache::new(jwks_uri)` (keep it for the
//!    app's lifetime: it caches the keys and refetches them when they rotate).
//! 2. `nonce(rng)` → put it in the `PendingFlow` and the `AuthorizeRequest`; run the code flow.
//! 3. `exchange_code` → `TokenSet`; `verify_id_token(cache, id_token, Expected { nonce, .. })`
//!    → `IdClaims` (who signed in, their groups).
//! 4. Signing out: `revoke` the refresh token (logout at the provider does not, sheet §7).

pub mod discovery;
pub mod id_token;
pub mod jwks;

#[cfg(test)]
pub(crate) mod testkit;

pub use crate::revoke::{revoke, TokenTypeHint};
pub use discovery::{discover, parse_metadata, ProviderMetadata};
pub use id_token::{header, validate, verify_id_token, Expected, IdClaims, JwtHeader, Rejected, DEFAULT_LEEWAY};
pub use jwks::{parse_jwks, JwksCache, RsaKey};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

/// A fresh `nonce` for the authorize request (OIDC Core §3.1.2.1, §15.5.2): 256 random bits,
/// base64url. It binds the ID token to this sign-in, so a token replayed from another sign-in
/// is refused by [`verify_id_token`].
pub fn nonce(rng: &mut impl RngCore) -> String {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Text taken from a token or a provider document, made safe to put in an error message:
/// printable ASCII only and short, so a hostile value cannot smuggle a token or a wall of text
/// into the UI or the log.
pub(crate) fn shown(s: &str) -> String {
    const MAX: usize = 80;
    let clean: String = s.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).collect();
    if clean.chars().count() > MAX {
        format!("{}…", clean.chars().take(MAX).collect::<String>())
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_long_random_and_url_safe() {
        let (a, b) = (nonce(&mut rand::rngs::OsRng), nonce(&mut rand::rngs::OsRng));
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32, "256 bits");
    }

    #[test]
    fn shown_text_is_short_and_printable() {
        assert_eq!(shown("kid-1"), "kid-1");
        assert_eq!(shown("a\nb\u{202e}"), "a?b?", "control and bidi characters are masked");
        assert!(shown(&"x".repeat(500)).chars().count() <= 81);
    }
}
