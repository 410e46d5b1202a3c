//! Xero's date formats (shared/providers/xero.md §6): JSON dates are .NET style
//! `/Date(<ms>+0000)/`, with `*String` companions; connections use ISO with 7 fractional digits
//! and no zone designator; requests send plain `YYYY-MM-DD`.

use time::{format_description::well_known::Rfc3339, Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

pub fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

pub fn msdate(t: OffsetDateTime) -> String {
    format!("/Date({}+0000)/", ms(t))
}

/// `/Date(1767225600000+0000)/` or `/Date(1767225600000)/` → milliseconds since the epoch.
pub fn parse_msdate(s: &str) -> Option<i64> {
    let inner = s.strip_prefix("/Date(")?.strip_suffix(")/")?;
    let digits_end =
        inner.char_indices().skip(1).find(|(_, c)| *c == '+' || *c == '-').map(|(i, _)| i).unwrap_or(inner.len());
    inner[..digits_end].parse().ok()
}

/// `2026-01-01T00:00:00` (the `DateString` companions).
pub fn date_string(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Connections' `createdDateUtc` form: `2019-12-07T18:46:19.5165400`.
pub fn connection_date(t: OffsetDateTime) -> String {
    format!("{}.{:07}", date_string(t), t.nanosecond() / 100)
}

pub fn midnight(d: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_utc()
}

/// A request date: `YYYY-MM-DD` or a full RFC 3339 timestamp.
pub fn parse_request_date(s: &str) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    let mut parts = s.split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.get(..2)?.parse().ok()?;
    Some(midnight(Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()?))
}

/// `If-Modified-Since`: RFC 3339 (the spec's example `2020-02-06T12:17:43.202-08:00`), a
/// zone-less ISO timestamp taken as UTC, or an HTTP date.
pub fn parse_if_modified_since(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    if let Ok(t) = OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339) {
        return Some(t);
    }
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc2822).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_and_parses_xero_dates() {
        let t = datetime!(2026-01-01 00:00 UTC);
        assert_eq!(msdate(t), "/Date(1767225600000+0000)/");
        assert_eq!(parse_msdate("/Date(1767225600000+0000)/"), Some(1767225600000));
        assert_eq!(parse_msdate("/Date(1767225600000)/"), Some(1767225600000));
        assert_eq!(parse_msdate("/Date(-5000+1300)/"), Some(-5000));
        assert_eq!(date_string(t), "2026-01-01T00:00:00");
        assert_eq!(connection_date(datetime!(2019-12-07 18:46:19.51654 UTC)), "2019-12-07T18:46:19.5165400");
        assert_eq!(parse_request_date("2026-01-20"), Some(datetime!(2026-01-20 00:00 UTC)));
        assert_eq!(
            parse_if_modified_since("2020-02-06T12:17:43.202-08:00"),
            Some(datetime!(2020-02-06 20:17:43.202 UTC))
        );
        assert_eq!(parse_if_modified_since("2026-01-01T10:00:00"), Some(datetime!(2026-01-01 10:00 UTC)));
    }
}
