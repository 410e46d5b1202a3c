use xp_core::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the key does not open the local database {path}: wrong key, or not a Xero Partner database. The file was left untouched")]
    WrongKey { path: String },
    #[error("the local database {path} exists but its encryption key is missing from the keychain. The file was left untouched; restore the keychain entry or move the file away to start over")]
    KeyMissing { path: String },
    #[error(
        "the local database {path} was written by a newer version of Xero Partner (schema {found}); update the app"
    )]
    NewerSchema { path: String, found: i64 },
    #[error("the local database {path} cannot be opened: {reason}")]
    Open { path: String, reason: String },
    #[error("database error: {0}")]
    Sqlx(sqlx::Error),
    /// SQLite's write lock stayed taken for the whole busy timeout; the change was rolled back.
    #[error("the local store is busy saving another change (a sync); nothing was changed, try again in a moment")]
    Busy,
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the audit log is broken at entry {seq}: {reason}")]
    AuditChain { seq: i64, reason: String },
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// A record from a provider that cannot be stored as it is; nothing of its page was written.
    #[error("Xero {resource} record {id} cannot be stored: {reason}")]
    InvalidRecord { resource: &'static str, id: String, reason: String },
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// A collection of this invoice is already on its way (or its money arrived).
    #[error("invoice {invoice} already has a collection {existing} ({status}); nothing new was created")]
    AlreadyCollecting { invoice: String, existing: String, status: String },
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::WrongKey { .. } => ErrorCode::StoreKeyMismatch,
            Error::KeyMissing { .. } => ErrorCode::StoreKeyMissing,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::InvalidQuery(_) | Error::AlreadyCollecting { .. } => ErrorCode::InvalidInput,
            Error::Busy => ErrorCode::StoreBusy,
            _ => ErrorCode::StoreUnavailable,
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes in the high bits.
        let busy = e
            .as_database_error()
            .and_then(|d| d.code())
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| matches!(c & 0xff, 5 | 6));
        if busy {
            Error::Busy
        } else {
            Error::Sqlx(e)
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
