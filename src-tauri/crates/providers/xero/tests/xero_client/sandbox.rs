//! Starts the Xero emulator on an ephemeral loopback port and signs the headless demo user in
//! through xp-auth (auto-consent registration: the authorize call redirects with a code at once).

use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use url::Url;
use xp_auth::{authorize_url, exchange_code, AuthorizeRequest, Pkce};
use xp_core::{ManualClock, Sensitive};
use xp_http::{HttpClient, HttpConfig};
use xp_sandbox_kit::{Ctx, Fault, Seed};
use xp_sandbox_xero::{Bases, Emulator};
use xp_xero::{XeroClient, XeroConfig};

const REDIRECT: &str = "http://127.0.0.1:53682/callback";
const SCOPES: &[&str] = &[
    "offline_access",
    "accounting.invoices",
    "accounting.payments",
    "accounting.banktransactions",
    "accounting.contacts",
    "accounting.settings",
];

pub struct Sandbox {
    pub ctx: Ctx,
    pub emu: Arc<Emulator>,
    pub xero: XeroClient,
    pub token: Sensitive<String>,
    /// The demo organisations, in the emulator's own order (not the connections order).
    pub tenants: Vec<String>,
}

/// `minute`: the emulator's rate-limit minute, and the client's.
pub async fn start(minute: Duration) -> Sandbox {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let ctx = Ctx::new(minute);
    let emu = Arc::new(Emulator::new(ctx.clone(), Seed::Demo, Bases::single(&Url::parse(&base).unwrap())));
    let app = emu.router();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let http = HttpClient::new(HttpConfig::default()).unwrap();
    let token = sign_in(&base, &emu, &http).await;
    let creds = emu.credentials();
    let tenants =
        creds["tenants"].as_array().unwrap().iter().map(|t| t["tenantId"].as_str().unwrap().to_owned()).collect();
    let config = XeroConfig::sandbox(&Url::parse(&base).unwrap(), minute);
    Sandbox { ctx, emu, xero: XeroClient::new(http, config), token, tenants }
}

async fn sign_in(base: &str, emu: &Emulator, http: &HttpClient) -> Sensitive<String> {
    let client_id = emu.credentials()["auto_consent_client_id"].as_str().unwrap().to_owned();
    let pkce =
        Pkce::from_verifier(Sensitive::new("xp-xero-tests-verifier-0123456789-abcdefghijklmnopqrstuvwxyz".into()))
            .unwrap();
    let authorize = Url::parse(&format!("{base}/identity/connect/authorize")).unwrap();
    let url = authorize_url(
        &authorize,
        &AuthorizeRequest {
            client_id: &client_id,
            redirect_uri: REDIRECT,
            scopes: SCOPES,
            state: "xp-xero-tests",
            pkce: &pkce,
            nonce: None,
            extra: &[],
        },
    )
    .unwrap();
    // Play the browser: the auto-consent registration answers with the redirect at once.
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = browser.get(url).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "auto consent redirects with a code");
    let location = Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    let code = location.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()).unwrap();
    let token_url = Url::parse(&format!("{base}/connect/token")).unwrap();
    let clock = ManualClock::new(OffsetDateTime::now_utc());
    let tokens = exchange_code(http, &clock, &token_url, &client_id, &Sensitive::new(code), REDIRECT, &pkce.verifier)
        .await
        .unwrap();
    tokens.access_token
}

impl Sandbox {
    pub fn fault(&self, spec: &str) {
        self.ctx.faults.add(Fault::parse_spec(spec).unwrap());
    }

    pub fn faults_injected(&self) -> u64 {
        self.ctx.counters.snapshot().faults_injected.get("xero").copied().unwrap_or(0)
    }

    pub fn rate_limited(&self) -> u64 {
        self.ctx.counters.snapshot().rate_limited.get("xero").copied().unwrap_or(0)
    }
}
