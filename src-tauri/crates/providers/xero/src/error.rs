//! What can go wrong talking to Xero, typed so the sync engine can act on it: refresh once on
//! `Unauthorized`, pause an organisation on a daily `RateLimited`, show `Validation` messages.
//! Messages say what happened and what to do; they never contain a token (bodies are scrubbed).

use crate::rate::{rate_limit_facts, RateProblem};
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::time::{Duration, SystemTime};
use xp_core::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Xero is rate limiting this organisation ({} limit){}; {}", problem.as_str(), retry_after.map(|d| format!(", retry after {} s", d.as_secs())).unwrap_or_default(), match problem { RateProblem::Day => "sync of this organisation is paused until the daily allowance resets", _ => "calls will resume automatically" })]
    RateLimited { problem: RateProblem, retry_after: Option<Duration> },
    #[error("Xero rejected the access token ({detail}); refresh it once, and if that fails reconnect Xero")]
    Unauthorized { detail: String },
    #[error("Xero refused access to this organisation ({detail}); it is not connected to this app any more, reconnect it in Settings")]
    Forbidden { detail: String },
    #[error("Xero has no such record ({detail})")]
    NotFound { detail: String },
    #[error("Xero rejected the request: {}", messages.join("; "))]
    Validation { messages: Vec<String> },
    #[error("Xero sent an unreadable answer ({what}); the call can be retried")]
    Malformed { what: String },
    #[error(transparent)]
    Http(#[from] xp_http::Error),
    #[error("Xero had a server error (HTTP {status}: {body}); try again later")]
    Server { status: u16, body: String },
    #[error("Xero answered HTTP {status}: {body}")]
    Unexpected { status: u16, body: String },
    #[error("invalid request to Xero: {0}")]
    Request(String),
    /// A synced record that cannot be read as Xero documents it; nothing of its page is kept.
    #[error("Xero {resource} record {id} cannot be read: {reason}")]
    InvalidRecord { resource: &'static str, id: String, reason: String },
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            // A 403 on a tenant means the organisation was disconnected (xero.md §13): the user
            // has to connect it again, like an expired sign-in.
            Error::Unauthorized { .. } | Error::Forbidden { .. } => ErrorCode::ReconnectNeeded,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Validation { .. } | Error::Request(_) => ErrorCode::InvalidInput,
            Error::Http(e) => e.code(),
            Error::Malformed { .. } | Error::Server { .. } | Error::Unexpected { .. } | Error::InvalidRecord { .. } => {
                ErrorCode::Provider
            }
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Keeps error text short and free of credentials before it reaches a log or the UI.
pub(crate) fn trim(text: &str) -> String {
    xp_core::redact::excerpt(text, 300)
}

/// Maps a non-2xx answer to an error. The status decides first: OAuth errors may be
/// form-encoded and outage bodies plain text (xero.md §10), so the body is only a detail.
pub(crate) fn from_response(status: u16, headers: &HeaderMap, body: &[u8], now: SystemTime) -> Error {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let text = || trim(&String::from_utf8_lossy(body));
    // Xero's problem+json shape: {"Title","Status","Detail"}.
    let detail = || {
        json.as_ref()
            .and_then(|v| v.get("Detail").or_else(|| v.get("Message")).or_else(|| v.get("Title")))
            .and_then(Value::as_str)
            .map(trim)
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| {
                let t = text();
                if t.is_empty() {
                    format!("HTTP {status}")
                } else {
                    t
                }
            })
    };
    match status {
        400 => Error::Validation { messages: validation_messages(json.as_ref()).unwrap_or_else(|| vec![text()]) },
        401 => Error::Unauthorized { detail: detail() },
        403 => Error::Forbidden { detail: detail() },
        404 => Error::NotFound { detail: detail() },
        429 => {
            let (problem, retry_after) = rate_limit_facts(headers, now);
            Error::RateLimited { problem, retry_after }
        }
        500..=599 => Error::Server { status, body: text() },
        _ => Error::Unexpected { status, body: text() },
    }
}

/// Every message of a 400: the top-level `Message` and each
/// `Elements[].ValidationErrors[].Message`, in order, without repeats.
fn validation_messages(json: Option<&Value>) -> Option<Vec<String>> {
    let v = json?;
    let mut out: Vec<String> = Vec::new();
    let mut push = |m: Option<&str>| {
        if let Some(m) = m.map(trim).filter(|m| !m.is_empty()) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    };
    push(v.get("Message").and_then(Value::as_str));
    for el in v.get("Elements").and_then(Value::as_array).into_iter().flatten() {
        for ve in el.get("ValidationErrors").and_then(Value::as_array).into_iter().flatten() {
            push(ve.get("Message").and_then(Value::as_str));
        }
    }
    // OAuth-style {"error":"invalid_grant"} bodies.
    push(v.get("error").and_then(Value::as_str));
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn map(status: u16, body: &str) -> Error {
        from_response(status, &HeaderMap::new(), body.as_bytes(), SystemTime::UNIX_EPOCH)
    }

    #[test]
    fn validation_exception_collects_every_message() {
        // xero.md §10, the spec's `Error` example.
        let body = r#"{"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred",
 "Elements":[{"InvoiceID":"00000000-0000-0000-0000-000000000000","ValidationErrors":[{"Message":"Account code '999' is not a valid code for this document."}]}]}"#;
        let e = map(400, body);
        match &e {
            Error::Validation { messages } => assert_eq!(
                messages,
                &["A validation exception occurred", "Account code '999' is not a valid code for this document."]
            ),
            other => panic!("a 400 ValidationException is a Validation error, got {other:?}"),
        }
        assert_eq!(e.code(), ErrorCode::InvalidInput);
        assert!(e.to_string().contains("Account code '999'"), "the message names the problem: {e}");
    }

    #[test]
    fn unauthorized_keeps_xeros_detail() {
        // xero.md §10, recorded from the live API (pyxero tests).
        let body = r#"{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"TokenExpired: token expired at 01/20/2026 10:00:00","Instance":"...","Extensions":{}}"#;
        let e = map(401, body);
        assert!(
            matches!(&e, Error::Unauthorized { detail } if detail == "TokenExpired: token expired at 01/20/2026 10:00:00"),
            "{e:?}"
        );
        assert_eq!(e.code(), ErrorCode::ReconnectNeeded);
    }

    #[test]
    fn forbidden_tenant_and_not_found() {
        // xero.md §3 (XeroAPI/xero-node#432).
        let e = map(403, r#"{"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}"#);
        assert!(matches!(&e, Error::Forbidden { detail } if detail == "AuthenticationUnsuccessful"), "{e:?}");
        assert!(matches!(map(404, ""), Error::NotFound { .. }), "an empty 404 (DELETE /connections) is NotFound");
    }

    #[test]
    fn plain_text_outages_and_unknown_statuses() {
        let e = map(503, "Service Unavailable");
        assert!(matches!(&e, Error::Server { status: 503, body } if body == "Service Unavailable"), "{e:?}");
        assert!(matches!(map(501, "<html>nope</html>"), Error::Server { status: 501, .. }));
        assert!(matches!(map(409, "conflict"), Error::Unexpected { status: 409, .. }));
        // A 400 that is not JSON still says something.
        assert!(matches!(map(400, "bad"), Error::Validation { messages } if messages == ["bad"]));
    }

    #[test]
    fn rate_limits_are_typed_and_a_daily_limit_says_pause() {
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit-problem", HeaderValue::from_static("day"));
        h.insert("retry-after", HeaderValue::from_static("66975"));
        let e = from_response(429, &h, b"", SystemTime::UNIX_EPOCH);
        assert!(
            matches!(e, Error::RateLimited { problem: RateProblem::Day, retry_after: Some(d) } if d == Duration::from_secs(66975)),
            "{e:?}"
        );
        assert_eq!(e.code(), ErrorCode::RateLimited);
        assert!(e.to_string().contains("paused"), "{e}");
    }

    #[test]
    fn tokens_in_bodies_never_reach_the_message() {
        let e = map(401, r#"{"Detail":"bad token access_token=eyJhbGciOiJSUzI1NiIs.eyJzdWIiOiIxMjM0NTY3.sig"}"#);
        assert!(!e.to_string().contains("eyJhbGciOiJSUzI1NiIs"), "{e}");
    }
}
