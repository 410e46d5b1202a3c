use xp_core::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the OS keychain is not available ({0}). Unlock or install a keychain (on Linux: a Secret Service such as GNOME Keyring or KWallet), or explicitly allow plaintext secrets in settings")]
    Unavailable(String),
    #[error("the OS keychain refused access: {0}")]
    Denied(String),
    #[error("'{0}' is not a valid secret name")]
    InvalidKey(String),
    #[error("the plaintext secrets file {path} is unreadable: {reason}")]
    PlaintextFile { path: String, reason: String },
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Unavailable(_) | Error::Denied(_) => ErrorCode::KeychainUnavailable,
            Error::InvalidKey(_) => ErrorCode::InvalidInput,
            Error::PlaintextFile { .. } => ErrorCode::KeychainUnavailable,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
