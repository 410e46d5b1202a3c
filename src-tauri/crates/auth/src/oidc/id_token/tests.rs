//! Every refusal of OIDC Core §3.1.3.7 and RFC 8725, with tokens forged by keys of our own.

use super::*;
use crate::oidc::testkit::{b64, issuer_key, other_key, public, sign, sign_input, signing_input};
use crate::Error;
use serde_json::json;
use std::result::Result;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-03-01 09:00 UTC);
const ISS: &str = "https://dev-123456.okta.com/oauth2/default";
const CLIENT: &str = "0oa1b2c3d4E5F6g7h8i9";
const KID: &str = "vRf0pKb3mQ";
const NONCE: &str = "q7Lm-3xY9-nonce";

fn at(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

/// The claims of a fresh Okta ID token (sheet §6).
fn claims() -> Value {
    json!({
        "sub": "00u1a2b3c4D5e6F7g8h9", "ver": 1, "iss": ISS, "aud": CLIENT,
        "iat": at(NOW) - 10, "exp": at(NOW) + 3590, "auth_time": at(NOW) - 12,
        "jti": "ID.abc", "amr": ["pwd"], "nonce": NONCE,
        "name": "Olivia Owner", "preferred_username": "olivia.owner@example.com",
        "email": "olivia.owner@example.com", "groups": ["Everyone", "XP-Owners"],
    })
}

fn hdr() -> Value {
    json!({"kid": KID, "alg": "RS256"})
}

fn key() -> RsaKey {
    public(issuer_key(), KID)
}

fn expected() -> Expected<'static> {
    Expected::new(ISS, CLIENT, Some(NONCE), NOW)
}

fn token(claims: &Value) -> String {
    sign(issuer_key(), &hdr(), claims)
}

/// A token signed by the issuer's key with one change to the claims.
fn with(change: impl FnOnce(&mut Value)) -> String {
    let mut c = claims();
    change(&mut c);
    token(&c)
}

fn check(token: &str) -> Result<IdClaims, Rejected> {
    validate(token, &key(), &expected())
}

/// The refusal, after checking that the message shown to the user carries no part of the token.
fn refused(token: &str) -> Rejected {
    let r = check(token).expect_err("the token must be refused");
    assert_no_token_text(&Error::IdTokenRejected(r.clone()).to_string(), token);
    r
}

fn assert_no_token_text(msg: &str, token: &str) {
    assert!(token.is_empty() || !msg.contains(token), "the message must not contain the token: {msg}");
    for part in token.split('.').filter(|p| p.len() >= 8) {
        assert!(!msg.contains(part), "the message must not contain a part of the token: {msg}");
    }
}

#[test]
fn a_valid_token_is_accepted_and_its_claims_extracted() {
    let c = check(&token(&claims())).unwrap();
    assert_eq!(c.sub, "00u1a2b3c4D5e6F7g8h9");
    assert_eq!(c.groups, ["Everyone", "XP-Owners"], "roles come from Okta groups");
    assert_eq!(c.email.as_deref(), Some("olivia.owner@example.com"));
    assert_eq!(c.name.as_deref(), Some("Olivia Owner"));
    assert_eq!(c.preferred_username.as_deref(), Some("olivia.owner@example.com"));
    assert_eq!(c.issued_at, NOW - Duration::seconds(10));
    assert_eq!(c.expires_at, NOW + Duration::seconds(3590));
    assert_eq!(c.auth_time, Some(NOW - Duration::seconds(12)));
    assert_eq!(c.nonce.as_deref(), Some(NONCE));
    let h = header(&token(&claims())).unwrap();
    assert_eq!((h.alg.as_str(), h.kid.as_str(), h.typ), ("RS256", KID, None));
}

#[test]
fn optional_claims_may_be_missing() {
    let c = check(&with(|c| {
        for k in ["name", "email", "preferred_username", "groups", "auth_time"] {
            c.as_object_mut().unwrap().remove(k);
        }
    }))
    .unwrap();
    assert!(c.groups.is_empty() && c.name.is_none() && c.email.is_none() && c.auth_time.is_none());
    let c = check(&with(|c| c["iat"] = json!(at(NOW) as f64 - 0.5))).unwrap();
    assert_eq!(c.issued_at, NOW - Duration::seconds(1), "NumericDate may be fractional (RFC 7519 §2)");
}

#[test]
fn unsigned_tokens_are_refused_with_or_without_a_signature_part() {
    let none = json!({"alg": "none"});
    let input = signing_input(&none, &claims());
    let valid_sig = token(&claims()).rsplit_once('.').unwrap().1.to_owned();
    for t in [format!("{input}."), input.clone(), format!("{input}.{valid_sig}")] {
        assert_eq!(refused(&t), Rejected::AlgNone, "{t}");
    }
    let shouting = signing_input(&json!({"alg": "nOnE", "kid": KID}), &claims());
    assert_eq!(refused(&format!("{shouting}.")), Rejected::AlgNone, "alg names are not a case game");
}

#[test]
fn an_hs256_token_keyed_with_the_issuers_public_key_is_refused() {
    use hmac::{Hmac, Mac};
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    // The HS/RS confusion attack: a verifier that lets the token pick the algorithm would use
    // the (public) RSA key as an HMAC secret, which the attacker knows.
    let pem = issuer_key().to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
    for alg in ["HS256", "HS384", "HS512", "hs256"] {
        let input = signing_input(&json!({"kid": KID, "alg": alg}), &claims());
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(pem.as_bytes()).unwrap();
        mac.update(input.as_bytes());
        let forged = format!("{input}.{}", b64(mac.finalize().into_bytes()));
        assert_eq!(refused(&forged), Rejected::SymmetricAlgorithm(alg.into()), "{alg}");
    }
}

#[tokio::test]
async fn header_refusals_happen_before_any_key_fetch() {
    let http = xp_http::HttpClient::new(xp_http::HttpConfig::default()).unwrap();
    // Nothing listens there: a fetch would fail with a network error, not a refusal.
    let cache = JwksCache::new(
        http,
        url::Url::parse("http://127.0.0.1:9/keys").unwrap(),
        std::sync::Arc::new(xp_core::ManualClock::new(NOW)),
    );
    let hs = format!("{}.c2ln", signing_input(&json!({"kid": KID, "alg": "HS256"}), &claims()));
    let none = format!("{}.", signing_input(&json!({"alg": "none"}), &claims()));
    for (t, why) in [(hs, Rejected::SymmetricAlgorithm("HS256".into())), (none, Rejected::AlgNone)] {
        let err = verify_id_token(&cache, &Sensitive::new(t), &expected()).await.unwrap_err();
        assert!(matches!(&err, Error::IdTokenRejected(r) if *r == why), "{err:?}");
    }
    assert_eq!(cache.fetches(), 0, "refused on the header alone, without touching the network");
}

#[test]
fn other_algorithms_are_unsupported() {
    for alg in ["RS384", "RS512", "ES256", "PS256", "EdDSA", "rs256"] {
        let t = format!("{}.c2ln", signing_input(&json!({"kid": KID, "alg": alg}), &claims()));
        assert_eq!(refused(&t), Rejected::UnsupportedAlgorithm(alg.into()), "{alg}");
    }
    let t = format!("{}.c2ln", signing_input(&json!({"kid": KID}), &claims()));
    assert!(matches!(refused(&t), Rejected::Malformed(m) if m.contains("alg")));
}

#[test]
fn a_key_id_is_required() {
    for h in [json!({"alg": "RS256"}), json!({"alg": "RS256", "kid": ""})] {
        assert_eq!(refused(&sign(issuer_key(), &h, &claims())), Rejected::MissingKeyId, "{h}");
    }
    let t = sign(issuer_key(), &json!({"alg": "RS256", "kid": 7}), &claims());
    assert!(matches!(refused(&t), Rejected::Malformed(m) if m.contains("kid")));
}

#[test]
fn a_key_other_than_the_one_the_header_names_is_not_used() {
    let t = sign(issuer_key(), &json!({"alg": "RS256", "kid": "another-kid"}), &claims());
    assert_eq!(refused(&t), Rejected::UnknownKey("another-kid".into()));
}

#[test]
fn a_signature_by_another_key_under_the_same_kid_is_refused() {
    assert_eq!(refused(&sign(other_key(), &hdr(), &claims())), Rejected::BadSignature);
    // Embedded-key attacks (RFC 8725 §3.10): the header offers the attacker's key; it is ignored.
    let embedded = json!({
        "kid": KID, "alg": "RS256",
        "jwk": crate::oidc::testkit::jwk(other_key(), KID),
        "jku": "https://attacker.example/keys", "x5u": "https://attacker.example/cert",
    });
    assert_eq!(refused(&sign(other_key(), &embedded, &claims())), Rejected::BadSignature);
}

#[test]
fn a_tampered_token_is_refused() {
    let good = token(&claims());
    let parts: Vec<&str> = good.split('.').collect();
    let mut promoted = claims();
    promoted["sub"] = json!("00uSomebodyElse00000");
    let forged = format!("{}.{}.{}", parts[0], b64(promoted.to_string()), parts[2]);
    assert_eq!(refused(&forged), Rejected::BadSignature, "payload changed");
    let other_header = b64(json!({"kid": KID, "alg": "RS256", "typ": "JWT"}).to_string());
    assert_eq!(refused(&format!("{other_header}.{}.{}", parts[1], parts[2])), Rejected::BadSignature, "header changed");
    let mut sig = parts[2].as_bytes().to_vec();
    sig[10] = if sig[10] == b'A' { b'B' } else { b'A' };
    let flipped = format!("{}.{}.{}", parts[0], parts[1], String::from_utf8(sig).unwrap());
    assert_eq!(refused(&flipped), Rejected::BadSignature, "signature changed");
}

#[test]
fn the_issuer_must_match_exactly() {
    let r = refused(&with(|c| c["iss"] = json!("https://evil.okta.com/oauth2/default")));
    assert_eq!(r, Rejected::WrongIssuer { expected: ISS.into(), found: "https://evil.okta.com/oauth2/default".into() });
    let r = refused(&with(|c| c["iss"] = json!(format!("{ISS}/"))));
    assert!(matches!(r, Rejected::WrongIssuer { .. }), "a trailing slash is another issuer: {r:?}");
    let r = refused(&with(|c| c["iss"] = json!("https://dev-123456.okta.com")));
    assert!(matches!(r, Rejected::WrongIssuer { .. }), "the org server is not the custom one (sheet §1): {r:?}");
    assert!(
        matches!(refused(&with(|c| drop(c.as_object_mut().unwrap().remove("iss")))), Rejected::Malformed(m) if m.contains("iss"))
    );
}

#[test]
fn the_audience_must_be_this_app() {
    assert_eq!(refused(&with(|c| c["aud"] = json!("0oaSomeOtherApp00000"))), Rejected::WrongAudience);
    assert_eq!(refused(&with(|c| c["aud"] = json!(["0oaSomeOtherApp00000"]))), Rejected::WrongAudience);
    assert_eq!(
        refused(&with(|c| c["aud"] = json!("api://default"))),
        Rejected::WrongAudience,
        "an access token's audience"
    );
    assert!(check(&with(|c| c["aud"] = json!([CLIENT]))).is_ok(), "a one-element list is fine");
    // OIDC Core §3.1.3.7 steps 4–5.
    assert_eq!(
        refused(&with(|c| c["aud"] = json!([CLIENT, "0oaSomeOtherApp00000"]))),
        Rejected::WrongAudience,
        "several audiences without azp"
    );
    assert!(check(&with(|c| {
        c["aud"] = json!([CLIENT, "0oaSomeOtherApp00000"]);
        c["azp"] = json!(CLIENT);
    }))
    .is_ok());
    assert_eq!(
        refused(&with(|c| {
            c["aud"] = json!([CLIENT, "0oaSomeOtherApp00000"]);
            c["azp"] = json!("0oaSomeOtherApp00000");
        })),
        Rejected::WrongAudience,
        "another app is the authorized party"
    );
    assert_eq!(refused(&with(|c| c["azp"] = json!("0oaSomeOtherApp00000"))), Rejected::WrongAudience);
    assert!(
        matches!(refused(&with(|c| drop(c.as_object_mut().unwrap().remove("aud")))), Rejected::Malformed(m) if m.contains("aud"))
    );
    assert!(matches!(refused(&with(|c| c["aud"] = json!([CLIENT, 5]))), Rejected::Malformed(_)));
}

fn expiring_at(exp: OffsetDateTime) -> String {
    with(|c| {
        c["exp"] = json!(at(exp));
        c["iat"] = json!(at(exp) - 3600);
    })
}

#[test]
fn expiry_allows_the_leeway_and_not_a_second_more() {
    let edge = NOW - DEFAULT_LEEWAY;
    let late = edge - Duration::seconds(1);
    assert_eq!(refused(&expiring_at(late)), Rejected::Expired { at: late }, "exp = now - leeway - 1 s");
    assert_eq!(refused(&expiring_at(edge)), Rejected::Expired { at: edge }, "exp must be after now - leeway");
    let c = check(&expiring_at(edge + Duration::seconds(1))).expect("exp = now - leeway + 1 s is within the skew");
    assert_eq!(c.expires_at, edge + Duration::seconds(1));
    let msg = Rejected::Expired { at: late }.to_string();
    assert!(msg.contains("2026-03-01T08:58:59Z") && msg.contains("clock"), "{msg}");
    let strict = Expected { leeway: Duration::ZERO, ..expected() };
    assert!(validate(&expiring_at(NOW - Duration::seconds(1)), &key(), &strict).is_err());
}

#[test]
fn a_token_issued_in_the_future_is_refused() {
    let issued = |iat: OffsetDateTime| {
        with(|c| {
            c["iat"] = json!(at(iat));
            c["exp"] = json!(at(iat) + 3600);
        })
    };
    assert_eq!(refused(&issued(NOW + DEFAULT_LEEWAY + Duration::seconds(1))), Rejected::IssuedInFuture);
    assert!(check(&issued(NOW + DEFAULT_LEEWAY)).is_ok(), "a clock up to the leeway ahead is tolerated");
}

#[test]
fn a_token_not_valid_yet_is_refused() {
    let not_before = |nbf: OffsetDateTime| with(|c| c["nbf"] = json!(at(nbf)));
    let later = NOW + DEFAULT_LEEWAY + Duration::seconds(1);
    let r = refused(&not_before(later));
    assert_eq!(r, Rejected::NotYetValid { at: later }, "RFC 7519 §4.1.5: not accepted before nbf");
    assert!(r.to_string().contains("clock"), "the usual cause is named: {r}");
    assert!(check(&not_before(NOW + DEFAULT_LEEWAY)).is_ok(), "a clock up to the leeway behind is tolerated");
    assert!(check(&not_before(NOW - Duration::seconds(30))).is_ok(), "an nbf in the past is fine");
    assert!(matches!(refused(&with(|c| c["nbf"] = json!("soon"))), Rejected::Malformed(m) if m.contains("nbf")));
}

#[test]
fn exp_must_follow_iat() {
    let t = with(|c| c["exp"] = c["iat"].clone());
    assert!(matches!(refused(&t), Rejected::Malformed(m) if m.contains("exp")));
    for k in ["exp", "iat"] {
        assert!(
            matches!(refused(&with(|c| drop(c.as_object_mut().unwrap().remove(k)))), Rejected::Malformed(m) if m.contains(k))
        );
        assert!(matches!(refused(&with(|c| c[k] = json!("tomorrow"))), Rejected::Malformed(m) if m.contains(k)));
    }
    assert!(matches!(refused(&with(|c| c["exp"] = json!(1e300))), Rejected::Malformed(_)), "out of range");
}

#[test]
fn the_nonce_ties_the_token_to_this_sign_in() {
    assert_eq!(refused(&with(|c| drop(c.as_object_mut().unwrap().remove("nonce")))), Rejected::NonceMissing);
    assert_eq!(refused(&with(|c| c["nonce"] = json!("a-nonce-of-another-sign-in"))), Rejected::NonceMismatch);
    assert_eq!(refused(&with(|c| c["nonce"] = json!(format!("{NONCE}x")))), Rejected::NonceMismatch);
    assert!(check(&token(&claims())).is_ok());
    // Refreshed ID tokens carry no nonce (OIDC Core §12.2): the caller expects none.
    let after_refresh = Expected { nonce: None, ..expected() };
    let t = with(|c| drop(c.as_object_mut().unwrap().remove("nonce")));
    assert_eq!(validate(&t, &key(), &after_refresh).unwrap().nonce, None);
}

#[test]
fn critical_header_extensions_are_refused() {
    let h = json!({"kid": KID, "alg": "RS256", "crit": ["exp"], "exp": at(NOW) + 60});
    assert_eq!(refused(&sign(issuer_key(), &h, &claims())), Rejected::CriticalHeader);
    let h = json!({"kid": KID, "alg": "RS256", "crit": [], "b64": false});
    assert_eq!(refused(&sign(issuer_key(), &h, &claims())), Rejected::CriticalHeader);
}

#[test]
fn malformed_tokens_name_the_part_that_is_wrong() {
    let good = token(&claims());
    let (h, rest) = good.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    let malformed = |t: &str, what: &str| match refused(t) {
        Rejected::Malformed(m) => assert!(m.contains(what), "{m} should name {what}"),
        other => panic!("expected Malformed for {what}, got {other:?}"),
    };
    malformed(&format!("{h}.{p}"), "three");
    malformed(&format!("{h}.{p}.{s}.{s}"), "three");
    malformed("", "header");
    malformed(&format!("!!!.{p}.{s}"), "header is not base64url");
    malformed(&format!("{h}=.{p}.{s}"), "header is not base64url");
    malformed(&format!("{}.{p}.{s}", b64("[1,2]")), "header is not a JSON object");
    malformed(&format!("{}.{p}.{s}", b64("not json")), "header is not a JSON object");
    malformed(&format!("{h}.{p}.%%%"), "signature is not base64url");
    // Validly signed, so that the payload itself is what fails.
    malformed(&sign_input(issuer_key(), &format!("{h}.***")), "payload is not base64url");
    malformed(&sign_input(issuer_key(), &format!("{h}.{}", b64("\"a string\""))), "payload is not a JSON object");
    malformed(&sign_input(issuer_key(), &format!("{h}.{}", b64("[]"))), "payload is not a JSON object");
}

#[test]
fn required_and_role_claims_must_be_well_typed() {
    assert!(
        matches!(refused(&with(|c| drop(c.as_object_mut().unwrap().remove("sub")))), Rejected::Malformed(m) if m.contains("sub"))
    );
    assert!(matches!(refused(&with(|c| c["sub"] = json!(""))), Rejected::Malformed(m) if m.contains("sub")));
    for bad in [json!("XP-Owners"), json!(["XP-Owners", 1])] {
        assert!(
            matches!(refused(&with(|c| c["groups"] = bad.clone())), Rejected::Malformed(m) if m.contains("groups")),
            "roles must not be guessed from a malformed groups claim: {bad}"
        );
    }
    let c = check(&with(|c| c["email"] = json!(42))).unwrap();
    assert_eq!(c.email, None, "a mistyped display claim is treated as absent");
}

#[test]
fn every_message_explains_without_the_token() {
    let all = [
        Rejected::Malformed("the payload is not a JSON object".into()),
        Rejected::AlgNone,
        Rejected::SymmetricAlgorithm("HS256".into()),
        Rejected::UnsupportedAlgorithm("ES256".into()),
        Rejected::MissingKeyId,
        Rejected::UnknownKey("k".into()),
        Rejected::BadSignature,
        Rejected::WrongIssuer { expected: ISS.into(), found: "x".into() },
        Rejected::WrongAudience,
        Rejected::Expired { at: NOW },
        Rejected::IssuedInFuture,
        Rejected::NotYetValid { at: NOW },
        Rejected::NonceMissing,
        Rejected::NonceMismatch,
        Rejected::CriticalHeader,
    ];
    for r in all {
        let msg = Error::IdTokenRejected(r.clone()).to_string();
        assert!(msg.starts_with("the sign-in token was refused: ") && msg.ends_with("; sign in again"), "{msg}");
    }
    let long_kid = "k".repeat(5000);
    let t = sign(issuer_key(), &json!({"alg": "RS256", "kid": long_kid}), &claims());
    let msg = refused(&t).to_string();
    assert!(msg.len() < 200, "a hostile kid is shortened: {msg}");
}
