//! Timestamps are stored as RFC 3339 UTC text: sortable, readable in a SQL shell.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub fn fmt(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).unwrap_or_else(|_| t.unix_timestamp().to_string())
}

pub fn parse(s: &str) -> crate::Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| crate::Error::Corrupt(format!("timestamp {s:?}: {e}")))
}
