//! Sandbox emulator of Okta: the OpenID Connect custom authorization server `default`
//! (issuer `{base}/oauth2/default`, contract: shared/providers/okta.md) for a native public client
//! using Authorization Code + PKCE, rotating refresh tokens, a rotating JWKS and logout.
//!
//! Routes (relative to the mount prefix, `/okta` in the sandbox server):
//! - `GET  /oauth2/default/.well-known/openid-configuration` (and `/.well-known/oauth-authorization-server`)
//! - `GET  /oauth2/default/v1/authorize`: HTML sign-in form, or error page / error redirect
//! - `POST /signin`: the form's target (stands in for Okta's hosted sign-in page)
//! - `POST /oauth2/default/v1/token`, `GET /oauth2/default/v1/keys`, `GET|POST /oauth2/default/v1/userinfo`,
//!   `POST /oauth2/default/v1/revoke`, `POST /oauth2/default/v1/introspect`, `GET /oauth2/default/v1/logout`
//! - Sandbox switches: `POST /_sandbox/rotate-keys` (new signing key; the old one stays published).
//!
//! Sandbox-only: `/v1/authorize?...&login_hint=<demo user>&sandbox_auto=1` skips the form.

mod jwt;
mod oauth;
mod pages;
mod persist;
mod rules;
mod state;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;
use url::Url;
use xp_sandbox_kit::faults::FaultLayer;
use xp_sandbox_kit::{Ctx, FaultKind, Seed};

use state::Shared;

pub const PROVIDER: &str = "okta";

pub struct Emulator {
    shared: Arc<Shared>,
}

/// Requests per rate-limit minute for each endpoint bucket. Okta sets these per org and per
/// plan and shows them only in the org's Rate Limit dashboard (sheet §8,
/// https://developer.okta.com/docs/reference/rl-best-practices/); the values here are the
/// sandbox's choice, low enough that a client looping on an endpoint meets a 429.
fn bucket_limit(endpoint: &str) -> u32 {
    if endpoint.contains("/keys") || endpoint.contains(".well-known") {
        3000
    } else {
        600
    }
}

/// The current rate-limit window: (index, reset time in UTC epoch seconds). The window is the
/// sandbox "minute" (`ctx.minute`, shrinkable for benchmarks) on the simulated clock.
fn window(ctx: &Ctx) -> (i128, i64) {
    let minute_ms = ctx.minute.as_millis().max(1) as i128;
    let now_ms = ctx.clock.now().unix_timestamp_nanos() / 1_000_000;
    let index = now_ms / minute_ms;
    let reset_ms = (index + 1) * minute_ms;
    (index, ((reset_ms + 999) / 1000) as i64)
}

fn rate_headers(r: &mut Response, limit: u32, remaining: u32, reset: i64) {
    let h = r.headers_mut();
    h.insert("x-rate-limit-limit", HeaderValue::from(limit));
    h.insert("x-rate-limit-remaining", HeaderValue::from(remaining));
    h.insert("x-rate-limit-reset", HeaderValue::from(reset));
}

/// Okta's rate-limit error. Whether OAuth endpoints use this envelope or the RFC 6749 form is
/// unconfirmed (sheet §8); the sandbox uses Okta's documented E0000047 body everywhere.
fn too_many_requests(limit: u32, reset: i64) -> Response {
    let mut r = (
        StatusCode::TOO_MANY_REQUESTS,
        Json(json!({
            "errorCode": "E0000047",
            "errorSummary": "API call exceeded rate limit due to too many requests.",
            "errorLink": "E0000047",
            "errorId": format!("oae{}", state::okta_id("")),
            "errorCauses": [],
        })),
    )
        .into_response();
    rate_headers(&mut r, limit, 0, reset);
    r
}

/// Counts the request, applies the endpoint's bucket and stamps `X-Rate-Limit-*` on every
/// response (sheet §8).
async fn limited(State((s, endpoint)): State<(Arc<Shared>, &'static str)>, req: Request, next: Next) -> Response {
    s.ctx.counters.hit(PROVIDER, endpoint);
    let limit = bucket_limit(endpoint);
    let (index, reset) = window(&s.ctx);
    let used = {
        let mut store = s.store();
        let b = store.buckets.entry(endpoint).or_insert((index, 0));
        if b.0 != index {
            *b = (index, 0);
        }
        b.1 += 1;
        b.1
    };
    if used > limit {
        s.ctx.counters.rate_limited(PROVIDER);
        return too_many_requests(limit, reset);
    }
    let mut r = next.run(req).await;
    rate_headers(&mut r, limit, limit - used, reset);
    r
}

/// Renders the provider-shaped faults of the kit's fault layer.
fn render(kind: &FaultKind, ctx: &Ctx) -> Option<Response> {
    match kind {
        FaultKind::RateLimit => {
            let (_, reset) = window(ctx);
            Some(too_many_requests(600, reset))
        }
        // Okta's generic server error (E0000009) in its management-API envelope (sheet §9).
        FaultKind::ServerError { status } => Some(
            (
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                Json(json!({
                    "errorCode": "E0000009",
                    "errorSummary": "Internal Server Error",
                    "errorLink": "E0000009",
                    "errorId": format!("oae{}", state::okta_id("")),
                    "errorCauses": [],
                })),
            )
                .into_response(),
        ),
        // What `/v1/userinfo` answers for an expired access token (RFC 6750 §3.1).
        FaultKind::ExpiredToken => {
            let mut r = StatusCode::UNAUTHORIZED.into_response();
            r.headers_mut().insert(
                "www-authenticate",
                HeaderValue::from_static(
                    "Bearer error=\"invalid_token\", error_description=\"The access token is invalid.\"",
                ),
            );
            Some(r)
        }
        _ => None,
    }
}

impl Emulator {
    /// `base` is the URL this emulator is reachable at (its mount prefix included). Signing keys
    /// start generating on background threads here; the first request that needs one waits.
    pub fn new(ctx: Ctx, _seed: Seed, base: Url) -> Self {
        // Every seed has the same three demo users: they are accounts, not business data.
        Self { shared: Arc::new(Shared::new(ctx, &base)) }
    }

    /// Routes relative to the mount prefix, wrapped in the fault layer.
    pub fn router(&self) -> Router {
        let s = &self.shared;
        let ep = |endpoint: &'static str, m: MethodRouter<Arc<Shared>>| {
            m.layer(axum::middleware::from_fn_with_state((s.clone(), endpoint), limited))
        };
        let as_ = "/oauth2/default";
        Router::new()
            .route(
                &format!("{as_}/.well-known/openid-configuration"),
                ep("GET /oauth2/default/.well-known/openid-configuration", get(oauth::discovery)),
            )
            .route(
                &format!("{as_}/.well-known/oauth-authorization-server"),
                ep("GET /oauth2/default/.well-known/oauth-authorization-server", get(oauth::discovery)),
            )
            .route(&format!("{as_}/v1/authorize"), ep("GET /oauth2/default/v1/authorize", get(oauth::authorize)))
            .route("/signin", ep("POST /signin", post(oauth::sign_in)))
            .route(&format!("{as_}/v1/token"), ep("POST /oauth2/default/v1/token", post(oauth::token)))
            .route(&format!("{as_}/v1/keys"), ep("GET /oauth2/default/v1/keys", get(oauth::keys)))
            .route(
                &format!("{as_}/v1/userinfo"),
                ep("GET /oauth2/default/v1/userinfo", get(oauth::userinfo).post(oauth::userinfo)),
            )
            .route(&format!("{as_}/v1/introspect"), ep("POST /oauth2/default/v1/introspect", post(oauth::introspect)))
            .route(&format!("{as_}/v1/revoke"), ep("POST /oauth2/default/v1/revoke", post(oauth::revoke)))
            .route(&format!("{as_}/v1/logout"), ep("GET /oauth2/default/v1/logout", get(oauth::logout)))
            .with_state(s.clone())
            .layer(axum::middleware::from_fn_with_state(
                FaultLayer { ctx: s.ctx.clone(), provider: PROVIDER, render },
                xp_sandbox_kit::faults::layer,
            ))
            // Sandbox switches sit outside the fault layer: a 429 storm must not block the
            // test that set it up from rotating keys.
            .merge(Router::new().route("/_sandbox/rotate-keys", post(rotate_keys)).with_state(s.clone()))
    }

    /// Demo credentials for the sandbox's start-up line.
    pub fn credentials(&self) -> Value {
        let s = &self.shared;
        json!({
            "issuer": s.issuer(),
            "client_id": s.client_id,
            "redirect_uris": rules::redirect_uris(),
            "post_logout_redirect_uris": rules::post_logout_redirect_uris(),
            "scheme": rules::SCHEME,
            "users": s.users.iter().map(|u| json!({
                "username": u.username, "password": u.password, "groups": u.groups,
            })).collect::<Vec<_>>(),
        })
    }

    /// Everything the emulator holds, for the admin API's state dump (no token values).
    pub fn dump(&self) -> Value {
        let s = &self.shared;
        let (kids, current) = {
            let k = s.keys();
            (k.kids(), k.current().kid.clone())
        };
        let store = s.store();
        let mut grants: Vec<_> = store.grants.values().collect();
        grants.sort_by_key(|g| g.created);
        let grants: Vec<Value> = grants
            .into_iter()
            .map(|g| {
                let mut v = serde_json::to_value(g).unwrap_or(Value::Null);
                v["live_refresh_tokens"] = json!(store.refresh.values().filter(|r| r.grant == g.id).count());
                v["live_access_tokens"] =
                    json!(store.access.values().filter(|a| a.grant == g.id && !a.revoked).count());
                v
            })
            .collect();
        json!({
            "issuer": s.issuer(),
            "client_id": s.client_id,
            "users": s.users,
            "grants": grants,
            "pending_sign_ins": store.pending.len(),
            "codes_outstanding": store.codes.values().filter(|c| !c.redeemed).count(),
            "keys": {"current": current, "published": kids},
        })
    }
}

/// `POST /_sandbox/rotate-keys`: the next key becomes current (new tokens carry its `kid`), the
/// previous one stays in the JWKS until the following rotation (sheet §6, §10 "kid rotation").
async fn rotate_keys(State(s): State<Arc<Shared>>) -> Response {
    s.ctx.counters.hit(PROVIDER, "POST /_sandbox/rotate-keys");
    let mut keys = s.keys();
    keys.rotate();
    Json(json!({"current": keys.current().kid, "published": keys.kids()})).into_response()
}
