//! SEPA working days: Monday to Friday except the TARGET2 closing days (1 January, Good Friday,
//! Easter Monday, 1 May, 25 and 26 December; ECB, "TARGET2 closing days", the SEPA scheme
//! rulebooks count inter-bank business days by this calendar). Every SEPA timing of the
//! emulator is counted in these days (review D16).

use time::{Date, Duration, Month, Weekday};

/// Easter Sunday of `year` (Gregorian calendar; the anonymous "Meeus/Jones/Butcher" algorithm).
fn easter_sunday(year: i32) -> Option<Date> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = Month::try_from(month as u8).ok()?;
    Date::from_calendar_date(year, month, day as u8).ok()
}

fn target2_holiday(d: Date) -> bool {
    let fixed = matches!(
        (d.month(), d.day()),
        (Month::January, 1) | (Month::May, 1) | (Month::December, 25) | (Month::December, 26)
    );
    fixed
        || easter_sunday(d.year())
            .is_some_and(|easter| d == easter - Duration::days(2) || d == easter + Duration::days(1))
}

pub fn is_working_day(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !target2_holiday(d)
}

/// `d` itself when it is a working day, else the next one (charge dates roll forward; sheet §11).
pub fn working_day(mut d: Date) -> Date {
    while !is_working_day(d) {
        d = d.next_day().unwrap_or(d);
    }
    d
}

/// The `n`th working day after `d` (`d` itself is not counted).
pub fn add_working_days(mut d: Date, n: u32) -> Date {
    for _ in 0..n {
        d = working_day(d.next_day().unwrap_or(d));
    }
    d
}

/// The `n`th working day before `d`.
pub fn sub_working_days(mut d: Date, n: u32) -> Date {
    for _ in 0..n {
        d = d.previous_day().unwrap_or(d);
        while !is_working_day(d) {
            d = d.previous_day().unwrap_or(d);
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn easter_and_the_target2_closing_days() {
        assert_eq!(easter_sunday(2026), Some(date!(2026 - 04 - 05)));
        assert_eq!(easter_sunday(2027), Some(date!(2027 - 03 - 28)));
        for closed in [date!(2026 - 01 - 01), date!(2026 - 04 - 03), date!(2026 - 04 - 06), date!(2026 - 05 - 01)] {
            assert!(!is_working_day(closed), "{closed} is a TARGET2 closing day");
        }
        assert!(!is_working_day(date!(2026 - 12 - 25)) && !is_working_day(date!(2026 - 12 - 26)));
        assert!(is_working_day(date!(2026 - 12 - 24)), "Christmas Eve is a SEPA working day");
        assert!(!is_working_day(date!(2026 - 12 - 05)), "a Saturday");
    }

    #[test]
    fn counting_skips_weekends_and_holidays() {
        // Thursday 2026-12-24 + 1 working day: 25th, 26th (holidays) and the weekend are skipped.
        assert_eq!(add_working_days(date!(2026 - 12 - 24), 1), date!(2026 - 12 - 28));
        // Wednesday 2026-04-01 + 3: Thursday 2nd, (Good Friday, weekend, Easter Monday), 7th, 8th.
        assert_eq!(add_working_days(date!(2026 - 04 - 01), 3), date!(2026 - 04 - 08));
        assert_eq!(sub_working_days(date!(2026 - 04 - 08), 3), date!(2026 - 04 - 01));
        assert_eq!(working_day(date!(2026 - 12 - 31)), date!(2026 - 12 - 31));
        assert_eq!(working_day(date!(2027 - 01 - 01)), date!(2027 - 01 - 04), "New Year on a Friday rolls to Monday");
    }
}
