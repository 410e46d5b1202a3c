//! Pure: Xero JSON records (Xero's own field names, shared/providers/xero.md §5) → the typed
//! columns the store keeps beside the raw JSON. Nothing here touches the database, so every
//! record of a page is checked before the first row of it is written.

use rust_decimal::Decimal;
use serde_json::Value;
use time::OffsetDateTime;
use xp_core::Currency;

/// Why one record cannot be stored; the caller adds which record it was.
pub type FieldResult<T> = std::result::Result<T, String>;

/// `/Date(1767225600000+0000)/` or `/Date(1767225600000)/` → ms since the epoch (xero.md §6).
/// The optional offset is informational: the number is already UTC.
pub fn parse_ms_date(s: &str) -> Option<i64> {
    let inner = s.strip_prefix("/Date(")?.strip_suffix(")/")?;
    let (digits, offset) = match inner.char_indices().skip(1).find(|(_, c)| *c == '+' || *c == '-') {
        Some((i, _)) => (&inner[..i], Some(&inner[i + 1..])),
        None => (inner, None),
    };
    if let Some(off) = offset {
        if off.len() != 4 || !off.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    digits.parse().ok()
}

/// A calendar date as 'YYYY-MM-DD'. The `*String` companion wins when present (xero.md §13:
/// converting the ms value through a time zone can shift a date by a day); otherwise the UTC
/// date of the ms value, which Xero sends as midnight UTC for date-only fields.
pub fn calendar_date(record: &Value, field: &str) -> FieldResult<Option<String>> {
    let from_field = match record.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(if let Some(ms) = parse_ms_date(s) {
            let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
                .map_err(|_| format!("{field} {s:?} is out of range"))?;
            format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
        } else {
            // Requests (and some responses) carry plain ISO dates.
            s.get(..10).and_then(valid_ymd).ok_or_else(|| format!("{field} {s:?} is not a Xero date"))?
        }),
        Some(other) => return Err(format!("{field} {other} is not a Xero date")),
    };
    let companion = format!("{field}String");
    match record.get(&companion) {
        None | Some(Value::Null) => Ok(from_field),
        Some(Value::String(s)) => {
            s.get(..10).and_then(valid_ymd).map(Some).ok_or_else(|| format!("{companion} {s:?} is not a date"))
        }
        Some(other) => Err(format!("{companion} {other} is not a date")),
    }
}

/// `s` when it is a real 'YYYY-MM-DD' calendar date.
pub fn valid_ymd(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let y: i32 = s[..4].parse().ok()?;
    let m: u8 = s[5..7].parse().ok()?;
    let d: u8 = s[8..10].parse().ok()?;
    time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()?;
    Some(s.to_owned())
}

/// `UpdatedDateUTC` as ms since the epoch.
pub fn timestamp_ms(record: &Value, field: &str) -> FieldResult<Option<i64>> {
    match record.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_ms_date(s).map(Some).ok_or_else(|| format!("{field} {s:?} is not a Xero date")),
        Some(other) => Err(format!("{field} {other} is not a Xero date")),
    }
}

/// A JSON number or numeric string as an exact decimal. serde_json prints a number with the
/// shortest text that reads back to the same value, so `1200.5` arrives as "1200.5": the
/// decimal is taken from that text, never from f64 arithmetic.
pub fn decimal(v: &Value, field: &str) -> FieldResult<Option<Decimal>> {
    let text = match v {
        Value::Null => return Ok(None),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        other => return Err(format!("{field} {other} is not a number")),
    };
    let parsed =
        if text.contains(['e', 'E']) { Decimal::from_scientific(&text) } else { Decimal::from_str_exact(&text) };
    parsed.map(Some).map_err(|_| format!("{field} {text:?} is not a decimal amount"))
}

/// A document amount in its currency: exact text at the currency's exponent ("1200.50" USD,
/// "1200" JPY, "1.500" KWD) and its minor units at that exponent (120050, 1200, 1500).
/// More decimals than the currency has is refused rather than rounded: a total Xero did not
/// round is not a total we can trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub text: String,
    pub minor: i64,
}

/// The exponent of a record's currency and how many minor units make one unit (10^exponent).
/// Xero sends no currency on some payments; their amounts are read at two decimals, the
/// precision Xero keeps documents in when nothing says otherwise (xero.md §13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exponent(pub u32);

impl Exponent {
    pub fn of(currency: Option<&str>) -> FieldResult<Exponent> {
        match currency {
            None => Ok(Exponent(2)),
            Some(code) => Currency::parse(code)
                .map(|c| Exponent(c.minor_units()))
                .map_err(|_| format!("CurrencyCode {code:?} is not a currency")),
        }
    }

    /// Minor units per unit, for the `minor_unit` column.
    pub fn unit(self) -> i64 {
        10i64.pow(self.0)
    }
}

pub fn amount(record: &Value, field: &str, exp: Exponent) -> FieldResult<Option<Amount>> {
    let Some(d) = decimal(record.get(field).unwrap_or(&Value::Null), field)? else {
        return Ok(None);
    };
    to_amount(d, field, exp).map(Some)
}

pub fn to_amount(d: Decimal, field: &str, exp: Exponent) -> FieldResult<Amount> {
    let n = d.normalize();
    if n.scale() > exp.0 {
        return Err(format!("{field} {d} has more than {} decimals", exp.0));
    }
    let mut fixed = n;
    fixed.rescale(exp.0);
    let minor = i64::try_from(fixed.mantissa())
        .ok()
        .filter(|_| fixed.scale() == exp.0)
        .ok_or_else(|| format!("{field} {d} is out of range"))?;
    Ok(Amount { text: fixed.to_string(), minor })
}

/// A quantity or unit amount: exact as sent (up to 4 dp), normalised ("2.0" → "2").
pub fn plain_decimal(record: &Value, field: &str) -> FieldResult<Option<String>> {
    Ok(decimal(record.get(field).unwrap_or(&Value::Null), field)?.map(|d| d.normalize().to_string()))
}

pub fn text(record: &Value, path: &[&str]) -> FieldResult<Option<String>> {
    let mut v = record;
    for key in path {
        match v.get(key) {
            Some(next) => v = next,
            None => return Ok(None),
        }
    }
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(format!("{} {other} is not text", path.join("."))),
    }
}

/// A Xero GUID, lower-cased: Xero compares them case-insensitively and the store by bytes.
pub fn guid(record: &Value, path: &[&str]) -> FieldResult<Option<String>> {
    Ok(text(record, path)?.map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty()))
}

pub fn flag(record: &Value, field: &str) -> FieldResult<Option<bool>> {
    match record.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(format!("{field} {other} is not true/false")),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub line_item_id: Option<String>,
    pub description: Option<String>,
    pub quantity: Option<String>,
    pub unit_amount: Option<String>,
    pub account_code: Option<String>,
    pub tax_type: Option<String>,
    pub tax_amount: Option<String>,
    pub line_amount: Option<String>,
}

/// `LineItems`: None when the record carries none (a summary listing), so stored lines stay.
/// Line amounts are in the document's currency, `exp` its exponent.
pub fn lines(record: &Value, exp: Exponent) -> FieldResult<Option<Vec<Line>>> {
    match record.get("LineItems") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, l)| line(l, exp).map_err(|e| format!("LineItems[{i}]: {e}")))
            .collect::<FieldResult<Vec<_>>>()
            .map(Some),
        Some(other) => Err(format!("LineItems {other} is not a list")),
    }
}

pub fn line(l: &Value, exp: Exponent) -> FieldResult<Line> {
    if !l.is_object() {
        return Err("not an object".into());
    }
    Ok(Line {
        line_item_id: guid(l, &["LineItemID"])?,
        description: text(l, &["Description"])?,
        quantity: plain_decimal(l, "Quantity")?,
        unit_amount: plain_decimal(l, "UnitAmount")?,
        account_code: text(l, &["AccountCode"])?,
        tax_type: text(l, &["TaxType"])?,
        tax_amount: amount(l, "TaxAmount", exp)?.map(|a| a.text),
        line_amount: amount(l, "LineAmount", exp)?.map(|a| a.text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn xero_dates_parse_with_and_without_offset() {
        assert_eq!(parse_ms_date("/Date(1767225600000+0000)/"), Some(1_767_225_600_000));
        assert_eq!(parse_ms_date("/Date(1767225600000)/"), Some(1_767_225_600_000));
        assert_eq!(parse_ms_date("/Date(-5000+1300)/"), Some(-5000));
        assert_eq!(parse_ms_date("/Date(12x)/"), None);
        assert_eq!(parse_ms_date("2026-01-01"), None);
    }

    #[test]
    fn the_string_companion_wins_for_calendar_dates() {
        // 23:00 UTC on the 31st, but the companion says the document is dated the 1st.
        let r = json!({"Date": "/Date(1767222000000+0000)/", "DateString": "2026-01-01T00:00:00"});
        assert_eq!(calendar_date(&r, "Date").unwrap().as_deref(), Some("2026-01-01"));
        let r = json!({"Date": "/Date(1767222000000+0000)/"});
        assert_eq!(calendar_date(&r, "Date").unwrap().as_deref(), Some("2025-12-31"));
        assert!(calendar_date(&json!({"DateString": "2026-13-01T00:00:00"}), "Date").is_err());
        assert_eq!(calendar_date(&json!({}), "Date").unwrap(), None);
    }

    #[test]
    fn amounts_are_exact_at_their_currencys_exponent() {
        let usd = Exponent::of(Some("USD")).unwrap();
        let a = amount(&json!({"Total": 1200.5}), "Total", usd).unwrap().unwrap();
        assert_eq!(a, Amount { text: "1200.50".into(), minor: 120_050 });
        let a = amount(&json!({"Total": 0.1}), "Total", usd).unwrap().unwrap();
        assert_eq!(a, Amount { text: "0.10".into(), minor: 10 }, "0.1 is not 0.1000000000000000055511");
        let a = amount(&json!({"Total": "-3.000"}), "Total", usd).unwrap().unwrap();
        assert_eq!(a, Amount { text: "-3.00".into(), minor: -300 });
        assert!(amount(&json!({"Total": 1.005}), "Total", usd).is_err(), "a third decimal is refused, not rounded");
        assert!(amount(&json!({"Total": "abc"}), "Total", usd).is_err());
        assert!(amount(&json!({"Total": true}), "Total", usd).is_err());
        assert_eq!(amount(&json!({}), "Total", usd).unwrap(), None);

        let jpy = Exponent::of(Some("JPY")).unwrap();
        let a = amount(&json!({"Total": 1200.0}), "Total", jpy).unwrap().unwrap();
        assert_eq!(a, Amount { text: "1200".into(), minor: 1200 }, "a yen is the minor unit");
        assert!(amount(&json!({"Total": 1200.5}), "Total", jpy).is_err(), "half a yen is refused");
        let kwd = Exponent::of(Some("KWD")).unwrap();
        let a = amount(&json!({"Total": 1.5}), "Total", kwd).unwrap().unwrap();
        assert_eq!(a, Amount { text: "1.500".into(), minor: 1500 }, "the dinar has thousandths");
        assert_eq!((jpy.unit(), usd.unit(), kwd.unit()), (1, 100, 1000));
        assert_eq!(Exponent::of(None).unwrap(), usd, "no currency: Xero's two decimals");
        assert!(Exponent::of(Some("E-R")).is_err());
    }

    #[test]
    fn line_items_absent_is_not_line_items_empty() {
        let usd = Exponent(2);
        assert_eq!(lines(&json!({}), usd).unwrap(), None);
        assert_eq!(lines(&json!({"LineItems": []}), usd).unwrap(), Some(vec![]));
        let l = lines(&json!({"LineItems": [{"Quantity": 2.0, "UnitAmount": 12.3456, "LineAmount": 24.69}]}), usd)
            .unwrap()
            .unwrap();
        assert_eq!(l[0].quantity.as_deref(), Some("2"));
        assert_eq!(l[0].unit_amount.as_deref(), Some("12.3456"));
        assert_eq!(l[0].line_amount.as_deref(), Some("24.69"));
    }
}
