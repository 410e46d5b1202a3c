//! Vocabulary shared by every crate of Xero Partner: identifiers, exact money, an injectable
//! clock, a wrapper that keeps secrets out of logs, and the error codes the UI may branch on.

pub mod clock;
pub mod error_code;
pub mod ids;
pub mod money;
pub mod names;
pub mod redact;
pub mod sensitive;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error_code::ErrorCode;
pub use money::{Currency, Money, MoneyError};
pub use sensitive::Sensitive;

/// A calendar day as people and the providers write it, `YYYY-MM-DD`; None for anything else
/// (a day that does not exist, such as 2026-02-30, included).
pub fn ymd(s: &str) -> Option<time::Date> {
    time::Date::parse(s.trim(), time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// RFC 3339 UTC text, as the store keeps timestamps and the UI shows them: sortable and readable
/// in a SQL shell. Falls back to Unix seconds, which a valid `OffsetDateTime` never needs.
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}
