//! Deterministic market data: every price is a pure function of (instrument, time), so candles,
//! tickers and the valuation of seeded deposits are exact and reproducible across runs.
//!
//! Shapes follow OKX's market-data pages (mirror qiuham/crypto-api-docs
//! `docs/okx/order/book/trading-market-data-get-{ticker,candlesticks,candlesticks-history}.md`).

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

/// Spot instruments the emulator lists: (instId, base, quote, price decimals).
/// EUR pairs exist on OKX's EEA site (sheet §1, §4 uses `BTC-EUR`); OKX lists no CHF pairs, so a
/// CHF org values crypto through EUR (see [`CHF_PER_EUR_PERMILLE`]).
pub const INSTRUMENTS: [(&str, &str, &str, u32); 6] = [
    ("BTC-EUR", "BTC", "EUR", 1),
    ("ETH-EUR", "ETH", "EUR", 2),
    ("USDT-EUR", "USDT", "EUR", 4),
    ("BTC-USDT", "BTC", "USDT", 1),
    ("ETH-USDT", "ETH", "USDT", 2),
    ("ETH-BTC", "ETH", "BTC", 5),
];

/// Fixed EUR→CHF rate (CHF per 1 EUR, in thousandths) the demo uses to size deposits paying CHF
/// invoices: OKX has no CHF market, so the sandbox states the cross rate it used.
pub const CHF_PER_EUR_PERMILLE: i128 = 940;

/// History starts here (2020-01-01T00:00:00Z): older candles do not exist.
pub const HISTORY_START_MS: i64 = 1_577_836_800_000;

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

pub fn instrument(inst_id: &str) -> Option<(&'static str, &'static str, &'static str, u32)> {
    INSTRUMENTS.iter().copied().find(|i| i.0 == inst_id)
}

/// A uniform number in [0, 1) from a hash of `parts`: the sandbox's only source of "noise".
pub fn unit(parts: &[&[u8]]) -> f64 {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
        h.update([0xff]);
    }
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    (u64::from_be_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// USD value of one unit of `asset` at `ts_ms`: a sum of slow waves plus per-second noise.
fn usd(asset: &str, ts_ms: i64) -> f64 {
    let m = ts_ms.div_euclid(1000) as f64 / 60.0; // minutes, second resolution
    let tau = std::f64::consts::TAU;
    let wave = |amp: f64, period_days: f64, phase: f64| amp * (tau * m / (period_days * 1440.0) + phase).sin();
    let noise = |amp: f64| amp * (2.0 * unit(&[asset.as_bytes(), &(ts_ms.div_euclid(1000)).to_be_bytes()]) - 1.0);
    match asset {
        "BTC" => {
            70_000.0
                * (wave(0.30, 365.0, 0.3)
                    + wave(0.09, 47.0, 1.1)
                    + wave(0.03, 5.3, 2.0)
                    + wave(0.008, 0.29, 0.7)
                    + wave(0.002, 0.026, 0.1)
                    + noise(0.0004))
                .exp()
        }
        "ETH" => {
            3_200.0
                * (wave(0.35, 365.0, 1.3)
                    + wave(0.11, 41.0, 0.4)
                    + wave(0.04, 4.7, 2.6)
                    + wave(0.01, 0.31, 1.9)
                    + wave(0.003, 0.023, 0.5)
                    + noise(0.0006))
                .exp()
        }
        "EUR" => 1.08 * (wave(0.03, 300.0, 0.9) + wave(0.004, 9.0, 0.2) + noise(0.00005)).exp(),
        "USDT" => 1.0 + wave(0.0008, 3.0, 0.0) + noise(0.0001),
        _ => 0.0,
    }
}

/// The instrument's price at `ts_ms` in integer ticks of `10^-decimals` (the 1m candle's open).
pub fn price_ticks(inst_id: &str, ts_ms: i64) -> Option<(i64, u32)> {
    let (_, base, quote, dp) = instrument(inst_id)?;
    let p = usd(base, ts_ms) / usd(quote, ts_ms);
    Some(((p * 10f64.powi(dp as i32)).round() as i64, dp))
}

/// Price as OKX prints it: a decimal string without trailing zeros.
pub fn fmt_ticks(ticks: i64, dp: u32) -> String {
    let s = crate::ledger::fmt_fixed(ticks as i128, dp);
    crate::ledger::trim(&s)
}

pub fn price_str(inst_id: &str, ts_ms: i64) -> String {
    price_ticks(inst_id, ts_ms).map(|(t, dp)| fmt_ticks(t, dp)).unwrap_or_default()
}

/// A bar size (`bar` parameter): fixed length or calendar months, aligned in UTC or UTC+8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bar {
    Fixed { len_ms: i64, offset_ms: i64, week: bool },
    Months { n: u8, offset_ms: i64 },
}

impl Bar {
    /// Values from the docs: `1s` (history only), `1m/3m/5m/15m/30m/1H/2H/4H`, UTC+8 opening
    /// `6H/12H/1D/2D/3D/1W/1M/3M` and UTC opening `...utc` (ccxt `okx.py` timeframes, sheet §4).
    pub fn parse(s: &str, allow_seconds: bool) -> Option<Bar> {
        let (core, utc) = match s.strip_suffix("utc") {
            Some(c) => (c, true),
            None => (s, false),
        };
        let hk = if utc { 0 } else { 8 * HOUR };
        let fixed = |len_ms, offset_ms| Some(Bar::Fixed { len_ms, offset_ms, week: false });
        match (core, utc) {
            ("1s", false) if allow_seconds => fixed(1000, 0),
            ("1m", false) => fixed(MIN, 0),
            ("3m", false) => fixed(3 * MIN, 0),
            ("5m", false) => fixed(5 * MIN, 0),
            ("15m", false) => fixed(15 * MIN, 0),
            ("30m", false) => fixed(30 * MIN, 0),
            ("1H", false) => fixed(HOUR, 0),
            ("2H", false) => fixed(2 * HOUR, 0),
            ("4H", false) => fixed(4 * HOUR, 0),
            ("6H", _) => fixed(6 * HOUR, hk),
            ("12H", _) => fixed(12 * HOUR, hk),
            ("1D", _) => fixed(DAY, hk),
            ("2D", _) => fixed(2 * DAY, hk),
            ("3D", _) => fixed(3 * DAY, hk),
            ("1W", _) => Some(Bar::Fixed { len_ms: 7 * DAY, offset_ms: hk, week: true }),
            ("1M", _) => Some(Bar::Months { n: 1, offset_ms: hk }),
            ("3M", _) => Some(Bar::Months { n: 3, offset_ms: hk }),
            _ => None,
        }
    }

    /// Opening time of the bar containing `t`.
    pub fn floor(&self, t: i64) -> i64 {
        match *self {
            Bar::Fixed { len_ms, offset_ms, week } => {
                // The epoch was a Thursday; weeks open on Monday.
                let shift = offset_ms + if week { 3 * DAY } else { 0 };
                (t + shift).div_euclid(len_ms) * len_ms - shift
            }
            Bar::Months { n, offset_ms } => {
                let local = to_dt(t + offset_ms);
                let m0 = (u8::from(local.month()) - 1) / n * n;
                from_ym(local.year(), m0 as i32) - offset_ms
            }
        }
    }

    pub fn next(&self, start: i64) -> i64 {
        self.shift(start, 1)
    }

    pub fn prev(&self, start: i64) -> i64 {
        self.shift(start, -1)
    }

    fn shift(&self, start: i64, k: i32) -> i64 {
        match *self {
            Bar::Fixed { len_ms, .. } => start + k as i64 * len_ms,
            Bar::Months { n, offset_ms } => {
                let local = to_dt(start + offset_ms);
                let m = u8::from(local.month()) as i32 - 1 + k * n as i32;
                from_ym(local.year(), m) - offset_ms
            }
        }
    }
}

fn to_dt(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Milliseconds of the first instant of month `m0` (0-based, may overflow either way) of `year`.
fn from_ym(year: i32, m0: i32) -> i64 {
    let y = year + m0.div_euclid(12);
    let month = Month::try_from((m0.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let d = Date::from_calendar_date(y, month, 1).unwrap_or(Date::MIN);
    (d.with_time(Time::MIDNIGHT).assume_offset(UtcOffset::UTC).unix_timestamp_nanos() / 1_000_000) as i64
}

/// One candle row `[ts,o,h,l,c,vol,volCcy,volCcyQuote,confirm]`.
pub fn candle(inst_id: &str, bar: &Bar, start: i64, now: i64) -> Value {
    let end = bar.next(start);
    let complete = end <= now;
    let close_at = if complete { end - 1000 } else { now };
    let (o, dp) = price_ticks(inst_id, start).unwrap_or((0, 0));
    let (c, _) = price_ticks(inst_id, close_at).unwrap_or((0, 0));
    let key = [inst_id.as_bytes(), &start.to_be_bytes(), &end.to_be_bytes()];
    let wiggle = |salt: &[u8], mag: f64| {
        let mut k = key.to_vec();
        k.push(salt);
        unit(&k) * mag
    };
    let span = ((end.min(now.max(start + 1000)) - start) as f64 / MIN as f64).max(1.0 / 60.0);
    let range = 0.0004 * span.sqrt();
    let h = (o.max(c) as f64 * (1.0 + wiggle(b"h", range))).round() as i64;
    let l = (o.min(c) as f64 * (1.0 - wiggle(b"l", range))).round() as i64;
    let base_vol = match instrument(inst_id).map(|i| i.1) {
        Some("BTC") => 0.8,
        Some("ETH") => 9.0,
        _ => 4_000.0,
    };
    let vol = base_vol * span * (0.2 + wiggle(b"v", 1.6));
    let px = c as f64 / 10f64.powi(dp as i32);
    json!([
        start.to_string(),
        fmt_ticks(o, dp),
        fmt_ticks(h, dp),
        fmt_ticks(l, dp),
        fmt_ticks(c, dp),
        format_float(vol, 8),
        format_float(vol * px, 4),
        format_float(vol * px, 4),
        if complete { "1" } else { "0" },
    ])
}

fn format_float(v: f64, dp: usize) -> String {
    crate::ledger::trim(&format!("{v:.dp$}"))
}

/// Which bars a candle request covers: the available range and the client's cursors.
#[derive(Debug, Clone, Copy)]
pub struct CandleWindow {
    /// Opening time of the newest bar served and of the oldest one that exists.
    pub newest: i64,
    pub oldest: i64,
    pub after: Option<i64>,
    pub before: Option<i64>,
    pub limit: usize,
}

/// Candle paging (docs: `after` = records earlier than `ts`, `before` = newer; with `before`
/// alone the latest data are returned): walk back from the newest bar below `after`, stop at
/// `before` or `limit`, newest first.
pub fn candles(inst_id: &str, bar: &Bar, w: CandleWindow, now: i64) -> Vec<Value> {
    let mut t = match w.after {
        Some(a) => bar.floor(a - 1).min(w.newest),
        None => w.newest,
    };
    let mut out = Vec::new();
    while out.len() < w.limit && t >= w.oldest && w.before.is_none_or(|b| t > b) {
        out.push(candle(inst_id, bar, t, now));
        t = bar.prev(t);
    }
    out
}

/// The ticker (`GET /api/v5/market/ticker`) at `now`.
pub fn ticker(inst_id: &str, now: i64) -> Option<Value> {
    let (last, dp) = price_ticks(inst_id, now)?;
    let day_ago = now - DAY;
    let samples: Vec<i64> =
        (0..=96).filter_map(|k| price_ticks(inst_id, day_ago + k * 15 * MIN).map(|p| p.0)).chain([last]).collect();
    let hi = samples.iter().copied().max().unwrap_or(last);
    let lo = samples.iter().copied().min().unwrap_or(last);
    let utc_day = Bar::Fixed { len_ms: DAY, offset_ms: 0, week: false }.floor(now);
    let hk_day = Bar::Fixed { len_ms: DAY, offset_ms: 8 * HOUR, week: false }.floor(now);
    let vol = match instrument(inst_id).map(|i| i.1) {
        Some("BTC") => 1_100.0,
        Some("ETH") => 13_000.0,
        _ => 5_800_000.0,
    } * (0.6 + unit(&[inst_id.as_bytes(), &(now / HOUR).to_be_bytes()]) * 0.8);
    let px = last as f64 / 10f64.powi(dp as i32);
    let size = |salt: &[u8]| format_float(0.001 + unit(&[inst_id.as_bytes(), &now.to_be_bytes(), salt]) * 2.0, 6);
    Some(json!({
        "instType": "SPOT",
        "instId": inst_id,
        "last": fmt_ticks(last, dp),
        "lastSz": size(b"last"),
        "askPx": fmt_ticks(last + 1, dp),
        "askSz": size(b"ask"),
        "bidPx": fmt_ticks(last, dp),
        "bidSz": size(b"bid"),
        "open24h": price_str(inst_id, day_ago),
        "high24h": fmt_ticks(hi, dp),
        "low24h": fmt_ticks(lo, dp),
        "volCcy24h": format_float(vol * px, 4),
        "vol24h": format_float(vol, 6),
        "sodUtc0": price_str(inst_id, utc_day),
        "sodUtc8": price_str(inst_id, hk_day),
        "ts": now.to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_pure_and_cross_rates_agree() {
        let t = 1_767_348_000_123;
        assert_eq!(price_ticks("BTC-EUR", t), price_ticks("BTC-EUR", t));
        assert!(price_ticks("BTC-CHF", t).is_none(), "OKX lists no CHF market");
        let (btc_usdt, _) = price_ticks("BTC-USDT", t).unwrap();
        let (btc_eur, _) = price_ticks("BTC-EUR", t).unwrap();
        assert!(btc_usdt > btc_eur, "EUR is worth more than a dollar");
        assert!((100_000..5_000_000).contains(&btc_eur), "BTC between 10k and 500k EUR (0.1 ticks): {btc_eur}");
    }

    #[test]
    fn bars_align_as_documented() {
        let t = 1_767_348_000_123; // 2026-01-02T10:00:00.123Z
        let d_hk = Bar::parse("1D", false).unwrap();
        let d_utc = Bar::parse("1Dutc", false).unwrap();
        assert_eq!(d_utc.floor(t), 1_767_312_000_000, "UTC midnight");
        assert_eq!(d_hk.floor(t), 1_767_312_000_000 - 8 * HOUR, "HK days open at 16:00Z the day before");
        let w = Bar::parse("1Wutc", false).unwrap();
        assert_eq!(to_dt(w.floor(t)).weekday(), time::Weekday::Monday);
        let m = Bar::parse("1Mutc", false).unwrap();
        assert_eq!(m.floor(t), 1_767_225_600_000, "2026-01-01");
        assert_eq!(m.prev(m.floor(t)), 1_764_547_200_000, "2025-12-01");
        assert!(Bar::parse("1s", false).is_none() && Bar::parse("1s", true).is_some());
        assert!(Bar::parse("7m", false).is_none() && Bar::parse("1mutc", false).is_none());
    }
}
