//! OpenID Connect against the real Okta sandbox emulator over HTTP: discovery, the headless
//! code flow with ID token validation, code replay, signing-key rotation without a restart,
//! refresh-token rotation with reuse detection, and revocation.

use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use url::Url;
use xp_auth::oidc::{self, discover, revoke, verify_id_token, Expected, JwksCache, ProviderMetadata, TokenTypeHint};
use xp_auth::{
    authorize_url, exchange_code, parse_redirect, refresh, AuthorizeRequest, Error, PendingFlow, Pkce, Registry,
    TokenSet,
};
use xp_core::{ErrorCode, ManualClock, Sensitive};
use xp_http::{HttpClient, HttpConfig};
use xp_sandbox_kit::{Ctx, Seed};
use xp_sandbox_okta::Emulator;

/// The app's private-use redirect (RFC 8252 §7.1, sheet §4), registered with the emulator.
const REDIRECT_URI: &str = "com.xeropartner.app:/auth/callback";
const SCOPES: &[&str] = &["openid", "profile", "email", "offline_access"];
const OWNER: &str = "olivia.owner@example.com";
/// Okta's default refresh-token rotation grace period (sheet §5), which the emulator uses.
const ROTATION_LEEWAY: time::Duration = time::Duration::seconds(30);

struct Okta {
    base: String,
    ctx: Ctx,
    emu: Arc<Emulator>,
    /// The "system browser": follows no redirect, so the 302 to the app is visible.
    browser: reqwest::Client,
    http: HttpClient,
    /// The app's clock; the emulator keeps its own (`ctx.clock`).
    clock: ManualClock,
    client_id: String,
    meta: ProviderMetadata,
    jwks: JwksCache,
}

/// What one sign-in leaves behind.
struct SignIn {
    tokens: TokenSet,
    nonce: String,
    code: Sensitive<String>,
    verifier: Sensitive<String>,
}

async fn start() -> Okta {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let ctx = Ctx::new(Duration::from_secs(60));
    let emu = Arc::new(Emulator::new(ctx.clone(), Seed::Empty, Url::parse(&format!("{base}/okta")).unwrap()));
    let app = axum::Router::new().nest("/okta", emu.router());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = HttpClient::new(HttpConfig::default()).unwrap();
    let clock = ManualClock::new(OffsetDateTime::now_utc());
    let creds = emu.credentials();
    let issuer = Url::parse(creds["issuer"].as_str().unwrap()).unwrap();
    let meta = discover(&http, &issuer).await.unwrap();
    let jwks = JwksCache::new(http.clone(), meta.jwks_uri.clone(), Arc::new(clock.clone()));
    Okta {
        base,
        ctx,
        emu,
        browser: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
        http,
        clock,
        client_id: creds["client_id"].as_str().unwrap().to_owned(),
        meta,
        jwks,
    }
}

impl Okta {
    /// The whole sign-in with the sandbox's headless path: authorize → 302 to the app's
    /// redirect URI → state check → code exchange.
    async fn sign_in(&self, user: &str) -> SignIn {
        let registry = Registry::new(Arc::new(self.clock.clone()));
        let pkce = Pkce::generate(&mut rand::rngs::OsRng);
        let nonce = oidc::nonce(&mut rand::rngs::OsRng);
        let state = registry.start(PendingFlow {
            provider: "okta".into(),
            redirect_uri: REDIRECT_URI.into(),
            verifier: pkce.verifier.clone(),
            nonce: Some(nonce.clone()),
            extra: Default::default(),
        });
        let url = authorize_url(
            &self.meta.authorization_endpoint,
            &AuthorizeRequest {
                client_id: &self.client_id,
                redirect_uri: REDIRECT_URI,
                scopes: SCOPES,
                state: state.as_str(),
                pkce: &pkce,
                nonce: Some(&nonce),
                extra: &[("login_hint", user), ("sandbox_auto", "1")],
            },
        )
        .unwrap();
        let resp = self.browser.get(url).send().await.unwrap();
        assert_eq!(resp.status(), reqwest::StatusCode::FOUND, "the sandbox signs the hinted user in at once");
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        let cb = parse_redirect(&location, REDIRECT_URI).unwrap();
        let flow = registry.take(&cb.state, "okta").unwrap();
        let tokens = exchange_code(
            &self.http,
            &self.clock,
            &self.meta.token_endpoint,
            &self.client_id,
            &cb.code,
            &flow.redirect_uri,
            &flow.verifier,
        )
        .await
        .unwrap();
        SignIn { tokens, nonce: flow.nonce.unwrap(), code: cb.code, verifier: flow.verifier }
    }

    /// What the app expects of an ID token now; the emulator's clock is the reference, since
    /// tests move it forward.
    fn expected<'a>(&'a self, nonce: Option<&'a str>) -> Expected<'a> {
        Expected::new(&self.meta.issuer, &self.client_id, nonce, self.ctx.clock.now())
    }

    async fn verify(&self, tokens: &TokenSet, nonce: Option<&str>) -> xp_auth::Result<oidc::IdClaims> {
        let id_token = tokens.id_token.as_ref().expect("openid was asked for, so an ID token comes back");
        verify_id_token(&self.jwks, id_token, &self.expected(nonce)).await
    }

    async fn rotate_keys(&self) -> Value {
        let r = self.browser.post(format!("{}/okta/_sandbox/rotate-keys", self.base)).send().await.unwrap();
        assert!(r.status().is_success());
        r.json().await.unwrap()
    }

    async fn refresh(&self, refresh_token: &Sensitive<String>) -> xp_auth::Result<TokenSet> {
        refresh(&self.http, &self.clock, &self.meta.token_endpoint, &self.client_id, refresh_token).await
    }
}

#[tokio::test]
async fn discovery_finds_the_endpoints_of_the_configured_issuer() {
    let s = start().await;
    let issuer = s.emu.credentials()["issuer"].as_str().unwrap().to_owned();
    assert_eq!(s.meta.issuer, issuer, "the document names exactly the configured issuer");
    assert_eq!(s.meta.jwks_uri.as_str(), format!("{issuer}/v1/keys"));
    assert_eq!(s.meta.token_endpoint.as_str(), format!("{issuer}/v1/token"));
    assert_eq!(s.meta.revocation_endpoint.as_ref().unwrap().as_str(), format!("{issuer}/v1/revoke"));
    assert!(s.meta.end_session_endpoint.is_some() && s.meta.userinfo_endpoint.is_some());

    // A trailing slash is another issuer (Discovery §4.3), even though the document is found.
    let err = discover(&s.http, &Url::parse(&format!("{issuer}/")).unwrap()).await.unwrap_err();
    assert!(matches!(err, Error::Discovery(_)), "{err:?}");
    assert_eq!(err.code(), ErrorCode::Config);
    // An authorization server that does not exist.
    let other = Url::parse(&format!("{}/okta/oauth2/nope", s.base)).unwrap();
    let err = discover(&s.http, &other).await.unwrap_err();
    assert!(matches!(&err, Error::Discovery(m) if m.contains("404")), "{err:?}");
}

#[tokio::test]
async fn a_headless_sign_in_yields_a_verified_id_token_with_the_users_groups() {
    let s = start().await;
    let signed = s.sign_in(OWNER).await;
    let claims = s.verify(&signed.tokens, Some(&signed.nonce)).await.unwrap();
    assert!(claims.groups.iter().any(|g| g == "XP-Owners"), "Olivia is an owner: {:?}", claims.groups);
    assert_eq!(claims.email.as_deref(), Some(OWNER));
    assert_eq!(claims.name.as_deref(), Some("Olivia Owner"));
    assert!(claims.sub.starts_with("00u"), "Okta user ids: {}", claims.sub);
    assert_eq!(claims.nonce.as_deref(), Some(signed.nonce.as_str()));
    assert_eq!(s.jwks.fetches(), 1);

    // The nonce is what ties the token to this sign-in.
    let err = s.verify(&signed.tokens, Some("a-nonce-of-another-sign-in")).await.unwrap_err();
    assert!(matches!(err, Error::IdTokenRejected(oidc::Rejected::NonceMismatch)), "{err:?}");
    // The access token is for APIs (aud api://default, sheet §6), never a sign-in proof.
    let err = verify_id_token(&s.jwks, &signed.tokens.access_token, &s.expected(None)).await.unwrap_err();
    assert!(matches!(err, Error::IdTokenRejected(oidc::Rejected::WrongAudience)), "{err:?}");
    assert_eq!(s.jwks.fetches(), 1, "every check used the cached key set");
}

#[tokio::test]
async fn a_replayed_code_is_refused() {
    let s = start().await;
    let signed = s.sign_in(OWNER).await;
    let again = exchange_code(
        &s.http,
        &s.clock,
        &s.meta.token_endpoint,
        &s.client_id,
        &signed.code,
        REDIRECT_URI,
        &signed.verifier,
    )
    .await
    .unwrap_err();
    assert!(matches!(again, Error::InvalidGrant { .. }), "codes are single use (sheet §3): {again:?}");
}

#[tokio::test]
async fn signing_keys_rotate_without_a_restart() {
    let s = start().await;
    let first = s.sign_in(OWNER).await;
    s.verify(&first.tokens, Some(&first.nonce)).await.unwrap();
    assert_eq!(s.jwks.fetches(), 1);
    let cached: Vec<String> = serde_json::from_value(s.emu.dump()["keys"]["published"].clone()).unwrap();

    // The ring pre-publishes the next key, so one rotation would still be covered by the cache;
    // rotate until the signing key is one the cache has never seen.
    let mut rotations = 0;
    loop {
        let ring = s.rotate_keys().await;
        rotations += 1;
        if !cached.iter().any(|k| ring["current"] == *k) {
            break;
        }
        assert!(rotations < 5, "the emulator keeps rotating to keys we already hold: {ring}");
    }
    assert_eq!(rotations, 2, "previous, current and next are published (sheet §6)");

    let second = s.sign_in(OWNER).await;
    let claims = s.verify(&second.tokens, Some(&second.nonce)).await.unwrap();
    assert!(claims.groups.iter().any(|g| g == "XP-Owners"));
    assert_eq!(s.jwks.fetches(), 2, "the unknown kid caused exactly one refetch, within the cache's max-age");

    // The first token's key is gone from the JWKS now, and the minute's refetch is used up.
    let err = s.verify(&first.tokens, Some(&first.nonce)).await.unwrap_err();
    assert!(matches!(err, Error::IdTokenRejected(oidc::Rejected::UnknownKey(_))), "{err:?}");
    assert_eq!(s.jwks.fetches(), 2, "a withdrawn kid right after a refetch costs no request");
}

#[tokio::test]
async fn refresh_rotates_and_the_used_token_dies_after_the_grace_period() {
    let s = start().await;
    let signed = s.sign_in(OWNER).await;
    let r0 = signed.tokens.refresh_token.clone().expect("offline_access was asked for");
    let next = s.refresh(&r0).await.unwrap();
    let r1 = next.refresh_token.clone().expect("rotation hands out a new refresh token");
    assert_ne!(r1, r0);
    // A refreshed ID token carries no nonce (OIDC Core §12.2) but is otherwise checked alike.
    let claims = s.verify(&next, None).await.unwrap();
    assert_eq!(claims.nonce, None);
    assert!(claims.groups.iter().any(|g| g == "XP-Owners"));

    s.ctx.clock.advance(ROTATION_LEEWAY + time::Duration::seconds(1));
    let err = s.refresh(&r0).await.unwrap_err();
    assert!(matches!(err, Error::InvalidGrant { .. }), "a rotated token past the grace period: {err:?}");
    assert_eq!(err.code(), ErrorCode::ReconnectNeeded);
    // Reuse detection (sheet §5): presenting r0 again also killed the newest token.
    let err = s.refresh(&r1).await.unwrap_err();
    assert!(matches!(err, Error::InvalidGrant { .. }), "reuse revokes the whole grant: {err:?}");
}

#[tokio::test]
async fn revoking_the_refresh_token_ends_the_grant() {
    let s = start().await;
    let signed = s.sign_in(OWNER).await;
    let rt = signed.tokens.refresh_token.clone().unwrap();
    let endpoint = s.meta.revocation_endpoint.clone().unwrap();
    revoke(&s.http, &endpoint, &s.client_id, &rt, TokenTypeHint::RefreshToken).await.unwrap();
    let err = s.refresh(&rt).await.unwrap_err();
    assert!(matches!(err, Error::InvalidGrant { .. }), "{err:?}");

    // RFC 7009 §2.2: an unknown token is "revoked" too; 200 proves nothing (sheet §7).
    let unknown = Sensitive::new("not-a-token-we-ever-had".to_owned());
    revoke(&s.http, &endpoint, &s.client_id, &unknown, TokenTypeHint::AccessToken).await.unwrap();
    // RFC 6749 §5.2 errors come through the token module's mapping.
    let err = revoke(&s.http, &endpoint, "0oaNotThisApp0000000", &rt, TokenTypeHint::RefreshToken).await.unwrap_err();
    assert!(matches!(&err, Error::TokenEndpoint { status: 401, error, .. } if error == "invalid_client"), "{err:?}");
}
