//! The connector's failures keep their source's type up to the command, where they become
//! `{code, message}`.

use xp_core::ErrorCode;
use xp_ipc::IpcError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Context(#[from] xp_context::Error),
    #[error(transparent)]
    Store(#[from] xp_store::Error),
    #[error(transparent)]
    Vault(#[from] xp_vault::Error),
    #[error(transparent)]
    Saferpay(#[from] xp_saferpay::Error),
    #[error(transparent)]
    Endpoint(#[from] xp_context::MissingEndpoint),
    /// Saferpay did not accept the API user, password or customer id; nothing was kept.
    #[error("Saferpay refused these credentials ({0}); nothing was saved")]
    CredentialsRefused(String),
    #[error("Saferpay is not set up: save the JSON API credentials first")]
    NotConfigured,
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Context(e) => e.code(),
            Error::Store(e) => e.code(),
            Error::Vault(e) => e.code(),
            Error::Saferpay(e) => e.code(),
            Error::Endpoint(_) | Error::NotConfigured => ErrorCode::Config,
            Error::CredentialsRefused(_) => ErrorCode::ReconnectNeeded,
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
