//! The GoCardless events feed after a creditor's payments moved: PAYMENTS new payments are
//! created on the demo's mandates over 30 days and played through their lifecycle (submitted,
//! confirmed, paid out, some failed or charged back), then one sync reads the feeds from their
//! cursors. Measured: API calls made vs the minimum possible, wall time vs the floor
//! GoCardless's rate limit (1,000 requests a minute, RATE_LIMIT) puts on that many calls, and
//! 429s received. Run: `cargo bench -p xp-connect-gocardless --bench events_sync -- [PAYMENTS] [MINUTE_MS]`

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use xp_connect_gocardless::{GoCardlessService, Settings};
use xp_context::{Context, Endpoints, Paths};
use xp_sandbox_gocardless::{Emulator, RATE_LIMIT};
use xp_sandbox_kit::{Ctx, Seed};

/// Events per page (GoCardless's largest `limit`).
const PAGE: u64 = 500;

async fn applied_by_type(services: &Context) -> HashMap<String, u64> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT resource_type, COUNT(*) FROM gocardless_applied_events GROUP BY resource_type")
            .fetch_all(services.store.pool())
            .await
            .expect("count applied events");
    rows.into_iter().map(|(t, n)| (t, u64::try_from(n).unwrap_or(0))).collect()
}

/// CPU seconds each kind of thread of this process has used so far, by thread name (Linux: from
/// /proc; elsewhere empty). Wall time on a shared machine varies by a quarter from run to run;
/// the store's thread's CPU time says what a change to the store saved.
fn cpu_by_thread() -> HashMap<String, f64> {
    let mut by = HashMap::new();
    let tick = 100.0; // USER_HZ on Linux
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return by };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else { continue };
        // "pid (comm) state ..." — comm may hold spaces; fields after ')' are positional.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
        let name = stat[open + 1..close].trim_end_matches(|c: char| c.is_ascii_digit() || c == '-').to_owned();
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        // utime and stime are fields 14 and 15 of stat, 12 and 13 after the comm.
        *by.entry(name).or_insert(0.0) += (ticks(11) + ticks(12)) / tick;
    }
    by
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let payments: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let minute_ms: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(60_000);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let ctx = Ctx::new(Duration::from_millis(minute_ms));
    let emu = Emulator::new(ctx.clone(), Seed::Demo, url::Url::parse(&base).expect("url"));
    let router = emu.router();
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });

    let dir = tempfile::tempdir().expect("tempdir");
    let services = Context::open(
        xp_ipc::Profile::Sandbox,
        Endpoints::sandbox(&xp_connect_gocardless::ENDPOINTS, &url::Url::parse(&base).expect("base")),
        Paths::resolve(Some(dir.path())),
        Arc::new(xp_vault::MemoryStore::new()),
        vec![],
        Arc::new(xp_core::SystemClock),
    )
    .await
    .expect("services");
    let mut settings = Settings::default();
    settings.apply_sandbox(&emu.credentials(), minute_ms);
    let gc = GoCardlessService::new(services.clone(), settings).expect("gocardless");
    // The creditor as the app has been keeping it: a full load, then a payment's life read
    // from the feeds, which leaves them their cursors (a feed's first read after a full load
    // has no cursor yet and walks its backlog from the load's start twice: GoCardless lists
    // newest first, so the oldest page is found by walking them all).
    let first = gc.sync(false, Arc::new(|_| {})).await.expect("first sync");
    assert!(first.ok(), "{first:?}");
    emu.plan_payments(1, ctx.clock.now() + time::Duration::minutes(1), time::Duration::minutes(1));
    ctx.clock.advance(time::Duration::days(20));
    let warm = gc.sync(false, Arc::new(|_| {})).await.expect("second sync");
    assert!(warm.ok() && warm.events_applied > 0, "{warm:?}");

    // The payments move: created over 30 days, then the clock runs past their last step.
    let start = ctx.clock.now() + time::Duration::minutes(1);
    let seeded = Instant::now();
    let mandates = emu.plan_payments(payments, start, time::Duration::days(30));
    ctx.clock.advance(time::Duration::days(45));
    eprintln!("planned {payments} payments on {mandates} mandates in {:?}", seeded.elapsed());
    // Let the emulator play the 45 days before the clock starts (its first request does it).
    let played = reqwest::get(format!("{base}/creditors")).await.expect("the emulator answers");
    // The timed sync starts with a whole rate-limit window, as the floor below assumes: the
    // calls of the syncs above are in the window they opened, so wait for its reset.
    let reset = played.headers().get("ratelimit-reset").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if let Some(wait) = reset.and_then(|r| xp_http::retry::parse_retry_after(&r, std::time::SystemTime::now())) {
        tokio::time::sleep(wait + Duration::from_millis(50)).await;
    }

    let before = applied_by_type(&services).await;
    ctx.counters.reset();
    let cpu_before = cpu_by_thread();
    let started = Instant::now();
    let summary = gc.sync(false, Arc::new(|_| {})).await.expect("events sync");
    let took = started.elapsed();
    assert!(summary.ok() && !summary.full_load, "{summary:?}");
    let cpu_after = cpu_by_thread();
    let snap = ctx.counters.snapshot();
    let after = applied_by_type(&services).await;

    let served = |endpoint: &str| snap.requests.get(&format!("gocardless {endpoint}")).copied().unwrap_or(0);
    let calls: u64 = snap.requests.iter().filter(|(k, _)| k.starts_with("gocardless ")).map(|(_, v)| v).sum();
    let limited = snap.rate_limited.get("gocardless").copied().unwrap_or(0);
    // The minimum: each of the four feeds reads its new events in pages of 500 (one call to
    // learn there is nothing new), each paid payout's lines once; nothing else changed.
    let mut min_calls = 0u64;
    let mut new_events = 0u64;
    for t in ["mandates", "payments", "refunds", "payouts"] {
        let n = after.get(t).copied().unwrap_or(0) - before.get(t).copied().unwrap_or(0);
        new_events += n;
        min_calls += n.div_ceil(PAGE).max(1);
    }
    let payouts = served("GET /payout_items");
    min_calls += payouts;
    // A fixed window of RATE_LIMIT calls a minute: N calls need ⌊(N−1)/limit⌋ full windows
    // before the last batch can go; at a steady pace they would take N/limit minutes.
    let minute = Duration::from_millis(minute_ms);
    let floor = minute * u32::try_from(min_calls.saturating_sub(1) / u64::from(RATE_LIMIT)).unwrap_or(u32::MAX);
    let pace = minute.mul_f64(min_calls as f64 / f64::from(RATE_LIMIT));

    println!("| measure | value |");
    println!("|---|---|");
    println!("| new payments, events applied, rate-limit minute | {payments}, {new_events}, {minute_ms} ms |");
    println!("| API calls made / minimum possible | {calls} / {min_calls} ({:.2}×) |", calls as f64 / min_calls as f64);
    println!(
        "| calls by endpoint | GET /events {}, GET /payout_items {payouts}, GET /payments/{{id}} {}, other {} |",
        served("GET /events"),
        served("GET /payments/{id}"),
        calls - served("GET /events") - payouts - served("GET /payments/{id}")
    );
    if floor.is_zero() {
        println!(
            "| wall time (the minimum fits one minute's allowance, so the limit sets no floor) | {:.1} s |",
            took.as_secs_f64()
        );
    } else {
        println!(
            "| wall time / rate-limit floor | {:.1} s / {:.1} s ({:.2}×) |",
            took.as_secs_f64(),
            floor.as_secs_f64(),
            took.as_secs_f64() / floor.as_secs_f64()
        );
    }
    println!(
        "| wall time / the same calls at a steady {RATE_LIMIT} a minute | {:.1} s / {:.1} s ({:.2}×) |",
        took.as_secs_f64(),
        pace.as_secs_f64(),
        took.as_secs_f64() / pace.as_secs_f64()
    );
    println!("| 429s received | {limited} |");
    let used = |prefix: &str| {
        let sum =
            |m: &HashMap<String, f64>| m.iter().filter(|(k, _)| k.starts_with(prefix)).map(|(_, v)| v).sum::<f64>();
        sum(&cpu_after) - sum(&cpu_before)
    };
    println!(
        "| CPU during the sync: the store's threads / the runtime's (app and in-process emulator) | {:.1} s / {:.1} s |",
        used("sqlx-sqlite"),
        used("tokio-rt")
    );
}
