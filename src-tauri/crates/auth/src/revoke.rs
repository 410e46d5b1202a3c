//! Token revocation (RFC 7009) for a public client: Okta (okta.md §2 `/v1/revoke`, §7) and Xero (`/connect/revocation`).

use crate::token::parse_error;
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
    match parse_error(resp.status, &resp.body) {
        Some(e) => Err(e),
        None => match resp.error_for_status() {
            Err(e) => Err(Error::from(e)),
            // A 1xx/3xx answer: not a success, and not a status error either.
            Ok(r) => Err(Error::TokenEndpoint {
                status: r.status,
                error: "unexpected_status".into(),
                description: Some("the revocation endpoint gave an unexpected answer".into()),
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_use_rfc_7009_names() {
        assert_eq!(TokenTypeHint::AccessToken.as_str(), "access_token");
        assert_eq!(TokenTypeHint::RefreshToken.as_str(), "refresh_token");
    }
}
