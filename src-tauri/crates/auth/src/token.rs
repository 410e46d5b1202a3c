//! The token endpoint (RFC 6749 §4.1.3, §6, §5.1–5.2) for a public client: form-encoded POSTs
//! with `client_id` in the body and no secret (xero.md §2, okta.md §3).
//!
//! The requests are built and sent by the `oauth2` library (over `xp-http`, see `transport.rs`).
//! What stays here is what the library leaves to its user: the shape of the answer we accept
//! ([`TokenAnswer`], the library's `TokenResponse` extension point) and the RFC 6749 §5.2 error
//! mapping for answers the library never sees.

use crate::error::provider_text;
use crate::transport::{from_library, OAuthHttp};
use crate::{Error, Result};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AccessToken, AuthType, AuthorizationCode, ClientId, EndpointNotSet, PkceCodeVerifier, RedirectUrl, RefreshToken,
    Scope, StandardRevocableToken, TokenUrl,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use time::{Duration, OffsetDateTime};
use url::Url;
use xp_core::{Clock, Sensitive};
use xp_http::HttpClient;

#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Sensitive<String>,
    /// Absent when the provider does not rotate (or `offline_access` was not granted).
    pub refresh_token: Option<Sensitive<String>>,
    pub id_token: Option<Sensitive<String>>,
    /// `expires_in` counted from when the response was read, by the injected clock.
    pub expires_at: OffsetDateTime,
    /// Space-separated, as granted; empty when the provider did not say.
    pub scope: String,
}

/// The `oauth2` client for one public client id, with our answer type. Endpoints are set per
/// use; the library checks at compile time that the one a request needs is there.
pub(crate) type OAuthClient<HasAuthUrl = EndpointNotSet, HasTokenUrl = EndpointNotSet> = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    HasAuthUrl,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    HasTokenUrl,
>;

/// A public client: `client_id` goes in the request body, there is no secret (RFC 6749 §2.3.1).
pub(crate) fn client(client_id: &str) -> OAuthClient {
    oauth2::Client::new(ClientId::new(client_id.to_owned())).set_auth_type(AuthType::RequestBody)
}

pub(crate) fn redirect_url(redirect_uri: &str) -> Result<RedirectUrl> {
    RedirectUrl::new(redirect_uri.to_owned()).map_err(|_| Error::InvalidRequest("the redirect URI is not a URL".into()))
}

/// Trades an authorization code for tokens (RFC 6749 §4.1.3 with RFC 7636 §4.5).
pub async fn exchange_code(
    http: &HttpClient,
    clock: &dyn Clock,
    token_url: &Url,
    client_id: &str,
    code: &Sensitive<String>,
    redirect_uri: &str,
    verifier: &Sensitive<String>,
) -> Result<TokenSet> {
    let client = client(client_id).set_token_uri(TokenUrl::from_url(token_url.clone()));
    let answer = client
        .exchange_code(AuthorizationCode::new(code.expose().clone()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().clone()))
        .set_redirect_uri(Cow::Owned(redirect_url(redirect_uri)?))
        .request_async(&OAuthHttp::new(http))
        .await
        .map_err(from_library)?;
    answer.into_token_set(clock.now())
}

/// Uses a refresh token (RFC 6749 §6). Xero and Okta (with rotation) answer with a new refresh
/// token that replaces the one sent: store it before using the access token.
pub async fn refresh(
    http: &HttpClient,
    clock: &dyn Clock,
    token_url: &Url,
    client_id: &str,
    refresh_token: &Sensitive<String>,
) -> Result<TokenSet> {
    let client = client(client_id).set_token_uri(TokenUrl::from_url(token_url.clone()));
    let refresh_token = RefreshToken::new(refresh_token.expose().clone());
    let answer = client
        .exchange_refresh_token(&refresh_token)
        .request_async(&OAuthHttp::new(http))
        .await
        .map_err(from_library)?;
    answer.into_token_set(clock.now())
}

/// A 200 answer of the token endpoint (RFC 6749 §5.1), as the library deserialises it.
///
/// Our own `TokenResponse` rather than the library's `StandardTokenResponse`, which refuses an
/// `expires_in` sent as a string (some servers do) and an answer without `token_type`; both are
/// accepted here as they were before. Deserialising never fails on a JSON object: what is
/// missing or unusable is found by [`TokenAnswer::into_token_set`], whose errors name the field
/// and never its value (the body holds tokens).
#[derive(Debug, Serialize)]
pub(crate) struct TokenAnswer {
    /// Empty when the answer has none (refused in `into_token_set`).
    access_token: AccessToken,
    /// Bearer when absent: the only type either provider issues.
    token_type: BasicTokenType,
    /// Seconds, if a positive number (or a string holding one) was given.
    expires_in: Option<u64>,
    refresh_token: Option<RefreshToken>,
    scopes: Option<Vec<Scope>>,
    id_token: Option<IdTokenText>,
}

/// An ID token as it arrives, unverified; Debug does not print it.
#[derive(Serialize)]
#[serde(transparent)]
struct IdTokenText(String);

impl fmt::Debug for IdTokenText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdTokenText([redacted])")
    }
}

impl<'de> Deserialize<'de> for TokenAnswer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let v = Map::<String, Value>::deserialize(d)?;
        let text = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        let token_type = match v.get("token_type") {
            None => BasicTokenType::Bearer,
            // RFC 6749 §5.1: the type is case-insensitive.
            Some(Value::String(t)) => match t.to_ascii_lowercase().as_str() {
                "bearer" => BasicTokenType::Bearer,
                "mac" => BasicTokenType::Mac,
                other => BasicTokenType::Extension(other.to_owned()),
            },
            Some(_) => BasicTokenType::Extension(String::new()),
        };
        // Some servers send the number as a string.
        let expires_in = match v.get("expires_in") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
            _ => None,
        }
        .and_then(|s| u64::try_from(s).ok())
        .filter(|s| *s > 0);
        Ok(TokenAnswer {
            access_token: AccessToken::new(text("access_token").unwrap_or_default()),
            token_type,
            expires_in,
            refresh_token: text("refresh_token").map(RefreshToken::new),
            scopes: text("scope")
                .map(|s| s.split(' ').filter(|x| !x.is_empty()).map(|x| Scope::new(x.into())).collect()),
            id_token: text("id_token").map(IdTokenText),
        })
    }
}

impl oauth2::TokenResponse for TokenAnswer {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }
    fn expires_in(&self) -> Option<std::time::Duration> {
        self.expires_in.map(std::time::Duration::from_secs)
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scopes.as_ref()
    }
}

impl TokenAnswer {
    /// The answer as the app keeps it, or the first field that makes it unusable.
    pub(crate) fn into_token_set(self, now: OffsetDateTime) -> Result<TokenSet> {
        let bad = |what: &str| Error::MalformedTokenResponse(what.to_owned());
        if self.access_token.secret().is_empty() {
            return Err(bad("no access_token"));
        }
        if self.token_type != BasicTokenType::Bearer {
            return Err(bad("token_type is not Bearer"));
        }
        let expires_at = self
            .expires_in
            .and_then(|s| i64::try_from(s).ok())
            .and_then(|s| now.checked_add(Duration::seconds(s)))
            .ok_or_else(|| bad("no usable expires_in"))?;
        let scope = self.scopes.map(|s| s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(" "));
        Ok(TokenSet {
            access_token: Sensitive::new(self.access_token.into_secret()),
            refresh_token: self.refresh_token.map(|r| Sensitive::new(r.into_secret())),
            id_token: self.id_token.map(|t| Sensitive::new(t.0)),
            expires_at,
            scope: scope.unwrap_or_default(),
        })
    }
}

/// RFC 6749 §5.2, as JSON or (xero.md §10: "OAuth errors may be form-encoded") as a form.
pub(crate) fn parse_error(status: u16, body: &[u8]) -> Option<Error> {
    let (error, description) = match serde_json::from_slice::<Value>(body) {
        Ok(v) => (
            v.get("error").and_then(Value::as_str).map(str::to_owned),
            v.get("error_description").and_then(Value::as_str).map(str::to_owned),
        ),
        Err(_) => {
            let mut pairs = url::form_urlencoded::parse(body);
            let e = pairs.clone().find(|(k, _)| k == "error").map(|(_, v)| v.into_owned());
            (e, pairs.find(|(k, _)| k == "error_description").map(|(_, v)| v.into_owned()))
        }
    };
    let error = provider_text(&error?);
    // An outage page can parse as a "form" with no error key; a bare word is not an OAuth code.
    if error.is_empty() || !error.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let description = description.map(|d| provider_text(&d)).filter(|d| !d.is_empty());
    Some(if error == "invalid_grant" {
        Error::InvalidGrant { description }
    } else {
        Error::TokenEndpoint { status, error, description }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-01-01 09:00 UTC);

    /// What the library does with a 200 answer's body (`serde_json` into [`TokenAnswer`],
    /// `oauth2::endpoint`), then the conversion the app uses.
    fn parse_token_response(body: &[u8], now: OffsetDateTime) -> Result<TokenSet> {
        serde_json::from_slice::<TokenAnswer>(body).map_err(|_| crate::transport::unreadable())?.into_token_set(now)
    }

    #[test]
    fn parses_xeros_token_response() {
        let body = br#"{"id_token":"eyJ.a.b","access_token":"at-1","expires_in":1800,"token_type":"Bearer",
            "refresh_token":"rt-1","scope":"openid offline_access accounting.invoices"}"#;
        let t = parse_token_response(body, NOW).unwrap();
        assert_eq!(t.access_token.expose(), "at-1");
        assert_eq!(t.refresh_token.as_ref().map(|r| r.expose().as_str()), Some("rt-1"));
        assert_eq!(t.id_token.as_ref().map(|r| r.expose().as_str()), Some("eyJ.a.b"));
        assert_eq!(t.expires_at, datetime!(2026-01-01 09:30 UTC), "expires_in counts from the injected clock");
        assert_eq!(t.scope, "openid offline_access accounting.invoices");
        assert!(!format!("{t:?}").contains("at-1"), "Debug must not show tokens");
    }

    #[test]
    fn refresh_token_is_optional_and_expires_in_may_be_a_string() {
        let t = parse_token_response(br#"{"access_token":"a","token_type":"bearer","expires_in":"60"}"#, NOW).unwrap();
        assert!(t.refresh_token.is_none() && t.id_token.is_none());
        assert_eq!(t.expires_at, NOW + Duration::seconds(60));
    }

    #[test]
    fn unusable_responses_name_the_field_not_the_value() {
        for (body, what) in [
            (&br#"{"token_type":"Bearer","expires_in":1}"#[..], "access_token"),
            (br#"{"access_token":"s3cret","token_type":"Bearer"}"#, "expires_in"),
            (br#"{"access_token":"s3cret","token_type":"mac","expires_in":5}"#, "Bearer"),
            (b"<html>", "JSON"),
        ] {
            let e = parse_token_response(body, NOW).unwrap_err();
            let msg = e.to_string();
            assert!(msg.contains(what), "{msg}");
            assert!(!msg.contains("s3cret"), "{msg}");
        }
    }

    #[test]
    fn maps_rfc_6749_errors() {
        let e = parse_error(400, br#"{"error":"invalid_grant","error_description":"refresh token already used"}"#);
        assert!(matches!(e, Some(Error::InvalidGrant { description: Some(d) }) if d == "refresh token already used"));
        let e = parse_error(400, b"error=invalid_scope&error_description=Invalid+scope+for+client");
        assert!(
            matches!(&e, Some(Error::TokenEndpoint { status: 400, error, description: Some(d) }) if error == "invalid_scope" && d == "Invalid scope for client"),
            "{e:?}"
        );
        assert!(parse_error(503, b"Service Unavailable").is_none(), "plain text is not an OAuth error");
        assert!(parse_error(500, br#"{"Title":"oops"}"#).is_none());
    }
}
