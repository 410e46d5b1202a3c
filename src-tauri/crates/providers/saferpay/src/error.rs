//! What can go wrong talking to Saferpay, typed so callers act on Saferpay's own advice.
//!
//! Saferpay answers failures with HTTP ≥ 400 and, when the content type is `application/json`,
//! an envelope: `Behavior`, `ErrorName`, `ErrorMessage`, `ErrorDetail`, `TransactionId`,
//! `OrderId`, … (saferpay/jsonapi `texts/ErrorResponse.md`). Web-server and firewall errors
//! carry no envelope (`texts/06_ErrorHandling.md`), so the status is kept on its own too.
//! Code keys on `ErrorName` ("These names will not change"), never on `ErrorMessage` or
//! `ErrorDetail` ("Contents may change at any time, so don't parse it").

use crate::retry::Attempt;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use xp_core::ErrorCode;

/// What can be done about an error, as Saferpay says (`texts/ErrorResponse.md`, `Behavior`;
/// meanings in `texts/06_ErrorHandling_TechnicalDetails.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behavior {
    /// "Request is valid and understood, but can't be processed at this time. This request can
    /// be retried."
    Retry,
    /// "Can be retried later after a certain state/error condition has been changed."
    RetryLater,
    /// Do not send this request again. SpecVersions before 1.33 call it `ABORT`
    /// (`texts/Changelog.md`), which is read as this.
    DoNotRetry,
    /// "Special case of retry. Please provide another means of payment": the payer must pay
    /// differently; this request never succeeds as it is.
    OtherMeans,
    /// A value Saferpay has not documented (yet): treated like `DoNotRetry`.
    Other(String),
}

impl Behavior {
    pub(crate) fn parse(wire: &str) -> Self {
        match wire {
            "RETRY" => Behavior::Retry,
            "RETRY_LATER" => Behavior::RetryLater,
            "DO_NOT_RETRY" | "ABORT" => Behavior::DoNotRetry,
            "OTHER_MEANS" => Behavior::OtherMeans,
            other => Behavior::Other(other.to_owned()),
        }
    }

    fn advice(&self) -> &'static str {
        match self {
            Behavior::Retry => "Saferpay says the call can be tried again",
            Behavior::RetryLater => "Saferpay says to try again later",
            Behavior::OtherMeans => "the payer has to use another account or means of payment",
            Behavior::DoNotRetry | Behavior::Other(_) => "do not send it again unchanged",
        }
    }
}

/// Saferpay's error envelope, messages trimmed and scrubbed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The stable identifier to branch on, e.g. `TRANSACTION_ALREADY_CAPTURED`.
    pub name: String,
    pub message: String,
    pub behavior: Behavior,
    pub detail: Vec<String>,
    /// "Id of the failed transaction, if available".
    pub transaction_id: Option<String>,
    /// Only in the PaymentPage Assert and Transaction Authorize answers (`texts/ErrorResponse.md`).
    pub order_id: Option<String>,
    /// "It is safe to display it to the payer."
    pub payer_message: Option<String>,
    pub processor_name: Option<String>,
    pub processor_result: Option<String>,
    pub processor_message: Option<String>,
}

impl ApiError {
    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }

    fn details(&self) -> String {
        if self.detail.is_empty() {
            String::new()
        } else {
            format!(" [{}]", self.detail.join("; "))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Saferpay answered with its envelope.
    #[error("Saferpay refused the call (HTTP {status}, {}: {}{}); {}", error.name, error.message, error.details(), error.behavior.advice())]
    Api { status: u16, error: Box<ApiError> },
    /// An HTTP error without Saferpay's envelope: from a web server, firewall or proxy in front
    /// of Saferpay, or a status the API does not document (e.g. 429).
    #[error("Saferpay answered HTTP {status} without an error description: {body}")]
    Status { status: u16, body: String },
    #[error(transparent)]
    Http(#[from] xp_http::Error),
    /// A 2xx answer that cannot be read as documented. For a call that moves money the call
    /// did something: find out what with Transaction/Inquire.
    #[error("Saferpay sent an unreadable answer ({what})")]
    Malformed { what: String },
    /// Refused before sending: the request would break Saferpay's documented rules.
    #[error("invalid Saferpay request: {0}")]
    InvalidInput(String),
    /// What Transaction/Inquire found contradicts what was asked for (another amount under the
    /// same OrderId, a refund where a payment was expected).
    #[error(
        "Saferpay holds something else under {reference}: {what}; check it in the Saferpay Backoffice before acting"
    )]
    Mismatch { reference: String, what: String },
    /// A money-moving call may or may not have been executed, and Transaction/Inquire could not
    /// tell. Take no further action on this payment; later, resume with `resume` (same
    /// RequestId, higher RetryIndicator): the exactly-once helpers Inquire first.
    #[error("the outcome of Saferpay {operation} for {reference} is unknown ({source}); nothing more is sent for it until Saferpay can be asked again")]
    OutcomeUnknown { operation: &'static str, reference: String, resume: Attempt, source: Box<Error> },
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Api { status: 401, .. } | Error::Status { status: 401, .. } => ErrorCode::ReconnectNeeded,
            Error::Api { status: 400, .. } | Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::Api { error, .. } if error.is("TRANSACTION_NOT_FOUND") => ErrorCode::NotFound,
            Error::Status { status: 429, .. } => ErrorCode::RateLimited,
            Error::Http(e) => e.code(),
            Error::OutcomeUnknown { source, .. } => source.code(),
            Error::Api { .. } | Error::Status { .. } | Error::Malformed { .. } | Error::Mismatch { .. } => {
                ErrorCode::Provider
            }
        }
    }

    /// The envelope, when Saferpay sent one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } => Some(error.as_ref()),
            _ => None,
        }
    }

    /// True when Saferpay answered with the named error.
    pub fn is(&self, name: &str) -> bool {
        self.api().is_some_and(|e| e.is(name))
    }

    /// Whether the call may have been executed although no success answer was read: transport
    /// failures after sending (timeout, reset, lost answer), 5xx (INTERNAL_ERROR and gateway
    /// errors), an unreadable 2xx, and COMMUNICATION_TIMEOUT — "It's possible that an
    /// authorization was created, but Saferpay is not able to know this"
    /// (`texts/06_ErrorHandling_TechnicalDetails.md`).
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Http(e) => matches!(
                e,
                xp_http::Error::Timeout { .. }
                    | xp_http::Error::Connect { .. }
                    | xp_http::Error::Body { .. }
                    | xp_http::Error::TooLarge { .. }
            ),
            Error::Api { status, error } => *status >= 500 || error.is("COMMUNICATION_TIMEOUT"),
            Error::Status { status, .. } => *status >= 500,
            Error::Malformed { .. } | Error::OutcomeUnknown { .. } => true,
            Error::InvalidInput(_) | Error::Mismatch { .. } => false,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Keeps error text short and free of credentials before it reaches a log or the UI.
pub(crate) fn trim(text: &str) -> String {
    xp_core::redact::excerpt(text, 300)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope {
    error_name: String,
    #[serde(default)]
    error_message: String,
    #[serde(default)]
    behavior: Option<String>,
    #[serde(default)]
    error_detail: Vec<String>,
    #[serde(default)]
    transaction_id: Option<String>,
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    payer_message: Option<String>,
    #[serde(default)]
    processor_name: Option<String>,
    #[serde(default)]
    processor_result: Option<String>,
    #[serde(default)]
    processor_message: Option<String>,
}

/// Maps a non-2xx answer: the envelope when the content type says there is one
/// (`texts/06_ErrorHandling.md`), else the bare status.
pub(crate) fn from_response(status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
    let json = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if json {
        if let Ok(e) = serde_json::from_slice::<Envelope>(body) {
            let opt = |s: Option<String>| s.map(|s| trim(&s)).filter(|s| !s.is_empty());
            return Error::Api {
                status,
                error: Box::new(ApiError {
                    name: e.error_name,
                    message: trim(&e.error_message),
                    // A missing Behavior is undocumented; the conservative reading is "don't".
                    behavior: Behavior::parse(e.behavior.as_deref().unwrap_or("")),
                    detail: e.error_detail.iter().map(|d| trim(d)).collect(),
                    transaction_id: e.transaction_id,
                    order_id: e.order_id,
                    payer_message: opt(e.payer_message),
                    processor_name: opt(e.processor_name),
                    processor_result: opt(e.processor_result),
                    processor_message: opt(e.processor_message),
                }),
            };
        }
    }
    let text = trim(&String::from_utf8_lossy(body));
    Error::Status { status, body: if text.is_empty() { format!("HTTP {status}") } else { text } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn map(status: u16, content_type: &str, body: &str) -> Error {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        from_response(status, &h, body.as_bytes())
    }

    #[test]
    fn the_reference_envelope_is_read_field_by_field() {
        // Sheet §7, the `texts/ErrorResponse.md` example with the ids filled in.
        let e = map(
            400,
            "application/json; charset=utf-8",
            r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"5c1e"},"Behavior":"DO_NOT_RETRY",
 "ErrorName":"VALIDATION_FAILED","ErrorMessage":"Request validation failed",
 "ErrorDetail":["PaymentMeans.BankAccount.IBAN: The field IBAN is invalid."],
 "TransactionId":"723n4MAjMdhjSAhAKEUdA8jtl9jb","OrderId":"INV-0042"}"#,
        );
        let api = e.api().expect("an envelope");
        assert_eq!(api.name, "VALIDATION_FAILED");
        assert_eq!(api.behavior, Behavior::DoNotRetry);
        assert_eq!(api.detail, ["PaymentMeans.BankAccount.IBAN: The field IBAN is invalid."]);
        assert_eq!(api.transaction_id.as_deref(), Some("723n4MAjMdhjSAhAKEUdA8jtl9jb"));
        assert_eq!(api.order_id.as_deref(), Some("INV-0042"));
        assert_eq!(e.code(), ErrorCode::InvalidInput);
        assert!(!e.outcome_unknown(), "a validation error executed nothing");
        assert!(e.to_string().contains("The field IBAN is invalid"), "{e}");
    }

    #[test]
    fn abort_is_the_old_name_of_do_not_retry() {
        let e =
            map(402, "application/json", r#"{"Behavior":"ABORT","ErrorName":"GENERAL_DECLINED","ErrorMessage":"x"}"#);
        assert_eq!(e.api().unwrap().behavior, Behavior::DoNotRetry);
        let e =
            map(402, "application/json", r#"{"Behavior":"PERHAPS","ErrorName":"GENERAL_DECLINED","ErrorMessage":"x"}"#);
        assert_eq!(e.api().unwrap().behavior, Behavior::Other("PERHAPS".into()));
    }

    #[test]
    fn bodies_without_the_json_content_type_are_bare_statuses() {
        let e = map(503, "text/html; charset=utf-8", "<html><h1>Service Unavailable</h1></html>");
        assert!(matches!(&e, Error::Status { status: 503, .. }), "{e:?}");
        assert!(e.outcome_unknown(), "a gateway error may hide an executed call");
        assert!(matches!(map(415, "text/plain", ""), Error::Status { status: 415, body } if body == "HTTP 415"));
        assert_eq!(map(429, "text/html", "").code(), ErrorCode::RateLimited);
        assert_eq!(map(401, "application/json", r#"{"ErrorName":"AUTHENTICATION_FAILED","Behavior":"DO_NOT_RETRY","ErrorMessage":"Unable to authenticate request"}"#).code(), ErrorCode::ReconnectNeeded);
    }

    #[test]
    fn internal_errors_and_communication_timeouts_leave_the_outcome_open() {
        let internal = map(
            500,
            "application/json",
            r#"{"Behavior":"RETRY","ErrorName":"INTERNAL_ERROR","ErrorMessage":"Internal error"}"#,
        );
        assert!(internal.outcome_unknown());
        let timeout = map(
            402,
            "application/json",
            r#"{"Behavior":"RETRY_LATER","ErrorName":"COMMUNICATION_TIMEOUT","ErrorMessage":"t"}"#,
        );
        assert!(timeout.outcome_unknown(), "an authorization may exist at the acquirer");
        let declined = map(
            402,
            "application/json",
            r#"{"Behavior":"OTHER_MEANS","ErrorName":"TRANSACTION_DECLINED","ErrorMessage":"d"}"#,
        );
        assert!(!declined.outcome_unknown());
        assert_eq!(declined.code(), ErrorCode::Provider);
    }
}
