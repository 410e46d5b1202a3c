//! Full and incremental Xero sync against the sandbox emulator with Xero's rate limits on (a
//! shrunk minute, same arithmetic): API calls made vs the minimum possible, wall time vs the
//! rate-limit floor, 429s received. Run: `cargo bench -p xp-connect-xero --bench xero_sync -- [INVOICES] [MINUTE_MS] [ORGS]`
//! (with ORGS > 1: that many organisations of INVOICES invoices each, synced concurrently).

use std::sync::Arc;
use std::time::{Duration, Instant};
use xp_connect_xero::{Settings, XeroService};
use xp_context::{Context, Endpoints, Paths};
use xp_sandbox_kit::{Ctx, Seed};
use xp_sandbox_xero::{Bases, Emulator};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let invoices: u32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let minute_ms: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let orgs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let ctx = Ctx::new(Duration::from_millis(minute_ms));
    let seeded = Instant::now();
    let bases = Bases::single(&url::Url::parse(&base).expect("url"));
    let emu = Arc::new(if orgs > 1 {
        Emulator::with_organisations(ctx.clone(), orgs, invoices as usize, bases)
    } else {
        Emulator::new(ctx.clone(), Seed::Large(invoices), bases)
    });
    eprintln!("seeded {orgs} organisation(s) x {invoices} invoices in {:?}", seeded.elapsed());
    let app = emu.router();
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });

    let dir = tempfile::tempdir().expect("tempdir");
    let settings = Settings {
        client_id: emu.credentials()["auto_consent_client_id"].as_str().map(str::to_owned),
        loopback_ports: vec![0],
        minute_ms,
        https_redirect_uri: None,
    };
    let services = Context::open(
        xp_ipc::Profile::Sandbox,
        Endpoints::sandbox(&xp_connect_xero::ENDPOINTS, &url::Url::parse(&base).expect("base")),
        Paths::resolve(Some(dir.path())),
        Arc::new(xp_vault::MemoryStore::new()),
        vec![],
        Arc::new(xp_core::SystemClock),
    )
    .await
    .expect("services");
    let xero = XeroService::new(services, settings).expect("xero");
    let b = base.clone();
    let connected = xero
        .connect(
            move |authorize| {
                let authorize = authorize.clone();
                tokio::spawn(async move {
                    let redirect = authorize
                        .query_pairs()
                        .find(|(k, _)| k == "redirect_uri")
                        .map(|(_, v)| v.into_owned())
                        .unwrap_or_default();
                    let http =
                        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
                    let _ = http.post(format!("{b}/_sandbox/redirect-uris")).body(redirect).send().await;
                    let r = http.get(authorize).send().await.expect("authorize");
                    let to = r.headers()["location"].to_str().expect("location").to_owned();
                    let _ = http.get(to).send().await;
                });
            },
            std::future::ready(Ok(())),
        )
        .await
        .expect("connect");
    let tenants: Vec<String> = connected.organisations.iter().map(|o| o.tenant_id.clone()).collect();
    xero.keep(connected.connection_id.parse().expect("connection id"), &tenants).await.expect("keep");

    // The minimum: per organisation, each paged resource in pages of 1000, each unpaged list in
    // one call. The floor: the time Xero's per-minute limit alone imposes on that many calls;
    // the slowest organisation sets it (they run side by side).
    let mut min_calls = 0u64;
    let mut floor = Duration::ZERO;
    for tenant in &tenants {
        let calls_t = 4 + ["Contacts", "Invoices", "CreditNotes", "Payments", "BankTransactions"]
            .iter()
            .map(|r| (emu.records(tenant, r).len() as u64).div_ceil(1000).max(1))
            .sum::<u64>();
        min_calls += calls_t;
        // Xero's minute windows are fixed (xero.md §9): 60 calls fit in each, so N calls need
        // ⌊(N−1)/60⌋ full windows before the last batch can start.
        floor = floor.max(Duration::from_millis(minute_ms) * ((calls_t.saturating_sub(1) / 60) as u32));
    }
    ctx.counters.reset();
    let started = Instant::now();
    let results = xero.sync(None, false, Arc::new(|_| {})).await.expect("sync");
    let full = started.elapsed();
    let snap = ctx.counters.snapshot();
    let calls: u64 = snap.requests.iter().filter(|(k, _)| k.starts_with("xero GET /api.xro")).map(|(_, v)| v).sum();
    let limited = snap.rate_limited.get("xero").copied().unwrap_or(0);
    assert!(results.iter().all(|(_, o)| matches!(o, xp_sync::OrgOutcome::Done { .. })), "{results:?}");

    ctx.counters.reset();
    let started = Instant::now();
    xero.sync(None, false, Arc::new(|_| {})).await.expect("incremental");
    let incremental = started.elapsed();
    let inc_calls: u64 = ctx
        .counters
        .snapshot()
        .requests
        .iter()
        .filter(|(k, _)| k.starts_with("xero GET /api.xro"))
        .map(|(_, v)| v)
        .sum();

    println!("| measure | value |");
    println!("|---|---|");
    println!("| organisations × invoices, rate-limit minute | {orgs} × {invoices}, {minute_ms} ms |");
    println!(
        "| full sync: API calls made / minimum possible | {calls} / {min_calls} ({:.2}×) |",
        calls as f64 / min_calls as f64
    );
    if floor.is_zero() {
        println!(
            "| full sync: wall time (each organisation within its first-minute allowance, so no floor) | {:.1} s |",
            full.as_secs_f64()
        );
    } else {
        println!(
            "| full sync: wall time / rate-limit floor | {:.1} s / {:.1} s ({:.2}×) |",
            full.as_secs_f64(),
            floor.as_secs_f64(),
            full.as_secs_f64() / floor.as_secs_f64()
        );
    }
    println!("| full sync: 429s received | {limited} |");
    println!(
        "| incremental sync, no changes: API calls (9 endpoints × {orgs}) | {inc_calls} in {:.2} s |",
        incremental.as_secs_f64()
    );
}
