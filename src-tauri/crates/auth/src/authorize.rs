//! The URL the system browser opens (RFC 6749 §4.1.1 with RFC 7636 §4.3).

use crate::{Error, Result};
use url::Url;

/// Parameters this module sets itself; `extra` may not override them.
const RESERVED: [&str; 8] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
];

#[derive(Debug, Clone)]
pub struct AuthorizeRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    /// Joined with single spaces (RFC 6749 §3.3).
    pub scopes: &'a [&'a str],
    pub state: &'a str,
    pub code_challenge: &'a str,
    /// OpenID Connect only.
    pub nonce: Option<&'a str>,
    /// Provider-specific extras (e.g. Okta's `prompt`, `login_hint`).
    pub extra: &'a [(&'a str, &'a str)],
}

/// Appends the authorization request to `base` (which may already carry a query).
///
/// Values are percent-encoded with `%20` for spaces: the form encoding's `+` is legal in a
/// query, but `%20` is what both providers document and what no server misreads.
pub fn authorize_url(base: &Url, req: &AuthorizeRequest<'_>) -> Result<Url> {
    if let Some((k, _)) = req.extra.iter().find(|(k, _)| RESERVED.contains(k)) {
        return Err(Error::InvalidRequest(format!("extra parameter '{k}' would override a standard one")));
    }
    let scope = req.scopes.join(" ");
    let mut pairs: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", req.client_id),
        ("redirect_uri", req.redirect_uri),
        ("scope", &scope),
        ("state", req.state),
        ("code_challenge", req.code_challenge),
        ("code_challenge_method", "S256"),
    ];
    if let Some(nonce) = req.nonce {
        pairs.push(("nonce", nonce));
    }
    pairs.extend(req.extra.iter().copied());
    let added = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
    let mut url = base.clone();
    let query = match base.query() {
        Some(q) if !q.is_empty() => format!("{q}&{added}"),
        _ => added,
    };
    url.set_query(Some(&query));
    Ok(url)
}

fn encode(s: &str) -> String {
    // byte_serialize writes a literal '+' as %2B, so every '+' it emits stands for a space.
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn request<'a>(extra: &'a [(&'a str, &'a str)], nonce: Option<&'a str>) -> AuthorizeRequest<'a> {
        AuthorizeRequest {
            client_id: "0oa1b2c3",
            redirect_uri: "http://127.0.0.1:53682/callback",
            scopes: &["offline_access", "accounting.invoices", "accounting.contacts"],
            state: "st+/=?&",
            code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            nonce,
            extra,
        }
    }

    #[test]
    fn carries_every_parameter_encoded() {
        let base = Url::parse("https://login.xero.com/identity/connect/authorize").unwrap();
        let url = authorize_url(&base, &request(&[], None)).unwrap();
        let q = url.query().unwrap();
        assert!(q.contains("scope=offline_access%20accounting.invoices%20accounting.contacts"), "{q}");
        assert!(q.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback"), "{q}");
        assert!(q.contains("state=st%2B%2F%3D%3F%26"), "reserved characters in values are escaped: {q}");
        assert!(!q.contains("nonce"), "no nonce unless asked");
        let pairs: HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs["response_type"], "code");
        assert_eq!(pairs["client_id"], "0oa1b2c3");
        assert_eq!(pairs["code_challenge_method"], "S256");
        assert_eq!(pairs["state"], "st+/=?&", "decodes back to the exact state");
        assert_eq!(pairs["scope"], "offline_access accounting.invoices accounting.contacts");
        assert_eq!(url.path(), "/identity/connect/authorize");
    }

    #[test]
    fn nonce_and_extras_are_appended_to_an_existing_query() {
        let base = Url::parse("https://example.okta.com/oauth2/default/v1/authorize?tenant=a").unwrap();
        let url = authorize_url(&base, &request(&[("prompt", "login consent")], Some("n-1"))).unwrap();
        let pairs: HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs["tenant"], "a", "the base query is kept");
        assert_eq!(pairs["nonce"], "n-1");
        assert_eq!(pairs["prompt"], "login consent");
    }

    #[test]
    fn extras_cannot_override_standard_parameters() {
        let base = Url::parse("https://login.xero.com/identity/connect/authorize").unwrap();
        let err = authorize_url(&base, &request(&[("code_challenge_method", "plain")], None)).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "a downgrade to plain PKCE must be impossible");
    }
}
