use std::time::Duration;
use xp_core::ErrorCode;

/// Provider errors keep the HTTP status and a trimmed body; rate-limit facts are typed fields.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot reach {host}: {reason}")]
    Connect { host: String, reason: String },
    #[error("{host} did not answer within {after:?}")]
    Timeout { host: String, after: Duration },
    #[error("{host} answered HTTP {status}: {body}")]
    Status { host: String, status: u16, body: String },
    #[error("{host} is rate limiting us (HTTP 429{}); retry after {retry_after:?}", problem.as_deref().map(|p| format!(", {p} limit")).unwrap_or_default())]
    RateLimited { host: String, retry_after: Option<Duration>, problem: Option<String> },
    #[error("invalid request: {0}")]
    Request(String),
    #[error("reading the response from {host} failed: {reason}")]
    Body { host: String, reason: String },
    /// The answer is longer than the request allows (see `Request::max_body`): not retried, as a
    /// second attempt would bring the same flood.
    #[error("{host} sent a response larger than {limit} bytes, more than this request can hold; try again later or report it")]
    TooLarge { host: String, limit: usize },
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Connect { .. } | Error::Timeout { .. } => ErrorCode::Offline,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::Status { status: 401, .. } => ErrorCode::ReconnectNeeded,
            Error::Request(_) => ErrorCode::InvalidInput,
            Error::Status { .. } | Error::Body { .. } | Error::TooLarge { .. } => ErrorCode::Provider,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Keeps error bodies short and free of credentials before they reach a log or the UI.
pub(crate) fn trim_body(body: &[u8]) -> String {
    xp_core::redact::excerpt(&String::from_utf8_lossy(body), 600)
}
