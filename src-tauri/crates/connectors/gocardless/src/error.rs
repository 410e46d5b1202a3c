//! The connector's failures keep their source's type (GoCardless's status and problem, the
//! vault's, the store's) up to the command, where they become `{code, message}`.

use xp_core::ErrorCode;
use xp_ipc::IpcError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Context(#[from] xp_context::Error),
    #[error(transparent)]
    Store(#[from] xp_store::Error),
    #[error(transparent)]
    GoCardless(#[from] xp_gocardless::Error),
    #[error(transparent)]
    Endpoint(#[from] xp_context::MissingEndpoint),
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Context(e) => e.code(),
            Error::Store(e) => e.code(),
            Error::GoCardless(e) => e.code(),
            Error::Endpoint(_) => ErrorCode::Config,
            Error::Invalid(_) => ErrorCode::InvalidInput,
        }
    }
}

impl From<xp_vault::Error> for Error {
    fn from(e: xp_vault::Error) -> Self {
        Error::Context(e.into())
    }
}

impl From<&Error> for IpcError {
    fn from(e: &Error) -> Self {
        IpcError { code: e.code(), message: xp_core::redact::scrub(&e.to_string()).into_owned() }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
