//! Starts the Xero emulator on an ephemeral port and plays the browser.

use reqwest::StatusCode;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use url::Url;
use xp_auth::loopback::DEFAULT_PORTS;
use xp_auth::{
    authorize_url, exchange_code, AuthorizeRequest, LoopbackConfig, LoopbackReceiver, PendingFlow, Pkce, Registry,
    TokenSet,
};
use xp_core::{ManualClock, Sensitive};
use xp_http::{HttpClient, HttpConfig};
use xp_sandbox_kit::{Ctx, Seed};
use xp_sandbox_xero::{Bases, Emulator};

pub const SCOPES: &[&str] = &["offline_access", "accounting.invoices", "accounting.contacts"];

pub struct Sandbox {
    pub base: String,
    pub ctx: Ctx,
    pub emu: Arc<Emulator>,
    /// The "system browser": follows nothing by itself, so each hop is visible.
    pub browser: reqwest::Client,
    pub http: HttpClient,
    /// The app's clock; the sandbox keeps its own (`ctx.clock`).
    pub clock: ManualClock,
}

pub async fn start() -> Sandbox {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let ctx = Ctx::new(Duration::from_secs(60));
    let emu = Arc::new(Emulator::new(ctx.clone(), Seed::Empty, Bases::single(&Url::parse(&base).unwrap())));
    let app = emu.router();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let http = HttpClient::new(HttpConfig::default()).unwrap();
    Sandbox { base, ctx, emu, browser, http, clock: ManualClock::new(OffsetDateTime::now_utc()) }
}

impl Sandbox {
    pub fn token_url(&self) -> Url {
        Url::parse(&format!("{}/connect/token", self.base)).unwrap()
    }

    pub fn authorize_base(&self) -> Url {
        Url::parse(&format!("{}/identity/connect/authorize", self.base)).unwrap()
    }

    /// The headless demo user's app registration: consents at once.
    pub fn auto_client(&self) -> String {
        self.emu.credentials()["auto_consent_client_id"].as_str().unwrap().to_owned()
    }

    /// The interactive registration: shows a consent page.
    pub fn client(&self) -> String {
        self.emu.credentials()["client_id"].as_str().unwrap().to_owned()
    }

    pub fn refresh_calls(&self) -> u64 {
        self.ctx.counters.requests("xero", "POST /identity/connect/token refresh_token")
    }

    /// Binds the receiver on Xero's registered ports, or on any free port when other tests
    /// (nextest runs them as parallel processes) hold all three; the URI actually bound is
    /// registered with the emulator either way, as a developer would in the portal.
    pub async fn receiver(&self) -> LoopbackReceiver {
        let mut ports = DEFAULT_PORTS.to_vec();
        ports.push(0);
        let rx = LoopbackReceiver::bind(&LoopbackConfig { ports, timeout: Duration::from_secs(30) }).await.unwrap();
        let r = self
            .browser
            .post(format!("{}/_sandbox/redirect-uris", self.base))
            .body(rx.redirect_uri())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        rx
    }

    /// Starts a sign-in: returns the receiver's pending answer, the state and the URL to open.
    pub async fn begin(
        &self,
        registry: &Registry,
        client_id: &str,
    ) -> (tokio::task::JoinHandle<xp_auth::Result<xp_auth::Callback>>, String, Url) {
        let rx = self.receiver().await;
        let redirect_uri = rx.redirect_uri();
        let pkce = Pkce::generate(&mut rand::rngs::OsRng);
        let state = registry.start(PendingFlow {
            provider: "xero".into(),
            redirect_uri: redirect_uri.clone(),
            verifier: pkce.verifier.clone(),
            nonce: None,
            extra: Default::default(),
        });
        let url = authorize_url(
            &self.authorize_base(),
            &AuthorizeRequest {
                client_id,
                redirect_uri: &redirect_uri,
                scopes: SCOPES,
                state: state.as_str(),
                pkce: &pkce,
                nonce: None,
                extra: &[],
            },
        )
        .unwrap();
        (tokio::spawn(rx.receive(state.as_str().to_owned())), state.as_str().to_owned(), url)
    }

    /// What the browser does with a 303: go there. Returns the final page.
    pub async fn follow(&self, response: reqwest::Response) -> (StatusCode, String) {
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "the provider redirects back to the app");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("http://127.0.0.1:"), "redirected to the loopback receiver: {location}");
        let page = self.browser.get(location).send().await.unwrap();
        (page.status(), page.text().await.unwrap())
    }

    /// The whole loopback sign-in with the auto-consent user; returns the token set.
    pub async fn connect(&self) -> TokenSet {
        let registry = Registry::new(Arc::new(self.clock.clone()));
        let client = self.auto_client();
        let (waiting, _, url) = self.begin(&registry, &client).await;
        let (status, _) = self.follow(self.browser.get(url).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let cb = waiting.await.unwrap().unwrap();
        let flow = registry.take(&cb.state, "xero").unwrap();
        exchange_code(&self.http, &self.clock, &self.token_url(), &client, &cb.code, &flow.redirect_uri, &flow.verifier)
            .await
            .unwrap()
    }

    /// `GET /connections` with the token: the proof that an access token works.
    pub async fn connections(&self, access: &Sensitive<String>) -> (StatusCode, serde_json::Value) {
        let r =
            self.browser.get(format!("{}/connections", self.base)).bearer_auth(access.expose()).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or_default())
    }
}
