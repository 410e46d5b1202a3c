//! Injected faults. Set from the command line (`--faults SPEC`) or the admin API, consumed per
//! request by [`layer`], which every emulator wraps around its router.
//!
//! Spec grammar, comma-separated: `provider:kind[=arg][*count]`
//! - provider: `xero`, `okta`, `gocardless`, `saferpay`, `okx`, `openai`, or `*` for all
//! - kind: `429` (rate-limit storm), `500`/`502`/`503`/`504`, `latency=MS`, `reset`,
//!   `lost_response` (handled, then the answer is dropped), `truncated`, `malformed`,
//!   `expired_token`, `clock_skew=SECONDS`, `error=NAME[/BEHAVIOR]` (a named provider error;
//!   see [`FaultKind::Named`])
//! - count: how many requests it hits; without it, every request until cleared.
//!
//! Example: `xero:429*10,okx:latency=800,gocardless:503*3,xero:truncated*1`

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::Ctx;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// The provider's own 429 with its rate-limit headers.
    RateLimit,
    /// A 5xx in the provider's outage format.
    ServerError { status: u16 },
    /// Answer normally, but only after this long.
    Latency { ms: u64 },
    /// Drop the connection without a complete response.
    Reset,
    /// Handle the request (its effects happen), then drop the connection before the answer:
    /// the "lost response" a client must survive by retrying idempotently.
    LostResponse,
    /// A 200 whose JSON body is cut in half.
    Truncated,
    /// A 200 whose body is not JSON at all.
    Malformed,
    /// The provider's 401 for an expired access token.
    ExpiredToken,
    /// The provider's clock is off by this many seconds (signature time checks).
    ClockSkew { seconds: i64 },
    /// One of the provider's own error answers, by its documented name (e.g. Saferpay's
    /// `COMMUNICATION_TIMEOUT`), optionally with the retry advice it carries (`RETRY_LATER`).
    /// Not a layer fault: such an answer echoes the request (Saferpay's ResponseHeader repeats
    /// the RequestId and SpecVersion), so the emulator's handler takes it with
    /// [`Faults::take_named`] once it has read the request. An emulator that renders no named
    /// errors never takes it, and it stays listed.
    Named {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        behavior: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    pub provider: String,
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Requests left to hit; `None` = until cleared.
    pub remaining: Option<u32>,
}

impl Fault {
    pub fn parse_spec(spec: &str) -> Result<Vec<Fault>, String> {
        spec.split(',').map(str::trim).filter(|s| !s.is_empty()).map(Self::parse_one).collect()
    }

    fn parse_one(item: &str) -> Result<Fault, String> {
        let err = || format!("fault {item:?}: expected provider:kind[=arg][*count]");
        let (provider, rest) = item.split_once(':').ok_or_else(err)?;
        if !["xero", "okta", "gocardless", "saferpay", "okx", "openai", "*"].contains(&provider) {
            return Err(format!("fault {item:?}: unknown provider {provider:?}"));
        }
        let (kind_arg, count) = match rest.split_once('*') {
            Some((k, c)) => (k, Some(c.parse::<u32>().map_err(|_| err())?)),
            None => (rest, None),
        };
        let (kind, arg) = match kind_arg.split_once('=') {
            Some((k, a)) => (k, Some(a)),
            None => (kind_arg, None),
        };
        let num = |a: Option<&str>| a.and_then(|a| a.parse::<i64>().ok()).ok_or_else(err);
        let kind = match kind {
            "429" => FaultKind::RateLimit,
            "500" | "502" | "503" | "504" => FaultKind::ServerError { status: kind.parse().map_err(|_| err())? },
            "latency" => FaultKind::Latency { ms: num(arg)?.max(0) as u64 },
            "reset" => FaultKind::Reset,
            "lost_response" => FaultKind::LostResponse,
            "truncated" => FaultKind::Truncated,
            "malformed" => FaultKind::Malformed,
            "expired_token" => FaultKind::ExpiredToken,
            "clock_skew" => FaultKind::ClockSkew { seconds: num(arg)? },
            "error" => {
                let (name, behavior) = match arg.ok_or_else(err)?.split_once('/') {
                    Some((n, b)) => (n, Some(b)),
                    None => (arg.unwrap_or_default(), None),
                };
                let word = |w: &str| {
                    !w.is_empty() && w.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                };
                if !word(name) || !behavior.is_none_or(word) {
                    return Err(format!("fault {item:?}: error=NAME[/BEHAVIOR] takes upper-case words"));
                }
                FaultKind::Named { name: name.to_owned(), behavior: behavior.map(str::to_owned) }
            }
            other => return Err(format!("fault {item:?}: unknown kind {other:?}")),
        };
        Ok(Fault { provider: provider.to_owned(), kind, remaining: count })
    }
}

#[derive(Clone, Debug, Default)]
pub struct Faults(Arc<Mutex<Vec<Fault>>>);

impl Faults {
    pub fn add(&self, faults: impl IntoIterator<Item = Fault>) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend(faults);
    }

    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    pub fn list(&self) -> Vec<Fault> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Takes the first request-level fault for `provider`, counting it down. Clock skew is not
    /// a request fault: read it with [`Faults::clock_skew`]; named errors are the handler's
    /// ([`Faults::take_named`]).
    pub fn take(&self, provider: &str) -> Option<FaultKind> {
        self.take_where(provider, |k| !matches!(k, FaultKind::ClockSkew { .. } | FaultKind::Named { .. }))
    }

    /// Takes the first named error for `provider`, counting it down: `(name, behavior)`.
    pub fn take_named(&self, provider: &str) -> Option<(String, Option<String>)> {
        match self.take_where(provider, |k| matches!(k, FaultKind::Named { .. }))? {
            FaultKind::Named { name, behavior } => Some((name, behavior)),
            _ => None,
        }
    }

    fn take_where(&self, provider: &str, wanted: impl Fn(&FaultKind) -> bool) -> Option<FaultKind> {
        let mut v = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let i = v.iter().position(|f| (f.provider == provider || f.provider == "*") && wanted(&f.kind))?;
        let kind = v[i].kind.clone();
        if let Some(n) = v[i].remaining.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                v.remove(i);
            }
        }
        Some(kind)
    }

    pub fn clock_skew(&self, provider: &str) -> i64 {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|f| f.provider == provider || f.provider == "*")
            .find_map(|f| match f.kind {
                FaultKind::ClockSkew { seconds } => Some(seconds),
                _ => None,
            })
            .unwrap_or(0)
    }
}

/// Renders the faults whose shape is provider-specific (429, 5xx, expired token). Returning
/// `None` falls back to a bare status.
pub type Render = fn(&FaultKind, &Ctx) -> Option<Response>;

#[derive(Clone)]
pub struct FaultLayer {
    pub ctx: Ctx,
    pub provider: &'static str,
    pub render: Render,
}

/// Wrap an emulator's router: `router.layer(axum::middleware::from_fn_with_state(FaultLayer{..}, faults::layer))`.
pub async fn layer(State(fl): State<FaultLayer>, req: Request, next: Next) -> Response {
    let Some(kind) = fl.ctx.faults.take(fl.provider) else {
        return next.run(req).await;
    };
    fl.ctx.counters.fault(fl.provider);
    tracing::debug!(provider = fl.provider, ?kind, "injecting fault");
    match kind {
        FaultKind::Latency { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        FaultKind::LostResponse => {
            let _handled = next.run(req).await;
            reset_response()
        }
        FaultKind::Reset => reset_response(),
        FaultKind::Truncated => {
            let resp = next.run(req).await;
            let (mut parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            parts.headers.remove("content-length");
            Response::from_parts(parts, Body::from(cut))
        }
        FaultKind::Malformed => {
            (StatusCode::OK, [("content-type", "application/json")], "<html><body>Service Unavailable</body></html>")
                .into_response()
        }
        FaultKind::RateLimit => {
            fl.ctx.counters.rate_limited(fl.provider);
            (fl.render)(&kind, &fl.ctx).unwrap_or_else(|| StatusCode::TOO_MANY_REQUESTS.into_response())
        }
        FaultKind::ServerError { status } => (fl.render)(&kind, &fl.ctx).unwrap_or_else(|| {
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response()
        }),
        FaultKind::ExpiredToken => {
            (fl.render)(&kind, &fl.ctx).unwrap_or_else(|| StatusCode::UNAUTHORIZED.into_response())
        }
        FaultKind::ClockSkew { .. } | FaultKind::Named { .. } => next.run(req).await,
    }
}

/// Headers go out, then the body fails: hyper aborts the connection mid-response, which the
/// client sees as a reset / incomplete message.
fn reset_response() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected reset"))
    });
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert("content-length", HeaderValue::from_static("4096"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spec_grammar() {
        let f =
            Fault::parse_spec("xero:429*10, okx:latency=800,gocardless:503*3,*:reset*1,okx:clock_skew=-45").unwrap();
        assert_eq!(f[0], Fault { provider: "xero".into(), kind: FaultKind::RateLimit, remaining: Some(10) });
        assert_eq!(f[1].kind, FaultKind::Latency { ms: 800 });
        assert_eq!(f[1].remaining, None);
        assert_eq!(f[2].kind, FaultKind::ServerError { status: 503 });
        assert_eq!(f[3].provider, "*");
        assert_eq!(f[4].kind, FaultKind::ClockSkew { seconds: -45 });
        let named =
            Fault::parse_spec("saferpay:error=COMMUNICATION_TIMEOUT/RETRY_LATER*2,saferpay:error=INTERNAL_ERROR")
                .unwrap();
        assert_eq!(
            named[0].kind,
            FaultKind::Named { name: "COMMUNICATION_TIMEOUT".into(), behavior: Some("RETRY_LATER".into()) }
        );
        assert_eq!(named[0].remaining, Some(2));
        assert_eq!(named[1].kind, FaultKind::Named { name: "INTERNAL_ERROR".into(), behavior: None });
        for bad in [
            "xero",
            "xero:teapot",
            "acme:429",
            "xero:429*x",
            "okx:latency",
            "xero:418",
            "saferpay:error",
            "saferpay:error=x y",
        ] {
            assert!(Fault::parse_spec(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn counted_faults_run_out_and_scoped_faults_stay_scoped() {
        let faults = Faults::default();
        faults.add(Fault::parse_spec("xero:429*2,okx:clock_skew=40").unwrap());
        assert_eq!(faults.take("okx"), None, "clock skew is not a request fault");
        assert_eq!(faults.clock_skew("okx"), 40);
        assert_eq!(faults.take("xero"), Some(FaultKind::RateLimit));
        assert_eq!(faults.take("xero"), Some(FaultKind::RateLimit));
        assert_eq!(faults.take("xero"), None);
    }

    #[test]
    fn named_errors_are_left_to_the_handler() {
        let faults = Faults::default();
        faults.add(Fault::parse_spec("saferpay:error=TRANSACTION_NOT_STARTED*1,saferpay:500*1").unwrap());
        assert_eq!(
            faults.take("saferpay"),
            Some(FaultKind::ServerError { status: 500 }),
            "the layer skips named errors"
        );
        assert_eq!(faults.take("saferpay"), None);
        assert_eq!(faults.take_named("saferpay"), Some(("TRANSACTION_NOT_STARTED".into(), None)));
        assert_eq!(faults.take_named("saferpay"), None, "counted down like any fault");
        let json = serde_json::to_value(Fault::parse_spec("saferpay:error=X/RETRY").unwrap()).unwrap();
        assert_eq!(json[0]["kind"], "named", "the admin API lists it: {json}");
        assert_eq!(json[0]["behavior"], "RETRY");
    }

    #[tokio::test]
    async fn the_layer_injects_and_then_lets_requests_through() {
        use axum::routing::get;
        use tower::ServiceExt;
        let ctx = Ctx::new(Duration::from_secs(60));
        ctx.faults.add(Fault::parse_spec("xero:503*1,xero:truncated*1").unwrap());
        let fl = FaultLayer { ctx: ctx.clone(), provider: "xero", render: |_, _| None };
        let app = axum::Router::new()
            .route("/x", get(|| async { r#"{"Invoices":[{"InvoiceID":"1"}]}"# }))
            .layer(axum::middleware::from_fn_with_state(fl, layer));
        let call = |app: axum::Router| async move {
            let r = app.oneshot(Request::builder().uri("/x").body(Body::empty()).unwrap()).await.unwrap();
            let status = r.status();
            (status, axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap())
        };
        assert_eq!(call(app.clone()).await.0, StatusCode::SERVICE_UNAVAILABLE);
        let (s, body) = call(app.clone()).await;
        assert_eq!(s, StatusCode::OK);
        assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err(), "truncated body must not parse");
        let (s, body) = call(app).await;
        assert_eq!(
            (s, &body[..]),
            (StatusCode::OK, &br#"{"Invoices":[{"InvoiceID":"1"}]}"#[..]),
            "faults used up: normal answer"
        );
        assert_eq!(ctx.counters.snapshot().faults_injected.get("xero"), Some(&2));
    }
}
