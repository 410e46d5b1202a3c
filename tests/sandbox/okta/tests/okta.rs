#![allow(clippy::unwrap_used)]
//! The Okta emulator over a real loopback socket, driven with reqwest the way the app's auth
//! crate will drive Okta: browser steps are plain GET/POSTs with redirects turned off.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use reqwest::header::{CACHE_CONTROL, LOCATION, WWW_AUTHENTICATE};
use reqwest::{redirect, Client, StatusCode};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::{BigUint, RsaPublicKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Duration;
use url::Url;
use xp_sandbox_kit::{Ctx, Fault, Persist, Seed};
use xp_sandbox_okta::Emulator;

const LOOPBACK: &str = "http://127.0.0.1:53682/callback";
const SCHEME_URI: &str = "com.xeropartner.app:/auth/callback";
const ALL_SCOPES: &str = "openid profile email offline_access";

struct Sb {
    ctx: Ctx,
    emu: Emulator,
    base: String,
    http: Client,
}

async fn start() -> Sb {
    start_with(|ctx, base| Emulator::new(ctx, Seed::Demo, base)).await
}

/// Serves the emulator `make` builds on a fresh port (`base` names that port).
async fn start_with(make: impl FnOnce(Ctx, Url) -> Emulator) -> Sb {
    let ctx = Ctx::new(Duration::from_secs(60));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}/okta");
    let emu = make(ctx.clone(), Url::parse(&base).unwrap());
    let app = axum::Router::new().nest("/okta", emu.router());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = Client::builder().redirect(redirect::Policy::none()).build().unwrap();
    Sb { ctx, emu, base, http }
}

struct Pkce {
    verifier: String,
    challenge: String,
}

fn pkce(seed: u8) -> Pkce {
    let verifier = B64.encode([seed; 48]); // 64 chars of the RFC 7636 alphabet
    let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
    Pkce { verifier, challenge }
}

fn query(location: &str) -> HashMap<String, String> {
    let q = location.split_once('?').map(|(_, q)| q).unwrap_or("");
    url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

impl Sb {
    fn iss(&self) -> String {
        format!("{}/oauth2/default", self.base)
    }
    fn creds(&self) -> Value {
        self.emu.credentials()
    }
    fn client_id(&self) -> String {
        self.creds()["client_id"].as_str().unwrap().to_owned()
    }
    fn user(&self, i: usize) -> (String, String) {
        let u = &self.creds()["users"][i];
        (u["username"].as_str().unwrap().to_owned(), u["password"].as_str().unwrap().to_owned())
    }

    fn authorize_url(&self, redirect_uri: &str, scope: &str, p: &Pkce, extra: &[(&str, &str)]) -> String {
        let mut u = Url::parse(&format!("{}/v1/authorize", self.iss())).unwrap();
        u.query_pairs_mut()
            .append_pair("client_id", &self.client_id())
            .append_pair("response_type", "code")
            .append_pair("scope", scope)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", "st-123")
            .append_pair("nonce", "n-456")
            .append_pair("code_challenge", &p.challenge)
            .append_pair("code_challenge_method", "S256");
        for (k, v) in extra {
            u.query_pairs_mut().append_pair(k, v);
        }
        u.to_string()
    }

    /// The headless sandbox path: returns the redirect's query.
    async fn auto_code(&self, user: usize, redirect_uri: &str, scope: &str, p: &Pkce) -> HashMap<String, String> {
        let (name, _) = self.user(user);
        let url = self.authorize_url(redirect_uri, scope, p, &[("login_hint", &name), ("sandbox_auto", "1")]);
        let r = self.http.get(url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FOUND, "sandbox_auto signs the hinted user in at once");
        let loc = r.headers()[LOCATION].to_str().unwrap().to_owned();
        assert!(loc.starts_with(&format!("{redirect_uri}?")), "redirects to the requested URI: {loc}");
        query(&loc)
    }

    async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http.post(format!("{}/v1/{path}", self.iss())).form(form).send().await.unwrap()
    }

    async fn exchange(&self, code: &str, redirect_uri: &str, verifier: &str) -> (StatusCode, Value) {
        let cid = self.client_id();
        let r = self
            .post_form(
                "token",
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", &cid),
                    ("redirect_uri", redirect_uri),
                    ("code", code),
                    ("code_verifier", verifier),
                ],
            )
            .await;
        (r.status(), r.json().await.unwrap())
    }

    async fn refresh(&self, rt: &str) -> (StatusCode, Value) {
        let cid = self.client_id();
        let r = self
            .post_form("token", &[("grant_type", "refresh_token"), ("client_id", &cid), ("refresh_token", rt)])
            .await;
        (r.status(), r.json().await.unwrap())
    }

    async fn introspect(&self, token: &str) -> Value {
        let cid = self.client_id();
        let r = self.post_form("introspect", &[("token", token), ("client_id", &cid)]).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    /// Signed in as `user` with all scopes: the token response.
    async fn sign_in(&self, user: usize) -> Value {
        let p = pkce(user as u8 + 1);
        let q = self.auto_code(user, LOOPBACK, ALL_SCOPES, &p).await;
        let (status, body) = self.exchange(&q["code"], LOOPBACK, &p.verifier).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn jwks(&self) -> Value {
        self.http.get(format!("{}/v1/keys", self.iss())).send().await.unwrap().json().await.unwrap()
    }
}

fn header_of(jwt: &str) -> Value {
    serde_json::from_slice(&B64.decode(jwt.split('.').next().unwrap()).unwrap()).unwrap()
}

/// Verifies an RS256 JWT against a JWKS the way a client library does: by `kid`.
fn verify(jwt: &str, jwks: &Value) -> Value {
    let kid = header_of(jwt)["kid"].as_str().unwrap().to_owned();
    let jwk = jwks["keys"].as_array().unwrap().iter().find(|k| k["kid"] == json!(kid)).expect("kid is published");
    assert_eq!(
        (jwk["kty"].as_str(), jwk["alg"].as_str(), jwk["use"].as_str()),
        (Some("RSA"), Some("RS256"), Some("sig"))
    );
    let n = BigUint::from_bytes_be(&B64.decode(jwk["n"].as_str().unwrap()).unwrap());
    let e = BigUint::from_bytes_be(&B64.decode(jwk["e"].as_str().unwrap()).unwrap());
    let key = VerifyingKey::<Sha256>::new(RsaPublicKey::new(n, e).unwrap());
    let (input, sig) = jwt.rsplit_once('.').unwrap();
    let sig = Signature::try_from(B64.decode(sig).unwrap().as_slice()).unwrap();
    key.verify(input.as_bytes(), &sig).expect("signature verifies against the JWKS");
    serde_json::from_slice(&B64.decode(input.split('.').nth(1).unwrap()).unwrap()).unwrap()
}

#[tokio::test]
async fn discovery_describes_the_default_server() {
    let sb = start().await;
    let r = sb.http.get(format!("{}/.well-known/openid-configuration", sb.iss())).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    for h in ["x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"] {
        assert!(r.headers().contains_key(h), "every response carries {h} (sheet §8)");
    }
    let d: Value = r.json().await.unwrap();
    let iss = sb.iss();
    assert_eq!(d["issuer"], json!(iss), "issuer must equal the URL the document was fetched under, minus the suffix");
    for (field, path) in [
        ("authorization_endpoint", "authorize"),
        ("token_endpoint", "token"),
        ("userinfo_endpoint", "userinfo"),
        ("jwks_uri", "keys"),
        ("revocation_endpoint", "revoke"),
        ("introspection_endpoint", "introspect"),
        ("end_session_endpoint", "logout"),
    ] {
        assert_eq!(d[field], json!(format!("{iss}/v1/{path}")), "{field}");
    }
    assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]), "plain PKCE is not offered");
    assert_eq!(d["id_token_signing_alg_values_supported"], json!(["RS256"]));
    assert!(d["response_types_supported"].as_array().unwrap().contains(&json!("code")));
    assert!(d["grant_types_supported"].as_array().unwrap().contains(&json!("refresh_token")));
    assert!(d["scopes_supported"].as_array().unwrap().contains(&json!("offline_access")));
    let creds = sb.creds();
    assert_eq!(creds["issuer"], json!(iss));
    assert_eq!(creds["scheme"], "com.xeropartner.app");
    assert_eq!(creds["users"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn full_code_flow_through_the_sign_in_form() {
    let sb = start().await;
    let p = pkce(7);
    let r = sb.http.get(sb.authorize_url(SCHEME_URI, ALL_SCOPES, &p, &[])).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    for id in ["okta-signin-username", "okta-signin-password", "okta-signin-submit"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "the form has #{id}");
    }
    let action = html.split("action=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let tx = html.split("name=\"tx\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let (user, pass) = sb.user(1);

    let wrong = sb
        .http
        .post(&action)
        .form(&[("tx", tx.as_str()), ("username", &user), ("password", "nope")])
        .send()
        .await
        .unwrap();
    assert_ne!(wrong.status(), StatusCode::FOUND, "a wrong password never redirects");
    let again = wrong.text().await.unwrap();
    assert!(
        again.contains("Unable to sign in") && again.contains("okta-signin-password"),
        "the form comes back with an error"
    );

    let ok = sb
        .http
        .post(&action)
        .form(&[("tx", tx.as_str()), ("username", &user), ("password", &pass)])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::FOUND);
    let loc = ok.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(loc.starts_with("com.xeropartner.app:/auth/callback?"), "{loc}");
    let q = query(&loc);
    assert_eq!(q["state"], "st-123", "state is echoed (RFC 6749 §4.1.2)");
    assert!(q["code"].len() >= 32);

    let (status, t) = sb.exchange(&q["code"], SCHEME_URI, &p.verifier).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    let keys: Vec<&String> = t.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 6, "exactly the sheet §3 fields: {keys:?}");
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"], 3600);
    assert_eq!(t["scope"], ALL_SCOPES);
    assert!(t["refresh_token"].is_string() && t["id_token"].is_string());

    let at = verify(t["access_token"].as_str().unwrap(), &sb.jwks().await);
    assert_eq!(at["iss"], json!(sb.iss()));
    assert_eq!(at["aud"], "api://default");
    assert_eq!(at["cid"], json!(sb.client_id()));
    assert_eq!(at["sub"], json!(user));
    assert_eq!(at["exp"].as_i64().unwrap() - at["iat"].as_i64().unwrap(), 3600);
    assert!(at["scp"].as_array().unwrap().contains(&json!("offline_access")));

    let ui = sb
        .http
        .get(format!("{}/v1/userinfo", sb.iss()))
        .bearer_auth(t["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(ui.status(), StatusCode::OK);
    let ui: Value = ui.json().await.unwrap();
    assert_eq!(ui["email"], json!(user));
    assert_eq!(ui["sub"], at["uid"], "userinfo sub is the Okta user id");
}

#[tokio::test]
async fn id_tokens_verify_and_carry_nonce_and_groups_for_each_role() {
    let sb = start().await;
    for (i, group) in [(0, "XP-Owners"), (1, "XP-Accountants"), (2, "XP-Viewers")] {
        let t = sb.sign_in(i).await;
        let id = verify(t["id_token"].as_str().unwrap(), &sb.jwks().await);
        assert_eq!(id["iss"], json!(sb.iss()));
        assert_eq!(id["aud"], json!(sb.client_id()), "ID token audience is the client (sheet §6)");
        assert_eq!(id["nonce"], "n-456", "nonce round-trips (OIDC Core §3.1.3.7)");
        assert!(id["groups"].as_array().unwrap().contains(&json!(group)), "{group} in {}", id["groups"]);
        assert_eq!(id["email"], json!(sb.user(i).0));
        for claim in ["sub", "iat", "exp", "auth_time", "amr", "name", "preferred_username", "ver", "jti"] {
            assert!(!id[claim].is_null(), "ID token carries {claim}");
        }
    }
}

#[tokio::test]
async fn pkce_mismatch_and_replayed_codes_are_invalid_grant() {
    let sb = start().await;
    let p = pkce(1);
    let q = sb.auto_code(0, LOOPBACK, ALL_SCOPES, &p).await;
    let (status, body) = sb.exchange(&q["code"], LOOPBACK, &pkce(2).verifier).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "{body}");

    let q = sb.auto_code(0, LOOPBACK, ALL_SCOPES, &p).await;
    let (status, first) = sb.exchange(&q["code"], LOOPBACK, &p.verifier).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = sb.exchange(&q["code"], LOOPBACK, &p.verifier).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "codes are single-use"
    );
    assert_eq!(
        sb.introspect(first["access_token"].as_str().unwrap()).await["active"],
        false,
        "a replayed code revokes what it issued (RFC 6749 §4.1.2)"
    );

    let q = sb.auto_code(0, LOOPBACK, ALL_SCOPES, &p).await;
    let (status, body) = sb.exchange(&q["code"], "http://127.0.0.1:1/callback", &p.verifier).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "redirect_uri is bound"
    );

    let q = sb.auto_code(0, LOOPBACK, ALL_SCOPES, &p).await;
    sb.ctx.clock.advance(time::Duration::seconds(61));
    let (status, body) = sb.exchange(&q["code"], LOOPBACK, &p.verifier).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "codes live 60 s");
}

#[tokio::test]
async fn bad_client_or_redirect_uri_shows_an_error_page_and_never_redirects() {
    let sb = start().await;
    let p = pkce(3);
    for bad in ["com.xeropartner.app:/auth/other", "https://evil.example/callback", "http://localhost:8080/callback"] {
        let r = sb.http.get(sb.authorize_url(bad, ALL_SCOPES, &p, &[])).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.headers().get(LOCATION).is_none(), "an unregistered redirect_uri is never followed: {bad}");
        assert!(r.text().await.unwrap().contains("redirect_uri"));
    }
    let url = sb.authorize_url(LOOPBACK, ALL_SCOPES, &p, &[]).replace(&sb.client_id(), "0oaUnknownClient00000");
    let r = sb.http.get(url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.headers().get(LOCATION).is_none());
    // Any loopback port is accepted (RFC 8252 §7.3); both private-use spellings are registered.
    for ok in ["http://127.0.0.1:1234/callback", "com.xeropartner.app://auth/callback"] {
        let r = sb.http.get(sb.authorize_url(ok, ALL_SCOPES, &p, &[])).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{ok} shows the form");
    }
}

#[tokio::test]
async fn redirectable_errors_go_back_with_state() {
    let sb = start().await;
    let p = pkce(4);
    let cases = [
        (sb.authorize_url(LOOPBACK, ALL_SCOPES, &p, &[]).replace("S256", "plain"), "invalid_request"),
        (sb.authorize_url(LOOPBACK, "openid admin", &p, &[]), "invalid_scope"),
        (
            sb.authorize_url(LOOPBACK, ALL_SCOPES, &p, &[]).replace("response_type=code", "response_type=token"),
            "unsupported_response_type",
        ),
        (sb.authorize_url(LOOPBACK, ALL_SCOPES, &p, &[("prompt", "none")]), "login_required"),
    ];
    for (url, error) in cases {
        let r = sb.http.get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FOUND, "{url}");
        let q = query(r.headers()[LOCATION].to_str().unwrap());
        assert_eq!(q["error"], error);
        assert_eq!(q["state"], "st-123", "state is echoed on errors (RFC 6749 §4.1.2.1)");
        assert!(!q["error_description"].is_empty());
    }
}

#[tokio::test]
async fn token_endpoint_errors_have_rfc6749_shape_and_status() {
    let sb = start().await;
    let cid = sb.client_id();
    let r = sb.post_form("token", &[("grant_type", "password"), ("client_id", &cid)]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "unsupported_grant_type");
    let r = sb
        .post_form("token", &[("grant_type", "refresh_token"), ("client_id", "0oaNope"), ("refresh_token", "x")])
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_client");
    let (status, body) = sb.refresh("not-a-token").await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
}

#[tokio::test]
async fn refresh_tokens_rotate_with_leeway_and_reuse_kills_the_grant() {
    let sb = start().await;
    let t0 = sb.sign_in(0).await;
    let rt0 = t0["refresh_token"].as_str().unwrap().to_owned();

    let (s, t1) = sb.refresh(&rt0).await;
    assert_eq!(s, StatusCode::OK, "{t1}");
    let rt1 = t1["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(rt1, rt0, "rotation issues a new refresh token every time");
    assert!(t1["id_token"].is_string(), "openid in the grant: a fresh ID token too");

    sb.ctx.clock.advance(time::Duration::seconds(20));
    let (s, t2) = sb.refresh(&rt0).await;
    assert_eq!(s, StatusCode::OK, "the rotated token still works within the 30 s leeway: {t2}");
    let rt2 = t2["refresh_token"].as_str().unwrap().to_owned();
    assert!(rt2 != rt0 && rt2 != rt1);

    let (s, t3) = sb.refresh(&rt2).await;
    assert_eq!(s, StatusCode::OK);
    let newest = t3["refresh_token"].as_str().unwrap().to_owned();
    let newest_at = t3["access_token"].as_str().unwrap().to_owned();

    sb.ctx.clock.advance(time::Duration::seconds(31));
    let (s, body) = sb.refresh(&rt1).await;
    assert_eq!((s, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "reuse after the leeway");
    let (s, body) = sb.refresh(&newest).await;
    assert_eq!(
        (s, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "reuse detection invalidates the newest refresh token too (sheet §5)"
    );
    assert_eq!(sb.introspect(&newest_at).await["active"], false, "and the grant's access tokens");
    let dump = sb.emu.dump();
    assert_eq!(dump["grants"][0]["revoked_because"], "refresh token reuse detected");
    assert!(!dump.to_string().contains(&newest), "the dump never shows token values");
}

#[tokio::test]
async fn no_refresh_token_without_offline_access() {
    let sb = start().await;
    let p = pkce(5);
    let q = sb.auto_code(2, LOOPBACK, "openid email", &p).await;
    let (s, t) = sb.exchange(&q["code"], LOOPBACK, &p.verifier).await;
    assert_eq!(s, StatusCode::OK);
    assert!(t.get("refresh_token").is_none(), "refresh tokens need offline_access (sheet §5): {t}");
}

#[tokio::test]
async fn key_rotation_publishes_the_new_kid_and_keeps_the_old() {
    let sb = start().await;
    let before = sb.sign_in(0).await;
    let old_kid = header_of(before["id_token"].as_str().unwrap())["kid"].as_str().unwrap().to_owned();
    let jwks = sb.http.get(format!("{}/v1/keys", sb.iss())).send().await.unwrap();
    assert!(jwks.headers()[CACHE_CONTROL].to_str().unwrap().contains("max-age"), "JWKS is cacheable (sheet §6)");

    let r = sb.http.post(format!("{}/_sandbox/rotate-keys", sb.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let after = sb.sign_in(1).await;
    let new_kid = header_of(after["id_token"].as_str().unwrap())["kid"].as_str().unwrap().to_owned();
    assert_ne!(new_kid, old_kid, "new tokens carry the new kid");

    let jwks = sb.jwks().await;
    let kids: Vec<&str> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert!(kids.contains(&new_kid.as_str()) && kids.contains(&old_kid.as_str()), "{kids:?}");
    assert!((2..=3).contains(&kids.len()), "Okta publishes 2–3 keys (sheet §6)");
    verify(before["id_token"].as_str().unwrap(), &jwks);
    verify(after["id_token"].as_str().unwrap(), &jwks);
}

#[tokio::test]
async fn revoking_a_refresh_token_ends_the_grant() {
    let sb = start().await;
    let t = sb.sign_in(1).await;
    let (at, rt) = (t["access_token"].as_str().unwrap(), t["refresh_token"].as_str().unwrap());
    assert_eq!(sb.introspect(at).await["active"], true);
    assert_eq!(sb.introspect(rt).await["active"], true);
    let cid = sb.client_id();
    let r = sb.post_form("revoke", &[("token", rt), ("token_type_hint", "refresh_token"), ("client_id", &cid)]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(sb.introspect(rt).await, json!({"active": false}));
    assert_eq!(sb.introspect(at).await["active"], false, "the grant's access token dies with it");
    let r = sb.post_form("revoke", &[("token", "unknown"), ("client_id", &cid)]).await;
    assert_eq!(r.status(), StatusCode::OK, "RFC 7009 §2.2: unknown tokens are 200 too");
    let ui = sb.http.get(format!("{}/v1/userinfo", sb.iss())).bearer_auth(at).send().await.unwrap();
    assert_eq!(ui.status(), StatusCode::UNAUTHORIZED);
    assert!(ui.headers()[WWW_AUTHENTICATE].to_str().unwrap().contains("error=\"invalid_token\""));
}

#[tokio::test]
async fn logout_redirects_to_a_registered_uri_with_state() {
    let sb = start().await;
    let t = sb.sign_in(0).await;
    let id = t["id_token"].as_str().unwrap();
    let mut u = Url::parse(&format!("{}/v1/logout", sb.iss())).unwrap();
    u.query_pairs_mut()
        .append_pair("id_token_hint", id)
        .append_pair("post_logout_redirect_uri", "com.xeropartner.app:/auth/logout")
        .append_pair("state", "bye-1");
    let r = sb.http.get(u.as_str()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(r.headers()[LOCATION], "com.xeropartner.app:/auth/logout?state=bye-1");

    let bad = u.as_str().replace("auth%2Flogout", "auth%2Fevil");
    let r = sb.http.get(bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "unregistered post_logout_redirect_uri");
    assert!(r.headers().get(LOCATION).is_none());
    assert_eq!(
        sb.introspect(t["refresh_token"].as_str().unwrap()).await["active"],
        true,
        "logout does not revoke (sheet §7)"
    );
}

#[tokio::test]
async fn faults_render_okta_429_and_buckets_run_out() {
    let sb = start().await;
    sb.ctx.faults.add(Fault::parse_spec("okta:503*1").unwrap());
    let r = sb.http.post(format!("{}/_sandbox/rotate-keys", sb.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "sandbox switches are not subject to injected faults");
    let r = sb.http.get(format!("{}/v1/keys", sb.iss())).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "the injected 503 hits the next real request");
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000009");

    sb.ctx.faults.add(Fault::parse_spec("okta:429*1").unwrap());
    let r = sb.http.get(format!("{}/v1/keys", sb.iss())).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["x-rate-limit-remaining"], "0");
    let reset: i64 = r.headers()["x-rate-limit-reset"].to_str().unwrap().parse().unwrap();
    assert!(reset >= sb.ctx.clock.now().unix_timestamp(), "Reset is a future UTC epoch second");
    assert!(r.headers().contains_key("x-rate-limit-limit"));
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000047");

    // The userinfo bucket (600 a minute) runs out on the 601st request.
    let url = format!("{}/v1/userinfo", sb.iss());
    let mut last = StatusCode::OK;
    for _ in 0..601 {
        last = sb.http.get(&url).send().await.unwrap().status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let snap = sb.ctx.counters.snapshot();
    assert_eq!(snap.rate_limited.get("okta"), Some(&2), "one injected, one earned");
    assert_eq!(snap.requests.get("okta GET /oauth2/default/v1/userinfo"), Some(&601));
    // A new minute on the simulated clock refills the bucket.
    sb.ctx.clock.advance(time::Duration::seconds(60));
    assert_eq!(sb.http.get(&url).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_restored_emulator_keeps_users_keys_and_refresh_tokens_on_another_port() {
    let sb1 = start().await;
    let before = sb1.sign_in(0).await;
    sb1.http.post(format!("{}/_sandbox/rotate-keys", sb1.base)).send().await.unwrap();
    let after_rotation = sb1.sign_in(1).await;
    let saved = sb1.emu.save().unwrap();

    let sb2 = start_with(|ctx, base| Emulator::restore(ctx, base, saved.clone()).unwrap()).await;
    assert_ne!(sb1.base, sb2.base);
    assert_eq!(sb2.emu.save().unwrap(), saved, "saving the restored emulator writes the same document");
    let without_issuer = |mut v: Value| {
        v.as_object_mut().unwrap().remove("issuer");
        v
    };
    assert_eq!(without_issuer(sb2.emu.dump()), without_issuer(sb1.emu.dump()), "grants, users and kids survive");
    assert_eq!(
        without_issuer(sb2.creds()),
        without_issuer(sb1.creds()),
        "client id and user passwords survive, so the start-up line stays the same"
    );
    assert_eq!(sb2.creds()["issuer"], json!(sb2.iss()), "the issuer follows the new address");

    let jwks = sb2.jwks().await;
    assert_eq!(jwks, sb1.jwks().await, "the JWKS publishes the same keys");
    verify(before["id_token"].as_str().unwrap(), &jwks);
    verify(after_rotation["id_token"].as_str().unwrap(), &jwks);

    let (status, refreshed) = sb2.refresh(before["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "a refresh token issued before the restart still works: {refreshed}");
    let claims = verify(refreshed["id_token"].as_str().unwrap(), &jwks);
    assert_eq!(claims["iss"], json!(sb2.iss()));
    assert_eq!(claims["sub"], sb1.emu.dump()["users"][0]["id"], "for the same user");
    assert_eq!(
        sb2.introspect(refreshed["access_token"].as_str().unwrap()).await["active"],
        true,
        "tokens minted after the restart are live"
    );
}
