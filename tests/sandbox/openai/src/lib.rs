//! Sandbox emulator of the OpenAI API (contract: `shared/providers/openai.md`, spec
//! `tests/sandbox/specs/openai.yaml`). Mounted by the sandbox server under `/openai`; clients use
//! `{base}/v1` as the API base URL.
//!
//! Served: `POST /v1/chat/completions`, `POST /v1/responses`, `GET|DELETE /v1/responses/{id}`,
//! `GET /v1/models`, `GET /v1/models/{model}`. Answers are pure functions of the request (see
//! `answer.rs`), structured outputs validate against the caller's schema (see `schema.rs`).

mod answer;
mod chat;
mod error;
mod format;
mod models;
mod persist;
mod ratelimit;
mod responses;
mod schema;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use url::Url;
use xp_sandbox_kit::faults::{self, FaultLayer};
use xp_sandbox_kit::{Ctx, FaultKind, Seed};

use crate::error::{header, ApiError};
use crate::ratelimit::{Limits, RateLimiter};

pub use crate::ratelimit::{DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_TOKENS_PER_MINUTE};

pub const PROVIDER: &str = "openai";

pub struct Emulator {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub ctx: Ctx,
    #[allow(dead_code)]
    pub base: Url,
    api_key: String,
    /// The organisation id 429 messages name (random per start, like the key).
    pub org: String,
    pub limiter: RateLimiter,
    /// Orders generated ids: deterministic for a given sequence of requests, yet unique.
    seq: AtomicU64,
    /// Requests served (any route, any outcome).
    served: AtomicU64,
    /// Responses created with `store` (the default, sheet §8), by id.
    pub stored: Mutex<BTreeMap<String, Value>>,
}

impl Emulator {
    /// `base` is the URL this emulator is reachable at (its mount prefix included).
    pub fn new(ctx: Ctx, _seed: Seed, base: Url) -> Self {
        let random =
            |n: usize| rand::thread_rng().sample_iter(&Alphanumeric).take(n).map(char::from).collect::<String>();
        let shared = Shared {
            limiter: RateLimiter::new(ctx.minute),
            ctx,
            base,
            api_key: format!("sk-sandbox-{}", random(40)),
            org: format!("org-{}", random(24)),
            seq: AtomicU64::new(0),
            served: AtomicU64::new(0),
            stored: Mutex::new(BTreeMap::new()),
        };
        Self { shared: Arc::new(shared) }
    }

    /// Per-minute request and token limits (defaults: [`DEFAULT_REQUESTS_PER_MINUTE`],
    /// [`DEFAULT_TOKENS_PER_MINUTE`]); tests shrink them to reach a 429 quickly.
    pub fn with_limits(self, requests_per_minute: u64, tokens_per_minute: u64) -> Self {
        self.shared.limiter.set_limits(Limits { requests: requests_per_minute, tokens: tokens_per_minute });
        self
    }

    /// Routes relative to the mount prefix, wrapped in the fault layer.
    pub fn router(&self) -> Router {
        let s = self.shared.clone();
        Router::new()
            .route("/v1/chat/completions", post(chat::create))
            .route("/v1/responses", post(responses::create))
            .route("/v1/responses/{response_id}", get(responses::retrieve).delete(responses::delete))
            .route("/v1/models", get(models::list))
            .route("/v1/models/{model}", get(models::retrieve))
            .fallback(unknown_route)
            .with_state(s.clone())
            .layer(axum::middleware::from_fn_with_state(
                FaultLayer { ctx: s.ctx.clone(), provider: PROVIDER, render },
                faults::layer,
            ))
            .layer(axum::middleware::from_fn_with_state(s, request_id))
    }

    /// Demo credentials for the sandbox's start-up line.
    pub fn credentials(&self) -> Value {
        json!({"api_key": self.shared.api_key})
    }

    /// Everything the emulator holds, for the admin API's state dump.
    pub fn dump(&self) -> Value {
        let stored = self.shared.stored.lock().unwrap_or_else(|p| p.into_inner());
        json!({
            "requests": self.shared.served.load(Ordering::Relaxed),
            "rate_limit": self.shared.limiter.snapshot(),
            "stored_responses": stored.keys().collect::<Vec<_>>(),
        })
    }
}

impl Shared {
    /// `Authorization: Bearer <key>` (sheet §1, spec `securitySchemes.ApiKeyAuth`). Without a
    /// key OpenAI answers 401 `invalid_request_error` with `code: null`; with a wrong one
    /// `code: invalid_api_key` and the key masked (messages as quoted from api.openai.com in
    /// chatboxai/chatbox#98 and continuedev/continue#9634).
    pub fn authorize(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let given = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|k| !k.is_empty());
        match given {
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_request_error",
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth \
                 (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing \
                 the API from your browser and are prompted for a username and password. You can obtain an API key from \
                 https://platform.openai.com/account/api-keys.",
            )),
            Some(k) if k == self.api_key => Ok(()),
            Some(k) => Err(invalid_key(k)),
        }
    }

    pub fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    /// Simulated now, in Unix seconds (`created`, `created_at`).
    pub fn now(&self) -> i64 {
        self.ctx.clock.now().unix_timestamp()
    }
}

fn invalid_key(key: &str) -> ApiError {
    let chars: Vec<char> = key.chars().collect();
    let shown: String = if chars.len() > 12 {
        let stars = "*".repeat(chars.len() - 12);
        format!(
            "{}{stars}{}",
            chars[..8].iter().collect::<String>(),
            chars[chars.len() - 4..].iter().collect::<String>()
        )
    } else {
        key.to_owned()
    };
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_request_error",
        format!("Incorrect API key provided: {shown}. You can find your API key at https://platform.openai.com/account/api-keys."),
    )
    .code("invalid_api_key")
}

/// The JSON body as an object. Unparseable bodies get OpenAI's 400 (wording as returned by
/// api.openai.com for non-JSON bodies; unconfirmed in OpenAI's docs).
pub(crate) fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ApiError::invalid(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library \
             correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble \
             figuring out how to fix this, please contact us through our help center at help.openai.com.)",
        )),
    }
}

/// An optional boolean parameter.
pub(crate) fn opt_bool(body: &Map<String, Value>, key: &str) -> Result<Option<bool>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(ApiError::wrong_type(key, "a boolean", other)),
    }
}

/// An optional non-negative integer parameter.
pub(crate) fn opt_u64(body: &Map<String, Value>, key: &str) -> Result<Option<u64>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| ApiError::wrong_type(key, "an integer", v)),
    }
}

/// A server-sent-events body from ready events (everything is computed before the first byte,
/// which a client cannot tell from a fast model).
pub(crate) fn sse(events: Vec<String>, headers: HeaderMap) -> Response {
    let stream = futures_util::stream::iter(
        events.into_iter().map(|e| Ok::<_, std::convert::Infallible>(axum::body::Bytes::from(e))),
    );
    let mut r = Response::new(axum::body::Body::from_stream(stream));
    r.headers_mut().insert("content-type", header("text/event-stream; charset=utf-8"));
    r.headers_mut().extend(headers);
    r
}

/// Every response carries `x-request-id` (sheet §1); derived from a counter so runs repeat.
async fn request_id(State(s): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let n = s.served.fetch_add(1, Ordering::Relaxed);
    let mut r = next.run(req).await;
    r.headers_mut().insert("x-request-id", header(&format!("req_{}", answer::hex_id(n ^ 0x5eed, 32))));
    r
}

/// OpenAI's answer to a path it does not serve (wording as returned by api.openai.com;
/// unconfirmed in its docs).
async fn unknown_route(State(s): State<Arc<Shared>>, req: Request) -> Response {
    s.ctx.counters.hit(PROVIDER, "unknown route");
    ApiError::new(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        format!("Invalid URL ({} {})", req.method(), req.uri().path()),
    )
    .into_response()
}

/// Injected faults in OpenAI's shapes (sheet §5, §6): the rate-limit 429 with `x-ratelimit-*`
/// and `Retry-After`, 5xx as `server_error`, and the 401 `invalid_api_key`.
fn render(kind: &FaultKind, ctx: &Ctx) -> Option<Response> {
    match kind {
        FaultKind::RateLimit => {
            let limits = Limits { requests: DEFAULT_REQUESTS_PER_MINUTE, tokens: DEFAULT_TOKENS_PER_MINUTE };
            let mut headers = HeaderMap::new();
            headers.insert("x-ratelimit-limit-requests", header(&limits.requests.to_string()));
            headers.insert("x-ratelimit-limit-tokens", header(&limits.tokens.to_string()));
            headers.insert("x-ratelimit-remaining-requests", header("0"));
            headers.insert("x-ratelimit-remaining-tokens", header(&limits.tokens.to_string()));
            headers.insert("x-ratelimit-reset-requests", header(&ratelimit::go_duration(ctx.minute)));
            headers.insert("x-ratelimit-reset-tokens", header("0s"));
            let e = ratelimit::too_many(
                ratelimit::Exceeded::Requests,
                limits,
                limits.requests,
                1,
                ctx.minute,
                "gpt-5.4",
                "org-sandbox",
                &headers,
            );
            Some(e.into_response())
        }
        FaultKind::ServerError { status } => {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            // 500 and 503 wording as OpenAI's (https://help.openai.com/en/articles/6891839).
            let message = match status {
                503 => "The engine is currently overloaded, please try again later.",
                502 => "Bad gateway.",
                504 => "Gateway timeout.",
                _ => "The server had an error while processing your request. Sorry about that!",
            };
            Some(ApiError::new(code, "server_error", message).into_response())
        }
        FaultKind::ExpiredToken => Some(invalid_key("revoked-sandbox-key-0000").into_response()),
        _ => None,
    }
}
