//! ID token validation (OIDC Core §3.1.3.7, RFC 7515, RFC 7519, RFC 8725; okta.md §6). Pure:
//! the key and the time come in as arguments; only [`verify_id_token`] touches the network,
//! through the key cache.
//!
//! The signature is checked by `openidconnect` (its JSON Web Key, RS256 on RustCrypto `rsa`;
//! see [`RsaKey`]). The header and claim rules stay here, because the library's
//! `IdTokenVerifier` cannot give what the tests in `id_token/tests.rs` require:
//! - its claims model (`IdTokenClaims`/`StandardClaims`) refuses the whole token when a profile
//!   claim has an unexpected type (`"email": 42`, or Cognito's string `email_verified`), where a
//!   display claim we cannot read is treated as absent here;
//! - it has no `nbf` (RFC 7519 §4.1.5) and leaves `azp` (§3.1.3.7 steps 4–5) unchecked;
//! - it needs the whole key set before it looks at the token, while the header has to be judged
//!   first so that `none`, HS* and `crit` tokens are refused without a key fetch, and it checks
//!   `iss` and `aud` before the signature, with reasons given as free text (the app and the
//!   tests branch on [`Rejected`]).

use super::jwks::{JwksCache, RsaKey};
use super::shown;
use crate::Result;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use xp_core::Sensitive;

/// Clock skew tolerated on `exp` and `iat` (sheet §10: "allow a small leeway").
pub const DEFAULT_LEEWAY: Duration = Duration::seconds(60);

/// What a token must say to be accepted.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The issuer string of the discovery document, compared byte for byte.
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The nonce sent with the authorize request. `None` for ID tokens from a refresh, which
    /// carry none (OIDC Core §12.2).
    pub nonce: Option<&'a str>,
    pub now: OffsetDateTime,
    pub leeway: Duration,
}

impl<'a> Expected<'a> {
    /// With [`DEFAULT_LEEWAY`].
    pub fn new(issuer: &'a str, client_id: &'a str, nonce: Option<&'a str>, now: OffsetDateTime) -> Self {
        Self { issuer, client_id, nonce, now, leeway: DEFAULT_LEEWAY }
    }
}

/// Who signed in, from a validated ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdClaims {
    pub sub: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub preferred_username: Option<String>,
    /// Okta's `groups` claim; empty when the token has none.
    pub groups: Vec<String>,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub auth_time: Option<OffsetDateTime>,
    pub nonce: Option<String>,
}

/// The JOSE header of a token this module would go on to verify: RS256 with a key id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtHeader {
    pub alg: String,
    pub kid: String,
    pub typ: Option<String>,
}

/// Why an ID token was refused. Messages complete "the sign-in token was refused: …" and never
/// contain the token; values taken from it (kid, iss, alg) are shortened and masked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    /// Not three base64url parts, not JSON objects, or a required claim missing or mistyped.
    #[error("it is not a well-formed signed token ({0})")]
    Malformed(String),
    #[error("it is unsigned (alg none)")]
    AlgNone,
    /// HS256/384/512: the HS/RS confusion attack, where the "secret" is the issuer's public key.
    #[error("it is signed with a shared-secret algorithm ({0}); only the issuer's RS256 keys are accepted")]
    SymmetricAlgorithm(String),
    #[error("it is signed with {0}; only RS256 is accepted")]
    UnsupportedAlgorithm(String),
    #[error("its header names no signing key (kid)")]
    MissingKeyId,
    #[error("it is signed with a key the provider does not publish (kid '{0}')")]
    UnknownKey(String),
    #[error("its signature does not match the provider's key")]
    BadSignature,
    #[error("it was issued by '{found}', not by '{expected}'")]
    WrongIssuer { expected: String, found: String },
    #[error("it was issued for another application (its audience or authorized party is not this app)")]
    WrongAudience,
    #[error("it expired at {}; if that is wrong, check this computer's clock", rfc3339(.at))]
    Expired { at: OffsetDateTime },
    #[error("it claims to be issued in the future; check this computer's clock")]
    IssuedInFuture,
    /// RFC 7519 §4.1.5: `nbf` (not before) is still ahead of us.
    #[error("it is not valid before {}; if that is wrong, check this computer's clock", rfc3339(.at))]
    NotYetValid { at: OffsetDateTime },
    #[error("it carries no nonce, so it cannot be tied to this sign-in")]
    NonceMissing,
    #[error("its nonce belongs to another sign-in")]
    NonceMismatch,
    #[error("its header has critical extensions (crit) this app does not understand")]
    CriticalHeader,
}

fn rfc3339(at: &OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

fn malformed(what: impl Into<String>) -> Rejected {
    Rejected::Malformed(what.into())
}

/// Parses the header and applies the header rules, before any key is looked up: only RS256
/// (sheet §6), with a `kid`, without `crit` (RFC 7515 §4.1.11: unknown critical extensions
/// must be refused, and we know none). `jwk`, `jku`, `x5u` and `x5c` are never read: keys come
/// from the provider's JWKS only, never from the token itself (RFC 8725 §3.1, §3.10).
pub fn header(token: &str) -> std::result::Result<JwtHeader, Rejected> {
    let mut parts = token.split('.');
    let h = decode_object(parts.next().unwrap_or_default(), "header")?;
    let alg = h.get("alg").and_then(Value::as_str).ok_or_else(|| malformed("the header has no alg"))?;
    // RFC 8725 §3.1: decide by our own allow-list, never by what the token asks for. Case is
    // ignored for the refusals so "nOnE" or "hs256" get the specific answer too.
    if alg.eq_ignore_ascii_case("none") {
        return Err(Rejected::AlgNone);
    }
    if alg.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("HS")) {
        return Err(Rejected::SymmetricAlgorithm(shown(alg)));
    }
    if alg != "RS256" {
        return Err(Rejected::UnsupportedAlgorithm(shown(alg)));
    }
    if h.contains_key("crit") {
        return Err(Rejected::CriticalHeader);
    }
    let kid = match h.get("kid") {
        None => return Err(Rejected::MissingKeyId),
        Some(Value::String(k)) if k.is_empty() => return Err(Rejected::MissingKeyId),
        Some(Value::String(k)) => k.clone(),
        Some(_) => return Err(malformed("the header's kid is not a string")),
    };
    // RFC 7515 §7.1: exactly three parts (a JWE has five; "h.p" has no signature at all).
    if parts.count() != 2 {
        return Err(malformed("it is not three dot-separated parts"));
    }
    let typ = h.get("typ").and_then(Value::as_str).map(str::to_owned);
    Ok(JwtHeader { alg: alg.to_owned(), kid, typ })
}

/// Verifies the signature with `key` (which must carry the header's `kid`), then the claims.
pub fn validate(token: &str, key: &RsaKey, expected: &Expected<'_>) -> std::result::Result<IdClaims, Rejected> {
    let h = header(token)?;
    if h.kid != key.kid() {
        return Err(Rejected::UnknownKey(shown(&h.kid)));
    }
    // header() checked there are three parts.
    let (signing_input, signature) = token.rsplit_once('.').ok_or_else(|| malformed("no signature"))?;
    let signature = B64.decode(signature).map_err(|_| malformed("the signature is not base64url"))?;
    if !key.verify_rs256(signing_input.as_bytes(), &signature) {
        return Err(Rejected::BadSignature);
    }
    // Nothing in the payload is believed before the signature holds.
    let payload = signing_input.split_once('.').map(|(_, p)| p).unwrap_or_default();
    check_claims(&decode_object(payload, "payload")?, expected)
}

/// Header check first, so an unsigned or HS-signed token is refused without a key lookup or a
/// network fetch; then the key by `kid` from the cache; then [`validate`].
pub async fn verify_id_token(
    cache: &JwksCache,
    token: &Sensitive<String>,
    expected: &Expected<'_>,
) -> Result<IdClaims> {
    let token = token.expose();
    let h = header(token)?;
    let key = cache.key(&h.kid).await?;
    Ok(validate(token, &key, expected)?)
}

fn decode_object(part: &str, name: &str) -> std::result::Result<Map<String, Value>, Rejected> {
    let bytes = B64.decode(part).map_err(|_| malformed(format!("the {name} is not base64url")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(malformed(format!("the {name} is not a JSON object"))),
    }
}

/// OIDC Core §3.1.3.7 steps 2–3, 4–5, 9–11, in that order.
fn check_claims(c: &Map<String, Value>, expected: &Expected<'_>) -> std::result::Result<IdClaims, Rejected> {
    match c.get("iss") {
        Some(Value::String(iss)) if iss == expected.issuer => {}
        Some(Value::String(iss)) => {
            return Err(Rejected::WrongIssuer { expected: shown(expected.issuer), found: shown(iss) })
        }
        _ => return Err(malformed("no 'iss' claim")),
    }
    let audiences: Vec<&str> = match c.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(a)) => a
            .iter()
            .map(Value::as_str)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| malformed("'aud' is not a list of strings"))?,
        _ => return Err(malformed("no 'aud' claim")),
    };
    if !audiences.contains(&expected.client_id) {
        return Err(Rejected::WrongAudience);
    }
    // Steps 4–5: with several audiences the authorized party must be us; if named, it must be us.
    match c.get("azp") {
        Some(Value::String(azp)) if azp != expected.client_id => return Err(Rejected::WrongAudience),
        Some(Value::String(_)) => {}
        Some(_) => return Err(malformed("'azp' is not a string")),
        None if audiences.len() > 1 => return Err(Rejected::WrongAudience),
        None => {}
    }
    let exp = numeric_date(c, "exp")?.ok_or_else(|| malformed("no 'exp' claim"))?;
    let iat = numeric_date(c, "iat")?.ok_or_else(|| malformed("no 'iat' claim"))?;
    if exp <= iat {
        return Err(malformed("'exp' is not after 'iat'"));
    }
    if exp <= expected.now - expected.leeway {
        return Err(Rejected::Expired { at: exp });
    }
    if iat > expected.now + expected.leeway {
        return Err(Rejected::IssuedInFuture);
    }
    // Optional in OIDC, but when present RFC 7519 §4.1.5 says the token must not be accepted
    // before it.
    if let Some(nbf) = numeric_date(c, "nbf")? {
        if nbf > expected.now + expected.leeway {
            return Err(Rejected::NotYetValid { at: nbf });
        }
    }
    let nonce = match c.get("nonce") {
        Some(Value::String(n)) => Some(n.clone()),
        Some(_) => return Err(malformed("'nonce' is not a string")),
        None => None,
    };
    // Step 11 (and §15.5.2): the nonce ties the token to the sign-in this app started.
    if let Some(want) = expected.nonce {
        match &nonce {
            None => return Err(Rejected::NonceMissing),
            Some(got) if !same(got.as_bytes(), want.as_bytes()) => return Err(Rejected::NonceMismatch),
            Some(_) => {}
        }
    }
    let sub =
        c.get("sub").and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or_else(|| malformed("no 'sub' claim"))?;
    // Roles come from groups, so a groups claim we cannot read is an error, not "no groups".
    let groups = match c.get("groups") {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|g| g.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| malformed("'groups' is not a list of names"))?,
        Some(_) => return Err(malformed("'groups' is not a list of names")),
    };
    // Display claims: a mistyped one is treated as absent.
    let text = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_owned);
    Ok(IdClaims {
        sub: sub.to_owned(),
        name: text("name"),
        email: text("email"),
        preferred_username: text("preferred_username"),
        groups,
        issued_at: iat,
        expires_at: exp,
        auth_time: numeric_date(c, "auth_time")?,
        nonce,
    })
}

/// RFC 7519 §2 NumericDate: seconds since the epoch, possibly fractional.
fn numeric_date(c: &Map<String, Value>, name: &str) -> std::result::Result<Option<OffsetDateTime>, Rejected> {
    let Some(v) = c.get(name) else { return Ok(None) };
    let secs = v.as_i64().or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f.floor() as i64));
    secs.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .map(Some)
        .ok_or_else(|| malformed(format!("'{name}' is not a time")))
}

/// Comparison whose time does not depend on where the first difference is.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests;
