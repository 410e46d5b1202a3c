//! The token endpoint (RFC 6749 §4.1.3, §6, §5.1–5.2) for a public client: form-encoded POSTs
//! with `client_id` in the body and no secret (xero.md §2, okta.md §3).

use crate::error::provider_text;
use crate::{Error, Result};
use serde_json::Value;
use time::{Duration, OffsetDateTime};
use url::Url;
use xp_core::{Clock, Sensitive};
use xp_http::{HttpClient, Request};

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
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("client_id", client_id)
        .append_pair("code", code.expose())
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("code_verifier", verifier.expose())
        .finish();
    post(http, clock, token_url, Sensitive::new(form)).await
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
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("client_id", client_id)
        .append_pair("refresh_token", refresh_token.expose())
        .finish();
    post(http, clock, token_url, Sensitive::new(form)).await
}

async fn post(http: &HttpClient, clock: &dyn Clock, token_url: &Url, form: Sensitive<String>) -> Result<TokenSet> {
    let req = Request::new(reqwest::Method::POST, token_url.clone())
        .body("application/x-www-form-urlencoded", form.into_inner())
        .header("accept", "application/json")?
        .max_body(crate::MAX_DOCUMENT_BYTES);
    let resp = http.send(req).await?;
    if resp.is_success() {
        return parse_token_response(&resp.body, clock.now());
    }
    match parse_error(resp.status, &resp.body) {
        Some(e) => Err(e),
        // Not an OAuth error body (an outage page, a 429): keep the status and trimmed body.
        None => {
            Err(resp.error_for_status().err().map(Error::from).unwrap_or_else(|| {
                Error::MalformedTokenResponse("an unexpected answer from the token endpoint".into())
            }))
        }
    }
}

/// RFC 6749 §5.1. Error messages name the field, never a value: the body holds tokens.
pub(crate) fn parse_token_response(body: &[u8], now: OffsetDateTime) -> Result<TokenSet> {
    let bad = |what: &str| Error::MalformedTokenResponse(what.to_owned());
    let v: Value = serde_json::from_slice(body).map_err(|_| bad("not JSON"))?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
    let access = text("access_token").ok_or_else(|| bad("no access_token"))?;
    if let Some(kind) = v.get("token_type") {
        if !kind.as_str().is_some_and(|k| k.eq_ignore_ascii_case("bearer")) {
            return Err(bad("token_type is not Bearer"));
        }
    }
    // Some servers send the number as a string.
    let expires_in = match v.get("expires_in") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
    .filter(|s| *s > 0)
    .ok_or_else(|| bad("no usable expires_in"))?;
    Ok(TokenSet {
        access_token: Sensitive::new(access),
        refresh_token: text("refresh_token").map(Sensitive::new),
        id_token: text("id_token").map(Sensitive::new),
        expires_at: now + Duration::seconds(expires_in),
        scope: text("scope").unwrap_or_default(),
    })
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
