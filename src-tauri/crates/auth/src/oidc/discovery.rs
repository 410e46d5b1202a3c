//! The provider's OpenID configuration (OIDC Discovery 1.0 §4; okta.md §1–2).
//!
//! The document is read into `openidconnect`'s `CoreProviderMetadata` (plus the RFC 8414 /
//! RP-Initiated Logout members the app uses, with the library's URL types). Ours:
//! - the fetch: the library's `discover_async` also fetches the key set at once, outside the
//!   key cache's policy (`jwks.rs`), and has no size cap or "no such issuer" answer;
//! - the policy: the issuer compared byte for byte, https endpoints (loopback http only under a
//!   loopback issuer), S256 and RS256 offered when listed;
//! - three members the library's type requires although nothing here reads them (see
//!   [`NOT_READ`]).

use super::shown;
use crate::transport::is_loopback_http;
use crate::{Error, Result};
use oauth2::{PkceCodeChallengeMethod, RevocationUrl};
use openidconnect::core::{CoreJwsSigningAlgorithm, CoreProviderMetadata};
use openidconnect::EndSessionUrl;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use url::Url;
use xp_http::{HttpClient, Request};

/// Members OIDC Discovery §3 marks REQUIRED, which `CoreProviderMetadata` will not do without,
/// but which this app never acts on except the RS256 check: a document without them (the
/// sandbox's minimal one, tests in this file) is read as if it listed the values the app uses,
/// as the checks here did before the library read the document. RS256 is also the value every
/// provider must support (Discovery §3).
const NOT_READ: [(&str, &str); 3] = [
    ("response_types_supported", "code"),
    ("subject_types_supported", "public"),
    ("id_token_signing_alg_values_supported", "RS256"),
];

/// Members outside `CoreProviderMetadata`: RFC 8414 §2 (revocation, PKCE methods) and
/// RP-Initiated Logout §2.1 (end session).
#[derive(Deserialize)]
struct MoreMetadata {
    revocation_endpoint: Option<RevocationUrl>,
    end_session_endpoint: Option<EndSessionUrl>,
    code_challenge_methods_supported: Option<Vec<PkceCodeChallengeMethod>>,
}

/// The endpoints and identity of an OpenID provider, as its discovery document states them
/// and after the checks of [`parse_metadata`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderMetadata {
    /// Exactly the configured issuer: ID tokens' `iss` is compared with this string.
    pub issuer: String,
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    pub jwks_uri: Url,
    pub userinfo_endpoint: Option<Url>,
    pub revocation_endpoint: Option<Url>,
    pub end_session_endpoint: Option<Url>,
}

/// Fetches and checks `{issuer}/.well-known/openid-configuration` (Discovery §4.1: the path is
/// appended to the issuer after removing any trailing slash).
///
/// `Url` always gives a bare origin a `/` path, so for an issuer without a path the expected
/// `issuer` string is the origin without the slash (Okta's org authorization server,
/// `https://{domain}`, sheet §1). Any other issuer is compared exactly as configured.
pub async fn discover(http: &HttpClient, issuer: &Url) -> Result<ProviderMetadata> {
    let expected = issuer_string(issuer);
    check_issuer_url(issuer)?;
    let url = Url::parse(&format!("{}/.well-known/openid-configuration", expected.trim_end_matches('/')))
        .map_err(|_| Error::Discovery("the issuer URL cannot carry a discovery path".into()))?;
    let req = Request::get(url).header("accept", "application/json")?.max_body(crate::MAX_DOCUMENT_BYTES);
    let resp = http.send(req).await?;
    if resp.status == 404 {
        return Err(Error::Discovery(format!("there is no OpenID configuration at '{}' (HTTP 404)", shown(&expected))));
    }
    let resp = resp.error_for_status()?;
    parse_metadata(&resp.body, &expected)
}

fn issuer_string(issuer: &Url) -> String {
    let s = issuer.as_str();
    if issuer.path() == "/" && issuer.query().is_none() && issuer.fragment().is_none() {
        s.trim_end_matches('/').to_owned()
    } else {
        s.to_owned()
    }
}

/// OIDC Core §2 (`iss`): an https URL without query or fragment. Plain http is allowed only on
/// the loopback interface, where the sandbox runs; nothing on the network can read it there.
fn check_issuer_url(issuer: &Url) -> Result<()> {
    if issuer.query().is_some() || issuer.fragment().is_some() {
        return Err(Error::Discovery("the issuer URL must not have a query or a fragment".into()));
    }
    if issuer.scheme() != "https" && !is_loopback_http(issuer) {
        return Err(Error::Discovery("the issuer URL must use https".into()));
    }
    Ok(())
}

/// Parses a discovery document and checks it against the configured `issuer` (a string, compared
/// byte for byte). Pure, so every refusal is unit-tested.
pub fn parse_metadata(body: &[u8], issuer: &str) -> Result<ProviderMetadata> {
    let bad = |what: String| Error::Discovery(what);
    let mut doc: Map<String, Value> = match serde_json::from_slice(body) {
        Ok(Value::Object(m)) => m,
        _ => return Err(bad("the discovery document is not a JSON object".into())),
    };
    // Discovery §4.3: "MUST be identical"; otherwise anyone who can serve a document could
    // impersonate another issuer, whose tokens we would then accept. Compared as text, before
    // the library reads the issuer as a URL.
    match doc.get("issuer").and_then(Value::as_str) {
        Some(found) if found == issuer => {}
        Some(found) => {
            return Err(bad(format!(
                "the provider names its issuer '{}', not the configured '{}'",
                shown(found),
                shown(issuer)
            )))
        }
        None => return Err(bad("the discovery document has no issuer".into())),
    }
    let issuer_url = Url::parse(issuer).map_err(|_| bad(format!("the issuer '{}' is not a URL", shown(issuer))))?;
    check_issuer_url(&issuer_url)?;
    for (member, value) in NOT_READ {
        doc.entry(member).or_insert_with(|| json!([value]));
    }
    let doc = Value::Object(doc);
    let meta: CoreProviderMetadata = read(&doc)?;
    let more: MoreMetadata = read(&doc)?;
    // Every endpoint gets tokens or codes: under an https issuer a plain-http endpoint would
    // send them in the clear (RFC 6749 §3.1, §3.2 require TLS).
    let endpoint = |name: &str, url: Option<&Url>| -> Result<Option<Url>> {
        let Some(url) = url else { return Ok(None) };
        let allowed = url.scheme() == "https" || (is_loopback_http(&issuer_url) && is_loopback_http(url));
        if !allowed {
            return Err(bad(format!("'{name}' in the discovery document does not use https")));
        }
        Ok(Some(url.clone()))
    };
    let required = |name: &str, url: Option<&Url>| -> Result<Url> {
        endpoint(name, url)?.ok_or_else(|| bad(format!("the discovery document has no '{name}'")))
    };
    // Discovery §3: the server lists the PKCE methods it supports; the app only ever sends S256
    // (sheet §2), so a list without it means PKCE would fail (or be downgraded).
    if let Some(methods) = &more.code_challenge_methods_supported {
        if !methods.iter().any(|m| m.as_str() == "S256") {
            return Err(bad("the provider does not support PKCE with S256".into()));
        }
    }
    // Discovery §3 (REQUIRED member): only RS256 ID tokens are accepted here (sheet §6).
    if !meta.id_token_signing_alg_values_supported().contains(&CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256) {
        return Err(bad("the provider does not sign ID tokens with RS256".into()));
    }
    Ok(ProviderMetadata {
        issuer: issuer.to_owned(),
        authorization_endpoint: required("authorization_endpoint", Some(meta.authorization_endpoint().url()))?,
        token_endpoint: required("token_endpoint", meta.token_endpoint().map(|u| u.url()))?,
        jwks_uri: required("jwks_uri", Some(meta.jwks_uri().url()))?,
        userinfo_endpoint: endpoint("userinfo_endpoint", meta.userinfo_endpoint().map(|u| u.url()))?,
        revocation_endpoint: endpoint("revocation_endpoint", more.revocation_endpoint.as_ref().map(|u| u.url()))?,
        end_session_endpoint: endpoint("end_session_endpoint", more.end_session_endpoint.as_ref().map(|u| u.url()))?,
    })
}

/// The document in the library's types. A refusal names the member that failed (the path the
/// library's deserialiser reports) and how; the document is public, but its text is shortened.
fn read<T: DeserializeOwned>(doc: &Value) -> Result<T> {
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let why = shown(&e.inner().to_string());
        Error::Discovery(match e.path().to_string() {
            root if root == "." => format!("the discovery document is unusable: {why}"),
            member => format!("'{}' in the discovery document is unusable: {why}", shown(&member)),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ISS: &str = "https://dev-123456.okta.com/oauth2/default";

    /// The members Okta's custom authorization server publishes (sheet §2).
    fn okta_doc() -> Value {
        json!({
            "issuer": ISS,
            "authorization_endpoint": format!("{ISS}/v1/authorize"),
            "token_endpoint": format!("{ISS}/v1/token"),
            "userinfo_endpoint": format!("{ISS}/v1/userinfo"),
            "jwks_uri": format!("{ISS}/v1/keys"),
            "revocation_endpoint": format!("{ISS}/v1/revoke"),
            "introspection_endpoint": format!("{ISS}/v1/introspect"),
            "end_session_endpoint": format!("{ISS}/v1/logout"),
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })
    }

    fn parse(doc: &Value, issuer: &str) -> Result<ProviderMetadata> {
        parse_metadata(doc.to_string().as_bytes(), issuer)
    }

    fn refusal(doc: &Value, issuer: &str) -> String {
        match parse(doc, issuer) {
            Err(e @ Error::Discovery(_)) => e.to_string(),
            other => panic!("expected a Discovery error, got {other:?}"),
        }
    }

    #[test]
    fn reads_oktas_document() {
        let m = parse(&okta_doc(), ISS).unwrap();
        assert_eq!(m.issuer, ISS);
        assert_eq!(m.authorization_endpoint.as_str(), format!("{ISS}/v1/authorize"));
        assert_eq!(m.token_endpoint.as_str(), format!("{ISS}/v1/token"));
        assert_eq!(m.jwks_uri.as_str(), format!("{ISS}/v1/keys"));
        assert_eq!(m.userinfo_endpoint.unwrap().as_str(), format!("{ISS}/v1/userinfo"));
        assert_eq!(m.revocation_endpoint.unwrap().as_str(), format!("{ISS}/v1/revoke"));
        assert_eq!(m.end_session_endpoint.unwrap().as_str(), format!("{ISS}/v1/logout"));
    }

    #[test]
    fn optional_members_may_be_absent() {
        let mut doc = okta_doc();
        for k in [
            "userinfo_endpoint",
            "revocation_endpoint",
            "end_session_endpoint",
            "code_challenge_methods_supported",
            "id_token_signing_alg_values_supported",
        ] {
            doc.as_object_mut().unwrap().remove(k);
        }
        let m = parse(&doc, ISS).unwrap();
        assert!(m.userinfo_endpoint.is_none() && m.revocation_endpoint.is_none() && m.end_session_endpoint.is_none());
    }

    #[test]
    fn the_issuer_must_match_exactly() {
        let msg = refusal(&okta_doc(), "https://dev-999999.okta.com/oauth2/default");
        assert!(msg.contains("dev-123456") && msg.contains("dev-999999"), "names both issuers: {msg}");
        refusal(&okta_doc(), &format!("{ISS}/"));
        refusal(&okta_doc(), "https://dev-123456.okta.com");
        refusal(&okta_doc(), "HTTPS://dev-123456.okta.com/oauth2/default");
        let mut doc = okta_doc();
        doc.as_object_mut().unwrap().remove("issuer");
        assert!(refusal(&doc, ISS).contains("no issuer"));
    }

    #[test]
    fn required_endpoints_must_be_present_urls() {
        for k in ["authorization_endpoint", "token_endpoint", "jwks_uri"] {
            let mut doc = okta_doc();
            doc.as_object_mut().unwrap().remove(k);
            assert!(refusal(&doc, ISS).contains(k), "missing {k}");
            doc[k] = json!("not a url");
            assert!(refusal(&doc, ISS).contains(k), "unparsable {k}");
            doc[k] = json!(42);
            assert!(refusal(&doc, ISS).contains(k), "non-string {k}");
        }
        let mut doc = okta_doc();
        doc["revocation_endpoint"] = json!("::");
        assert!(refusal(&doc, ISS).contains("revocation_endpoint"), "a present optional endpoint must be a URL too");
    }

    #[test]
    fn pkce_s256_and_rs256_must_be_offered_when_listed() {
        let mut doc = okta_doc();
        doc["code_challenge_methods_supported"] = json!(["plain"]);
        assert!(refusal(&doc, ISS).contains("S256"));
        let mut doc = okta_doc();
        doc["id_token_signing_alg_values_supported"] = json!(["HS256"]);
        assert!(refusal(&doc, ISS).contains("RS256"));
    }

    #[test]
    fn endpoints_of_an_https_issuer_must_be_https() {
        for k in ["authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint", "end_session_endpoint"] {
            let mut doc = okta_doc();
            doc[k] = json!(format!("http://dev-123456.okta.com/oauth2/default/{k}"));
            assert!(refusal(&doc, ISS).contains("https"), "{k} over plain http");
        }
    }

    #[test]
    fn plain_http_is_allowed_only_on_loopback() {
        let iss = "http://127.0.0.1:4010/okta/oauth2/default";
        let local = json!({
            "issuer": iss,
            "authorization_endpoint": format!("{iss}/v1/authorize"),
            "token_endpoint": format!("{iss}/v1/token"),
            "jwks_uri": format!("{iss}/v1/keys"),
        });
        assert_eq!(parse(&local, iss).unwrap().jwks_uri.as_str(), format!("{iss}/v1/keys"), "the sandbox");
        let mut escaping = local.clone();
        escaping["token_endpoint"] = json!("http://evil.example/token");
        assert!(
            refusal(&escaping, iss).contains("token_endpoint"),
            "a loopback issuer cannot send codes off the machine"
        );

        let remote = "http://dev-123456.okta.com/oauth2/default";
        let mut doc = local;
        doc["issuer"] = json!(remote);
        assert!(refusal(&doc, remote).contains("https"));
    }

    #[test]
    fn not_json_is_refused() {
        assert!(matches!(parse_metadata(b"<html>", ISS), Err(Error::Discovery(_))));
        assert!(matches!(parse_metadata(b"[]", ISS), Err(Error::Discovery(_))));
    }

    #[test]
    fn bare_origins_lose_the_slash_url_adds() {
        assert_eq!(issuer_string(&Url::parse("https://acme.okta.com").unwrap()), "https://acme.okta.com");
        assert_eq!(
            issuer_string(&Url::parse("https://acme.okta.com/oauth2/default").unwrap()),
            "https://acme.okta.com/oauth2/default"
        );
        assert_eq!(
            issuer_string(&Url::parse("https://acme.okta.com/oauth2/default/").unwrap()),
            "https://acme.okta.com/oauth2/default/",
            "a configured trailing slash is kept, so the exact comparison can point at it"
        );
        assert!(check_issuer_url(&Url::parse("https://acme.okta.com/?x=1").unwrap()).is_err());
        assert!(check_issuer_url(&Url::parse("http://[::1]:8080/oauth2/default").unwrap()).is_ok());
        assert!(check_issuer_url(&Url::parse("http://localhost:8080").unwrap()).is_ok());
    }
}
