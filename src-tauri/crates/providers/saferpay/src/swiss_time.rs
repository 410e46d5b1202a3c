//! The transaction report's clock. Its dates carry no offset (`"AuthorizationDate":
//! "2025-08-14T12:41:30.618"`) and "EndDate must be less than today at 00:00 (midnight)" names no
//! zone. Saferpay's JSON API examples are stamped `+01:00` / `+02:00`, so they are read as Swiss
//! local time: Europe/Zurich, CET, and CEST from the last Sunday of March to the last Sunday of
//! October, switching at 01:00 UTC (the EU rule Switzerland follows, Directive 2000/84/EC).
//! Unconfirmed for Saferpay; read as UTC they would be off by one or two hours near midnight.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

fn offset_at(utc: OffsetDateTime) -> UtcOffset {
    let last_sunday_1am = |month: Month| {
        let mut day = Date::from_calendar_date(utc.year(), month, month.length(utc.year())).unwrap_or(Date::MIN);
        while day.weekday() != Weekday::Sunday {
            day = day.previous_day().unwrap_or(Date::MIN);
        }
        PrimitiveDateTime::new(day, Time::from_hms(1, 0, 0).unwrap_or(Time::MIDNIGHT)).assume_utc()
    };
    let summer = (last_sunday_1am(Month::March)..last_sunday_1am(Month::October)).contains(&utc);
    UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// A moment as the report writes it.
pub fn to_swiss(utc: OffsetDateTime) -> PrimitiveDateTime {
    let local = utc.to_offset(offset_at(utc));
    PrimitiveDateTime::new(local.date(), local.time())
}

/// A report date as a moment. In the hour the clocks go back, which repeats, the later reading.
pub fn from_swiss(local: PrimitiveDateTime) -> OffsetDateTime {
    let guess = local.assume_offset(offset_at(local.assume_utc()));
    local.assume_offset(offset_at(guess))
}

/// The first moment of the Swiss day `utc` falls in: the report reaches up to just before it.
pub fn swiss_midnight(utc: OffsetDateTime) -> OffsetDateTime {
    from_swiss(PrimitiveDateTime::new(to_swiss(utc).date(), Time::MIDNIGHT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn swiss_time_is_an_hour_ahead_in_winter_and_two_in_summer() {
        assert_eq!(to_swiss(datetime!(2026-12-02 23:30 UTC)), datetime!(2026-12-03 00:30));
        assert_eq!(to_swiss(datetime!(2026-07-01 22:30 UTC)), datetime!(2026-07-02 00:30));
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(to_swiss(datetime!(2026-03-29 00:59 UTC)), datetime!(2026-03-29 01:59));
        assert_eq!(to_swiss(datetime!(2026-03-29 01:00 UTC)), datetime!(2026-03-29 03:00));
        assert_eq!(to_swiss(datetime!(2026-10-25 00:59 UTC)), datetime!(2026-10-25 02:59));
        assert_eq!(to_swiss(datetime!(2026-10-25 01:00 UTC)), datetime!(2026-10-25 02:00));
        for utc in [datetime!(2026-12-02 23:30 UTC), datetime!(2026-07-01 22:30 UTC), datetime!(2026-03-29 01:00 UTC)] {
            assert_eq!(from_swiss(to_swiss(utc)), utc, "{utc}");
        }
    }

    #[test]
    fn the_swiss_day_starts_before_the_utc_one() {
        assert_eq!(swiss_midnight(datetime!(2026-12-02 23:30 UTC)), datetime!(2026-12-02 23:00 UTC));
        assert_eq!(swiss_midnight(datetime!(2026-12-02 22:30 UTC)), datetime!(2026-12-01 23:00 UTC));
        assert_eq!(swiss_midnight(datetime!(2026-07-02 12:00 UTC)), datetime!(2026-07-01 22:00 UTC));
    }
}
