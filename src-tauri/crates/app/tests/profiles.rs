//! Security review 2026-12 #2: a sandbox-profile run must never send a production token to the
//! sandbox. A production app connects Xero (tokens in the vault, a connection in the store);
//! then sandbox-profile apps start on the same keychain, once on the same data folder and once
//! on their own, and the sandbox's request log stays empty.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;
use xp_app::config::{sandbox_endpoints, AppConfig};
use xp_app::{App, Paths};
use xp_sandbox_kit::{Ctx, Seed};
use xp_sandbox_xero::{Bases, Emulator};

struct Xero {
    base: String,
    ctx: Ctx,
    emu: Arc<Emulator>,
}

async fn xero() -> Xero {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let ctx = Ctx::new(Duration::from_secs(60));
    let emu = Arc::new(Emulator::new(ctx.clone(), Seed::Demo, Bases::single(&url::Url::parse(&base).unwrap())));
    let app = emu.router();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Xero { base, ctx, emu }
}

fn config(profile: &str, x: &Xero) -> AppConfig {
    let mut config = AppConfig::parse(&format!("profile = \"{profile}\""), "test", &Default::default()).unwrap();
    config.providers = sandbox_endpoints(&url::Url::parse(&x.base).unwrap());
    config.xero.client_id = Some(x.emu.credentials()["auto_consent_client_id"].as_str().unwrap().to_owned());
    config.xero.loopback_ports = vec![0];
    config
}

async fn open(config: AppConfig, dir: &std::path::Path, vault: &xp_vault::MemoryStore) -> xp_app::Result<App> {
    App::with_vault(config, Paths::resolve(Some(dir)), Arc::new(vault.clone()), vec![], Arc::new(xp_core::SystemClock))
        .await
}

/// Plays the browser for the auto-consent registration.
fn browser(base: String) -> impl FnOnce(&url::Url) {
    move |authorize: &url::Url| {
        let authorize = authorize.clone();
        tokio::spawn(async move {
            let redirect = authorize.query_pairs().find(|(k, _)| k == "redirect_uri").unwrap().1.into_owned();
            let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            http.post(format!("{base}/_sandbox/redirect-uris")).body(redirect).send().await.unwrap();
            let r = http.get(authorize).send().await.unwrap();
            let to = r.headers()["location"].to_str().unwrap().to_owned();
            http.get(to).send().await.unwrap();
        });
    }
}

#[tokio::test]
async fn a_sandbox_profile_never_sends_a_production_token_to_the_sandbox() {
    let production = xero().await;
    let sandbox = xero().await;
    let vault = xp_vault::MemoryStore::new();
    let data = tempfile::tempdir().unwrap();

    // Production: connect Xero and sync, leaving its tokens in the (shared) keychain.
    let app = open(config("production", &production), data.path(), &vault).await.unwrap();
    let xero = app.xero().unwrap();
    let connected = xero.connect(browser(production.base.clone()), std::future::ready(Ok(()))).await.unwrap();
    let tenants: Vec<String> = connected.organisations.iter().map(|o| o.tenant_id.clone()).collect();
    xero.keep(connected.connection_id.parse().unwrap(), &tenants).await.unwrap();
    xero.sync(None, false, Arc::new(|_| {})).await.unwrap();
    assert!(
        production.ctx.counters.snapshot().requests.keys().any(|k| k.contains("/api.xro/")),
        "the production app really synced"
    );
    drop((xero, app));

    // The sandbox profile on the production data folder cannot even open it: the database key
    // (like every token) is filed under the production profile's names.
    let e = open(config("sandbox", &sandbox), data.path(), &vault).await.unwrap_err();
    assert_eq!(e.code(), xp_core::ErrorCode::StoreKeyMissing, "{e}");

    // On a folder of its own it opens, finds no connection, and its sync sends nothing.
    let own = tempfile::tempdir().unwrap();
    let app = open(config("sandbox", &sandbox), own.path(), &vault).await.unwrap();
    let e = app.xero().unwrap().sync(None, false, Arc::new(|_| {})).await.unwrap_err();
    assert!(e.to_string().contains("no Xero organisation to sync"), "nothing kept in the sandbox profile: {e}");

    let seen = sandbox.ctx.counters.snapshot().requests;
    assert!(seen.is_empty(), "the sandbox received requests (with whatever token they carried): {seen:?}");
}
