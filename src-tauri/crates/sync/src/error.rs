//! The engine's error type, and the typed failures its two plug-ins ([`crate::Source`],
//! [`crate::Sink`]) report.

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

/// How a sink failed to store a page. Either way nothing of the page (nor the position after
/// it) was committed, and the next run reads the page again.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// The database refused the write (full disk, a broken file, a lock held too long).
    #[error(transparent)]
    Store(xp_store::Error),
    /// A record the provider sent cannot be stored as it is (a field missing or malformed).
    #[error("{resource} record {id} cannot be stored: {reason}")]
    InvalidRecord { resource: String, id: String, reason: String },
    /// The sink was handed a resource it does not store: the source and sink disagree.
    #[error("no table stores {0} records")]
    UnknownResource(String),
}

impl From<xp_store::Error> for SinkError {
    /// The store's own "cannot be stored" is the provider's data at fault, not the database.
    fn from(e: xp_store::Error) -> Self {
        match e {
            xp_store::Error::InvalidRecord { resource, id, reason } => {
                SinkError::InvalidRecord { resource: resource.to_owned(), id, reason }
            }
            other => SinkError::Store(other),
        }
    }
}

impl From<sqlx::Error> for SinkError {
    fn from(e: sqlx::Error) -> Self {
        SinkError::Store(e.into())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("storing the page failed: {0}")]
    Sink(#[from] SinkError),
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
            Error::Sink(SinkError::InvalidRecord { .. }) => ErrorCode::Provider,
            Error::Sink(SinkError::UnknownResource(_)) => ErrorCode::Internal,
            _ => ErrorCode::StoreUnavailable,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// A page's records as the sink's own type, each read before the first is written (so a bad
/// record leaves nothing of the page and no new position). A record that does not read names
/// its resource and its `id`.
pub fn typed_page<T: serde::de::DeserializeOwned>(
    resource: &str,
    records: Vec<serde_json::Value>,
) -> std::result::Result<Vec<T>, SinkError> {
    records
        .into_iter()
        .map(|v| {
            let id = v["id"].as_str().unwrap_or_default().to_owned();
            T::deserialize(v).map_err(|e| SinkError::InvalidRecord {
                resource: resource.to_owned(),
                id,
                reason: e.to_string(),
            })
        })
        .collect()
}
