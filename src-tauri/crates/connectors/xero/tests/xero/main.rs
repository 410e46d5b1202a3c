//! Connect → choose organisations → sync → read, against the Xero sandbox emulator: the
//! connector over a real runtime (encrypted store, memory vault), without the app around it.
#![allow(clippy::unwrap_used)]

mod outbox;
mod settlement;

use std::sync::{Arc, Mutex};
use std::time::Duration;
use xp_connect_xero::{Settings, XeroService};
use xp_context::CancellationToken;
use xp_context::{Context, Endpoints, Paths};
use xp_core::ids::ConnectionId;
use xp_sandbox_kit::{Ctx, Seed};
use xp_sandbox_xero::{Bases, Emulator};

struct World {
    _dir: tempfile::TempDir,
    base: String,
    ctx: Ctx,
    emu: Arc<Emulator>,
    services: Context,
    settings: Settings,
    xero: XeroService,
}

async fn world(seed: Seed) -> World {
    world_with(seed, 60_000).await
}

async fn world_with(seed: Seed, minute_ms: u64) -> World {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (ctx, emu) = serve_emulator(listener, seed, minute_ms, &base);
    runtime(base, ctx, emu, minute_ms).await
}

/// The emulator on `listener`, answering as if it lived at `base` (its redirects and issuer).
fn serve_emulator(listener: tokio::net::TcpListener, seed: Seed, minute_ms: u64, base: &str) -> (Ctx, Arc<Emulator>) {
    let ctx = Ctx::new(Duration::from_millis(minute_ms));
    let emu = Arc::new(Emulator::new(ctx.clone(), seed, Bases::single(&url::Url::parse(base).unwrap())));
    let app = emu.router();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (ctx, emu)
}

/// A fresh runtime (encrypted store, memory vault) and the connector, talking to `base`.
async fn runtime(base: String, ctx: Ctx, emu: Arc<Emulator>, minute_ms: u64) -> World {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        client_id: Some(emu.credentials()["auto_consent_client_id"].as_str().unwrap().to_owned()),
        loopback_ports: vec![0],
        minute_ms,
        https_redirect_uri: None,
    };
    let vault = Arc::new(xp_vault::MemoryStore::new());
    let services = Context::open(
        xp_ipc::Profile::Sandbox,
        Endpoints::sandbox(&xp_connect_xero::ENDPOINTS, &url::Url::parse(&base).unwrap()),
        Paths::resolve(Some(dir.path())),
        vault,
        vec![],
        Arc::new(xp_core::SystemClock),
    )
    .await
    .unwrap();
    let xero = XeroService::new(services.clone(), settings.clone()).unwrap();
    World { _dir: dir, base, ctx, emu, services, settings, xero }
}

fn connection(id: &str) -> ConnectionId {
    id.parse().unwrap()
}

/// Plays the browser: registers the loopback redirect with the emulator, then follows the
/// authorize redirect (the auto-consent client answers at once) to the app's listener.
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
async fn connect_choose_sync_and_read_equal_the_sandbox() {
    let w = world(Seed::Demo).await;
    let connected = w.xero.connect(browser(w.base.clone()), std::future::ready(Ok(()))).await.unwrap();
    assert_eq!(connected.organisations.len(), 2);
    assert!(connected.organisations.iter().all(|o| !o.already_connected));
    let tenants: Vec<String> = connected.organisations.iter().map(|o| o.tenant_id.clone()).collect();
    let kept = w.xero.keep(connection(&connected.connection_id), &tenants).await.unwrap();
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
            &xp_store::xero::InvoiceQuery {
                organisation_id: Some(org.id.parse().unwrap()),
                limit: 5000,
                ..Default::default()
            },
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
        let detail =
            xp_store::xero::get_invoice(&w.services.store, org.id.parse().unwrap(), one["InvoiceID"].as_str().unwrap())
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

/// Security review 2026-12 #8: the session is asked again once the browser step is over; a
/// lock or another person's sign-in meanwhile keeps nothing, and Xero's grant is withdrawn.
#[tokio::test]
async fn a_connection_the_session_no_longer_allows_when_the_browser_returns_is_not_kept() {
    let w = world(Seed::Demo).await;
    let refused = async {
        Err(xp_context::Error::Denied {
            code: xp_core::ErrorCode::Locked,
            message: "Xero Partner is locked; sign in again to continue".into(),
        })
    };
    let e = w.xero.connect(browser(w.base.clone()), refused).await.unwrap_err();
    assert_eq!(e.code(), xp_core::ErrorCode::Locked, "{e}");
    let connections = xp_store::connections::list(&w.services.store).await.unwrap();
    assert!(connections.is_empty(), "nothing kept: {connections:?}");
    let actions: Vec<String> =
        xp_store::audit::list(&w.services.store, 10).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(!actions.iter().any(|a| a == "connection.add"), "{actions:?}");
    let counts = w.ctx.counters.snapshot().requests;
    assert_eq!(counts.get("xero POST /identity/connect/revocation"), Some(&1), "{counts:?}");

    // The audit entry names who started the connection, even if the actor changed meanwhile.
    w.services.set_actor("olivia.owner@example.com".into());
    let services = w.services.clone();
    let later = async move {
        services.set_actor("someone.else@example.com".into());
        Ok(())
    };
    w.xero.connect(browser(w.base.clone()), later).await.unwrap();
    let newest = xp_store::audit::list(&w.services.store, 1).await.unwrap().remove(0);
    assert_eq!((newest.action.as_str(), newest.actor.as_str()), ("connection.add", "olivia.owner@example.com"));
}

async fn connect_all(w: &World) -> Vec<xp_ipc::Organisation> {
    let connected = w.xero.connect(browser(w.base.clone()), std::future::ready(Ok(()))).await.unwrap();
    let tenants: Vec<String> = connected.organisations.iter().map(|o| o.tenant_id.clone()).collect();
    w.xero.keep(connection(&connected.connection_id), &tenants).await.unwrap()
}

/// Syncs until every organisation is done (a failed resource resumes on the next run).
async fn sync_until_done(w: &World, report: Arc<dyn Fn(xp_sync::Progress) + Send + Sync>) -> usize {
    for run in 1..=8 {
        let results = w.xero.sync(None, false, report.clone()).await.unwrap();
        if results.iter().all(|(_, o)| matches!(o, xp_sync::OrgOutcome::Done { .. })) {
            return run;
        }
    }
    panic!("the sync did not complete in 8 runs");
}

/// The store holds exactly the sandbox's records: same ids, same totals, nothing twice.
async fn assert_equal_to_sandbox(w: &World, orgs: &[xp_ipc::Organisation]) {
    let tables = [
        ("Invoices", "xero_invoices", "invoice_id", "InvoiceID"),
        ("Contacts", "xero_contacts", "contact_id", "ContactID"),
        ("Payments", "xero_payments", "payment_id", "PaymentID"),
        ("BankTransactions", "xero_bank_transactions", "bank_transaction_id", "BankTransactionID"),
        ("CreditNotes", "xero_credit_notes", "credit_note_id", "CreditNoteID"),
    ];
    for org in orgs {
        for (resource, table, column, field) in tables {
            let mut local: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT lower({column}) FROM {table} WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?)"
            ))
            .bind(&org.id)
            .fetch_all(w.services.store.pool())
            .await
            .unwrap();
            let mut upstream: Vec<String> = w
                .emu
                .records(&org.tenant_id, resource)
                .iter()
                .map(|r| r[field].as_str().unwrap().to_ascii_lowercase())
                .collect();
            local.sort();
            upstream.sort();
            assert_eq!(local.len(), upstream.len(), "{} {resource}: count", org.name);
            assert_eq!(local, upstream, "{} {resource}: ids", org.name);
        }
        let totals: Vec<(String, String)> =
            sqlx::query_as("SELECT lower(invoice_id), total FROM xero_invoices WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?)")
                .bind(&org.id)
                .fetch_all(w.services.store.pool())
                .await
                .unwrap();
        let upstream: std::collections::HashMap<String, f64> = w
            .emu
            .records(&org.tenant_id, "Invoices")
            .iter()
            .map(|r| (r["InvoiceID"].as_str().unwrap().to_ascii_lowercase(), r["Total"].as_f64().unwrap()))
            .collect();
        for (id, total) in totals {
            assert_eq!(format!("{:.2}", upstream[&id]), total, "{} invoice {id} total", org.name);
        }
    }
}

fn refreshes(w: &World) -> u64 {
    w.ctx.counters.requests("xero", "POST /identity/connect/token refresh_token")
}

#[tokio::test]
async fn a_sync_through_429_storms_5xx_bursts_resets_and_broken_bodies_ends_equal() {
    for spec in ["xero:429*6", "xero:503*4,xero:500*2,xero:502*1", "xero:reset*3", "xero:truncated*2,xero:malformed*2"]
    {
        // A 1 s rate-limit minute: Retry-After of an injected 429 is one second.
        let w = world_with(Seed::Demo, 1_000).await;
        let orgs = connect_all(&w).await;
        w.ctx.faults.add(xp_sandbox_kit::Fault::parse_spec(spec).unwrap());
        let runs = sync_until_done(&w, Arc::new(|_| {})).await;
        assert!(w.ctx.faults.list().is_empty(), "{spec}: every fault was hit");
        assert_equal_to_sandbox(&w, &orgs).await;
        eprintln!("{spec}: done in {runs} run(s)");
    }
}

#[tokio::test]
async fn an_access_token_expiring_mid_sync_is_refreshed_once_and_the_sync_goes_on() {
    let w = world_with(Seed::Large(3_500), 1_000).await;
    let orgs = connect_all(&w).await;
    let clock = w.ctx.clock.clone();
    let advanced = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let report = Arc::new(move |p: xp_sync::Progress| {
        // Once invoices are committed (pages fetched back to back are committed together, so the
        // first report may come after several), Xero's clock jumps past the token's 30 minutes.
        if p.resource == "Invoices" && p.pages_done >= 1 && !advanced.swap(true, std::sync::atomic::Ordering::SeqCst) {
            clock.advance(time::Duration::minutes(31));
        }
    });
    let runs = sync_until_done(&w, report).await;
    assert_eq!(runs, 1, "a 401 mid-sync is handled in the same run");
    assert_eq!(refreshes(&w), 1);
    assert_equal_to_sandbox(&w, &orgs).await;
}

#[tokio::test]
async fn a_refresh_whose_response_is_lost_is_retried_with_the_same_token() {
    // One organisation, so calls are sequential and the faults land on the 401 and the refresh.
    let w = world_with(Seed::Large(500), 1_000).await;
    let orgs = connect_all(&w).await;
    // The next call gets 401; the refresh it triggers rotates the token, but its answer is lost.
    w.ctx.faults.add(xp_sandbox_kit::Fault::parse_spec("xero:expired_token*1,xero:lost_response*1").unwrap());
    sync_until_done(&w, Arc::new(|_| {})).await;
    assert_eq!(refreshes(&w), 2, "the lost refresh and its retry within Xero's grace window");
    assert_equal_to_sandbox(&w, &orgs).await;
    // The rotated token saved in the vault goes on working after the grace window.
    w.ctx.clock.advance(time::Duration::minutes(29));
    w.ctx.counters.reset();
    sync_until_done(&w, Arc::new(|_| {})).await;
}

#[tokio::test]
async fn organisations_syncing_at_once_share_one_refresh() {
    let w = world(Seed::Demo).await;
    let orgs = connect_all(&w).await;
    assert_eq!(orgs.len(), 2, "two organisations on one Xero sign-in");
    // Both organisations start with an access token Xero considers expired.
    w.ctx.clock.advance(time::Duration::minutes(31));
    sync_until_done(&w, Arc::new(|_| {})).await;
    assert_eq!(refreshes(&w), 1, "concurrent 401s share one single-flight refresh");
    assert_equal_to_sandbox(&w, &orgs).await;
}

#[tokio::test]
async fn the_background_sync_resumes_by_itself_when_xero_is_reachable_again() {
    let w = world_with(Seed::Demo, 1_000).await;
    let orgs = connect_all(&w).await;
    // Xero unreachable: every request fails (503 after xp-http's retries), until cleared. A
    // prompt failure, so the test does not depend on how fast a dropped connection is noticed.
    w.ctx.faults.add(xp_sandbox_kit::Fault::parse_spec("xero:503").unwrap());
    let stop = CancellationToken::new();
    w.xero.spawn_auto_sync(Duration::from_secs(3600), Arc::new(|_| {}), stop.clone());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let invoices: i64 =
        sqlx::query_scalar("SELECT count(*) FROM xero_invoices").fetch_one(w.services.store.pool()).await.unwrap();
    assert_eq!(invoices, 0, "nothing arrives while offline");
    // Xero is back: the next retry (5 s backoff) syncs without anyone asking.
    w.ctx.faults.clear();
    let mut synced = false;
    // Bounded generously: a failing attempt first exhausts its HTTP retries; no timing is asserted.
    for _ in 0..240 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let done = w.xero.organisations().await.unwrap().iter().all(|o| o.last_synced_at.is_some());
        if done {
            synced = true;
            break;
        }
    }
    stop.cancel();
    assert!(synced, "the background sync resumed after the network came back");
    assert_equal_to_sandbox(&w, &orgs).await;
}

/// Xero takes no custom scheme, so the https-redirect mode sends Xero's answer to an https page
/// that forwards it to the app's deep link; the deep link hands it to the waiting connect.
#[tokio::test]
async fn connect_through_the_https_forwarding_page_and_the_deep_link() {
    let w = world(Seed::Demo).await;
    let settings =
        Settings { https_redirect_uri: Some(xp_sandbox_xero::HTTPS_REDIRECT.to_owned()), ..w.settings.clone() };
    let xero = XeroService::new(w.services.clone(), settings).unwrap();
    assert!(!xero.deliver_redirect("com.xeropartner.app:/auth/callback?code=x&state=nobody-waits"));

    let forwarded = Arc::new(Mutex::new(None::<String>));
    let (app, seen) = (xero.clone(), forwarded.clone());
    let connected = xero
        .connect(
            move |authorize| {
                let authorize = authorize.clone();
                tokio::spawn(async move {
                    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
                    let r = http.get(authorize).send().await.unwrap();
                    let to = r.headers()["location"].to_str().unwrap().to_owned();
                    // What docs/xero-redirect.html does in the browser: same query, the app's scheme.
                    let (page, query) = to.split_once('?').unwrap();
                    assert_eq!(page, xp_sandbox_xero::HTTPS_REDIRECT);
                    let deep = format!("{}?{query}", xp_context::DEEP_LINK_CALLBACK);
                    *seen.lock().unwrap() = Some(deep.clone());
                    assert!(app.deliver_redirect(&deep), "the connect was waiting for this state");
                });
            },
            std::future::ready(Ok(())),
        )
        .await
        .unwrap();
    assert_eq!(connected.organisations.len(), 2);
    let deep = forwarded.lock().unwrap().clone().unwrap();
    assert!(!xero.deliver_redirect(&deep), "a replayed deep link finds nobody waiting");
}

/// The shipped forwarding page sends to the deep link the app parses, and its CSP allows
/// exactly its own inline script (a changed script without a new hash would silently not run).
#[test]
fn the_https_forwarding_page_targets_the_deep_link_and_its_csp_matches_its_script() {
    use base64::Engine;
    use sha2::Digest;
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../../docs/xero-redirect.html")).unwrap();
    let script = page.split("<script>").nth(1).unwrap().split("</script>").next().unwrap();
    assert!(script.contains(&format!("\"{}\"+location.search", xp_context::DEEP_LINK_CALLBACK)));
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()));
    assert!(page.contains(&format!("script-src 'sha256-{hash}'")), "CSP hash of the inline script");
    assert!(page.contains("no-referrer") && !page.contains("src=\"http"));
}
