//! Sandbox emulator of the GoCardless Pro API (https://api.gocardless.com), served by the
//! sandbox server on a loopback port of its own with GoCardless's real paths at the root (so an
//! official client works by changing only the host). Contract: `shared/providers/gocardless.md`
//! ("the sheet").
//!
//! - API routes need `Authorization: Bearer <token>` and `GoCardless-Version: 2015-07-06`
//!   (sheet §2), answer with `RateLimit-*` headers (sheet §9) and GoCardless's error envelope
//!   (sheet §10).
//! - The hosted billing-request-flow page lives under `/billing/static/flow` (it stands for
//!   pay.gocardless.com) and needs no API credentials, like the real one.
//! - Outcomes are scripted the way GoCardless's sandbox scripts them: `POST
//!   /scenario_simulators/{id}/actions/run` (`simulators.rs`). `/_sandbox/...` are the
//!   emulator's own switches, kept only where GoCardless offers no simulator: completing a
//!   mandate-only billing request flow without a browser, a bank rejecting a SEPA mandate with
//!   its first payment, a bank cancelling a mandate, and a payer's bank charging a paid-out
//!   payment back (`/_sandbox/payments/{id}/charge_back`, see `simulators.rs`). They are not part
//!   of GoCardless's API.

mod api;
mod calendar;
mod error;
mod hosted;
mod lifecycle;
mod model;
mod persist;
mod seed;
mod settlement;
mod simulators;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use rand::Rng;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};
use url::Url;
use xp_sandbox_kit::faults::{FaultKind, FaultLayer};
use xp_sandbox_kit::{Ctx, Seed};

pub use error::ApiError;
pub use model::Outcome;

pub const PROVIDER: &str = "gocardless";
/// The only API version (sheet §2: "`2015-07-06` is the current version").
pub const API_VERSION: &str = "2015-07-06";
/// Requests per minute per account (sheet §9; the figure is unconfirmed there, from
/// https://saasnodeloglab.com/gocardless-mandate-api-rate-limit-exceeded-trap).
pub const RATE_LIMIT: u32 = 1000;

pub struct Emulator {
    app: App,
}

#[derive(Clone)]
pub(crate) struct App(Arc<Shared>);

pub(crate) struct Shared {
    ctx: Ctx,
    base: String,
    token: String,
    state: Mutex<model::State>,
    limiter: Mutex<Window>,
}

/// A fixed window of `ctx.minute` (real time, shrinkable for benchmarks), started by the first
/// request after the previous window ended.
struct Window {
    started: Instant,
    used: u32,
}

impl App {
    pub(crate) fn ctx(&self) -> &Ctx {
        &self.0.ctx
    }

    pub(crate) fn base(&self) -> &str {
        &self.0.base
    }

    pub(crate) fn now(&self) -> model::Ts {
        model::to_ms(self.0.ctx.clock.now())
    }

    /// The state, with every lifecycle step up to now already applied.
    pub(crate) fn state(&self) -> (MutexGuard<'_, model::State>, model::Ts) {
        let now = self.now();
        let mut st = self.0.state.lock().unwrap_or_else(|p| p.into_inner());
        st.sync(now);
        (st, now)
    }
}

impl Emulator {
    /// `base` is the URL this emulator is reachable at (its mount prefix included).
    pub fn new(ctx: Ctx, seed: Seed, base: Url) -> Self {
        let now = model::to_ms(ctx.clock.now());
        let mut st = model::State::new(now);
        seed::populate(&mut st, seed, now);
        st.sync(now);
        // Sandbox tokens have no recognisable prefix (sheet §1); random per start.
        let bytes: [u8; 24] = rand::thread_rng().gen();
        let token = format!("sandbox_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let base = base.as_str().trim_end_matches('/').to_owned();
        let window = Window { started: Instant::now(), used: 0 };
        Self { app: App(Arc::new(Shared { ctx, base, token, state: Mutex::new(st), limiter: Mutex::new(window) })) }
    }

    /// Routes relative to the mount prefix, wrapped in the fault layer.
    pub fn router(&self) -> Router {
        let app = self.app.clone();
        let api = Router::new()
            .route("/customers", get(api::list_customers).post(api::create_customer))
            .route("/customers/{id}", get(api::get_customer).put(api::update_customer))
            .route("/customer_bank_accounts", get(api::list_bank_accounts).post(api::create_bank_account))
            .route("/customer_bank_accounts/{id}", get(api::get_bank_account))
            .route("/mandates", get(api::list_mandates).post(api::create_mandate))
            .route("/mandates/{id}", get(api::get_mandate))
            .route("/mandates/{id}/actions/cancel", post(api::cancel_mandate))
            .route("/mandates/{id}/actions/reinstate", post(api::reinstate_mandate))
            .route("/billing_requests", get(api::list_billing_requests).post(api::create_billing_request))
            .route("/billing_requests/{id}", get(api::get_billing_request))
            .route("/billing_requests/{id}/actions/fulfil", post(api::fulfil_billing_request))
            .route("/billing_requests/{id}/actions/cancel", post(api::cancel_billing_request))
            .route("/billing_request_flows", post(api::create_flow))
            .route("/payments", get(api::list_payments).post(api::create_payment))
            .route("/payments/{id}", get(api::get_payment).put(api::update_payment))
            .route("/payments/{id}/actions/cancel", post(api::cancel_payment))
            .route("/payments/{id}/actions/retry", post(api::retry_payment))
            .route("/refunds", get(api::list_refunds).post(api::create_refund))
            .route("/refunds/{id}", get(api::get_refund))
            .route("/payouts", get(api::list_payouts))
            .route("/payouts/{id}", get(api::get_payout))
            .route("/payout_items", get(api::list_payout_items))
            .route("/events", get(api::list_events))
            .route("/events/{id}", get(api::get_event))
            .route("/creditors", get(api::list_creditors))
            .route("/creditors/{id}", get(api::get_creditor))
            .route("/scenario_simulators/{id}/actions/run", post(simulators::run))
            .route_layer(from_fn_with_state(app.clone(), guard));
        let open = Router::new()
            .route("/billing/static/flow", get(hosted::show))
            .route("/billing/static/flow/details", post(hosted::details))
            .route("/billing/static/flow/confirm", post(hosted::confirm))
            .route("/_sandbox/billing_request_flows/{id}/complete", post(api::sandbox_complete_flow))
            .route("/_sandbox/mandates/{id}/fail_with_first_payment", post(api::sandbox_fail_with_first_payment))
            .route("/_sandbox/mandates/{id}/cancel_by_bank", post(api::sandbox_cancel_by_bank))
            .route("/_sandbox/payments/{id}/charge_back", post(simulators::sandbox_charge_back));
        let fl = FaultLayer { ctx: app.ctx().clone(), provider: PROVIDER, render };
        api.merge(open)
            .route_layer(from_fn_with_state(app.clone(), count))
            .fallback(not_found)
            .with_state(app)
            .layer(from_fn_with_state(fl, xp_sandbox_kit::faults::layer))
            .layer(from_fn(json_content_type))
    }

    /// Demo credentials for the sandbox's start-up line.
    pub fn credentials(&self) -> Value {
        let st = self.app.0.state.lock().unwrap_or_else(|p| p.into_inner());
        json!({
            "access_token": self.app.0.token,
            "creditor_id": st.creditor_id,
            "environment": "sandbox",
            "gocardless_version": API_VERSION,
            "base_url": self.app.base(),
        })
    }

    /// Everything the emulator holds, for the admin API's state dump.
    pub fn dump(&self) -> Value {
        let (st, now) = self.app.state();
        let statuses = |it: &mut dyn Iterator<Item = (String, &'static str)>| -> Value {
            json!(it.map(|(id, s)| (id, json!(s))).collect::<serde_json::Map<_, _>>())
        };
        json!({
            "now": model::ts(now),
            "mandate_status": statuses(&mut st.mandates.values().map(|m| (m.id.clone(), m.status(now)))),
            "payment_status": statuses(&mut st.payments.values().map(|p| (p.id.clone(), p.status(now)))),
            "state": serde_json::to_value(&*st).unwrap_or(Value::Null),
        })
    }

    /// For benchmarks: `count` more payments on the mandates already here (round robin),
    /// created evenly from `from` over `span` and planned through their lifecycle like the
    /// seed's; their events come as the clock reaches them. Answers how many mandates took them.
    pub fn plan_payments(&self, count: usize, from: time::OffsetDateTime, span: time::Duration) -> usize {
        let (mut st, _) = self.app.state();
        let mandates: Vec<String> = st.mandates.keys().cloned().collect();
        if mandates.is_empty() {
            return 0;
        }
        let from = model::to_ms(from);
        for k in 0..count {
            let created = from + span * i32::try_from(k).unwrap_or(i32::MAX) / i32::try_from(count).unwrap_or(i32::MAX);
            seed::add_payment(&mut st, k, &mandates[k % mandates.len()], created);
        }
        mandates.len()
    }

    /// For tests: the access token this instance accepts.
    pub fn access_token(&self) -> String {
        self.app.0.token.clone()
    }
}

/// Counts every request by route template (`GET /payments/{id}`).
async fn count(State(app): State<App>, req: Request, next: Next) -> Response {
    if let Some(p) = req.extensions().get::<MatchedPath>() {
        let path = p.as_str();
        let path = path.strip_prefix("/gocardless").filter(|p| p.starts_with('/')).unwrap_or(path);
        app.ctx().counters.hit(PROVIDER, &format!("{} {}", req.method(), path));
    }
    next.run(req).await
}

async fn not_found(State(app): State<App>, req: Request) -> Response {
    app.ctx().counters.hit(PROVIDER, &format!("{} (unmatched)", req.method()));
    // An unknown path: invalid_api_usage 404 `not_found` (observed on api.gocardless.com, quoted
    // at http://pullrequest.ru/10458576/api-gocardless-ispolzovaniem-classic-asp).
    ApiError::usage(StatusCode::NOT_FOUND, "not_found", "not found").into_response()
}

/// Everything GoCardless checks before a handler runs: token, version header, rate limit,
/// content type. Its `RateLimit-*` headers go on every answer to an authenticated request.
async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    if let Err(e) = authenticate(&app, req.headers()) {
        return e.into_response();
    }
    let (limit_headers, over) = app.take_rate_limit();
    let mut resp = if over {
        app.ctx().counters.rate_limited(PROVIDER);
        ApiError::usage(StatusCode::TOO_MANY_REQUESTS, "rate_limit_exceeded", "Rate limit exceeded").into_response()
    } else if let Err(e) = check_headers(req.method(), req.headers()) {
        e.into_response()
    } else {
        next.run(req).await
    };
    for (k, v) in limit_headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}

/// Reasons from GoCardless's error reference (mirrored at
/// https://help.netquarry.com/html/276e8bd2-f70a-3484-4d1e-951dfab83753.htm):
/// `access_token_not_found` ("No access token with the ID specified was found"); the missing /
/// malformed header reasons are unconfirmed names from the same family.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return Err(ApiError::usage(
            StatusCode::UNAUTHORIZED,
            "missing_authorization_header",
            "Authorization header is missing",
        ));
    };
    let Some(token) = auth.strip_prefix("Bearer ") else {
        return Err(ApiError::usage(
            StatusCode::UNAUTHORIZED,
            "invalid_authorization_header",
            "Authorization header must be in the format 'Bearer <access token>'",
        ));
    };
    if token.trim() != app.0.token {
        return Err(ApiError::usage(StatusCode::UNAUTHORIZED, "access_token_not_found", "Access token not found"));
    }
    Ok(())
}

/// `missing_version_header` / `version_not_found` (400 invalid_api_usage; the reason for a
/// missing header as in a client test quoting the API: "GoCardless-Version header missing").
fn check_headers(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get("gocardless-version").and_then(|v| v.to_str().ok()) {
        None => {
            return Err(ApiError::usage(
                StatusCode::BAD_REQUEST,
                "missing_version_header",
                "GoCardless-Version header missing",
            ))
        }
        Some(v) if v.trim() != API_VERSION => {
            return Err(ApiError::usage(
                StatusCode::BAD_REQUEST,
                "version_not_found",
                "Version specified in GoCardless-Version header was not found",
            ))
        }
        Some(_) => {}
    }
    if matches!(*method, Method::POST | Method::PUT) {
        let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        // Writes carry `Content-Type: application/json` (sheet §2); the 415 reason is unconfirmed.
        if !ct.trim_start().to_ascii_lowercase().starts_with("application/json") {
            return Err(ApiError::usage(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_content_type",
                "'Content-Type' header must be application/json",
            ));
        }
    }
    Ok(())
}

impl App {
    /// Counts one request against the window; returns its headers and whether it is over.
    fn take_rate_limit(&self) -> (Vec<(&'static str, String)>, bool) {
        let minute = self.0.ctx.minute;
        let mut w = self.0.limiter.lock().unwrap_or_else(|p| p.into_inner());
        if w.started.elapsed() >= minute {
            w.started = Instant::now();
            w.used = 0;
        }
        let over = w.used >= RATE_LIMIT;
        if !over {
            w.used += 1;
        }
        let reset = minute.saturating_sub(w.started.elapsed());
        (rate_limit_headers(RATE_LIMIT - w.used.min(RATE_LIMIT), reset), over)
    }
}

/// `RateLimit-Reset` as an HTTP date (IMF-fixdate). Sheet §9 leaves seconds vs date open
/// (unconfirmed); gocardless-pro-python `rate_limit.py` keeps the header as an unparsed string
/// while it parses Limit/Remaining as integers, which fits a date rather than a number.
fn rate_limit_headers(remaining: u32, reset_in: Duration) -> Vec<(&'static str, String)> {
    let at = SystemTime::now() + reset_in + Duration::from_millis(999);
    let at = time::OffsetDateTime::from(at);
    let f = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    vec![
        ("ratelimit-limit", RATE_LIMIT.to_string()),
        ("ratelimit-remaining", remaining.to_string()),
        ("ratelimit-reset", at.format(f).unwrap_or_default()),
    ]
}

/// The fault layer's renderings in GoCardless's own shapes (sheet §9, §10).
fn render(kind: &FaultKind, ctx: &Ctx) -> Option<Response> {
    let e = match kind {
        FaultKind::RateLimit => {
            let mut e = ApiError::usage(StatusCode::TOO_MANY_REQUESTS, "rate_limit_exceeded", "Rate limit exceeded");
            for (k, v) in rate_limit_headers(0, ctx.minute) {
                e = e.header(k, v);
            }
            e
        }
        FaultKind::ServerError { status } => {
            ApiError::internal(StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        }
        FaultKind::ExpiredToken => ApiError::usage(
            StatusCode::UNAUTHORIZED,
            "access_token_not_active",
            "The access token you are using has been disabled",
        ),
        _ => return None,
    };
    Some(e.into_response())
}

/// GoCardless answers `application/json`; axum's `Json` adds it already, this only fills in
/// bodies built elsewhere (HTML pages set their own).
async fn json_content_type(req: Request, next: Next) -> Response {
    let mut r = next.run(req).await;
    if !r.headers().contains_key(header::CONTENT_TYPE) && r.status() != StatusCode::SEE_OTHER {
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_seed_is_proportional_and_cheap() {
        let ctx = Ctx::new(Duration::from_secs(60));
        let base: Url = "http://127.0.0.1:1/gocardless".parse().expect("url");
        let emu = Emulator::new(ctx, Seed::Large(5_000), base);
        let (st, now) = emu.app.state();
        assert_eq!(st.payments.len(), 1_000, "one direct debit per five invoices");
        assert_eq!(st.mandates.len(), 125);
        assert!(st.payments.values().any(|p| p.status(now) == "paid_out"));
        assert!(
            st.events.windows(2).all(|w| {
                model::State::order_of(&w[0].id) < model::State::order_of(&w[1].id)
                    && w[0].created_at <= w[1].created_at
            }),
            "events are emitted in time order"
        );
    }
}
