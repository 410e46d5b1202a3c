//! Error codes the UI is allowed to branch on. Messages are for people; codes are for code.
//! Add a code only when the UI needs to act differently on it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Something went wrong that the user cannot fix; details are in the log.
    Internal,
    /// The input was rejected; the message says which field and why.
    InvalidInput,
    /// The OS keychain cannot be reached; secrets cannot be stored.
    KeychainUnavailable,
    /// The local store's key does not open the database file.
    StoreKeyMismatch,
    /// The local store exists but its key is missing from the keychain.
    StoreKeyMissing,
    /// The local store is damaged or cannot be opened.
    StoreUnavailable,
    /// The local store is held by another write (a sync saving its pages) for longer than the
    /// app waits; nothing was changed, and the same action can be tried again.
    StoreBusy,
    /// A record asked for does not exist.
    NotFound,
    /// The signed-in user's role does not allow this action.
    Forbidden,
    /// Nobody is signed in (or the offline grace period ended): sign in first.
    SignInRequired,
    /// The app is locked (by the user or after idle time): sign in again to see data.
    Locked,
    /// A provider connection needs the user to sign in again.
    ReconnectNeeded,
    /// The network or the provider cannot be reached; work continues from the cache.
    Offline,
    /// A provider refused for rate limiting; the message says when to retry.
    RateLimited,
    /// A provider answered with an error.
    Provider,
    /// The configuration file is invalid.
    Config,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::InvalidInput => "invalid_input",
            Self::KeychainUnavailable => "keychain_unavailable",
            Self::StoreKeyMismatch => "store_key_mismatch",
            Self::StoreKeyMissing => "store_key_missing",
            Self::StoreUnavailable => "store_unavailable",
            Self::StoreBusy => "store_busy",
            Self::NotFound => "not_found",
            Self::Forbidden => "forbidden",
            Self::SignInRequired => "sign_in_required",
            Self::Locked => "locked",
            Self::ReconnectNeeded => "reconnect_needed",
            Self::Offline => "offline",
            Self::RateLimited => "rate_limited",
            Self::Provider => "provider",
            Self::Config => "config",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_matches_the_serialised_form_the_ui_sees() {
        for code in [
            ErrorCode::Internal,
            ErrorCode::InvalidInput,
            ErrorCode::KeychainUnavailable,
            ErrorCode::StoreKeyMismatch,
            ErrorCode::StoreKeyMissing,
            ErrorCode::StoreUnavailable,
            ErrorCode::StoreBusy,
            ErrorCode::NotFound,
            ErrorCode::Forbidden,
            ErrorCode::SignInRequired,
            ErrorCode::Locked,
            ErrorCode::ReconnectNeeded,
            ErrorCode::Offline,
            ErrorCode::RateLimited,
            ErrorCode::Provider,
            ErrorCode::Config,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
