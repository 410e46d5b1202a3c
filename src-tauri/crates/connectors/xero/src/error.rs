//! The connector's failures keep their source's type (Xero's status and rate facts, the sign-in's
//! code) up to the command, where they become `{code, message}`.

use xp_core::ErrorCode;
use xp_ipc::IpcError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Context(#[from] xp_context::Error),
    #[error(transparent)]
    Store(#[from] xp_store::Error),
    #[error(transparent)]
    Xero(#[from] xp_xero::Error),
    #[error(transparent)]
    Auth(#[from] xp_auth::Error),
    #[error(transparent)]
    Endpoint(#[from] xp_context::MissingEndpoint),
    #[error("configuration [xero]: {0}")]
    Config(String),
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Context(e) => e.code(),
            Error::Store(e) => e.code(),
            Error::Xero(e) => e.code(),
            Error::Auth(e) => e.code(),
            Error::Config(_) | Error::Endpoint(_) => ErrorCode::Config,
            Error::Invalid(_) => ErrorCode::InvalidInput,
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Store(e.into())
    }
}

impl From<&Error> for IpcError {
    fn from(e: &Error) -> Self {
        IpcError { code: e.code(), message: xp_core::redact::scrub(&e.to_string()).into_owned() }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
