//! Timestamps are stored as RFC 3339 UTC text: sortable, readable in a SQL shell.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub use xp_core::rfc3339 as fmt;

pub fn parse(s: &str) -> crate::Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| crate::Error::Corrupt(format!("timestamp {s:?}: {e}")))
}
