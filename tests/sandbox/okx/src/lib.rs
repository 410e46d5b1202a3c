//! Sandbox emulator of OKX API v5 (REST). Mounted by the sandbox server under `/okx`, which
//! stands for `https://www.okx.com`.
//!
//! Contract: shared/providers/okx.md ("the sheet"). What it serves:
//! - public: `/api/v5/public/time`, `/market/ticker`, `/market/candles`, `/market/history-candles`
//!   from a deterministic price model ([`market`]);
//! - private (OK-ACCESS-* signed, [`sign`]): account and funding balances, deposit and withdrawal
//!   history, trading bills (7 days) and the bills archive (3 months), fills (3 days) and fills
//!   history (3 months), with OKX's cursor paging ([`ledger`]);
//! - sandbox switches under `/_sandbox/`: credit a deposit, move a deposit's state.

#![recursion_limit = "256"]

pub mod ledger;
pub mod market;
mod persist;
pub mod sign;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use ledger::Ledger;
use rand::Rng;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use url::Url;
use xp_sandbox_kit::faults::{self, FaultLayer};
use xp_sandbox_kit::{demo, Ctx, FaultKind, Seed};

pub const PROVIDER: &str = "okx";

/// Timestamp tolerance of OK-ACCESS-TIMESTAMP (sheet §2: 30 s, unconfirmed; OKX's v3 error
/// 30008 "Request timestamp expired" documents the same 30 s threshold per the third-party
/// compilations found with `search`).
pub const TIMESTAMP_TOLERANCE_S: i64 = 30;

const DAY_MS: i64 = 86_400_000;

/// One OKX error: HTTP status and code/message from the error-code page (sheet §7, mirror
/// qiuham/crypto-api-docs `docs/okx/error/code/rest-api-public.md`).
#[derive(Debug, Clone)]
pub struct OkxError {
    pub status: StatusCode,
    pub code: &'static str,
    pub msg: String,
}

impl OkxError {
    fn new(status: u16, code: &'static str, msg: impl Into<String>) -> Self {
        OkxError { status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), code, msg: msg.into() }
    }
    fn auth(code: &'static str, msg: &str) -> Self {
        Self::new(401, code, msg)
    }
    fn empty_param(p: &str) -> Self {
        Self::new(400, "50014", format!("Parameter {p} can not be empty."))
    }
    fn param(p: &str) -> Self {
        Self::new(400, "51000", format!("Parameter {p} error"))
    }
    fn rate_limited() -> Self {
        // 50011 appears with HTTP 429 "Too Many Requests" and with HTTP 200; the sandbox uses
        // the 429 row (sheet §6) so clients exercise their back-off.
        Self::new(429, "50011", "Too Many Requests")
    }
}

impl IntoResponse for OkxError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({"code": self.code, "msg": self.msg, "data": []}))).into_response()
    }
}

fn ok(data: Vec<Value>) -> Response {
    (StatusCode::OK, Json(json!({"code": "0", "msg": "", "data": data}))).into_response()
}

/// The endpoints, with their documented rate limits: (requests, window seconds, keyed by user).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ep {
    Time,
    Ticker,
    Candles,
    HistoryCandles,
    Balance,
    AssetBalances,
    DepositHistory,
    WithdrawalHistory,
    Bills,
    BillsArchive,
    Fills,
    FillsHistory,
}

impl Ep {
    fn template(self) -> &'static str {
        match self {
            Ep::Time => "GET /api/v5/public/time",
            Ep::Ticker => "GET /api/v5/market/ticker",
            Ep::Candles => "GET /api/v5/market/candles",
            Ep::HistoryCandles => "GET /api/v5/market/history-candles",
            Ep::Balance => "GET /api/v5/account/balance",
            Ep::AssetBalances => "GET /api/v5/asset/balances",
            Ep::DepositHistory => "GET /api/v5/asset/deposit-history",
            Ep::WithdrawalHistory => "GET /api/v5/asset/withdrawal-history",
            Ep::Bills => "GET /api/v5/account/bills",
            Ep::BillsArchive => "GET /api/v5/account/bills-archive",
            Ep::Fills => "GET /api/v5/trade/fills",
            Ep::FillsHistory => "GET /api/v5/trade/fills-history",
        }
    }

    /// Sheet §4 table and the endpoint pages: public limits by IP, private by User ID.
    fn limit(self) -> Option<(usize, f64)> {
        Some(match self {
            Ep::Time => return None, // sheet §4: "–"
            Ep::Ticker => (20, 2.0),
            Ep::Candles => (40, 2.0), // candlesticks page: 40 requests per 2 seconds
            Ep::HistoryCandles => (20, 2.0),
            Ep::Balance => (10, 2.0),
            Ep::AssetBalances | Ep::DepositHistory | Ep::WithdrawalHistory => (6, 1.0),
            Ep::Bills => (5, 1.0),
            Ep::BillsArchive => (5, 2.0),
            Ep::Fills => (60, 2.0),
            Ep::FillsHistory => (10, 2.0),
        })
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Creds {
    api_key: String,
    secret_key: String,
    passphrase: String,
}

/// Sliding-window request log per (endpoint, user or IP), in real time scaled by `ctx.minute`.
#[derive(Debug, Default)]
struct Limiter(Mutex<HashMap<(Ep, String), VecDeque<Instant>>>);

impl Limiter {
    fn allow(&self, ep: Ep, subject: &str, minute: Duration) -> bool {
        let Some((n, secs)) = ep.limit() else { return true };
        let window = Duration::from_secs_f64(secs * minute.as_secs_f64() / 60.0);
        let now = Instant::now();
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let log = m.entry((ep, subject.to_owned())).or_default();
        while log.front().is_some_and(|t| now.duration_since(*t) >= window) {
            log.pop_front();
        }
        if log.len() >= n {
            return false;
        }
        log.push_back(now);
        true
    }
}

struct Inner {
    ctx: Ctx,
    base: Url,
    creds: Creds,
    ledger: Mutex<Ledger>,
    limiter: Limiter,
}

pub struct Emulator {
    inner: Arc<Inner>,
}

fn random_creds() -> Creds {
    let mut r = rand::thread_rng();
    let h = |n: usize, r: &mut rand::rngs::ThreadRng| {
        (0..n).map(|_| format!("{:x}", r.gen_range(0..16u8))).collect::<String>()
    };
    // OKX keys look like UUIDs and secrets like 32 upper-case hex digits (docs' sample secret).
    let api_key = format!("{}-{}-{}-{}-{}", h(8, &mut r), h(4, &mut r), h(4, &mut r), h(4, &mut r), h(12, &mut r));
    let secret_key = h(32, &mut r).to_ascii_uppercase();
    let alnum = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let passphrase: String = (0..14).map(|_| alnum[r.gen_range(0..alnum.len())] as char).collect::<String>() + "!";
    Creds { api_key, secret_key, passphrase }
}

fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// `now` minus `n` calendar months (day clamped to the month's length).
fn months_ago(now: i64, n: i32) -> i64 {
    let Ok(t) = OffsetDateTime::from_unix_timestamp_nanos(now as i128 * 1_000_000) else { return now };
    let m0 = u8::from(t.month()) as i32 - 1 - n;
    let year = t.year() + m0.div_euclid(12);
    let month = time::Month::try_from((m0.rem_euclid(12) + 1) as u8).unwrap_or(time::Month::January);
    let day = t.day().min(month.length(year));
    match time::Date::from_calendar_date(year, month, day) {
        Ok(d) => ms(d.with_time(t.time()).assume_utc()),
        Err(_) => now - 90 * DAY_MS,
    }
}

type Query = BTreeMap<String, String>;

fn query_of(uri: &Uri) -> Query {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect()
}

fn opt_num(q: &Query, k: &str) -> Result<Option<i128>, OkxError> {
    match q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse::<i128>().map(Some).map_err(|_| OkxError::param(k)),
    }
}

/// `limit`: default 100; above the maximum the maximum is used.
fn limit_of(q: &Query, max: usize) -> Result<usize, OkxError> {
    match opt_num(q, "limit")? {
        None => Ok(100.min(max)),
        Some(n) if n >= 1 => Ok((n as usize).min(max)),
        Some(_) => Err(OkxError::param("limit")),
    }
}

fn matches(q: &Query, k: &str, v: &str) -> bool {
    q.get(k).filter(|s| !s.is_empty()).is_none_or(|want| want == v)
}

fn ccy_filter(q: &Query) -> Option<Vec<String>> {
    q.get("ccy").filter(|s| !s.is_empty()).map(|s| s.split(',').map(|c| c.trim().to_owned()).collect())
}

impl Inner {
    /// Simulated now, shifted by the `clock_skew` fault.
    fn now(&self) -> OffsetDateTime {
        self.ctx.clock.now() + time::Duration::seconds(self.ctx.faults.clock_skew(PROVIDER))
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn limited(&self, ep: Ep, subject: &str) -> Result<(), OkxError> {
        if self.limiter.allow(ep, subject, self.ctx.minute) {
            Ok(())
        } else {
            self.ctx.counters.rate_limited(PROVIDER);
            Err(OkxError::rate_limited())
        }
    }

    /// Sheet §2 and §7. Checks run in this order: headers present, timestamp well-formed and
    /// within ±30 s, key known, environment (x-simulated-trading) matches the key, passphrase,
    /// signature over the path exactly as sent (mount prefix and query included).
    fn authenticate(&self, method: &str, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<(), OkxError> {
        let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty());
        let key =
            h("OK-ACCESS-KEY").ok_or(OkxError::auth("50103", r#"Request header "OK-ACCESS-KEY" cannot be empty."#))?;
        let sig = h("OK-ACCESS-SIGN")
            .ok_or(OkxError::auth("50106", r#"Request header "OK-ACCESS-SIGN" cannot be empty."#))?;
        let ts = h("OK-ACCESS-TIMESTAMP")
            .ok_or(OkxError::auth("50107", r#"Request header "OK-ACCESS-TIMESTAMP" cannot be empty."#))?;
        let pass = h("OK-ACCESS-PASSPHRASE")
            .ok_or(OkxError::auth("50104", r#"Request header "OK-ACCESS-PASSPHRASE" cannot be empty."#))?;
        let t = sign::parse_timestamp(ts).ok_or(OkxError::auth("50112", "Invalid OK-ACCESS-TIMESTAMP."))?;
        if (t - self.now()).abs() > time::Duration::seconds(TIMESTAMP_TOLERANCE_S) {
            return Err(OkxError::auth("50102", "Timestamp request expired."));
        }
        if key != self.creds.api_key {
            return Err(OkxError::auth("50111", "Invalid OK-ACCESS-KEY."));
        }
        // The sandbox issues one live key; demo trading (`x-simulated-trading: 1`) needs demo
        // keys, so a live key sent with it gets 50101 (sheet §1).
        if h("x-simulated-trading") == Some("1") {
            return Err(OkxError::auth("50101", "APIKey does not match current environment."));
        }
        if pass != self.creds.passphrase {
            return Err(OkxError::auth("50105", r#"Request header "OK-ACCESS-PASSPHRASE" incorrect."#));
        }
        let path = match uri.query() {
            Some(q) => format!("{}?{q}", uri.path()),
            None => uri.path().to_owned(),
        };
        let body = String::from_utf8_lossy(body);
        if !sign::verify(&self.creds.secret_key, &sign::prehash(ts, method, &path, &body), sig) {
            return Err(OkxError::auth("50113", "Invalid signature."));
        }
        Ok(())
    }

    fn public(&self, ep: Ep, uri: &Uri) -> Response {
        self.ctx.counters.hit(PROVIDER, ep.template());
        // Public limits are per IP; every sandbox client is 127.0.0.1.
        if let Err(e) = self.limited(ep, "127.0.0.1") {
            return e.into_response();
        }
        let q = query_of(uri);
        let now = ms(self.now());
        match self.serve_public(ep, &q, now) {
            Ok(d) => ok(d),
            Err(e) => e.into_response(),
        }
    }

    fn serve_public(&self, ep: Ep, q: &Query, now: i64) -> Result<Vec<Value>, OkxError> {
        if ep == Ep::Time {
            return Ok(vec![json!({"ts": now.to_string()})]);
        }
        let inst = q.get("instId").filter(|s| !s.is_empty()).ok_or(OkxError::empty_param("instId"))?;
        if market::instrument(inst).is_none() {
            return Err(OkxError::new(200, "51001", "Instrument ID, Instrument ID code or Spread ID doesn't exist."));
        }
        if ep == Ep::Ticker {
            return Ok(market::ticker(inst, now).into_iter().collect());
        }
        let history = ep == Ep::HistoryCandles;
        let bar_s = q.get("bar").map(String::as_str).filter(|s| !s.is_empty()).unwrap_or("1m");
        let bar = market::Bar::parse(bar_s, history).ok_or(OkxError::param("bar"))?;
        // Candlesticks page: max 300, default 100 (both endpoints).
        let limit = limit_of(q, 300)?;
        let after = opt_num(q, "after")?.map(|v| v as i64);
        let before = opt_num(q, "before")?.map(|v| v as i64);
        let current = bar.floor(now);
        let (newest, oldest) = if history {
            // History holds completed bars from 2020 on (1s: last 3 months, per the docs).
            let start = if bar_s == "1s" { months_ago(now, 3) } else { market::HISTORY_START_MS };
            (bar.prev(current), bar.floor(start))
        } else {
            // "This endpoint can retrieve the latest 1,440 data entries."
            let mut o = current;
            for _ in 0..1439 {
                o = bar.prev(o);
            }
            (current, o)
        };
        Ok(market::candles(inst, &bar, market::CandleWindow { newest, oldest, after, before, limit }, now))
    }

    fn private(&self, ep: Ep, uri: &Uri, headers: &HeaderMap) -> Response {
        self.ctx.counters.hit(PROVIDER, ep.template());
        let r = self
            .authenticate("GET", uri, headers, b"")
            .and_then(|()| self.limited(ep, &self.creds.api_key))
            .and_then(|()| self.serve_private(ep, &query_of(uri), ms(self.now())));
        match r {
            Ok(d) => ok(d),
            Err(e) => e.into_response(),
        }
    }

    fn serve_private(&self, ep: Ep, q: &Query, now: i64) -> Result<Vec<Value>, OkxError> {
        let l = self.ledger();
        let ccys = ccy_filter(q);
        let want = |c: &str| ccys.as_ref().is_none_or(|v| v.iter().any(|x| x == c));
        match ep {
            Ep::Balance => Ok(vec![trading_balance(&l, now, &want)]),
            Ep::AssetBalances => Ok(l
                .funding
                .iter()
                .filter(|(c, v)| **v > 0 && want(c))
                .map(|(c, v)| json!({"ccy": c, "bal": ledger::amt(*v), "frozenBal": "0", "availBal": ledger::amt(*v)}))
                .collect()),
            Ep::DepositHistory => {
                let limit = limit_of(q, 100)?;
                let (after, before) = (opt_num(q, "after")?, opt_num(q, "before")?);
                let items: Vec<_> = l
                    .deposits
                    .iter()
                    .filter(|d| {
                        d.ts <= now
                            && want(&d.ccy)
                            && matches(q, "depId", &d.dep_id.to_string())
                            && matches(q, "txId", &d.tx_id)
                            && matches(q, "state", &d.state)
                            && matches(q, "type", "4")
                            && q.get("fromWdId").is_none_or(|s| s.is_empty())
                    })
                    .collect();
                Ok(ledger::page(items, |d| d.ts as i128, after, before, limit)
                    .into_iter()
                    .map(|d| d.to_json())
                    .collect())
            }
            Ep::WithdrawalHistory => {
                let limit = limit_of(q, 100)?;
                let (after, before) = (opt_num(q, "after")?, opt_num(q, "before")?);
                let items: Vec<_> = l
                    .withdrawals
                    .iter()
                    .filter(|w| {
                        w.ts <= now
                            && want(&w.ccy)
                            && matches(q, "wdId", &w.wd_id.to_string())
                            && matches(q, "txId", &w.tx_id)
                            && matches(q, "state", &w.state)
                            && matches(q, "type", "4")
                            && q.get("clientId").is_none_or(|s| s.is_empty())
                    })
                    .collect();
                Ok(ledger::page(items, |w| w.ts as i128, after, before, limit)
                    .into_iter()
                    .map(|w| w.to_json())
                    .collect())
            }
            Ep::Bills | Ep::BillsArchive => {
                // Bills: last 7 days; archive: last 3 months (sheet §4, bills pages).
                let from = if ep == Ep::Bills { now - 7 * DAY_MS } else { months_ago(now, 3) };
                let limit = limit_of(q, 100)?;
                let (after, before) = (opt_num(q, "after")?, opt_num(q, "before")?);
                let (begin, end) = (opt_num(q, "begin")?, opt_num(q, "end")?);
                let items: Vec<_> = l
                    .bills
                    .iter()
                    .filter(|b| {
                        let inst_type = if b.kind == "2" { "SPOT" } else { "" };
                        b.ts >= from
                            && b.ts <= now
                            && want(&b.ccy)
                            && matches(q, "instType", inst_type)
                            && matches(q, "instId", &b.inst_id)
                            && matches(q, "type", b.kind)
                            && matches(q, "subType", b.sub_type)
                            && matches(q, "mgnMode", if b.kind == "2" { "cash" } else { "" })
                            && begin.is_none_or(|t| b.ts as i128 >= t)
                            && end.is_none_or(|t| b.ts as i128 <= t)
                    })
                    .collect();
                Ok(ledger::page(items, |b| b.bill_id as i128, after, before, limit)
                    .into_iter()
                    .map(|b| b.to_json())
                    .collect())
            }
            Ep::Fills | Ep::FillsHistory => {
                let from = if ep == Ep::Fills {
                    now - 3 * DAY_MS
                } else {
                    // fills-history: instType is required (sheet §4).
                    if q.get("instType").is_none_or(|s| s.is_empty()) {
                        return Err(OkxError::empty_param("instType"));
                    }
                    months_ago(now, 3)
                };
                let limit = limit_of(q, 100)?;
                let (after, before) = (opt_num(q, "after")?, opt_num(q, "before")?);
                let (begin, end) = (opt_num(q, "begin")?, opt_num(q, "end")?);
                let items: Vec<_> = l
                    .fills
                    .iter()
                    .filter(|f| {
                        f.ts >= from
                            && f.ts <= now
                            && matches(q, "instType", "SPOT")
                            && matches(q, "instId", &f.inst_id)
                            && matches(q, "ordId", &f.ord_id)
                            && begin.is_none_or(|t| f.ts as i128 >= t)
                            && end.is_none_or(|t| f.ts as i128 <= t)
                    })
                    .collect();
                Ok(ledger::page(items, |f| f.bill_id as i128, after, before, limit)
                    .into_iter()
                    .map(|f| f.to_json())
                    .collect())
            }
            _ => Ok(vec![]),
        }
    }
}

/// USD value (10^-8 units) of an amount, via the USDT markets (USDT taken at par).
fn usd_value(ccy: &str, v: i128, now: i64) -> i128 {
    let via = |inst: &str| market::price_ticks(inst, now).map(|(t, dp)| v * t as i128 / 10i128.pow(dp)).unwrap_or(0);
    match ccy {
        "USDT" => v,
        "BTC" => via("BTC-USDT"),
        "ETH" => via("ETH-USDT"),
        "EUR" => {
            market::price_ticks("USDT-EUR", now).map(|(t, dp)| v * 10i128.pow(dp) / (t as i128).max(1)).unwrap_or(0)
        }
        _ => 0,
    }
}

/// `GET /api/v5/account/balance`: the trading account in spot mode, non-zero currencies only
/// (balance page: "Retrieve a list of assets (with non-zero balance)").
fn trading_balance(l: &Ledger, now: i64, want: &dyn Fn(&str) -> bool) -> Value {
    let ut = |ccy: &str| l.bills.iter().rev().find(|b| b.ccy == ccy).map(|b| b.ts).unwrap_or(now).to_string();
    let mut total = 0i128;
    let details: Vec<Value> = l
        .trading
        .iter()
        .filter(|(c, v)| **v != 0 && want(c))
        .map(|(c, v)| {
            let usd = usd_value(c, *v, now);
            total += usd;
            let a = ledger::amt(*v);
            json!({
                "ccy": c, "eq": a, "cashBal": a, "uTime": ut(c), "isoEq": "0", "availEq": a, "disEq": ledger::amt(usd),
                "fixedBal": "0", "availBal": a, "frozenBal": "0", "ordFrozen": "0", "liab": "0", "upl": "0",
                "uplLiab": "0", "crossLiab": "0", "rewardBal": "0", "isoLiab": "0", "mgnRatio": "", "imr": "",
                "mmr": "", "interest": "0", "twap": "0", "frpType": "0", "maxLoan": "", "eqUsd": ledger::amt(usd),
                "borrowFroz": "", "notionalLever": "", "stgyEq": "0", "isoUpl": "", "spotInUseAmt": "",
                "clSpotInUseAmt": "", "maxSpotInUse": "", "spotIsoBal": "0", "smtSyncEq": "0",
                "spotCopyTradingEq": "0", "spotBal": a, "openAvgPx": "", "accAvgPx": "", "spotUpl": "",
                "spotUplRatio": "", "totalPnl": "", "totalPnlRatio": "", "colRes": "0",
                "colBorrAutoConversion": "0", "collateralEnabled": false, "autoLendStatus": "off", "autoLendMtAmt": "0",
            })
        })
        .collect();
    let total = ledger::amt(total);
    json!({
        "uTime": now.to_string(), "totalEq": total, "isoEq": "0", "adjEq": total, "availEq": total,
        "ordFroz": "0", "imr": "0", "mmr": "0", "borrowFroz": "0", "mgnRatio": "", "notionalUsd": "0",
        "notionalUsdForBorrow": "0", "notionalUsdForFutures": "0", "notionalUsdForOption": "0",
        "notionalUsdForSwap": "0", "upl": "0", "delta": "0", "deltaLever": "0", "deltaNeutralStatus": "0",
        "details": details,
    })
}

/// Renders injected faults in OKX's envelope (sheet §7): 429 → 50011, 500 → 50026 "System
/// error", other 5xx → 50001 "Service temporarily unavailable", expired credentials → 50111.
fn render(kind: &FaultKind, _ctx: &Ctx) -> Option<Response> {
    let e = match kind {
        FaultKind::RateLimit => OkxError::rate_limited(),
        FaultKind::ServerError { status: 500 } => OkxError::new(500, "50026", "System error. Try again later"),
        FaultKind::ServerError { status } => {
            let mut e = OkxError::new(503, "50001", "Service temporarily unavailable. Please try again later.");
            e.status = StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            e
        }
        // API keys do not expire by date; an idle trade/withdraw key is simply gone (sheet §2).
        FaultKind::ExpiredToken => OkxError::auth("50111", "Invalid OK-ACCESS-KEY."),
        _ => return None,
    };
    Some(e.into_response())
}

fn public_route(ep: Ep) -> MethodRouter<Arc<Inner>> {
    get(move |State(s): State<Arc<Inner>>, OriginalUri(uri): OriginalUri| async move { s.public(ep, &uri) })
}

fn private_route(ep: Ep) -> MethodRouter<Arc<Inner>> {
    get(move |State(s): State<Arc<Inner>>, OriginalUri(uri): OriginalUri, headers: HeaderMap| async move {
        s.private(ep, &uri, &headers)
    })
}

fn bad_request(msg: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": msg}))).into_response()
}

/// `POST /_sandbox/deposit`: credits a new deposit now. Body: `{"ccy": "BTC", "amt": "0.01"}`
/// or `{"ccy": "ETH", "invoice": {"org": 0, "index": 612}}` (amount sized to pay the invoice at
/// the current price); optional `state` (default "2"), `txId`.
async fn admin_deposit(State(s): State<Arc<Inner>>, body: Bytes) -> Response {
    let Ok(b) = serde_json::from_slice::<Value>(&body) else { return bad_request("body must be JSON") };
    let Some(ccy) = b.get("ccy").and_then(Value::as_str).map(str::to_ascii_uppercase) else {
        return bad_request("ccy is required");
    };
    let state = b.get("state").and_then(Value::as_str).unwrap_or("2").to_owned();
    if !["0", "1", "2", "8", "11", "12", "13", "14", "17"].contains(&state.as_str()) {
        return bad_request("state must be an OKX deposit state (0,1,2,8,11,12,13,14,17)");
    }
    let now = ms(s.now());
    let invoice = b.get("invoice").map(|i| {
        (
            i.get("org").and_then(Value::as_u64).unwrap_or(0) as usize,
            i.get("index").and_then(Value::as_u64).unwrap_or(0) as usize,
        )
    });
    let (a, inv) = match (b.get("amt").and_then(Value::as_str), invoice) {
        (Some(a), inv) => match ledger::parse_amt(a) {
            Some(v) if v > 0 => (v, inv),
            _ => return bad_request("amt must be a positive decimal with at most 8 decimals"),
        },
        (None, Some((org, i))) if org < 2 && market::instrument(&format!("{ccy}-EUR")).is_some() => {
            (ledger::invoice_amount(org, i, &ccy, now), Some((org, i)))
        }
        _ => return bad_request("give amt, or invoice {org (0|1), index} with ccy BTC, ETH or USDT"),
    };
    let tx = b.get("txId").and_then(Value::as_str).map(str::to_owned);
    let d = s.ledger().add_deposit(&ccy, a, now, &state, inv.map(|(o, i)| demo::invoice_number(o, i)), tx);
    ok(vec![d.to_json()])
}

/// `POST /_sandbox/deposit/{depId}/state` with `{"state": "2"}`: a deposit's lifecycle moves on.
async fn admin_deposit_state(State(s): State<Arc<Inner>>, Path(dep_id): Path<u64>, body: Bytes) -> Response {
    let state = serde_json::from_slice::<Value>(&body).ok().and_then(|b| b.get("state")?.as_str().map(str::to_owned));
    let Some(state) = state else { return bad_request("state is required") };
    match s.ledger().set_deposit_state(dep_id, &state) {
        Some(d) => ok(vec![d.to_json()]),
        None => (StatusCode::NOT_FOUND, Json(json!({"error": "no such deposit"}))).into_response(),
    }
}

impl Emulator {
    /// `base` is the URL this emulator is reachable at (its mount prefix included).
    pub fn new(ctx: Ctx, seed: Seed, base: Url) -> Self {
        let now = ms(ctx.clock.now());
        let ledger = Ledger::seeded(seed, seed.rng(0x0c5_0c5), now);
        let inner = Inner { ctx, base, creds: random_creds(), ledger: Mutex::new(ledger), limiter: Limiter::default() };
        Self { inner: Arc::new(inner) }
    }

    /// Routes relative to the mount prefix, wrapped in the fault layer.
    pub fn router(&self) -> Router {
        let fl = FaultLayer { ctx: self.inner.ctx.clone(), provider: PROVIDER, render };
        Router::new()
            .route("/api/v5/public/time", public_route(Ep::Time))
            .route("/api/v5/market/ticker", public_route(Ep::Ticker))
            .route("/api/v5/market/candles", public_route(Ep::Candles))
            .route("/api/v5/market/history-candles", public_route(Ep::HistoryCandles))
            .route("/api/v5/account/balance", private_route(Ep::Balance))
            .route("/api/v5/asset/balances", private_route(Ep::AssetBalances))
            .route("/api/v5/asset/deposit-history", private_route(Ep::DepositHistory))
            .route("/api/v5/asset/withdrawal-history", private_route(Ep::WithdrawalHistory))
            .route("/api/v5/account/bills", private_route(Ep::Bills))
            .route("/api/v5/account/bills-archive", private_route(Ep::BillsArchive))
            .route("/api/v5/trade/fills", private_route(Ep::Fills))
            .route("/api/v5/trade/fills-history", private_route(Ep::FillsHistory))
            .route("/_sandbox/deposit", post(admin_deposit))
            .route("/_sandbox/deposit/{dep_id}/state", post(admin_deposit_state))
            .with_state(self.inner.clone())
            .layer(axum::middleware::from_fn_with_state(fl, faults::layer))
    }

    /// Demo credentials for the sandbox's start-up line (a live key; see sheet §1).
    pub fn credentials(&self) -> Value {
        let c = &self.inner.creds;
        json!({"api_key": c.api_key, "secret_key": c.secret_key, "passphrase": c.passphrase})
    }

    /// Everything the emulator holds, for the admin API's state dump. Deposits carry the
    /// sandbox-only `invoice` they pay.
    pub fn dump(&self) -> Value {
        let l = self.inner.ledger();
        let bal = |m: &BTreeMap<String, i128>| {
            m.iter().map(|(c, v)| (c.clone(), json!(ledger::amt(*v)))).collect::<serde_json::Map<_, _>>()
        };
        json!({
            "base": self.inner.base.as_str(),
            "api_key": self.inner.creds.api_key,
            "environment": "live",
            "balances": {"funding": bal(&l.funding), "trading": bal(&l.trading)},
            "deposits": l.deposits.iter().map(|d| {
                let mut v = d.to_json();
                v["invoice"] = json!(d.invoice);
                v
            }).collect::<Vec<_>>(),
            "withdrawals": l.withdrawals.iter().map(|w| w.to_json()).collect::<Vec<_>>(),
            "bills": l.bills.iter().map(|b| b.to_json()).collect::<Vec<_>>(),
            "fills": l.fills.iter().map(|f| f.to_json()).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_ago_is_calendar_aware() {
        // 2026-05-31T12:00Z minus 3 months is 2026-02-28T12:00Z (day clamped).
        assert_eq!(months_ago(1_780_228_800_000, 3), 1_772_280_000_000);
    }

    #[test]
    fn limiter_counts_per_endpoint_and_subject() {
        let l = Limiter::default();
        let minute = Duration::from_secs(3600);
        assert!((0..10).all(|_| l.allow(Ep::Balance, "k", minute)));
        assert!(!l.allow(Ep::Balance, "k", minute), "11th balance call in 2 s is refused");
        assert!(l.allow(Ep::Balance, "other", minute) && l.allow(Ep::Fills, "k", minute));
    }
}
