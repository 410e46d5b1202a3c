//! Xero's date formats (shared/providers/xero.md §6): JSON dates are .NET style
//! `/Date(<ms>+0000)/`, with `*String` companions; connections use ISO with 7 fractional digits
//! and no zone designator; requests send `YYYY-MM-DD`, ISO date-times or the .NET form.

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

/// A date in a request body, as the calendar day it names (midnight UTC, how the emulator
/// stores date fields). Xero takes what its own SDKs send (xero.md §6): `/Date(ms)/` and
/// `/Date(ms±hhmm)/` (xero-python serialises dates so, e.g. `/Date(1733443200000)/`), plain
/// `YYYY-MM-DD`, and ISO date-times with or without a zone (`2026-01-20T00:00:00`, as in the
/// spec's examples). A zoned value names the day where it is local: `/Date(ms+1300)/` is ms since
/// the epoch shown in UTC+13, as in .NET's DateTimeOffset JSON form.
pub fn parse_request_date(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) {
        return parse_ms_date_body(inner).map(|t| midnight(t.date()));
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(midnight(t.date()));
    }
    let (day, rest) = s.split_at(s.find('T').unwrap_or(s.len()));
    if !rest.is_empty() {
        // A zone-less date-time must at least have a valid time of day.
        let zoned = OffsetDateTime::parse(&format!("{day}{rest}Z"), &Rfc3339).ok()?;
        return Some(midnight(zoned.date()));
    }
    let mut parts = day.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Some(midnight(Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()?))
}

/// `1733443200000`, `1733443200000+1300` or `-5000-0500`: the instant in its own offset.
fn parse_ms_date_body(inner: &str) -> Option<OffsetDateTime> {
    let split = inner.char_indices().skip(1).find(|(_, c)| *c == '+' || *c == '-').map(|(i, _)| i);
    let (ms, zone) = inner.split_at(split.unwrap_or(inner.len()));
    let ms: i64 = ms.parse().ok()?;
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    if zone.is_empty() {
        return Some(t);
    }
    let (sign, hhmm) = zone.split_at(1);
    if hhmm.len() != 4 || !hhmm.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i8, i8) = (hhmm[..2].parse().ok()?, hhmm[2..].parse().ok()?);
    let sign = if sign == "-" { -1 } else { 1 };
    let offset = time::UtcOffset::from_hms(sign * h, sign * m, 0).ok()?;
    Some(t.to_offset(offset))
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
        assert_eq!(parse_request_date("/Date(1733443200000)/"), Some(datetime!(2024-12-06 00:00 UTC)));
        assert_eq!(parse_request_date("/Date(1733443200000+0000)/"), Some(datetime!(2024-12-06 00:00 UTC)));
        // 2024-12-05 13:00 UTC is already 6 December in New Zealand (+13:00).
        assert_eq!(parse_request_date("/Date(1733403600000+1300)/"), Some(datetime!(2024-12-06 00:00 UTC)));
        assert_eq!(parse_request_date("/Date(1733403600000-0500)/"), Some(datetime!(2024-12-05 00:00 UTC)));
        assert_eq!(parse_request_date("2026-01-20T00:00:00"), Some(datetime!(2026-01-20 00:00 UTC)));
        assert_eq!(parse_request_date("2026-01-20T23:30:00-05:00"), Some(datetime!(2026-01-20 00:00 UTC)));
        for bad in
            ["2026-13-01", "2026-1-5", "20260120", "/Date(abc)/", "/Date(1733443200000+13)/", "2026-01-20T25:00:00", ""]
        {
            assert_eq!(parse_request_date(bad), None, "{bad}");
        }
        assert_eq!(
            parse_if_modified_since("2020-02-06T12:17:43.202-08:00"),
            Some(datetime!(2020-02-06 20:17:43.202 UTC))
        );
        assert_eq!(parse_if_modified_since("2026-01-01T10:00:00"), Some(datetime!(2026-01-01 10:00 UTC)));
    }
}
