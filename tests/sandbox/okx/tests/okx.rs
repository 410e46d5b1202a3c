//! The OKX emulator over a real loopback server, driven with reqwest like a client would.
#![allow(clippy::unwrap_used)]

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::Duration;
use time::OffsetDateTime;
use xp_sandbox_kit::{demo, Ctx, Fault, Persist, Seed};
use xp_sandbox_okx::{ledger, market, sign, Emulator};

struct Sandbox {
    /// `http://127.0.0.1:PORT` (the emulator sits under `/okx`).
    origin: String,
    ctx: Ctx,
    key: String,
    secret: String,
    passphrase: String,
    emu: Emulator,
    http: reqwest::Client,
}

async fn start(seed: Seed, minute: Duration) -> Sandbox {
    start_with(minute, |ctx, base| Emulator::new(ctx, seed, base)).await
}

/// Serves the emulator `make` builds on a fresh port (`base` names that port).
async fn start_with(minute: Duration, make: impl FnOnce(Ctx, url::Url) -> Emulator) -> Sandbox {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let ctx = Ctx::new(minute);
    let emu = make(ctx.clone(), format!("{origin}/okx").parse().unwrap());
    let c = emu.credentials();
    let app = axum::Router::new().nest("/okx", emu.router());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Sandbox {
        origin,
        ctx,
        key: c["api_key"].as_str().unwrap().into(),
        secret: c["secret_key"].as_str().unwrap().into(),
        passphrase: c["passphrase"].as_str().unwrap().into(),
        emu,
        http: reqwest::Client::new(),
    }
}

async fn demo_sandbox() -> Sandbox {
    // A long "minute" keeps rate limits out of the way of tests that are not about them.
    start(Seed::Demo, Duration::from_secs(3600)).await
}

/// HMAC computed here with the hmac crate directly: an independent path to the emulator's.
fn independent_sign(secret: &str, prehash: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(prehash.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
}

impl Sandbox {
    fn now_ts(&self) -> String {
        sign::format_timestamp(self.ctx.clock.now())
    }

    /// A GET of `path_q` (e.g. `/api/v5/account/balance?ccy=BTC`) with the given headers.
    async fn raw(&self, path_q: &str, headers: &[(&str, String)]) -> (u16, Value) {
        let mut rq = self.http.get(format!("{}/okx{path_q}", self.origin));
        for (k, v) in headers {
            rq = rq.header(*k, v);
        }
        let r = rq.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    fn headers(&self, ts: &str, signed_path: &str) -> Vec<(&'static str, String)> {
        let sig = independent_sign(&self.secret, &format!("{ts}GET{signed_path}"));
        vec![
            ("OK-ACCESS-KEY", self.key.clone()),
            ("OK-ACCESS-SIGN", sig),
            ("OK-ACCESS-TIMESTAMP", ts.to_owned()),
            ("OK-ACCESS-PASSPHRASE", self.passphrase.clone()),
            ("Content-Type", "application/json".into()),
        ]
    }

    /// A correctly signed GET: the client signs the full path it sends, mount prefix included.
    async fn get(&self, path_q: &str) -> (u16, Value) {
        let h = self.headers(&self.now_ts(), &format!("/okx{path_q}"));
        self.raw(path_q, &h).await
    }

    async fn ok_data(&self, path_q: &str) -> Vec<Value> {
        let (s, v) = self.get(path_q).await;
        assert_eq!((s, v["code"].as_str()), (200, Some("0")), "{path_q}: {v}");
        v["data"].as_array().unwrap().clone()
    }

    async fn public(&self, path_q: &str) -> (u16, Value) {
        self.raw(path_q, &[]).await
    }

    /// Follows `after=<last id>` until a short page, as an OKX client pages backwards.
    async fn all(&self, path: &str, id: &str) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        let sep = if path.contains('?') { '&' } else { '?' };
        loop {
            let q = match out.last() {
                Some(last) => format!("{path}{sep}after={}", last[id].as_str().unwrap()),
                None => path.to_owned(),
            };
            let page = self.ok_data(&q).await;
            let n = page.len();
            out.extend(page);
            if n < 100 {
                return out;
            }
        }
    }
}

fn code(v: &Value) -> &str {
    v["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn a_correctly_signed_request_succeeds_with_okx_envelope() {
    let sb = demo_sandbox().await;
    let data = sb.ok_data("/api/v5/account/balance").await;
    assert_eq!(data.len(), 1, "data is an array even for one object");
    let details = data[0]["details"].as_array().unwrap();
    assert!(!details.is_empty(), "the demo trading account is funded");
    for d in details {
        assert!(
            d["eq"].is_string() && d["cashBal"].is_string() && d["availBal"].is_string(),
            "numbers are strings: {d}"
        );
    }
    assert!(data[0]["totalEq"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
    let funding = sb.ok_data("/api/v5/asset/balances").await;
    let ccys: Vec<&str> = funding.iter().map(|b| b["ccy"].as_str().unwrap()).collect();
    for c in ["BTC", "ETH", "USDT"] {
        assert!(ccys.contains(&c), "demo funding holds {c}: {ccys:?}");
    }
    assert_eq!(sb.ctx.counters.requests("okx", "GET /api/v5/account/balance"), 1);
}

#[tokio::test]
async fn authentication_failures_answer_with_okx_codes() {
    let sb = demo_sandbox().await;
    let path = "/api/v5/account/balance";
    let good = sb.headers(&sb.now_ts(), &format!("/okx{path}"));
    let without = |name: &str| good.iter().filter(|(k, _)| *k != name).cloned().collect::<Vec<_>>();
    let with = |name: &str, v: &str| {
        good.iter().map(|(k, x)| (*k, if *k == name { v.to_owned() } else { x.clone() })).collect::<Vec<_>>()
    };
    for (headers, want, why) in [
        (without("OK-ACCESS-KEY"), "50103", "missing key"),
        (without("OK-ACCESS-SIGN"), "50106", "missing signature"),
        (without("OK-ACCESS-TIMESTAMP"), "50107", "missing timestamp"),
        (without("OK-ACCESS-PASSPHRASE"), "50104", "missing passphrase"),
        (with("OK-ACCESS-SIGN", "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY="), "50113", "wrong signature"),
        (with("OK-ACCESS-PASSPHRASE", "not-the-passphrase"), "50105", "wrong passphrase"),
        (with("OK-ACCESS-KEY", "00000000-0000-0000-0000-000000000000"), "50111", "unknown key"),
        (with("OK-ACCESS-TIMESTAMP", "1607418537715"), "50112", "epoch ms is not ISO 8601"),
    ] {
        let (s, v) = sb.raw(path, &headers).await;
        assert_eq!((s, code(&v)), (401, want), "{why}: {v}");
        assert_eq!(v["data"], json!([]), "{why}: errors keep the envelope");
    }
    // A timestamp 31 s old is outside the 30 s tolerance, even though it is signed correctly.
    let old = sign::format_timestamp(sb.ctx.clock.now() - time::Duration::seconds(31));
    let (s, v) = sb.raw(path, &sb.headers(&old, &format!("/okx{path}"))).await;
    assert_eq!((s, code(&v)), (401, "50102"), "{v}");
    // A live key used for demo trading.
    let mut demo_h = good.clone();
    demo_h.push(("x-simulated-trading", "1".into()));
    let (s, v) = sb.raw(path, &demo_h).await;
    assert_eq!((s, code(&v)), (401, "50101"), "{v}");
    // The untouched headers still work (nothing above was a fluke of the request itself).
    assert_eq!(sb.raw(path, &good).await.0, 200);
}

#[tokio::test]
async fn clock_skew_fault_moves_the_servers_notion_of_now() {
    let sb = demo_sandbox().await;
    sb.ctx.faults.add(Fault::parse_spec("okx:clock_skew=45").unwrap());
    let (s, v) = sb.get("/api/v5/account/balance").await;
    assert_eq!((s, code(&v)), (401, "50102"), "a client clock 45 s behind the server is expired: {v}");
    // The client that reads /public/time and signs with the server's clock gets through.
    let (_, t) = sb.public("/api/v5/public/time").await;
    let server_ms: i128 = t["data"][0]["ts"].as_str().unwrap().parse().unwrap();
    let local_ms = sb.ctx.clock.now().unix_timestamp_nanos() / 1_000_000;
    assert!((server_ms - local_ms - 45_000).abs() < 5_000, "public/time is skewed too");
    let ts = sign::format_timestamp(OffsetDateTime::from_unix_timestamp_nanos(server_ms * 1_000_000).unwrap());
    let path = "/api/v5/account/balance";
    let (s, v) = sb.raw(path, &sb.headers(&ts, &format!("/okx{path}"))).await;
    assert_eq!((s, code(&v)), (200, "0"), "{v}");
}

#[tokio::test]
async fn a_get_signs_path_and_query_exactly_as_sent() {
    let sb = demo_sandbox().await;
    let ts = sb.now_ts();
    let path = "/api/v5/account/balance?ccy=BTC,ETH";
    let (s, v) = sb.raw(path, &sb.headers(&ts, "/okx/api/v5/account/balance")).await;
    assert_eq!((s, code(&v)), (401, "50113"), "signing without the query is wrong: {v}");
    let (s, v) = sb.raw(path, &sb.headers(&ts, "/api/v5/account/balance?ccy=BTC,ETH")).await;
    assert_eq!((s, code(&v)), (401, "50113"), "the mount prefix is part of the path the client sent: {v}");
    let (s, v) = sb.raw(path, &sb.headers(&ts, &format!("/okx{path}"))).await;
    assert_eq!((s, code(&v)), (200, "0"), "{v}");
    let ccys: Vec<&str> =
        v["data"][0]["details"].as_array().unwrap().iter().map(|d| d["ccy"].as_str().unwrap()).collect();
    assert!(!ccys.is_empty() && ccys.iter().all(|c| ["BTC", "ETH"].contains(c)), "ccy filter honoured: {ccys:?}");
    // The emulator's own signer agrees with the independent one, body included.
    let body = r#"{"ccy":"BTC"}"#;
    assert_eq!(
        sign::sign(&sb.secret, &ts, "POST", "/okx/api/v5/asset/transfer", body),
        independent_sign(&sb.secret, &format!("{ts}POST/okx/api/v5/asset/transfer{body}"))
    );
}

#[tokio::test]
async fn candles_are_deterministic_and_page_into_adjacent_windows() {
    let sb = demo_sandbox().await;
    let hour = 3_600_000i64;
    let anchor = (sb.ctx.clock.now().unix_timestamp() * 1000) / hour * hour - 30 * 24 * hour;
    let q1 = format!("/api/v5/market/history-candles?instId=BTC-EUR&bar=1H&after={anchor}&limit=5");
    let (s, a) = sb.public(&q1).await;
    assert_eq!((s, code(&a)), (200, "0"), "{a}");
    assert_eq!(a, sb.public(&q1).await.1, "same request, same candles");
    let p1 = a["data"].as_array().unwrap();
    let ts = |c: &Value| c[0].as_str().unwrap().parse::<i64>().unwrap();
    assert_eq!(p1.len(), 5);
    assert_eq!(ts(&p1[0]), anchor - hour, "after = strictly older than the cursor");
    for c in p1 {
        assert_eq!(c.as_array().unwrap().len(), 9, "[ts,o,h,l,c,vol,volCcy,volCcyQuote,confirm]");
        let f = |i: usize| c[i].as_str().unwrap().parse::<f64>().unwrap();
        assert!(f(2) >= f(1).max(f(4)) && f(3) <= f(1).min(f(4)), "high/low bound open/close: {c}");
        assert_eq!(c[8], "1", "history candles are complete");
    }
    let last = ts(&p1[4]);
    let (_, b) = sb.public(&format!("/api/v5/market/history-candles?instId=BTC-EUR&bar=1H&after={last}&limit=5")).await;
    let p2 = b["data"].as_array().unwrap();
    assert_eq!(ts(&p2[0]), last - hour, "the next page starts right below the previous one");
    // `before` + `after` select the open interval between them, newest first.
    let (_, c) = sb
        .public(&format!(
            "/api/v5/market/history-candles?instId=BTC-EUR&bar=1H&after={anchor}&before={}",
            ts(&p2[4]) - 1
        ))
        .await;
    let both: Vec<Value> = p1.iter().chain(p2.iter()).cloned().collect();
    assert_eq!(c["data"].as_array().unwrap(), &both, "one window equals the two pages");
    // The recent endpoint agrees with history for the same bar.
    let (_, r) = sb.public(&format!("/api/v5/market/candles?instId=BTC-EUR&bar=1H&after={anchor}&limit=1")).await;
    assert_eq!(r["data"][0], p1[0]);
    // Errors: unknown bar, unknown instrument, missing instId.
    let (s, v) = sb.public("/api/v5/market/candles?instId=BTC-EUR&bar=7m").await;
    assert_eq!((s, code(&v)), (400, "51000"));
    let (s, v) = sb.public("/api/v5/market/candles?instId=BTC-CHF").await;
    assert_eq!((s, code(&v)), (200, "51001"), "OKX lists no CHF market");
    let (s, v) = sb.public("/api/v5/market/ticker").await;
    assert_eq!((s, code(&v)), (400, "50014"));
    let (_, t) = sb.public("/api/v5/market/ticker?instId=ETH-EUR").await;
    assert_eq!(t["data"][0]["instId"], "ETH-EUR");
    assert!(t["data"][0]["last"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
}

#[tokio::test]
async fn bills_and_the_archive_keep_their_windows() {
    let sb = demo_sandbox().await;
    let now_ms = || (sb.ctx.clock.now().unix_timestamp_nanos() / 1_000_000) as i64;
    let day = 86_400_000i64;
    let age = |b: &Value, now: i64| now - b["ts"].as_str().unwrap().parse::<i64>().unwrap();
    let recent = sb.all("/api/v5/account/bills", "billId").await;
    let archive = sb.all("/api/v5/account/bills-archive", "billId").await;
    let now = now_ms();
    assert!(!recent.is_empty() && recent.iter().all(|b| age(b, now) <= 7 * day), "bills: last 7 days only");
    assert!(archive.len() > 100, "the archive needs paging: {}", archive.len());
    assert!(archive.iter().all(|b| age(b, now) <= 92 * day), "archive: last 3 months");
    let ids: Vec<u64> = archive.iter().map(|b| b["billId"].as_str().unwrap().parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first, no overlap between pages");
    let ten_days: Vec<&Value> = archive.iter().filter(|b| (8 * day..12 * day).contains(&age(b, now))).collect();
    assert!(!ten_days.is_empty(), "the demo has bills about ten days old");
    for b in &ten_days {
        assert!(!recent.contains(b), "a bill older than 7 days is only in the archive");
    }
    // A bill 5–6 days old is in both; three simulated days later it has left `bills`.
    let five = recent.iter().find(|b| (5 * day..6 * day).contains(&age(b, now))).expect("a bill 5-6 days old").clone();
    assert!(archive.contains(&five));
    sb.ctx.clock.advance(time::Duration::days(3));
    let recent2 = sb.all("/api/v5/account/bills", "billId").await;
    assert!(!recent2.contains(&five), "aged out of the 7-day window");
    assert!(sb.all("/api/v5/account/bills-archive", "billId").await.contains(&five), "still in the archive");
    // `before` with a bill id returns only newer bills.
    let newest_id = &recent[0]["billId"];
    let (_, v) = sb.get(&format!("/api/v5/account/bills-archive?before={}", newest_id.as_str().unwrap())).await;
    assert_eq!(v["data"], json!([]), "nothing is newer than the newest bill");
    for b in &archive[..5] {
        assert!(b["balChg"].as_str().unwrap().contains('.') && b["ts"].is_string());
    }
}

#[tokio::test]
async fn deposit_history_holds_the_invoice_payments_at_deterministic_prices() {
    let sb = demo_sandbox().await;
    let deps = sb.ok_data("/api/v5/asset/deposit-history").await;
    assert!((38..=100).contains(&deps.len()), "about 40 demo deposits: {}", deps.len());
    let ts: Vec<i64> = deps.iter().map(|d| d["ts"].as_str().unwrap().parse().unwrap()).collect();
    assert!(ts.windows(2).all(|w| w[0] >= w[1]), "reverse chronological");
    for k in 0..demo::DEMO_CRYPTO_PAYMENTS {
        let (org, i, asset) = demo::crypto_invoice(k);
        let tx = ledger::tx_id(asset, &demo::invoice_number(org, i));
        let d = deps.iter().find(|d| d["txId"] == tx).unwrap_or_else(|| panic!("deposit for invoice {k}"));
        assert_eq!((d["ccy"].as_str(), d["state"].as_str()), (Some(asset), Some("2")));
        let t: i64 = d["ts"].as_str().unwrap().parse().unwrap();
        let amt = ledger::parse_amt(d["amt"].as_str().unwrap()).unwrap();
        // Value it back: amt × ASSET-EUR price at ts, in cents (CHF via the stated cross rate).
        let (ticks, dp) = market::price_ticks(&format!("{asset}-EUR"), t).unwrap();
        let mut cents = amt * ticks as i128 * 100 / 10i128.pow(dp) / ledger::SCALE;
        if org == 1 {
            cents = cents * market::CHF_PER_EUR_PERMILLE / 1000;
        }
        let want = demo::invoice_total_minor(org, i) as i128;
        let tolerance = if asset == "USDT" { 2 } else { 1 };
        assert!((cents - want).abs() <= tolerance, "invoice {k} ({asset}): {cents} vs {want}");
    }
    // Paging by ts: `after` the 10th newest gives the 11th onwards.
    let tenth = deps[9]["ts"].as_str().unwrap();
    let older = sb.ok_data(&format!("/api/v5/asset/deposit-history?after={tenth}&limit=3")).await;
    assert_eq!(older, deps[10..13].to_vec());
    let btc = sb.ok_data("/api/v5/asset/deposit-history?ccy=BTC&state=2").await;
    assert!(!btc.is_empty() && btc.iter().all(|d| d["ccy"] == "BTC" && d["state"] == "2"));
    let wds = sb.ok_data("/api/v5/asset/withdrawal-history").await;
    assert!(!wds.is_empty() && wds.iter().all(|w| w["wdId"].is_string() && w["nonTradableAsset"] == false));
}

#[tokio::test]
async fn a_sandbox_deposit_shows_up_and_credits_the_funding_account() {
    let sb = demo_sandbox().await;
    let usdt = |b: &[Value]| {
        b.iter()
            .find(|x| x["ccy"] == "USDT")
            .map(|x| ledger::parse_amt(x["bal"].as_str().unwrap()).unwrap())
            .unwrap_or(0)
    };
    let before = usdt(&sb.ok_data("/api/v5/asset/balances").await);
    let r = sb
        .http
        .post(format!("{}/okx/_sandbox/deposit", sb.origin))
        .json(&json!({"ccy": "USDT", "invoice": {"org": 0, "index": 700}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let created: Value = r.json().await.unwrap();
    let dep = &created["data"][0];
    let newest = sb.ok_data("/api/v5/asset/deposit-history?limit=1").await;
    assert_eq!(&newest[0], dep, "the new deposit is the newest record");
    let amt = ledger::parse_amt(dep["amt"].as_str().unwrap()).unwrap();
    assert_eq!(usdt(&sb.ok_data("/api/v5/asset/balances").await), before + amt);
    // A pending deposit is listed but not credited until it is confirmed.
    let r: Value = sb
        .http
        .post(format!("{}/okx/_sandbox/deposit", sb.origin))
        .json(&json!({"ccy": "USDT", "amt": "25", "state": "0"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(usdt(&sb.ok_data("/api/v5/asset/balances").await), before + amt);
    let id = r["data"][0]["depId"].as_str().unwrap();
    sb.http
        .post(format!("{}/okx/_sandbox/deposit/{id}/state", sb.origin))
        .json(&json!({"state": "2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(usdt(&sb.ok_data("/api/v5/asset/balances").await), before + amt + 25 * ledger::SCALE);
}

#[tokio::test]
async fn fills_keep_their_windows_and_fills_history_needs_an_instrument_type() {
    let sb = demo_sandbox().await;
    let (s, v) = sb.get("/api/v5/trade/fills-history").await;
    assert_eq!((s, code(&v)), (400, "50014"), "{v}");
    let hist = sb.all("/api/v5/trade/fills-history?instType=SPOT", "billId").await;
    let recent = sb.all("/api/v5/trade/fills", "billId").await;
    let now = (sb.ctx.clock.now().unix_timestamp_nanos() / 1_000_000) as i64;
    assert!(hist.len() > recent.len() && !hist.is_empty());
    for f in &recent {
        assert!(now - f["ts"].as_str().unwrap().parse::<i64>().unwrap() <= 3 * 86_400_000);
        assert!(hist.contains(f));
        assert!(["buy", "sell"].contains(&f["side"].as_str().unwrap()));
    }
}

#[tokio::test]
async fn balance_is_rate_limited_at_ten_per_two_seconds() {
    // Minute of 600 s: the 2 s window becomes 20 s, so eleven calls always land in one window.
    let sb = start(Seed::Demo, Duration::from_secs(600)).await;
    for i in 0..10 {
        assert_eq!(sb.get("/api/v5/account/balance").await.0, 200, "call {i} is within the limit");
    }
    let (s, v) = sb.get("/api/v5/account/balance").await;
    assert_eq!((s, code(&v), v["msg"].as_str()), (429, "50011", Some("Too Many Requests")));
    assert_eq!(sb.ctx.counters.snapshot().rate_limited.get("okx"), Some(&1));
    assert_eq!(sb.get("/api/v5/asset/balances").await.0, 200, "limits are per endpoint");
}

#[tokio::test]
async fn injected_faults_use_okx_error_bodies() {
    let sb = demo_sandbox().await;
    sb.ctx.faults.add(Fault::parse_spec("okx:429*1,okx:503*1,okx:500*1,okx:expired_token*1").unwrap());
    for (status, want) in [(429, "50011"), (503, "50001"), (500, "50026"), (401, "50111")] {
        let (s, v) = sb.get("/api/v5/account/balance").await;
        assert_eq!((s, code(&v)), (status, want), "{v}");
    }
    assert_eq!(sb.get("/api/v5/account/balance").await.0, 200, "faults used up");
}

#[tokio::test]
async fn an_empty_account_exists_with_nothing_in_it() {
    let sb = start(Seed::Empty, Duration::from_secs(3600)).await;
    let bal = sb.ok_data("/api/v5/account/balance").await;
    assert_eq!(bal[0]["details"], json!([]));
    assert_eq!(bal[0]["totalEq"], "0");
    assert!(sb.ok_data("/api/v5/asset/deposit-history").await.is_empty());
    assert!(sb.ok_data("/api/v5/account/bills-archive").await.is_empty());
}

#[tokio::test]
async fn a_restored_emulator_keeps_keys_and_the_ledger_on_another_port() {
    let sb1 = demo_sandbox().await;
    let deposit = |sb: &Sandbox| {
        sb.http.post(format!("{}/okx/_sandbox/deposit", sb.origin)).json(&json!({"ccy": "BTC", "amt": "0.5"})).send()
    };
    let created: Value = deposit(&sb1).await.unwrap().json().await.unwrap();
    let dep = created["data"][0].clone();
    let balances = sb1.ok_data("/api/v5/asset/balances").await;
    let saved = sb1.emu.save().unwrap();

    let sb2 =
        start_with(Duration::from_secs(3600), |ctx, base| Emulator::restore(ctx, base, saved.clone()).unwrap()).await;
    assert_eq!(sb2.emu.save().unwrap(), saved, "saving the restored emulator writes the same document");
    assert_eq!(sb2.emu.credentials(), sb1.emu.credentials(), "key, secret and passphrase survive");
    let without_base = |mut v: Value| {
        v.as_object_mut().unwrap().remove("base");
        v
    };
    assert_eq!(without_base(sb2.emu.dump()), without_base(sb1.emu.dump()), "the whole ledger survives");
    assert_eq!(sb2.emu.dump()["base"], json!(format!("{}/okx", sb2.origin)), "the base follows the new address");

    let newest = sb2.ok_data("/api/v5/asset/deposit-history?limit=1").await;
    assert_eq!(newest[0], dep, "the deposit made before the restart is served, signed with the same key");
    assert_eq!(sb2.ok_data("/api/v5/asset/balances").await, balances);
    let again: Value = deposit(&sb2).await.unwrap().json().await.unwrap();
    let id = |v: &Value| v["depId"].as_str().unwrap().parse::<u64>().unwrap();
    assert!(id(&again["data"][0]) > id(&dep), "deposit ids go on increasing, none is reissued");
}
