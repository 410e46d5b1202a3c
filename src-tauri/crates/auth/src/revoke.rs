//! Token revocation (RFC 7009) for a public client: Okta (okta.md §2 `/v1/revoke`, §7) and Xero (`/connect/revocation`).
//!
//! Not on the `oauth2` library: its `revoke_token` refuses any revocation URL that is not https
//! (oauth2 5.0 `revocation.rs`, RFC 7009 §2), and the sandbox the app is tested against, like the
//! app's sandbox profile, serves plain http on loopback. The same rule is kept here with the one
//! exception the rest of the crate makes (see `transport::is_loopback_http`). The request is the
//! three form fields of RFC 7009 §2.1; errors go through the same mapping as the token endpoint.

use crate::transport::{answer_error, is_loopback_http};
use crate::{Error, Result};
use url::Url;
use xp_core::Sensitive;
use xp_http::{HttpClient, Request};

/// RFC 7009 §2.1 `token_type_hint`: helps the server find the token, nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenTypeHint {
    AccessToken,
    RefreshToken,
}

impl TokenTypeHint {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenTypeHint::AccessToken => "access_token",
            TokenTypeHint::RefreshToken => "refresh_token",
        }
    }
}

/// Asks the provider to revoke `token`. Revoking the refresh token is how signing out ends the
/// grant: logout at the provider leaves refresh tokens alive (okta.md §7).
///
/// `Ok(())` means HTTP 200, which the server answers both when it revoked the token and when it
/// did not know it (RFC 7009 §2.2, okta.md §7): it proves nothing about the token, so callers
/// delete their copy whatever happens.
pub async fn revoke(
    http: &HttpClient,
    revocation_endpoint: &Url,
    client_id: &str,
    token: &Sensitive<String>,
    hint: TokenTypeHint,
) -> Result<()> {
    if revocation_endpoint.scheme() != "https" && !is_loopback_http(revocation_endpoint) {
        return Err(Error::InvalidRequest("the revocation endpoint must use https (RFC 7009 §2)".into()));
    }
    // The body holds the token: kept wrapped until the HTTP layer takes it.
    let form = Sensitive::new(
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("token", token.expose())
            .append_pair("token_type_hint", hint.as_str())
            .append_pair("client_id", client_id)
            .finish(),
    );
    let req = Request::new(reqwest::Method::POST, revocation_endpoint.clone())
        .body("application/x-www-form-urlencoded", form.into_inner())
        .header("accept", "application/json")?
        .max_body(crate::MAX_DOCUMENT_BYTES);
    let resp = http.send(req).await?;
    if resp.is_success() {
        return Ok(());
    }
    // RFC 7009 §2.2.1: errors use the RFC 6749 §5.2 body (invalid_client, unsupported_token_type).
    Err(answer_error(resp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_an_https_or_loopback_endpoint_gets_the_token() {
        let http = HttpClient::new(xp_http::HttpConfig::default()).unwrap();
        let token = Sensitive::new("rt".to_owned());
        let plain = Url::parse("http://identity.xero.com/connect/revocation").unwrap();
        let err = revoke(&http, &plain, "c", &token, TokenTypeHint::RefreshToken).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "a refresh token never travels in clear text: {err:?}");
    }

    #[test]
    fn hints_use_rfc_7009_names() {
        assert_eq!(TokenTypeHint::AccessToken.as_str(), "access_token");
        assert_eq!(TokenTypeHint::RefreshToken.as_str(), "refresh_token");
    }
}
