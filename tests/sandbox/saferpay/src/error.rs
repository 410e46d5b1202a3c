//! Saferpay's error envelope and the error names the emulator answers with.
//!
//! Shape: saferpay/jsonapi `texts/ErrorResponse.md` (ResponseHeader, Behavior, ErrorName,
//! ErrorMessage, ErrorDetail, TransactionId, OrderId ...). Statuses: `texts/06_ErrorHandling.md`
//! (400 validation, 401 authentication, 402 requested action failed, 403 access denied, 500).
//! Names and their meaning: `texts/06_ErrorHandling_TechnicalDetails.md`. Messages marked
//! "reference" are copied from the examples in `texts/ErrorResponse.md` and
//! `texts/06_ErrorHandling_CommonErrors.md`; the others are the sandbox's own wording (clients must
//! not parse `ErrorMessage` anyway, sheet §7).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

/// The newest SpecVersion (sheet §3: 1.53, `texts/Changelog.md`).
pub const CURRENT_SPEC_VERSION: &str = "1.53";
/// Highest minor version of SpecVersion `1.x` the emulator accepts.
pub const CURRENT_SPEC_MINOR: u32 = 53;
/// `DO_NOT_RETRY` was called `ABORT` before SpecVersion 1.33 (sheet §7, `texts/Changelog.md`).
const DO_NOT_RETRY_SINCE_MINOR: u32 = 33;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behavior {
    DoNotRetry,
    OtherMeans,
    Retry,
    RetryLater,
    /// The pre-1.33 wire value whatever SpecVersion the client sent. Saferpay itself answers
    /// `ABORT` only to SpecVersions below 1.33 ([`Behavior::DoNotRetry`] does that); this one
    /// exists only for an injected fault (`saferpay:error=NAME/ABORT`) testing a client's
    /// tolerance of the old value.
    Abort,
}

impl Behavior {
    /// The wire value for the SpecVersion the client sent.
    pub fn as_str(self, spec_minor: u32) -> &'static str {
        match self {
            Behavior::DoNotRetry if spec_minor < DO_NOT_RETRY_SINCE_MINOR => "ABORT",
            Behavior::DoNotRetry => "DO_NOT_RETRY",
            Behavior::OtherMeans => "OTHER_MEANS",
            Behavior::Retry => "RETRY",
            Behavior::RetryLater => "RETRY_LATER",
            Behavior::Abort => "ABORT",
        }
    }

    /// A wire value as an injected fault names it.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "DO_NOT_RETRY" => Behavior::DoNotRetry,
            "OTHER_MEANS" => Behavior::OtherMeans,
            "RETRY" => Behavior::Retry,
            "RETRY_LATER" => Behavior::RetryLater,
            "ABORT" => Behavior::Abort,
            _ => return None,
        })
    }
}

/// An error before it is rendered: the ResponseHeader depends on the request it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub name: &'static str,
    pub message: String,
    pub behavior: Behavior,
    pub detail: Vec<String>,
    pub transaction_id: Option<String>,
    pub order_id: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, name: &'static str, message: &str, behavior: Behavior) -> Self {
        Self {
            status,
            name,
            message: message.to_owned(),
            behavior,
            detail: Vec::new(),
            transaction_id: None,
            order_id: None,
        }
    }

    /// 400, message from the reference example (`texts/ErrorResponse.md`).
    pub fn validation(detail: impl Into<String>) -> Self {
        let mut e =
            Self::new(StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "Request validation failed", Behavior::DoNotRetry);
        e.detail.push(detail.into());
        e
    }

    /// `{path}: The field {Name} is invalid.` — the wording of the reference example
    /// (`PaymentMeans.BankAccount.IBAN: The field IBAN is invalid.`).
    pub fn invalid_field(path: &str) -> Self {
        let name = path.rsplit('.').next().unwrap_or(path);
        Self::validation(format!("{path}: The field {name} is invalid."))
    }

    /// Same .NET data-annotation style for a missing mandatory field.
    pub fn required_field(path: &str) -> Self {
        let name = path.rsplit('.').next().unwrap_or(path);
        Self::validation(format!("{path}: The {name} field is required."))
    }

    /// 401 with the reference body of `texts/06_ErrorHandling_CommonErrors.md`: wrong user,
    /// password or CustomerId all give "Invalid credentials".
    pub fn authentication() -> Self {
        let mut e = Self::new(
            StatusCode::UNAUTHORIZED,
            "AUTHENTICATION_FAILED",
            "Unable to authenticate request",
            Behavior::DoNotRetry,
        );
        e.detail.push("Invalid credentials".into());
        e
    }

    /// 403: "No permission (e.g. terminal does not belong to the customer)".
    pub fn permission_denied(detail: &str) -> Self {
        let mut e = Self::new(StatusCode::FORBIDDEN, "PERMISSION_DENIED", "Permission denied", Behavior::DoNotRetry);
        e.detail.push(detail.into());
        e
    }

    /// 402 "requested action failed" with a documented ErrorName.
    pub fn action(name: &'static str, message: &str, behavior: Behavior) -> Self {
        Self::new(StatusCode::PAYMENT_REQUIRED, name, message, behavior)
    }

    /// Message "Invalid action" is the reference example of `texts/06_ErrorHandling_CommonErrors.md`.
    pub fn wrong_state() -> Self {
        Self::action("TRANSACTION_IN_WRONG_STATE", "Invalid action", Behavior::DoNotRetry)
    }

    pub fn internal() -> Self {
        // "Internal error in Saferpay. Solution: Try again" → RETRY.
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal error", Behavior::Retry)
    }

    /// `OrderId` "is only returned in the PaymentPage Assert Response and the Transaction
    /// Authorize Response" (`texts/ErrorResponse.md`): other calls name the transaction by id
    /// only ([`ApiError::with_transaction_id`]).
    pub fn with_transaction(mut self, id: &str, order_id: Option<&str>) -> Self {
        self.transaction_id = Some(id.to_owned());
        self.order_id = order_id.map(str::to_owned);
        self
    }

    /// `TransactionId`: "Id of the failed transaction, if available" (`texts/ErrorResponse.md`).
    pub fn with_transaction_id(mut self, id: &str) -> Self {
        self.transaction_id = Some(id.to_owned());
        self
    }

    pub fn body(&self, spec_version: &str, spec_minor: u32, request_id: &str) -> Value {
        let mut m = Map::new();
        m.insert("ResponseHeader".into(), json!({"SpecVersion": spec_version, "RequestId": request_id}));
        m.insert("Behavior".into(), json!(self.behavior.as_str(spec_minor)));
        m.insert("ErrorName".into(), json!(self.name));
        m.insert("ErrorMessage".into(), json!(self.message));
        if !self.detail.is_empty() {
            m.insert("ErrorDetail".into(), json!(self.detail));
        }
        if let Some(id) = &self.transaction_id {
            m.insert("TransactionId".into(), json!(id));
        }
        if let Some(o) = &self.order_id {
            m.insert("OrderId".into(), json!(o));
        }
        Value::Object(m)
    }

    pub fn render(&self, spec_version: &str, spec_minor: u32, request_id: &str) -> Response {
        json_response(self.status, &self.body(spec_version, spec_minor, request_id))
    }
}

/// An error body is present only with `Content-Type: application/json` (`texts/06_ErrorHandling.md`).
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    (status, [("content-type", "application/json; charset=utf-8")], body.to_string()).into_response()
}

/// A web-server / firewall answer: no JSON body, so clients must not look for an envelope
/// (`texts/06_ErrorHandling.md`: "some errors are generated by the web server itself, or the web
/// application firewall").
pub fn bare(status: StatusCode) -> Response {
    let text = format!(
        "<html><head><title>{0}</title></head><body><h1>{0}</h1></body></html>",
        status.canonical_reason().unwrap_or("Error")
    );
    (status, [("content-type", "text/html; charset=utf-8")], text).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behavior_follows_the_spec_version() {
        assert_eq!(Behavior::DoNotRetry.as_str(8), "ABORT", "before 1.33 the value was ABORT");
        assert_eq!(Behavior::DoNotRetry.as_str(33), "DO_NOT_RETRY");
        assert_eq!(Behavior::RetryLater.as_str(8), "RETRY_LATER");
        assert_eq!(Behavior::Abort.as_str(53), "ABORT", "only a forced fault sends ABORT to 1.33+");
    }

    #[test]
    fn the_validation_body_is_the_reference_example() {
        let body = ApiError::invalid_field("PaymentMeans.BankAccount.IBAN").body("1.8", 8, "[your request id]");
        let reference = json!({
          "ResponseHeader": {"SpecVersion": "1.8", "RequestId": "[your request id]"},
          "Behavior": "ABORT",
          "ErrorName": "VALIDATION_FAILED",
          "ErrorMessage": "Request validation failed",
          "ErrorDetail": ["PaymentMeans.BankAccount.IBAN: The field IBAN is invalid."]
        });
        assert_eq!(body, reference, "texts/ErrorResponse.md example, byte for byte");
    }
}
