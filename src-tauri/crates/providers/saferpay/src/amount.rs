//! Saferpay amounts: `{"Value": "120000", "CurrencyCode": "EUR"}`, `Value` a string of minor
//! units — "Amount in minor unit (CHF 1.00 ⇒ Value=100). Only Integer values will be accepted!"
//! (saferpay/jsonapi `texts/ContainerDictionary.md`, `Common_Models_Data_AmountWithoutZero`).
//! Converted exactly through `xp_core::Money`: an amount finer than the currency's minor unit
//! is refused, never rounded.

use serde::{Deserialize, Deserializer, Serialize};
use xp_core::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WireAmount {
    #[serde(rename = "Value")]
    pub value: String,
    #[serde(rename = "CurrencyCode")]
    pub currency_code: String,
}

/// What a payment, capture or refund may ask for: a positive amount in whole minor units.
pub(crate) fn to_wire(money: &Money) -> Result<WireAmount, String> {
    if money.amount.is_sign_negative() || money.amount.is_zero() {
        return Err(format!("Saferpay moves positive amounts only, not {money}"));
    }
    let minor = money.to_minor().map_err(|e| format!("{money} cannot be sent to Saferpay: {e}"))?;
    Ok(WireAmount { value: minor.to_string(), currency_code: money.currency.code().to_owned() })
}

pub(crate) fn from_wire(wire: &WireAmount) -> Result<Money, String> {
    // `CurrencyCode` is "ISO 4217 3-letter currency code"; `Currency::parse` would also take
    // crypto tickers and lower case.
    let code = wire.currency_code.as_str();
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!("currency {code:?} is not an ISO 4217 code"));
    }
    let currency = Currency::parse(code).map_err(|e| e.to_string())?;
    let v = wire.value.as_str();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("amount value {v:?} is not a whole number of minor units"));
    }
    let minor: i64 = v.parse().map_err(|_| format!("amount value {v:?} is too large"))?;
    Ok(Money::from_minor(minor, currency.minor_units(), currency))
}

/// `deserialize_with` for a `Money` field sent as a Saferpay amount object.
pub(crate) fn money<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
    let wire = WireAmount::deserialize(d)?;
    from_wire(&wire).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn eur(s: &str) -> Money {
        Money::parse(s, "EUR").unwrap()
    }

    #[test]
    fn the_sheets_example_round_trips() {
        // Sheet §3: EUR 1,200.00 is {"Value":"120000","CurrencyCode":"EUR"}.
        let w = to_wire(&eur("1200.00")).unwrap();
        assert_eq!(serde_json::to_string(&w).unwrap(), r#"{"Value":"120000","CurrencyCode":"EUR"}"#);
        assert_eq!(from_wire(&w).unwrap(), eur("1200.00"));
        assert_eq!(to_wire(&eur("0.1")).unwrap().value, "10", "one decimal is ten cents");
        let sum = eur("0.1").checked_add(eur("0.2")).unwrap();
        assert_eq!(to_wire(&sum).unwrap().value, "30", "0.1 + 0.2 is exactly 30 cents");
    }

    #[test]
    fn currencies_keep_their_own_minor_units() {
        let yen = Money::parse("1500", "JPY").unwrap();
        assert_eq!(to_wire(&yen).unwrap().value, "1500", "JPY has no minor unit");
        let dinar = from_wire(&WireAmount { value: "1500".into(), currency_code: "KWD".into() }).unwrap();
        assert_eq!(dinar.amount, Decimal::from_str("1.500").unwrap(), "KWD has three");
    }

    #[test]
    fn refuses_what_saferpay_would_refuse() {
        assert!(to_wire(&eur("12.345")).unwrap_err().contains("cannot be sent"), "never rounded");
        assert!(to_wire(&eur("0")).is_err());
        assert!(to_wire(&eur("-5")).is_err());
        for bad in ["12.00", "-100", "", "1e3", " 100"] {
            assert!(from_wire(&WireAmount { value: bad.into(), currency_code: "EUR".into() }).is_err(), "{bad:?}");
        }
        assert!(from_wire(&WireAmount { value: "100".into(), currency_code: "euro".into() }).is_err());
    }

    proptest! {
        #[test]
        fn every_cent_amount_round_trips(cents in 1i64..1_000_000_000_000) {
            let m = Money::from_minor(cents, 2, xp_core::Currency::EUR);
            let w = to_wire(&m).unwrap();
            prop_assert_eq!(&w.value, &cents.to_string());
            prop_assert_eq!(from_wire(&w).unwrap(), m);
        }
    }
}
