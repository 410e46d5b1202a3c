//! Fuzz properties for every parser of outside input in this crate (STYLE.md; security review
//! 2026-12 informational #20): the loopback receiver's request routing, the redirect and
//! callback parsers, the JWT header, the discovery document, the key set, the token answer and
//! the OAuth error body. Each takes arbitrary bytes and mutations of a valid input; none may
//! panic, and each keeps the property the code relies on. They run with every `cargo nextest`
//! (fixed case counts, so a run costs seconds); `PROPTEST_CASES=100000` fuzzes longer.

use crate::loopback::{parse_callback, parse_redirect, Expected};
use crate::oidc::{discovery::parse_metadata, header, jwks::parse_jwks};
use crate::token::{parse_error, TokenAnswer};
use proptest::prelude::*;
use time::macros::datetime;

/// 2,000 per property in every test run; `PROPTEST_CASES` for a longer session.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2_000)
}

const PIECES: &[&str] =
    &["code", "state", "error", "error_description", "iss", "=", "&", "%", "%00", "%zz", "<zz>", "+", "st4te", "x"];

/// Text that looks like what arrives: URL and JSON punctuation, percent escapes, markup, long
/// runs and any character.
fn wild() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}",
        "[a-z_=&%?#<>\"'/:;.+ 0-9A-F-]{0,300}",
        prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat()),
    ]
}

/// A valid document with one byte replaced, one removed, or a slice repeated.
fn mutated(valid: &'static str) -> impl Strategy<Value = Vec<u8>> {
    (0..valid.len(), any::<u8>(), 0u8..3).prop_map(move |(at, byte, how)| {
        let mut v = valid.as_bytes().to_vec();
        match how {
            0 => v[at] = byte,
            1 => {
                v.remove(at);
            }
            _ => {
                let tail = v[at..].to_vec();
                v.extend_from_slice(&tail);
            }
        }
        v
    })
}

const METADATA: &str = r#"{"issuer":"https://acme.okta.com/oauth2/default","authorization_endpoint":"https://acme.okta.com/oauth2/default/v1/authorize","token_endpoint":"https://acme.okta.com/oauth2/default/v1/token","jwks_uri":"https://acme.okta.com/oauth2/default/v1/keys","response_types_supported":["code"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"],"code_challenge_methods_supported":["S256"],"revocation_endpoint":"https://acme.okta.com/oauth2/default/v1/revoke"}"#;
const JWKS: &str = r#"{"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":"k1","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}]}"#;
const TOKEN: &str = r#"{"access_token":"a.b.c","token_type":"Bearer","expires_in":3600,"refresh_token":"r","scope":"openid offline_access","id_token":"h.p.s"}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Any request head gets an answer; only the awaited state can end the wait, and nothing of
    /// the request reaches the page unescaped.
    #[test]
    fn the_loopback_receiver_answers_any_request_and_is_ended_only_by_its_state(
        method in prop::sample::select(&["GET", "POST", "", "get"][..]),
        path in prop::sample::select(&["/callback", "/", "/callback/", "//callback", "/x"][..]),
        query in wild(),
        host in prop::sample::select(&["127.0.0.1:53682", "evil.example", "", "127.0.0.1:53682\r\nHost: evil"][..]),
        extra in wild(),
    ) {
        let expected = Expected { host: "127.0.0.1:53682".into(), state: "st4te".into() };
        let head = format!("{method} {path}?{query} HTTP/1.1\r\nHost: {host}\r\n{extra}");
        let (status, page, outcome) = crate::loopback::route(&head, &expected);
        prop_assert!((200..600).contains(&status));
        prop_assert!(!page.contains("<zz>"), "request text in the page: {page}");
        if outcome.is_some() {
            let states: Vec<String> = url::form_urlencoded::parse(query.as_bytes())
                .filter(|(k, _)| k == "state").map(|(_, v)| v.into_owned()).collect();
            prop_assert_eq!(states, vec!["st4te".to_owned()]);
        }
        let _ = crate::loopback::route(&extra, &expected);
    }

    #[test]
    fn callbacks_and_redirects_parse_or_refuse(query in wild(), tail in wild()) {
        if let Ok(c) = parse_callback(&query) {
            prop_assert!(!c.code.expose().is_empty() && !c.state.is_empty());
        }
        let url = format!("com.xeropartner.app:/auth/callback?{query}#{tail}");
        let _ = parse_redirect(&url, "com.xeropartner.app:/auth/callback");
        let foreign = format!("com.evil:/x?{query}");
        prop_assert!(parse_redirect(&foreign, "com.xeropartner.app:/auth/callback").is_err());
    }

    /// Only RS256 gets past the header; `none`, HS* and unknown critical extensions never do.
    #[test]
    fn jwt_headers_admit_rs256_only(a in wild(), b in wild(), raw in prop::collection::vec(any::<u8>(), 0..200)) {
        use base64::Engine;
        let b64 = |s: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        for token in [format!("{a}.{b}.c"), format!("{}.{}.sig", b64(&raw), b64(b.as_bytes())), format!("{}.e30.sig", b64(a.as_bytes()))] {
            if let Ok(h) = header(&token) {
                prop_assert_eq!(h.alg.as_str(), "RS256");
            }
        }
    }

    #[test]
    fn discovery_documents_parse_or_refuse(doc in mutated(METADATA), junk in prop::collection::vec(any::<u8>(), 0..400)) {
        for body in [&doc, &junk] {
            if let Ok(m) = parse_metadata(body, "https://acme.okta.com/oauth2/default") {
                prop_assert_eq!(m.issuer.as_str(), "https://acme.okta.com/oauth2/default");
            }
        }
    }

    #[test]
    fn key_sets_parse_or_refuse(doc in mutated(JWKS), junk in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_jwks(&doc);
        let _ = parse_jwks(&junk);
    }

    /// A token answer is usable only with an access token, Bearer and a positive lifetime.
    #[test]
    fn token_answers_and_error_bodies_parse_or_refuse(doc in mutated(TOKEN), status in 100u16..600, junk in wild()) {
        if let Ok(answer) = serde_json::from_slice::<TokenAnswer>(&doc) {
            let now = datetime!(2026-12-03 09:00 UTC);
            if let Ok(set) = answer.into_token_set(now) {
                prop_assert!(!set.access_token.expose().is_empty() && set.expires_at > now);
            }
        }
        let _ = parse_error(status, junk.as_bytes());
        let _ = parse_error(status, &doc);
    }
}
