use std::time::Duration;
use xp_core::ErrorCode;

/// How a source failed, in the terms the engine acts on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SourceError {
    /// The provider's daily budget is used up: stop this organisation until the reset.
    #[error("the daily API limit is used up; retry after {retry_after:?}")]
    DailyLimit { retry_after: Option<Duration> },
    /// The credentials no longer work even after a refresh: the user must sign in again.
    #[error("reconnect needed: {0}")]
    ReconnectNeeded(String),
    /// This page failed (network, malformed body, 5xx after retries): the job stops here and
    /// resumes from the same page next time.
    #[error("{0}")]
    Transient(String),
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("storing the page failed: {0}")]
    Sink(String),
    #[error(transparent)]
    Store(#[from] xp_store::Error),
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("cancelled")]
    Cancelled,
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Source(SourceError::DailyLimit { .. }) => ErrorCode::RateLimited,
            Error::Source(SourceError::ReconnectNeeded(_)) => ErrorCode::ReconnectNeeded,
            Error::Source(SourceError::Transient(_)) => ErrorCode::Offline,
            Error::Cancelled => ErrorCode::InvalidInput,
            _ => ErrorCode::StoreUnavailable,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
