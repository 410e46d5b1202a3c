//! The composition root's failures: its own (configuration, session) and its features', each
//! keeping its type until it becomes `{code, message}` at the IPC edge.

use xp_core::ErrorCode;
use xp_ipc::IpcError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Context(#[from] xp_context::Error),
    #[error(transparent)]
    Vault(#[from] xp_vault::Error),
    #[error(transparent)]
    Store(#[from] xp_store::Error),
    #[error(transparent)]
    Auth(#[from] xp_auth::Error),
    #[error(transparent)]
    Xero(#[from] xp_connect_xero::Error),
    #[error(transparent)]
    GoCardless(#[from] xp_connect_gocardless::Error),
    #[error(transparent)]
    Saferpay(#[from] xp_connect_saferpay::Error),
    #[error("configuration {path}: {reason}")]
    Config { path: String, reason: String },
    /// The session refused: signed out, locked, or the role lacks the permission.
    #[error("{message}")]
    Denied { code: ErrorCode, message: String },
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Context(e) => e.code(),
            Error::Vault(e) => e.code(),
            Error::Store(e) => e.code(),
            Error::Auth(e) => e.code(),
            Error::Xero(e) => e.code(),
            Error::GoCardless(e) => e.code(),
            Error::Saferpay(e) => e.code(),
            Error::Config { .. } => ErrorCode::Config,
            Error::Denied { code, .. } => *code,
            Error::Invalid(_) => ErrorCode::InvalidInput,
        }
    }
}

impl From<&Error> for IpcError {
    fn from(e: &Error) -> Self {
        IpcError { code: e.code(), message: xp_core::redact::scrub(&e.to_string()).into_owned() }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
