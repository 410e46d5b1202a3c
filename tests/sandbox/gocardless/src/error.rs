//! GoCardless's error envelope (sheet §10; fixtures `validation_failed_error.json`,
//! `invalid_api_usage_error.json`, `idempotent_creation_conflict_error.json` in
//! gocardless/gocardless-pro-python `tests/fixtures/`):
//! `{"error":{"message","documentation_url","type","request_id","code","errors":[..]}}`.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;
use serde_json::{json, Value};

const DOCS: &str = "https://developer.gocardless.com/api-reference";

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
    pub errors: Vec<Value>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    /// An error whose `errors[]` entry carries a `reason` (every type but most validation
    /// failures; `bank_account_exists` is a validation_failed with a reason).
    pub fn reasoned(status: StatusCode, kind: &'static str, reason: &str, message: &str, links: Option<Value>) -> Self {
        let mut e = json!({"reason": reason, "message": message});
        if let Some(l) = links {
            e["links"] = l;
        }
        Self { status, kind, message: message.to_owned(), errors: vec![e], headers: Vec::new() }
    }

    /// Bad URL, auth, version header, syntax or rate limit (sheet §10 table).
    pub fn usage(status: StatusCode, reason: &str, message: &str) -> Self {
        Self::reasoned(status, "invalid_api_usage", reason, message, None)
    }

    /// The action is not allowed in the resource's current state (sheet §5, §10).
    pub fn state(status: StatusCode, reason: &str, message: &str, links: Option<Value>) -> Self {
        Self::reasoned(status, "invalid_state", reason, message, links)
    }

    /// Internal error (type `gocardless`, sheet §10).
    pub fn internal(status: StatusCode) -> Self {
        let reason = if status == StatusCode::GATEWAY_TIMEOUT { "request_timed_out" } else { "internal_server_error" };
        Self::reasoned(status, "gocardless", reason, "Internal server error", None)
    }

    /// `GET /x/{unknown}`: invalid_api_usage 404 resource_not_found.
    pub fn not_found() -> Self {
        Self::usage(StatusCode::NOT_FOUND, "resource_not_found", "Resource not found")
    }

    pub fn bad_body(message: &str) -> Self {
        // Fixture `invalid_api_usage_error.json`: 400 invalid_document_structure.
        Self::usage(StatusCode::BAD_REQUEST, "invalid_document_structure", message)
    }

    /// 409 idempotent_creation_conflict, exactly as fixture
    /// `idempotent_creation_conflict_error.json` (sheet §8).
    pub fn idempotent_conflict(id: &str) -> Self {
        Self::state(
            StatusCode::CONFLICT,
            "idempotent_creation_conflict",
            "A resource has already been created with this idempotency key",
            Some(json!({"conflicting_resource_id": id})),
        )
    }

    /// 422 validation_failed with per-field errors (`field`, `message`, `request_pointer`).
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            kind: "validation_failed",
            message: "Validation failed".to_owned(),
            errors: errors
                .into_iter()
                .map(|f| json!({"field": f.field, "message": f.message, "request_pointer": f.pointer}))
                .collect(),
            headers: Vec::new(),
        }
    }

    pub fn field(resource: &str, field: &str, message: &str) -> Self {
        Self::validation(vec![FieldError::new(resource, field, message)])
    }

    pub fn header(mut self, name: &'static str, value: String) -> Self {
        if let Ok(v) = HeaderValue::from_str(&value) {
            self.headers.push((HeaderName::from_static(name), v));
        }
        self
    }

    pub fn body(&self) -> Value {
        let anchor = match self.kind {
            "validation_failed" => "validation_failed".to_owned(),
            _ => self
                .errors
                .first()
                .and_then(|e| e.get("reason"))
                .and_then(Value::as_str)
                .unwrap_or(self.kind)
                .to_owned(),
        };
        json!({"error": {
            "message": self.message,
            "documentation_url": format!("{DOCS}#{anchor}"),
            "type": self.kind,
            "request_id": request_id(),
            "code": self.status.as_u16(),
            "errors": self.errors,
        }})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(self.body())).into_response();
        for (k, v) in self.headers {
            r.headers_mut().insert(k, v);
        }
        r
    }
}

#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    pub pointer: String,
}

impl FieldError {
    /// `field` may be nested (`links/mandate`): the error names its last segment, the pointer the
    /// whole path (`/payments/links/mandate`), as the docs' `request_pointer` does.
    pub fn new(resource: &str, field: &str, message: &str) -> Self {
        let name = field.rsplit('/').next().unwrap_or(field);
        Self { field: name.to_owned(), message: message.to_owned(), pointer: format!("/{resource}/{field}") }
    }
}

/// A UUID-shaped request id like the fixtures' (`9aac0445-fd1e-4dc2-8854-a5a6afbaaeae`).
pub fn request_id() -> String {
    let b: [u8; 16] = rand::thread_rng().gen();
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}
