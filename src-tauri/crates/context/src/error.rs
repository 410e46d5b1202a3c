//! What can go wrong opening and running the shared runtime.

use xp_core::ErrorCode;
use xp_ipc::IpcError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Vault(#[from] xp_vault::Error),
    #[error(transparent)]
    Store(#[from] xp_store::Error),
    #[error("configuration {path}: {reason}")]
    Config { path: String, reason: String },
    #[error("the keychain entry for the local database key is not a valid key; the database was left untouched")]
    BadStoredKey,
    #[error("cannot use the data folder {path}: {reason}")]
    DataDir { path: String, reason: String },
    /// The session no longer allows an action it allowed when the action began (locked, signed
    /// out, or another person signed in while a browser step was pending).
    #[error("{message}")]
    Denied { code: ErrorCode, message: String },
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Vault(e) => e.code(),
            Error::Store(e) => e.code(),
            Error::Config { .. } => ErrorCode::Config,
            Error::BadStoredKey => ErrorCode::StoreKeyMismatch,
            Error::DataDir { .. } => ErrorCode::StoreUnavailable,
            Error::Denied { code, .. } => *code,
        }
    }
}

impl From<&Error> for IpcError {
    fn from(e: &Error) -> Self {
        IpcError { code: e.code(), message: xp_core::redact::scrub(&e.to_string()).into_owned() }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
