//! Connect → choose organisations → sync → read, against the Xero sandbox emulator.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;
use xp_app::config::{AppConfig, ProviderUrls, XeroSettings};
use xp_app::xero::XeroService;
use xp_app::{Paths, Services};
use xp_sandbox_kit::{Ctx, Seed};
use xp_sandbox_xero::{Bases, Emulator};

struct World {
    _dir: tempfile::TempDir,
    base: String,
    ctx: Ctx,
    emu: Arc<Emulator>,
    services: Services,
    xero: XeroService,
}

async fn world(seed: Seed) -> World {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let ctx = Ctx::new(Duration::from_secs(60));
    let at = |p: &str| url::Url::parse(&format!("{base}/xero/{p}")).unwrap();
    let emu = Arc::new(Emulator::new(
        ctx.clone(),
        seed,
        Bases { identity: at("identity"), login: at("login"), api: at("api") },
    ));
    let app = axum::Router::new().nest("/xero", emu.router());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let mut config = AppConfig::parse("profile = \"sandbox\"", "test", &Default::default()).unwrap();
    config.providers = ProviderUrls::sandbox(&url::Url::parse(&base).unwrap());
    config.xero = XeroSettings {
        client_id: Some(emu.credentials()["auto_consent_client_id"].as_str().unwrap().to_owned()),
        loopback_ports: vec![0],
        minute_ms: 60_000,
    };
    let vault = Arc::new(xp_vault::MemoryStore::new());
    let services =
        Services::with_vault(config, Paths::resolve(Some(dir.path())), vault, vec![], Arc::new(xp_core::SystemClock))
            .await
            .unwrap();
    let xero = XeroService::new(services.clone()).unwrap();
    World { _dir: dir, base, ctx, emu, services, xero }
}

/// Plays the browser: registers the loopback redirect with the emulator, then follows the
/// authorize redirect (the auto-consent client answers at once) to the app's listener.
fn browser(base: String) -> impl FnOnce(&url::Url) {
    move |authorize: &url::Url| {
        let authorize = authorize.clone();
        tokio::spawn(async move {
            let redirect = authorize.query_pairs().find(|(k, _)| k == "redirect_uri").unwrap().1.into_owned();
            let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            http.post(format!("{base}/xero/_sandbox/redirect-uris")).body(redirect).send().await.unwrap();
            let r = http.get(authorize).send().await.unwrap();
            let to = r.headers()["location"].to_str().unwrap().to_owned();
            http.get(to).send().await.unwrap();
        });
    }
}

#[tokio::test]
async fn connect_choose_sync_and_read_equal_the_sandbox() {
    let w = world(Seed::Demo).await;
    let connected = w.xero.connect(browser(w.base.clone())).await.unwrap();
    assert_eq!(connected.organisations.len(), 2);
    assert!(connected.organisations.iter().all(|o| !o.already_connected));
    let tenants: Vec<String> = connected.organisations.iter().map(|o| o.tenant_id.clone()).collect();
    let kept = w.xero.keep(&connected.connection_id, &tenants).await.unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().any(|o| o.base_currency.as_deref() == Some("CHF")));

    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let results = w.xero.sync(None, false, Arc::new(move |p| s.lock().unwrap().push(p))).await.unwrap();
    for (org, outcome) in &results {
        assert!(matches!(outcome, xp_sync::OrgOutcome::Done { .. }), "{}: {outcome:?}", org.name);
    }
    // The store holds exactly the sandbox's invoices, per organisation.
    for org in &kept {
        let upstream = w.emu.records(&org.tenant_id, "Invoices");
        let page = xp_store::xero::list_invoices(
            &w.services.store,
            &xp_store::xero::InvoiceQuery { organisation_id: Some(org.id.clone()), limit: 5000, ..Default::default() },
        )
        .await
        .unwrap();
        assert_eq!(page.total as usize, upstream.len(), "{}", org.name);
        let mut ids: Vec<String> = page.rows.iter().map(|r| r.invoice_id.to_ascii_lowercase()).collect();
        let mut want: Vec<String> =
            upstream.iter().map(|i| i["InvoiceID"].as_str().unwrap().to_ascii_lowercase()).collect();
        ids.sort();
        want.sort();
        assert_eq!(ids, want);
        let one = &upstream[3];
        let detail = xp_store::xero::get_invoice(&w.services.store, &org.id, one["InvoiceID"].as_str().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(detail.line_items.len(), one["LineItems"].as_array().unwrap().len(), "line items synced");
    }
    let orgs = w.xero.organisations().await.unwrap();
    assert!(orgs.iter().all(|o| o.last_synced_at.is_some() && o.budget_minute.is_some()), "{orgs:?}");
    assert!(seen.lock().unwrap().iter().any(|p| p.resource == "Invoices" && p.state == xp_sync::ProgressState::Done));

    // A second sync with no changes makes one call per resource and organisation.
    w.ctx.counters.reset();
    w.xero.sync(None, false, Arc::new(|_| {})).await.unwrap();
    let counts = w.ctx.counters.snapshot().requests;
    let accounting: u64 = counts.iter().filter(|(k, _)| k.starts_with("xero GET /api.xro")).map(|(_, v)| v).sum();
    assert_eq!(accounting, 2 * 9, "one call per endpoint per organisation: {counts:?}");
}
