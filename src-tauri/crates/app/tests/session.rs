//! Okta sign-in, roles, refresh, sign-out, lock and offline grace, against the sandbox's Okta
//! emulator, with the app's clock injected so every time edge is tested on both sides.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;
use time::Duration;
use xp_app::config::{sandbox_endpoints, AppConfig};
use xp_app::session::SessionService;
use xp_app::{App, Context, Paths};
use xp_core::{Clock, ErrorCode, ManualClock};
use xp_ipc::{Permission, Role, SessionSettings, SessionState, SignInMode};
use xp_sandbox_kit::{Ctx, Seed};
use xp_vault::SecretStore;

struct World {
    dir: tempfile::TempDir,
    base: String,
    ctx: Ctx,
    users: serde_json::Value,
    vault: Arc<xp_vault::MemoryStore>,
    clock: ManualClock,
    client_id: String,
    /// The emulator is reached through it: closed, Okta is unreachable on the same address
    /// (the issuer is pinned in the store, so "offline" cannot be a different address).
    gate: xp_sandbox_kit::Gate,
}

async fn world() -> World {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gate = xp_sandbox_kit::Gate::open_to(listener.local_addr().unwrap()).await;
    let base = format!("http://{}", gate.addr());
    let ctx = Ctx::new(StdDuration::from_secs(60));
    let emu = xp_sandbox_okta::Emulator::new(ctx.clone(), Seed::Demo, url::Url::parse(&base).unwrap());
    let creds = emu.credentials();
    let app = emu.router();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    World {
        dir: tempfile::tempdir().unwrap(),
        base,
        clock: ManualClock::new(ctx.clock.now()),
        ctx,
        users: creds["users"].clone(),
        vault: Arc::new(xp_vault::MemoryStore::new()),
        client_id: creds["client_id"].as_str().unwrap().to_owned(),
        gate,
    }
}

impl World {
    fn config(&self, issuer_origin: &str) -> AppConfig {
        // The production profile (loopback is allowed there): these tests look at the vault's
        // production entries; profiles have their own tests.
        let mut config = AppConfig::parse("", "test", &Default::default()).unwrap();
        config.providers = sandbox_endpoints(&url::Url::parse(&self.base).unwrap());
        let issuer = url::Url::parse(&format!("{issuer_origin}/oauth2/default")).unwrap();
        config.providers.set(&xp_app::session::settings::OKTA_ENDPOINT, issuer.clone());
        config.okta.issuer = Some(issuer);
        config.okta.client_id = Some(self.client_id.clone());
        config
    }

    /// Opens the app (services + session) on the same data folder and vault: a restart.
    async fn open_with(&self, config: AppConfig) -> (Context, SessionService) {
        let app = self.app(config).await;
        let session = app.session().await.unwrap();
        (app.ctx, session)
    }

    /// The runtime on this world's data folder and vault, before the session opens.
    async fn app(&self, config: AppConfig) -> App {
        App::with_vault(
            config,
            Paths::resolve(Some(self.dir.path())),
            self.vault.clone(),
            vec![],
            Arc::new(self.clock.clone()),
        )
        .await
        .unwrap()
    }

    async fn open(&self) -> (Context, SessionService) {
        self.open_with(self.config(&self.base)).await
    }

    /// The app opened while the provider cannot be reached (nothing listens on its address).
    async fn open_offline(&self) -> (Context, SessionService) {
        self.gate.close().await;
        self.open().await
    }

    fn username(&self, role: &str) -> String {
        let group = format!("XP-{role}s");
        let u = self
            .users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["groups"].as_array().unwrap().contains(&group.clone().into()));
        u.unwrap()["username"].as_str().unwrap().to_owned()
    }

    /// Starts a sign-in and plays the browser: the sandbox signs `username` in at once and
    /// answers with the redirect the OS would hand to the app. Returns that redirect URL.
    async fn browser_sign_in(&self, session: &SessionService, username: &str) -> String {
        let seen = Arc::new(Mutex::new(None));
        let s = seen.clone();
        let status = session.begin_sign_in(move |u| *s.lock().unwrap() = Some(u.clone())).await.unwrap();
        // Someone already signed in keeps working while another sign-in runs.
        assert!(matches!(status.state, SessionState::SigningIn | SessionState::SignedIn), "{status:?}");
        let mut url = seen.lock().unwrap().take().unwrap();
        url.query_pairs_mut().append_pair("login_hint", username).append_pair("sandbox_auto", "1");
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let r = http.get(url).send().await.unwrap();
        assert_eq!(r.status(), 302, "{}", r.text().await.unwrap());
        r.headers()["location"].to_str().unwrap().to_owned()
    }

    /// The authorize URL the next sign-in opens.
    async fn authorize_url(&self, session: &SessionService) -> url::Url {
        let seen = Arc::new(Mutex::new(None));
        let s = seen.clone();
        session.begin_sign_in(move |u| *s.lock().unwrap() = Some(u.clone())).await.unwrap();
        session.cancel_sign_in().await.unwrap();
        let url = seen.lock().unwrap().take().unwrap();
        url
    }

    async fn sign_in(&self, session: &SessionService, role: &str) {
        let redirect = self.browser_sign_in(session, &self.username(role)).await;
        assert!(redirect.starts_with("com.xeropartner.app:/auth/callback?"), "{redirect}");
        let status = session.complete_sign_in(&redirect).await.unwrap();
        assert_eq!(status.state, SessionState::SignedIn, "{:?}", status.message);
    }

    async fn rotate_keys(&self) {
        let r = reqwest::Client::new().post(format!("{}/_sandbox/rotate-keys", self.base)).send().await.unwrap();
        assert!(r.status().is_success());
    }

    fn advance(&self, by: Duration) {
        self.clock.advance(by);
        self.ctx.clock.advance(by);
    }
}

fn code(r: xp_app::Result<()>) -> ErrorCode {
    r.unwrap_err().code()
}

#[tokio::test]
async fn each_group_signs_in_with_its_role_and_the_window_never_sees_a_token() {
    let w = world().await;
    let (services, session) = w.open().await;
    let before = session.status().await.unwrap();
    assert_eq!((before.mode, before.state), (SignInMode::Okta, SessionState::SignedOut));
    assert_eq!(code(session.require(Permission::Read).await), ErrorCode::SignInRequired);

    for (group, role) in [("Owner", Role::Owner), ("Accountant", Role::Accountant), ("Viewer", Role::Viewer)] {
        w.sign_in(&session, group).await;
        let s = session.status().await.unwrap();
        let user = s.user.clone().unwrap();
        assert_eq!(user.role, Some(role));
        assert_eq!(user.email, w.username(group));
        assert!(s.permissions.contains(&Permission::Read));
        assert_eq!(s.permissions.contains(&Permission::ManageConnections), role == Role::Owner);
        assert_eq!(s.permissions.contains(&Permission::Export), role >= Role::Accountant);
        // Nothing that crosses IPC carries a token.
        let json = serde_json::to_string(&s).unwrap();
        let refresh = w.vault.get("okta/refresh/session").unwrap().unwrap();
        assert!(!json.contains(refresh.expose().as_str()));
        assert!(!json.contains("eyJ"), "no JWT in the status: {json}");
        assert_eq!(services.actor(), w.username(group), "audit entries name the signed-in user");
        session.sign_out().await.unwrap();
    }
    let audit = services.audit_events(50).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "session.sign_in").count(), 3);
    assert!(audit.iter().any(|e| e.action == "session.sign_in" && e.detail.contains("\"viewer\"")));
}

#[tokio::test]
async fn a_viewer_is_refused_owner_and_accountant_actions_with_a_way_to_get_access() {
    let w = world().await;
    let (services, session) = w.open().await;
    w.sign_in(&session, "Viewer").await;
    session.require(Permission::Read).await.unwrap();
    let e = session.require(Permission::ManageConnections).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    let msg = e.to_string();
    assert!(msg.contains("owner") && msg.contains("viewer") && msg.contains("XP-Owners"), "{msg}");
    assert_eq!(code(session.require(Permission::Export).await), ErrorCode::Forbidden);
    let denied: Vec<_> =
        services.audit_events(20).await.unwrap().into_iter().filter(|e| e.action == "access.denied").collect();
    assert_eq!(denied.len(), 2, "each refusal by role is audited");
    assert!(denied.iter().any(|e| e.detail.contains("\"export\"") && e.detail.contains("\"viewer\"")), "{denied:?}");
    assert!(denied.iter().all(|e| e.subject == w.username("Viewer")));
    let e = session
        .update_settings(SessionSettings { mode: SignInMode::SingleUser, idle_lock_minutes: 0, offline_grace_days: 7 })
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden, "a viewer cannot switch sign-in off");
    assert_eq!(session.status().await.unwrap().mode, SignInMode::Okta);
}

#[tokio::test]
async fn a_foreign_state_a_replayed_answer_and_a_replayed_code_are_refused() {
    let w = world().await;
    let (services, session) = w.open().await;

    // An answer for a sign-in this app never started.
    let e = session.complete_sign_in("com.xeropartner.app:/auth/callback?code=abc&state=forged").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().contains("does not belong to a sign-in this app started"), "{e}");
    assert_eq!(session.status().await.unwrap().state, SessionState::SignedOut);

    // The real answer works once; the same URL again is a replay.
    let redirect = w.browser_sign_in(&session, &w.username("Owner")).await;
    session.complete_sign_in(&redirect).await.unwrap();
    let e = session.complete_sign_in(&redirect).await.unwrap_err();
    assert!(e.to_string().contains("already used"), "{e}");
    assert_eq!(session.status().await.unwrap().state, SessionState::SignedIn, "a replay does not end the session");

    // A fresh state carrying an already redeemed code: the token endpoint refuses it.
    let fresh = w.browser_sign_in(&session, &w.username("Viewer")).await;
    let fresh_state =
        url::Url::parse(&fresh).unwrap().query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    let old_code = url::Url::parse(&redirect).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let spliced = format!("com.xeropartner.app:/auth/callback?code={old_code}&state={fresh_state}");
    let e = session.complete_sign_in(&spliced).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReconnectNeeded, "invalid_grant: {e}");
    let status = session.status().await.unwrap();
    assert!(status.message.unwrap().contains("no longer accepts"));
    let audit = services.audit_events(50).await.unwrap();
    assert!(audit.iter().filter(|e| e.action == "session.sign_in_refused").count() >= 3);
    assert!(audit.iter().all(|e| !e.detail.contains(&old_code)), "codes never reach the audit log");
}

/// An error answer as a web page or another program could send it through the deep link:
/// provider text that claims something and tries to forge a log line.
fn planted_error(state: &str, error: &str) -> String {
    format!(
        "com.xeropartner.app:/auth/callback?state={state}&error={error}&error_description=Okta%20has%20moved%3A%20sign%20in%20at%20https%3A%2F%2Fevil.example%0A2026-01-01T00%3A00%3A00Z%20INFO%20signed%20in"
    )
}

#[tokio::test]
async fn an_error_answer_for_no_pending_sign_in_changes_nothing_and_is_not_audited() {
    let w = world().await;
    let (services, session) = w.open().await;
    let before = services.audit_events(50).await.unwrap().len();
    let status = session.complete_sign_in(&planted_error("zz", "access_denied")).await.unwrap();
    assert_eq!(status.message, None, "a stray error answer must not put text on the login page");
    assert_eq!(status.state, SessionState::SignedOut);
    // With a sign-in on screen, an error answer carrying another state leaves it running.
    session.begin_sign_in(|_| {}).await.unwrap();
    let status = session.complete_sign_in(&planted_error("not-the-pending-one", "login_required")).await.unwrap();
    assert_eq!(status.state, SessionState::SigningIn, "the real sign-in is still waiting");
    assert_eq!(status.message, None);
    assert_eq!(services.audit_events(50).await.unwrap().len(), before, "stray answers write no audit row");
}

#[tokio::test]
async fn an_error_answer_for_the_pending_sign_in_shows_the_fixed_message_for_its_code() {
    let w = world().await;
    let (services, session) = w.open().await;
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    session.begin_sign_in(move |u| *s.lock().unwrap() = Some(u.clone())).await.unwrap();
    let url: url::Url = seen.lock().unwrap().take().unwrap();
    let state = url.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    let e = session.complete_sign_in(&planted_error(&state, "login_required")).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Provider);
    let status = session.status().await.unwrap();
    assert_eq!(status.state, SessionState::SignedOut, "the answer ends the sign-in it belongs to");
    let message = status.message.unwrap();
    assert!(message.contains("needs you to sign in again"), "the fixed text for login_required: {message}");
    assert!(!message.contains("evil.example") && !message.contains("moved"), "no provider text: {message}");
    let refused: Vec<_> = services
        .audit_events(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "session.sign_in_refused")
        .collect();
    assert_eq!(refused.len(), 1, "the real answer is audited once");
    assert!(
        !refused[0].detail.contains("evil.example"),
        "provider text stays out of the audit log: {}",
        refused[0].detail
    );
}

#[tokio::test]
async fn an_answer_naming_another_issuer_is_refused_rfc_9207() {
    let w = world().await;
    let (_, session) = w.open().await;
    let redirect = w.browser_sign_in(&session, &w.username("Owner")).await;
    let e = session.complete_sign_in(&format!("{redirect}&iss=https%3A%2F%2Fevil.example")).await.unwrap_err();
    assert!(e.to_string().contains("RFC 9207"), "a mix-up with another authorization server: {e}");
    assert_eq!(session.status().await.unwrap().state, SessionState::SignedOut);
    let redirect = w.browser_sign_in(&session, &w.username("Owner")).await;
    let issuer = format!("{}/oauth2/default", w.base);
    let named =
        format!("{redirect}&iss={}", url::form_urlencoded::byte_serialize(issuer.as_bytes()).collect::<String>());
    assert_eq!(
        session.complete_sign_in(&named).await.unwrap().state,
        SessionState::SignedIn,
        "the right issuer passes"
    );
}

#[tokio::test]
async fn an_answer_after_the_sign_in_expired_or_was_cancelled_is_refused() {
    let w = world().await;
    let (_, session) = w.open().await;
    let redirect = w.browser_sign_in(&session, &w.username("Owner")).await;
    // The pending sign-in (with its nonce and verifier) lives 10 minutes.
    w.clock.advance(Duration::minutes(10) + Duration::seconds(1));
    let e = session.complete_sign_in(&redirect).await.unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
    assert_eq!(session.status().await.unwrap().state, SessionState::SignedOut);

    let redirect = w.browser_sign_in(&session, &w.username("Owner")).await;
    session.cancel_sign_in().await.unwrap();
    let e = session.complete_sign_in(&redirect).await.unwrap_err();
    assert!(e.to_string().contains("cancelled"), "{e}");
    assert_eq!(session.status().await.unwrap().state, SessionState::SignedOut);
}

#[tokio::test]
async fn signing_keys_rotate_without_a_restart() {
    let w = world().await;
    let (_, session) = w.open().await;
    w.sign_in(&session, "Owner").await;
    // The ring publishes previous, current and next; three rotations retire every key the
    // app has cached, so the next token's kid is unknown to it.
    for _ in 0..3 {
        w.rotate_keys().await;
    }
    session.sign_out().await.unwrap();
    w.sign_in(&session, "Accountant").await;
    assert_eq!(session.status().await.unwrap().user.unwrap().role, Some(Role::Accountant));
    let fetches = w.ctx.counters.requests("okta", "GET /oauth2/default/v1/keys");
    assert_eq!(fetches, 2, "one fetch at the first sign-in, one for the unknown kid");
}

#[tokio::test]
async fn offline_grace_holds_to_its_edge_and_asks_for_an_online_sign_in_after() {
    let w = world().await;
    {
        let (_, session) = w.open().await;
        w.sign_in(&session, "Owner").await;
    }
    let signed_in_at = w.clock.now();

    // Reopened offline one second before the edge: works from the cache, marked offline.
    w.clock.set(signed_in_at + Duration::days(7) - Duration::seconds(1));
    let (services, session) = w.open_offline().await;
    assert_eq!(services.connectivity().online, None, "unknown before the first request");
    session.revalidate().await.unwrap();
    let c = services.connectivity();
    assert_eq!(
        (c.online, c.unreachable_hosts),
        (Some(false), vec!["127.0.0.1".to_owned()]),
        "the app knows it is offline"
    );
    session.require(Permission::ManageConnections).await.unwrap();
    let s = session.status().await.unwrap();
    assert!(s.offline && s.state == SessionState::SignedIn, "{s:?}");
    assert_eq!(s.offline_until.as_deref(), Some(xp_core::rfc3339(signed_in_at + Duration::days(7)).as_str()));

    // Exactly at the edge still works; one second after, an online sign-in is needed.
    w.clock.set(signed_in_at + Duration::days(7));
    session.require(Permission::Read).await.unwrap();
    w.clock.set(signed_in_at + Duration::days(7) + Duration::seconds(1));
    let e = session.require(Permission::Read).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInRequired);
    assert!(e.to_string().contains("more than 7 days"), "{e}");
    assert_eq!(session.status().await.unwrap().state, SessionState::GraceExpired);
}

#[tokio::test]
async fn going_online_again_renews_the_grace_period_with_a_rotated_refresh_token() {
    let w = world().await;
    let (_, session) = w.open().await;
    w.sign_in(&session, "Owner").await;
    // This test is about the grace period: no idle lock in the way of six quiet days.
    session
        .update_settings(SessionSettings { mode: SignInMode::Okta, idle_lock_minutes: 0, offline_grace_days: 7 })
        .await
        .unwrap();
    let first = w.vault.get("okta/refresh/session").unwrap().unwrap();
    w.advance(Duration::days(6));
    session.revalidate().await.unwrap();
    let s = session.status().await.unwrap();
    assert!(!s.offline);
    assert_eq!(s.last_validated_at.as_deref(), Some(xp_core::rfc3339(w.clock.now()).as_str()));
    let second = w.vault.get("okta/refresh/session").unwrap().unwrap();
    assert_ne!(first.expose(), second.expose(), "the refresh token rotated and the new one is kept");
    w.advance(Duration::days(6));
    session.require(Permission::Read).await.unwrap();
}

#[tokio::test]
async fn sign_out_revokes_the_refresh_token_and_a_revoked_session_ends() {
    let w = world().await;
    let (services, session) = w.open().await;
    w.sign_in(&session, "Owner").await;
    let refresh = w.vault.get("okta/refresh/session").unwrap().unwrap();
    let status = session.sign_out().await.unwrap();
    assert_eq!(status.state, SessionState::SignedOut);
    assert!(status.message.is_none(), "revoked online: {:?}", status.message);
    assert!(w.vault.get("okta/refresh/session").unwrap().is_none());
    assert!(w.vault.get("okta/id/session").unwrap().is_none());
    let token_url = url::Url::parse(&format!("{}/oauth2/default/v1/token", w.base)).unwrap();
    let http = xp_http::HttpClient::new(Default::default()).unwrap();
    let e = xp_auth::refresh(&http, &w.clock, &token_url, &w.client_id, &refresh).await.unwrap_err();
    assert!(matches!(e, xp_auth::Error::InvalidGrant { .. }), "{e:?}");

    // Revoked elsewhere (an admin ended it): the next online check ends the session here.
    w.sign_in(&session, "Owner").await;
    let refresh = w.vault.get("okta/refresh/session").unwrap().unwrap();
    let form =
        [("token", refresh.expose().as_str()), ("token_type_hint", "refresh_token"), ("client_id", &w.client_id)];
    reqwest::Client::new().post(format!("{}/oauth2/default/v1/revoke", w.base)).form(&form).send().await.unwrap();
    session.revalidate().await.unwrap();
    let s = session.status().await.unwrap();
    assert_eq!(s.state, SessionState::SignedOut);
    assert!(s.message.unwrap().contains("Sign in again"));
    assert!(services.audit_events(20).await.unwrap().iter().any(|e| e.action == "session.end"));
}

#[tokio::test]
async fn idle_time_locks_and_the_lock_survives_a_restart() {
    let w = world().await;
    let (_, session) = w.open().await;
    w.sign_in(&session, "Owner").await;
    assert_eq!(session.status().await.unwrap().idle_lock_minutes, 15);
    w.advance(Duration::minutes(14));
    session.activity().await.unwrap();
    w.advance(Duration::minutes(14));
    session.require(Permission::Read).await.unwrap();
    w.advance(Duration::minutes(1));
    assert_eq!(code(session.require(Permission::Read).await), ErrorCode::Locked);
    let s = session.status().await.unwrap();
    assert_eq!(s.state, SessionState::Locked);
    assert!(s.permissions.is_empty(), "a locked session shows nothing");

    let (_, reopened) = w.open().await;
    assert_eq!(reopened.status().await.unwrap().state, SessionState::Locked, "quitting does not unlock");
    assert_eq!(code(reopened.require(Permission::Read).await), ErrorCode::Locked);
    w.sign_in(&reopened, "Owner").await;
    reopened.require(Permission::Read).await.unwrap();

    reopened.lock().await.unwrap();
    assert_eq!(code(reopened.require(Permission::Read).await), ErrorCode::Locked, "manual lock");
}

/// Security review 2026-12 #1: the first keypress after a long absence used to restart the idle
/// clock (the lock was only decided when something polled the status at the right moment).
#[tokio::test]
async fn input_after_the_idle_limit_does_not_cancel_the_lock() {
    let w = world().await;
    let (_, session) = w.open().await;
    w.sign_in(&session, "Owner").await;
    w.advance(Duration::minutes(16)); // idle lock at 15; nobody polled meanwhile (window hidden)
    session.activity().await.unwrap(); // the first keypress when someone sits down
    assert_eq!(session.status().await.unwrap().state, SessionState::Locked);
    assert_eq!(code(session.require(Permission::Read).await), ErrorCode::Locked, "data commands refuse");
    session.activity().await.unwrap();
    assert_eq!(session.status().await.unwrap().state, SessionState::Locked, "more input changes nothing");
}

/// Security review 2026-12 #8: background sync asks this before it pushes progress (which
/// names organisations) to the window.
#[tokio::test]
async fn background_work_may_show_data_only_to_a_signed_in_unlocked_window() {
    let w = world().await;
    let (_, session) = w.open().await;
    assert!(!session.window_may_see_data(), "signed out");
    w.sign_in(&session, "Viewer").await;
    assert!(session.window_may_see_data(), "signed in");
    w.advance(Duration::minutes(16));
    assert!(!session.window_may_see_data(), "idle past the limit, before anything persisted the lock");
    session.activity().await.unwrap();
    assert!(!session.window_may_see_data(), "locked");
}

/// Security review 2026-12 #3: after a sign-out the rule "ask for the password" lived only in
/// memory, so after a restart the next person got the previous user's Okta session in one click.
#[tokio::test]
async fn after_sign_out_and_a_restart_okta_still_asks_for_the_password() {
    let w = world().await;
    let (_, session) = w.open().await;
    let prompt = |u: &url::Url| u.query_pairs().find(|(k, _)| k == "prompt").map(|(_, v)| v.into_owned());
    w.sign_in(&session, "Owner").await;
    session.sign_out().await.unwrap();
    drop(session);
    let (_, reopened) = w.open().await;
    let url = w.authorize_url(&reopened).await;
    assert_eq!(prompt(&url).as_deref(), Some("login"), "the restart did not forget the sign-out");
    assert!(url.query_pairs().any(|(k, v)| k == "max_age" && v == "0"));
    // And the restarted app still checks the proof: an answer authenticated before its request
    // (Okta's clock two minutes behind the app's) is refused.
    w.clock.advance(Duration::minutes(2));
    let stale = w.browser_sign_in(&reopened, &w.username("Owner")).await;
    let e = reopened.complete_sign_in(&stale).await.unwrap_err();
    assert!(e.to_string().contains("did not ask for the password"), "{e}");
    w.ctx.clock.advance(Duration::minutes(2));
    w.sign_in(&reopened, "Owner").await;
    let (_, again) = w.open().await;
    assert_eq!(prompt(&w.authorize_url(&again).await), None, "a fresh sign-in clears the requirement");
}

/// Security review 2026-12 #9: an answer whose ID token fails validation was taken for "offline"
/// and the session lived on with the old role for the whole grace period.
#[tokio::test]
async fn a_refreshed_id_token_that_fails_validation_ends_the_session() {
    let w = world().await;
    let (services, session) = w.open().await;
    w.sign_in(&session, "Owner").await;
    session
        .update_settings(SessionSettings { mode: SignInMode::Okta, idle_lock_minutes: 0, offline_grace_days: 7 })
        .await
        .unwrap();
    // The app's clock runs two hours ahead of Okta's: every ID token Okta issues has expired on
    // arrival, so the refresh answer cannot be trusted.
    w.clock.advance(Duration::hours(2));
    session.revalidate().await.unwrap();
    let s = session.status().await.unwrap();
    assert_eq!(s.state, SessionState::SignedOut, "ended, not offline: {s:?}");
    assert!(!s.offline);
    assert!(s.message.as_deref().unwrap_or_default().contains("rejected"), "{:?}", s.message);
    assert!(w.vault.get("okta/refresh/session").unwrap().is_none(), "the tokens of that answer are not kept");
    assert!(services.audit_events(10).await.unwrap().iter().any(|e| e.action == "session.end"));
}

#[tokio::test]
async fn after_a_lock_or_sign_out_okta_must_ask_for_credentials_again() {
    let w = world().await;
    let (_, session) = w.open().await;
    let prompt = |u: &url::Url| u.query_pairs().find(|(k, _)| k == "prompt").map(|(_, v)| v.into_owned());
    assert_eq!(prompt(&w.authorize_url(&session).await), None, "a first sign-in may use the browser's Okta session");
    w.sign_in(&session, "Owner").await;
    session.lock().await.unwrap();
    let url = w.authorize_url(&session).await;
    assert_eq!(prompt(&url).as_deref(), Some("login"), "unlocking needs the password");
    assert!(url.query_pairs().any(|(k, v)| k == "max_age" && v == "0"), "and proof of it in auth_time");
    // An answer authenticated before the lock (Okta reused its browser session, or the
    // parameter was stripped on the way) is refused: auth_time must be after the request.
    w.clock.advance(Duration::minutes(2));
    let stale = w.browser_sign_in(&session, &w.username("Owner")).await;
    let e = session.complete_sign_in(&stale).await.unwrap_err();
    assert!(e.to_string().contains("did not ask for the password"), "{e}");
    w.ctx.clock.advance(Duration::minutes(2));
    let (_, reopened) = w.open().await;
    assert_eq!(prompt(&w.authorize_url(&reopened).await).as_deref(), Some("login"), "also after a restart");
    w.sign_in(&reopened, "Owner").await;
    assert_eq!(prompt(&w.authorize_url(&reopened).await), None);
    reopened.sign_out().await.unwrap();
    assert_eq!(prompt(&w.authorize_url(&reopened).await).as_deref(), Some("login"), "the next person signs in fresh");
}

#[tokio::test]
async fn single_user_mode_is_an_owner_choice_and_needs_no_sign_in() {
    let w = world().await;
    let (_, session) = w.open().await;
    w.sign_in(&session, "Owner").await;
    let s = session
        .update_settings(SessionSettings { mode: SignInMode::SingleUser, idle_lock_minutes: 5, offline_grace_days: 3 })
        .await
        .unwrap();
    assert_eq!((s.mode, s.state), (SignInMode::SingleUser, SessionState::SignedIn));
    assert_eq!(s.user.unwrap().role, Some(Role::Owner));

    let (services, reopened) = w.open().await;
    reopened.require(Permission::ManageSignIn).await.unwrap();
    assert_eq!(services.actor(), "owner");
    assert!(reopened.lock().await.is_err(), "nothing to unlock with in single-user mode");
    let e = reopened
        .update_settings(SessionSettings { mode: SignInMode::Okta, idle_lock_minutes: 5, offline_grace_days: 0 })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("offline grace"), "{e}");

    // Without Okta configured, single-user is the default and Okta cannot be chosen.
    let mut config = w.config(&w.base);
    config.okta.client_id = None;
    let dir = tempfile::tempdir().unwrap();
    let app = App::with_vault(
        config,
        Paths::resolve(Some(dir.path())),
        Arc::new(xp_vault::MemoryStore::new()),
        vec![],
        Arc::new(w.clock.clone()),
    )
    .await
    .unwrap();
    let plain = app.session().await.unwrap();
    let s = plain.status().await.unwrap();
    assert!(!s.okta_configured);
    assert_eq!(s.mode, SignInMode::SingleUser);
    let e = plain
        .update_settings(SessionSettings { mode: SignInMode::Okta, idle_lock_minutes: 5, offline_grace_days: 7 })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not configured"), "{e}");
}

/// Security review 2026-12 #4: the issuer, client id, role map and mode are pinned in the
/// encrypted store at the first start; a configuration file written later only proposes.
#[tokio::test]
async fn a_configuration_file_cannot_change_who_signs_in_or_what_their_groups_grant() {
    let w = world().await;
    {
        let (_, session) = w.open().await;
        w.sign_in(&session, "Viewer").await;
    }
    // Every Okta user is in "Everyone": a file mapping it to owner would promote the viewer.
    let mut everyone_owns = w.config(&w.base);
    everyone_owns.okta.roles.owner = vec!["Everyone".into()];
    let (_, session) = w.open_with(everyone_owns.clone()).await;
    let s = session.status().await.unwrap();
    assert_eq!(s.user.as_ref().and_then(|u| u.role), Some(Role::Viewer), "{s:?}");
    assert_eq!(code(session.require(Permission::ManageConnections).await), ErrorCode::Forbidden);
    let proposed = s.proposed_sign_in.expect("the file's role map is shown as a proposal");
    assert_eq!(proposed.role_groups.iter().find(|g| g.role == Role::Owner).unwrap().groups, ["Everyone"]);
    assert_eq!(
        session.adopt_proposed_sign_in().await.unwrap_err().code(),
        ErrorCode::Forbidden,
        "only an owner adopts"
    );

    // `--config /dev/null`: Okta stays, with the pinned issuer; nobody becomes single-user owner.
    let empty = AppConfig::parse("", "test", &Default::default()).unwrap();
    let (_, session) = w.open_with(empty).await;
    let s = session.status().await.unwrap();
    assert_eq!((s.mode, s.okta_configured), (SignInMode::Okta, true), "{s:?}");
    assert_eq!(s.user.and_then(|u| u.role), Some(Role::Viewer));
    assert_eq!(code(session.require(Permission::ManageSignIn).await), ErrorCode::Forbidden);

    // A file naming another identity provider: sign-in still goes to the pinned one.
    let elsewhere = w.config("http://127.0.0.1:9");
    let (_, session) = w.open_with(elsewhere.clone()).await;
    let url = w.authorize_url(&session).await;
    assert_eq!(url.port(), Some(w.gate.addr().port()), "{url}");

    // An owner adopts the role map; the change is audited and is no proposal at the next start.
    let (ctx, session) = w.open_with(everyone_owns.clone()).await;
    w.sign_in(&session, "Owner").await;
    let s = session.adopt_proposed_sign_in().await.unwrap();
    assert!(s.proposed_sign_in.is_none());
    assert_eq!(s.state, SessionState::SignedIn, "a new role map signs nobody out");
    let entries = xp_store::audit::list(&ctx.store, 1).await.unwrap();
    assert_eq!(entries[0].action, "settings.sign_in_identity");
    assert_eq!(entries[0].detail["to"]["roles"]["owner"], serde_json::json!(["Everyone"]));
    let (_, session) = w.open_with(everyone_owns).await;
    assert!(session.status().await.unwrap().proposed_sign_in.is_none());
    w.sign_in(&session, "Viewer").await;
    assert_eq!(session.status().await.unwrap().user.unwrap().role, Some(Role::Owner), "the adopted map applies");

    // Adopting another issuer ends the session on record: it was issued by the old one.
    let (_, session) = w.open_with(elsewhere).await;
    let s = session.adopt_proposed_sign_in().await.unwrap();
    assert_eq!(s.state, SessionState::SignedOut, "{s:?}");
    assert!(s.message.unwrap().contains("provider changed"));
    assert_eq!(s.okta_issuer.as_deref(), Some("http://127.0.0.1:9/oauth2/default"));
}

/// An installation that signed people in with Okta before the pin existed, started with a file
/// that lost its Okta settings, refuses to start rather than pin single-user mode.
#[tokio::test]
async fn an_okta_installation_from_before_the_pin_does_not_fall_back_to_single_user() {
    let w = world().await;
    let (ctx, session) = w.open().await;
    w.sign_in(&session, "Viewer").await;
    // What a version without the pin left behind: a sign-in record, nothing pinned.
    xp_store::settings::delete(&ctx.store, xp_app::session::pinned::PINNED_KEY).await.unwrap();
    xp_store::settings::delete(&ctx.store, xp_app::session::record::SETTINGS_KEY).await.unwrap();
    ctx.store.close().await;
    let app = w.app(AppConfig::parse("", "test", &Default::default()).unwrap()).await;
    let e = app.session().await.err().expect("refused");
    assert!(e.to_string().contains("no longer names the Okta issuer"), "{e}");
}

/// Security review 2026-12 #8: a long action asks again at its end, for the same person.
#[tokio::test]
async fn a_long_action_is_allowed_at_its_end_only_for_the_same_person_still_signed_in() {
    let w = world().await;
    let (_, session) = w.open().await;
    w.sign_in(&session, "Owner").await;
    let owner = session.subject();
    assert!(owner.is_some());
    session.require_same(Permission::ManageConnections, owner.as_deref()).await.unwrap();

    // Another person signed in while the browser step was pending.
    w.sign_in(&session, "Accountant").await;
    let e = session.require_same(Permission::Read, owner.as_deref()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInRequired, "{e}");

    // Locked meanwhile.
    w.sign_in(&session, "Owner").await;
    session.lock().await.unwrap();
    let e = session.require_same(Permission::ManageConnections, owner.as_deref()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Locked, "{e}");
}
