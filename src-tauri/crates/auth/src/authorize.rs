//! The URL the system browser opens (RFC 6749 §4.1.1 with RFC 7636 §4.3), built by the
//! `oauth2` library. Ours: the OIDC `nonce`, the refusal of extras that would override a
//! standard parameter (the library leaves that case undefined), and `%20` for spaces.

use crate::token::{client, redirect_url};
use crate::{Error, Pkce, Result};
use oauth2::{AuthUrl, CsrfToken, Scope};
use url::Url;

/// Parameters the library and this module set; `extra` may not override them.
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
    /// Its S256 challenge goes into the URL; the verifier stays with the flow.
    pub pkce: &'a Pkce,
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
    let client = client(req.client_id).set_auth_uri(AuthUrl::from_url(base.clone()));
    let mut request = client
        .authorize_url(|| CsrfToken::new(req.state.to_owned()))
        .set_redirect_uri(std::borrow::Cow::Owned(redirect_url(req.redirect_uri)?))
        .add_scopes(req.scopes.iter().map(|s| Scope::new((*s).to_owned())))
        .set_pkce_challenge(req.pkce.code_challenge().clone());
    if let Some(nonce) = req.nonce {
        request = request.add_extra_param("nonce", nonce);
    }
    for (k, v) in req.extra {
        request = request.add_extra_param(*k, *v);
    }
    let (mut url, _) = request.url();
    // The library appends form-encoded pairs after the base's own query, which is left as it
    // was. A literal '+' in a value is written as %2B, so every '+' it wrote stands for a space.
    let kept = base.query().filter(|q| !q.is_empty()).map_or(0, |q| q.len() + 1);
    if let Some(query) = url.query().map(str::to_owned) {
        let (base_query, added) = query.split_at(kept.min(query.len()));
        url.set_query(Some(&format!("{base_query}{}", added.replace('+', "%20"))));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::OnceLock;
    use xp_core::Sensitive;

    /// RFC 7636 Appendix B's verifier; its challenge is "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".
    fn rfc_pkce() -> &'static Pkce {
        static PKCE: OnceLock<Pkce> = OnceLock::new();
        PKCE.get_or_init(|| {
            Pkce::from_verifier(Sensitive::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned())).unwrap()
        })
    }

    fn request<'a>(extra: &'a [(&'a str, &'a str)], nonce: Option<&'a str>) -> AuthorizeRequest<'a> {
        AuthorizeRequest {
            client_id: "0oa1b2c3",
            redirect_uri: "http://127.0.0.1:53682/callback",
            scopes: &["offline_access", "accounting.invoices", "accounting.contacts"],
            state: "st+/=?&",
            pkce: rfc_pkce(),
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
