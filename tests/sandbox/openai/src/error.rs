//! OpenAI's error envelope (sheet §5, spec `components.schemas.ErrorResponse`):
//! `{"error":{"message":string,"type":string,"param":string|null,"code":string|null}}`.
//! All four fields are always present (the spec's `Error` requires `param` and `code`, nullable).

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub kind: &'static str,
    pub param: Option<String>,
    pub code: Option<&'static str>,
    /// Extra headers (rate-limit headers, `retry-after`); boxed to keep `Result`s small.
    pub headers: Box<HeaderMap>,
}

pub(crate) type Result<T> = std::result::Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self { status, message: message.into(), kind, param: None, code: None, headers: Box::default() }
    }

    /// 400 `invalid_request_error`, the type OpenAI uses for every parameter problem.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
    }

    pub fn param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    pub fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub fn with_headers(mut self, headers: &HeaderMap) -> Self {
        self.headers.extend(headers.clone());
        self
    }

    /// `Missing required parameter: 'x'.` — wording and code as OpenAI returns them (seen in
    /// public client fixtures, e.g. "Missing required parameter: 'text.format.schema'." with
    /// `code: missing_required_parameter`; unconfirmed in OpenAI's own text).
    pub fn missing(param: &str) -> Self {
        Self::invalid(format!("Missing required parameter: '{param}'.")).param(param).code("missing_required_parameter")
    }

    /// `Invalid type for 'x': expected ..., but got ... instead.` with `code: invalid_type`.
    pub fn wrong_type(param: &str, expected: &str, got: &Value) -> Self {
        Self::invalid(format!("Invalid type for '{param}': expected {expected}, but got {} instead.", a_type(got)))
            .param(param)
            .code("invalid_type")
    }

    pub fn body(&self) -> Value {
        json!({"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}})
    }
}

/// "a string", "an integer", ... as OpenAI's validation messages phrase a JSON value's type.
pub(crate) fn a_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a decimal",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, axum::Json(self.body())).into_response();
        r.headers_mut().extend(*self.headers);
        r
    }
}

pub(crate) fn header(v: &str) -> HeaderValue {
    HeaderValue::from_str(v).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}
