//! Xero's date formats (shared/providers/xero.md §6, §13). Pure functions, no clock.
//!
//! - JSON dates: .NET style `/Date(<ms since epoch>)/` or `/Date(<ms>+hhmm)/`; the milliseconds
//!   are the instant, the offset only says in which zone to show it.
//! - `*String` companions (`DateString`, `DueDateString`): zone-less calendar values, either
//!   `2026-01-01T00:00:00` or `2018-10-20 00:00:00`. Use them for calendar dates: converting a
//!   date-only field through a zone can shift it by a day (XeroAPI/xero-python#179).
//! - Connections: ISO with 7 fractional digits and no zone (`2019-12-07T18:46:19.5165400`), UTC.
//! - Requests: plain `YYYY-MM-DD`; `If-Modified-Since` as an RFC 3339 UTC timestamp.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a Xero date ({expected})")]
pub struct DateError {
    pub value: String,
    pub expected: &'static str,
}

fn err(value: &str, expected: &'static str) -> DateError {
    DateError { value: value.chars().take(64).collect(), expected }
}

/// `/Date(1767225600000+0000)/`, `/Date(1767225600000)/`, `/Date(-86400000-0500)/` → the
/// instant, shown at the given offset (UTC when there is none).
pub fn parse_ms_date(s: &str) -> Result<OffsetDateTime, DateError> {
    const EXPECTED: &str = "/Date(<ms>[+-hhmm])/";
    let e = || err(s, EXPECTED);
    let inner = s.trim().strip_prefix("/Date(").and_then(|x| x.strip_suffix(")/")).ok_or_else(e)?;
    // The sign of the milliseconds is part of the number; an offset sign comes after a digit.
    let split = inner.char_indices().skip(1).find(|(_, c)| *c == '+' || *c == '-').map(|(i, _)| i);
    let (ms, zone) = match split {
        Some(i) => (&inner[..i], Some(&inner[i..])),
        None => (inner, None),
    };
    let digits = ms.strip_prefix('-').unwrap_or(ms);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(e());
    }
    let ms: i64 = ms.parse().map_err(|_| e())?;
    let offset = match zone {
        None => UtcOffset::UTC,
        Some(z) => {
            let (sign, hhmm) = z.split_at(1);
            if hhmm.len() != 4 || !hhmm.bytes().all(|b| b.is_ascii_digit()) {
                return Err(e());
            }
            let h: i8 = hhmm[..2].parse().map_err(|_| e())?;
            let m: i8 = hhmm[2..].parse().map_err(|_| e())?;
            let k = if sign == "-" { -1 } else { 1 };
            UtcOffset::from_hms(k * h, k * m, 0).map_err(|_| e())?
        }
    };
    let utc = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).map_err(|_| e())?;
    Ok(utc.to_offset(offset))
}

/// A `*String` companion: `2026-01-01T00:00:00`, `2018-10-20 00:00:00`, optionally with a
/// fraction of a second, or a bare `2026-01-01`. Zone-less by design.
pub fn parse_date_string(s: &str) -> Result<PrimitiveDateTime, DateError> {
    const EXPECTED: &str = "YYYY-MM-DD[Thh:mm:ss[.fffffff]]";
    let e = || err(s, EXPECTED);
    let s = s.trim();
    let date_part = s.get(..10).ok_or_else(e)?;
    let date = Date::parse(date_part, format_description!("[year]-[month]-[day]")).map_err(|_| e())?;
    let rest = &s[10..];
    if rest.is_empty() {
        return Ok(PrimitiveDateTime::new(date, Time::MIDNIGHT));
    }
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')).ok_or_else(e)?;
    let (hms, fraction) = match rest.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (rest, None),
    };
    let time = Time::parse(hms, format_description!("[hour]:[minute]:[second]")).map_err(|_| e())?;
    let nanos = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{f:0<9}").parse::<u32>().map_err(|_| e())?
        }
        Some(_) => return Err(e()),
    };
    let time = time.replace_nanosecond(nanos).map_err(|_| e())?;
    Ok(PrimitiveDateTime::new(date, time))
}

/// Connections' `createdDateUtc`/`updatedDateUtc`: zone-less ISO, meant as UTC. A trailing `Z`
/// is tolerated in case Xero starts sending one.
pub fn parse_connection_date(s: &str) -> Result<OffsetDateTime, DateError> {
    let t = s.trim();
    let t = t.strip_suffix('Z').unwrap_or(t);
    parse_date_string(t).map(PrimitiveDateTime::assume_utc).map_err(|_| err(s, "YYYY-MM-DDThh:mm:ss.fffffff (UTC)"))
}

/// The calendar date of a record's date field: the `{field}String` companion when present
/// (no zone arithmetic), otherwise the `/Date(…)/` value read at its own offset.
pub fn calendar_date(record: &Value, field: &str) -> Option<Date> {
    if let Some(d) = record.get(format!("{field}String")).and_then(Value::as_str) {
        if let Ok(d) = parse_date_string(d) {
            return Some(d.date());
        }
    }
    record.get(field).and_then(Value::as_str).and_then(|s| parse_ms_date(s).ok()).map(|t| t.date())
}

/// A request date: `YYYY-MM-DD` (xero.md §6).
pub fn format_request_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `If-Modified-Since`: RFC 3339 in UTC, cut down to the second. Xero compares to the second
/// (xero.md §8); rounding down can only return a record twice, never miss one.
pub fn format_if_modified_since(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC).replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_else(|_| t.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::{date, datetime};

    #[test]
    fn ms_dates_with_and_without_offsets() {
        assert_eq!(parse_ms_date("/Date(1767225600000+0000)/"), Ok(datetime!(2026-01-01 00:00 UTC)));
        assert_eq!(parse_ms_date("/Date(1767348000000)/"), Ok(datetime!(2026-01-02 10:00 UTC)));
        let nz = parse_ms_date("/Date(1767225600000+1300)/").unwrap();
        assert_eq!(nz, datetime!(2026-01-01 00:00 UTC), "the milliseconds are the instant, whatever the offset");
        assert_eq!(nz.offset(), UtcOffset::from_hms(13, 0, 0).unwrap(), "the offset is kept for display");
        assert_eq!(nz.date(), date!(2026 - 01 - 01));
        assert_eq!(nz.hour(), 13);
        let west = parse_ms_date("/Date(1767225600000-0530)/").unwrap();
        assert_eq!(west.offset(), UtcOffset::from_hms(-5, -30, 0).unwrap());
        assert_eq!(west.date(), date!(2025 - 12 - 31), "a negative offset shows the previous evening");
    }

    #[test]
    fn negative_milliseconds_are_before_1970() {
        assert_eq!(parse_ms_date("/Date(-86400000)/"), Ok(datetime!(1969-12-31 00:00 UTC)));
        assert_eq!(parse_ms_date("/Date(-1+0000)/"), Ok(datetime!(1969-12-31 23:59:59.999 UTC)));
        let t = parse_ms_date("/Date(-86400000-0100)/").unwrap();
        assert_eq!(t, datetime!(1969-12-31 00:00 UTC));
        assert_eq!(t.offset().whole_hours(), -1);
    }

    #[test]
    fn rejects_what_is_not_a_ms_date() {
        for bad in [
            "",
            "/Date()/",
            "/Date(-)/",
            "/Date(12a)/",
            "/Date(1767225600000+00)/",
            "/Date(1767225600000+00x0)/",
            "Date(1767225600000)",
            "2026-01-01",
            "/Date(99999999999999999999)/",
        ] {
            assert!(parse_ms_date(bad).is_err(), "{bad:?} must be rejected, not guessed");
        }
    }

    #[test]
    fn string_companions_in_both_spellings() {
        assert_eq!(parse_date_string("2026-01-01T00:00:00"), Ok(datetime!(2026-01-01 00:00)));
        assert_eq!(parse_date_string("2018-10-20 00:00:00"), Ok(datetime!(2018-10-20 00:00)));
        assert_eq!(parse_date_string("2026-01-15"), Ok(datetime!(2026-01-15 00:00)));
        assert_eq!(parse_date_string("2026-01-15T10:20:30.25"), Ok(datetime!(2026-01-15 10:20:30.25)));
        for bad in
            ["2026-13-01T00:00:00", "2026-01-01X00:00:00", "2026-01-01T00:00", "20260101", "2026-01-01T00:00:00."]
        {
            assert!(parse_date_string(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn connection_dates_have_seven_fraction_digits_and_mean_utc() {
        let t = parse_connection_date("2019-12-07T18:46:19.5165400").unwrap();
        assert_eq!(t, datetime!(2019-12-07 18:46:19.51654 UTC));
        assert_eq!(parse_connection_date("2019-12-07T18:46:19.5165400Z"), Ok(t));
    }

    #[test]
    fn calendar_dates_prefer_the_string_companion() {
        // The instant is 2026-01-01 00:00 UTC, but shown at -0500 it would be 31 December:
        // the companion says what the user typed.
        let rec = json!({"Date": "/Date(1767225600000-0500)/", "DateString": "2026-01-01T00:00:00"});
        assert_eq!(calendar_date(&rec, "Date"), Some(date!(2026 - 01 - 01)));
        let no_companion = json!({"DueDate": "/Date(1768435200000+0000)/"});
        assert_eq!(calendar_date(&no_companion, "DueDate"), Some(date!(2026 - 01 - 15)));
        assert_eq!(calendar_date(&no_companion, "Date"), None);
    }

    #[test]
    fn request_formats() {
        assert_eq!(format_request_date(date!(2026 - 01 - 05)), "2026-01-05");
        assert_eq!(format_if_modified_since(datetime!(2020-02-06 12:17:43.202 -08:00)), "2020-02-06T20:17:43Z");
    }
}

/// Fuzz properties for the date parsers (STYLE.md, security review 2026-12 #20): any text is
/// parsed or refused without a panic, and what Xero writes comes back as the same instant.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn cases() -> u32 {
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(5_000)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn any_text_is_a_date_or_a_refusal(s in prop_oneof![".{0,60}", "/Date\\([-+0-9]{0,25}\\)/", "[0-9 :T.Z-]{0,40}"]) {
            let _ = parse_ms_date(&s);
            let _ = parse_date_string(&s);
            let _ = parse_connection_date(&s);
            let _ = calendar_date(&serde_json::json!({"Date": s, "DateString": s}), "Date");
        }

        #[test]
        fn a_ms_date_reads_back_as_the_instant_it_names(
            ms in -62_135_596_800_000i64..253_402_300_799_000,
            offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59i32),
        ) {
            let zone = format!("{}{:02}{:02}", if offset_minutes < 0 { '-' } else { '+' }, offset_minutes.abs() / 60, offset_minutes.abs() % 60);
            match parse_ms_date(&format!("/Date({ms}{zone})/")) {
                Ok(t) => {
                    prop_assert_eq!(t.unix_timestamp_nanos(), i128::from(ms) * 1_000_000);
                    prop_assert_eq!(t.offset().whole_minutes(), i16::try_from(offset_minutes).unwrap());
                }
                // Only an instant the local calendar cannot show at that offset (year 0 or 10000).
                Err(_) => prop_assert!(!(-62_135_510_400_000..=253_402_214_400_000).contains(&ms), "{ms} {zone}"),
            }
        }
    }
}
