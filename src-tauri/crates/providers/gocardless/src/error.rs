//! What can go wrong talking to GoCardless, typed by the envelope's `error.type`
//! (gocardless.md §10; gocardless-pro-python `errors.py`):
//! `{"error":{"type","code","message","documentation_url","request_id","errors":[{reason|field,message,…}]}}`.
//! The status decides where the body cannot (401, 403, 404, 429, a 5xx from a proxy); messages
//! are trimmed and scrubbed, so no token or body reaches a log or the UI.

use crate::rate::RateLimit;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::SystemTime;
use xp_core::ErrorCode;

/// One entry of `errors[]`: a `field` for validation failures, a `reason` for the others.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ErrorDetail {
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub message: String,
    /// e.g. `/payments/amount`.
    #[serde(default)]
    pub request_pointer: Option<String>,
    /// e.g. `conflicting_resource_id`, `customer_bank_account`.
    #[serde(default, deserialize_with = "string_links")]
    pub links: BTreeMap<String, String>,
}

/// GoCardless's answer to a refused request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problem {
    pub status: u16,
    /// `error.type`, as sent.
    pub error_type: String,
    pub message: String,
    /// Quote it to GoCardless support.
    pub request_id: Option<String>,
    pub errors: Vec<ErrorDetail>,
}

impl Problem {
    /// True when any entry of `errors[]` carries `reason`.
    pub fn has_reason(&self, reason: &str) -> bool {
        self.errors.iter().any(|e| e.reason.as_deref() == Some(reason))
    }

    /// The first `reason`, e.g. `cancellation_failed`.
    pub fn reason(&self) -> Option<&str> {
        self.errors.iter().find_map(|e| e.reason.as_deref())
    }

    /// `links.conflicting_resource_id` of a 409 `idempotent_creation_conflict`.
    pub(crate) fn conflicting_resource_id(&self) -> Option<&str> {
        self.errors
            .iter()
            .filter(|e| e.reason.as_deref() == Some("idempotent_creation_conflict"))
            .find_map(|e| e.links.get("conflicting_resource_id").map(String::as_str))
    }

    /// `message (field message; reason message; …)`, for people.
    fn describe(&self) -> String {
        let parts: Vec<String> = self
            .errors
            .iter()
            .map(|e| match (&e.field, &e.reason) {
                (Some(f), _) => format!("{f} {}", e.message),
                (None, Some(r)) if e.message != self.message => format!("{r}: {}", e.message),
                (None, Some(r)) => r.clone(),
                (None, None) => e.message.clone(),
            })
            .filter(|p| !p.is_empty())
            .collect();
        let request = self.request_id.as_deref().map(|r| format!(" [request {r}]")).unwrap_or_default();
        if parts.is_empty() {
            format!("{}{request}", self.message)
        } else {
            format!("{} ({}){request}", self.message, parts.join("; "))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `validation_failed`: the request's data was refused; `errors[]` names the fields.
    #[error("GoCardless refused the data: {}", .0.describe())]
    Validation(Problem),
    /// `invalid_state`: not allowed in the resource's current state (`cancellation_failed`,
    /// `mandate_is_inactive`, `retry_failed`, `total_amount_confirmation_invalid`, …).
    #[error("GoCardless refused the action in the resource's current state: {}", .0.describe())]
    InvalidState(Problem),
    /// `invalid_api_usage` other than auth, permission, not-found and rate limits: a bug in
    /// this client's request.
    #[error("GoCardless refused the request as malformed: {}", .0.describe())]
    InvalidApiUsage(Problem),
    #[error("GoCardless rejected the access token ({}); connect GoCardless again", .0.describe())]
    Unauthorized(Problem),
    /// 403: the token lacks the permission, e.g. a read-only token asked to create.
    #[error("GoCardless refused access ({}); connect GoCardless again with read-write access", .0.describe())]
    Forbidden(Problem),
    #[error("GoCardless has no such resource ({})", .0.describe())]
    NotFound(Problem),
    /// 429 after xp-http waited out the resets it could: the account's budget is spent.
    #[error("GoCardless is rate limiting this account{}; calls resume when the window resets", rate.resets_at.map(|t| format!(" until {}", xp_core::rfc3339(t))).unwrap_or_default())]
    RateLimited { rate: RateLimit, request_id: Option<String> },
    /// `gocardless` (5xx): GoCardless failed; a create can be sent again with the same key.
    #[error("GoCardless had an internal error (HTTP {}: {}); try again later", .0.status, .0.describe())]
    Internal(Problem),
    #[error("GoCardless answered HTTP {status}: {body}")]
    Unexpected { status: u16, body: String },
    #[error("GoCardless sent an unreadable answer ({what}); the call can be retried")]
    Malformed { what: String },
    #[error("invalid request to GoCardless: {0}")]
    Request(String),
    #[error(transparent)]
    Http(#[from] xp_http::Error),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation(_) | Error::InvalidState(_) | Error::Request(_) => ErrorCode::InvalidInput,
            Error::Unauthorized(_) | Error::Forbidden(_) => ErrorCode::ReconnectNeeded,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::Http(e) => e.code(),
            Error::InvalidApiUsage(_) | Error::Internal(_) | Error::Unexpected { .. } | Error::Malformed { .. } => {
                ErrorCode::Provider
            }
        }
    }

    /// The envelope, for errors that carry one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Validation(p)
            | Error::InvalidState(p)
            | Error::InvalidApiUsage(p)
            | Error::Unauthorized(p)
            | Error::Forbidden(p)
            | Error::NotFound(p)
            | Error::Internal(p) => Some(p),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Keeps error text short and free of credentials before it reaches a log or the UI.
pub(crate) fn trim(text: &str) -> String {
    xp_core::redact::excerpt(text, 300)
}

#[derive(Deserialize)]
struct Envelope {
    error: WireError,
}

#[derive(Deserialize)]
struct WireError {
    #[serde(rename = "type", default)]
    error_type: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    errors: Vec<ErrorDetail>,
}

/// `links` values are ids; anything else in them is dropped rather than failing the error.
fn string_links<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<BTreeMap<String, String>, D::Error> {
    let v: Option<BTreeMap<String, Value>> = Option::deserialize(d)?;
    Ok(v.unwrap_or_default().into_iter().filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned()))).collect())
}

/// Maps a non-2xx answer to an error.
pub(crate) fn from_response(status: u16, headers: &HeaderMap, body: &[u8], now: SystemTime) -> Error {
    let problem = match serde_json::from_slice::<Envelope>(body) {
        Ok(Envelope { error }) => Problem {
            status,
            error_type: error.error_type,
            message: trim(&error.message),
            request_id: error.request_id,
            errors: error
                .errors
                .into_iter()
                .map(|mut e| {
                    e.message = trim(&e.message);
                    e
                })
                .collect(),
        },
        // A proxy's page or an empty body: the status alone decides.
        Err(_) => {
            let text = trim(&String::from_utf8_lossy(body));
            return match status {
                429 => Error::RateLimited { rate: RateLimit::from_headers(headers, now), request_id: None },
                500..=599 => Error::Internal(Problem { status, message: text, ..Problem::default() }),
                401 => Error::Unauthorized(Problem { status, message: text, ..Problem::default() }),
                403 => Error::Forbidden(Problem { status, message: text, ..Problem::default() }),
                404 => Error::NotFound(Problem { status, message: text, ..Problem::default() }),
                _ => Error::Unexpected { status, body: text },
            };
        }
    };
    match (status, problem.error_type.as_str()) {
        (429, _) => Error::RateLimited { rate: RateLimit::from_headers(headers, now), request_id: problem.request_id },
        (401, _) => Error::Unauthorized(problem),
        (403, _) => Error::Forbidden(problem),
        (_, "validation_failed") => Error::Validation(problem),
        (_, "invalid_state") => Error::InvalidState(problem),
        (_, "gocardless") | (500..=599, _) => Error::Internal(problem),
        (404, _) => Error::NotFound(problem),
        (_, "invalid_api_usage") => Error::InvalidApiUsage(problem),
        _ => Error::Unexpected { status, body: problem.describe() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::time::Duration;

    fn map(status: u16, body: &str) -> Error {
        from_response(status, &HeaderMap::new(), body.as_bytes(), SystemTime::UNIX_EPOCH)
    }

    #[test]
    fn validation_failed_names_each_field() {
        // gocardless.md §10.
        let e = map(
            422,
            r#"{"error":{"type":"validation_failed","code":422,"message":"Validation failed",
              "documentation_url":"https://developer.gocardless.com/api-reference#validation_failed","request_id":"7f9d3c2a",
              "errors":[{"field":"amount","message":"must be greater than 0","request_pointer":"/payments/amount"}]}}"#,
        );
        let Error::Validation(p) = &e else { panic!("validation_failed is a Validation error: {e:?}") };
        assert_eq!(p.errors[0].field.as_deref(), Some("amount"));
        assert_eq!(p.errors[0].request_pointer.as_deref(), Some("/payments/amount"));
        assert_eq!(e.code(), ErrorCode::InvalidInput);
        assert_eq!(
            e.to_string(),
            "GoCardless refused the data: Validation failed (amount must be greater than 0) [request 7f9d3c2a]"
        );
    }

    #[test]
    fn the_idempotency_conflict_carries_the_first_resource() {
        // gocardless-pro-python fixture `idempotent_creation_conflict_error.json` (gocardless.md §8).
        let e = map(
            409,
            r#"{"error":{"code":409,"type":"invalid_state","message":"A resource has already been created with this idempotency key",
              "request_id":"0aa7c8e1","errors":[{"reason":"idempotent_creation_conflict",
              "message":"A resource has already been created with this idempotency key",
              "links":{"conflicting_resource_id":"PM01HX7Y2K9QZ"}}]}}"#,
        );
        let Error::InvalidState(p) = &e else { panic!("{e:?}") };
        assert_eq!(p.conflicting_resource_id(), Some("PM01HX7Y2K9QZ"));
        assert!(p.has_reason("idempotent_creation_conflict"));
    }

    #[test]
    fn a_duplicate_bank_account_is_validation_failed_with_a_reason() {
        // Fixture `validation_failed_duplicate_bank_account_error.json` (review D19).
        let e = map(
            409,
            r#"{"error":{"type":"validation_failed","code":409,"message":"Bank account already exists",
              "errors":[{"reason":"bank_account_exists","message":"Bank account already exists","links":{"customer_bank_account":"BA123"}}]}}"#,
        );
        let Error::Validation(p) = &e else { panic!("{e:?}") };
        assert_eq!(
            (p.reason(), p.errors[0].links.get("customer_bank_account").map(String::as_str)),
            (Some("bank_account_exists"), Some("BA123"))
        );
        assert_eq!(p.conflicting_resource_id(), None, "only an idempotency conflict names a resource to fetch");
    }

    #[test]
    fn rate_limits_auth_and_outages() {
        let mut h = HeaderMap::new();
        h.insert("ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("ratelimit-reset", HeaderValue::from_static("Thu, 01 Jan 1970 00:01:00 GMT"));
        // Fixture `rate_limit_exceeded.json`.
        let body = br#"{"error":{"type":"invalid_api_usage","code":429,"message":"Rate limit exceeded","errors":[{"reason":"rate_limit_exceeded","message":"Rate limit exceeded"}]}}"#;
        let e = from_response(429, &h, body, SystemTime::UNIX_EPOCH);
        let Error::RateLimited { rate, .. } = &e else { panic!("{e:?}") };
        assert_eq!(rate.remaining, Some(0));
        assert_eq!(rate.reset_in(time::OffsetDateTime::UNIX_EPOCH), Some(Duration::from_secs(60)));
        assert_eq!(e.code(), ErrorCode::RateLimited);

        let e = map(
            401,
            r#"{"error":{"type":"invalid_api_usage","code":401,"message":"Access token not found","errors":[{"reason":"access_token_not_found","message":"Access token not found"}]}}"#,
        );
        assert!(matches!(&e, Error::Unauthorized(p) if p.reason() == Some("access_token_not_found")), "{e:?}");
        assert_eq!(e.code(), ErrorCode::ReconnectNeeded);
        let e = map(
            404,
            r#"{"error":{"type":"invalid_api_usage","code":404,"message":"Resource not found","errors":[{"reason":"resource_not_found","message":"Resource not found"}]}}"#,
        );
        assert_eq!(e.code(), ErrorCode::NotFound);
        let e = map(
            500,
            r#"{"error":{"type":"gocardless","code":500,"message":"Internal server error","errors":[{"reason":"internal_server_error","message":"Internal server error"}]}}"#,
        );
        assert!(matches!(&e, Error::Internal(p) if p.status == 500), "{e:?}");
        assert!(matches!(map(502, "<html>Bad gateway</html>"), Error::Internal(p) if p.status == 502));
        assert!(matches!(map(418, "teapot"), Error::Unexpected { status: 418, .. }));
    }

    #[test]
    fn tokens_in_bodies_never_reach_the_message() {
        let e = map(
            400,
            r#"{"error":{"type":"invalid_api_usage","message":"bad header Authorization: Bearer live_abcdefghijklmnopqrstuvwxyz0123456789","errors":[]}}"#,
        );
        assert!(!e.to_string().contains("live_abcdefghijklmnopqrstuvwxyz0123456789"), "{e}");
    }
}
