//! Exact money: a decimal amount with an ISO 4217 currency. Never `f64`.
//!
//! Arithmetic refuses to mix currencies; rounding is explicit and named, because Xero, the SEPA
//! schemes and OKX each round at different points and a silent default would hide a cent.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MoneyError {
    #[error("'{0}' is not an ISO 4217 currency code (three letters, e.g. EUR)")]
    InvalidCurrency(String),
    #[error("'{0}' is not a decimal amount")]
    InvalidAmount(String),
    #[error("cannot combine {0} with {1}: amounts in different currencies need a conversion rate")]
    CurrencyMismatch(Currency, Currency),
    #[error("amount overflow")]
    Overflow,
    #[error("{0} has more decimals than {1} has minor units")]
    TooPrecise(Decimal, Currency),
}

/// An ISO 4217 alphabetic code, or a crypto asset ticker (OKX), upper-case ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 8], u8);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR\0\0\0\0\0", 3);
    pub const CHF: Currency = Currency(*b"CHF\0\0\0\0\0", 3);
    pub const USD: Currency = Currency(*b"USD\0\0\0\0\0", 3);
    pub const GBP: Currency = Currency(*b"GBP\0\0\0\0\0", 3);

    /// Accepts ISO 4217 codes (3 letters) and crypto tickers as OKX spells them (up to 8
    /// upper-case letters or digits, starting with a letter, e.g. USDT, 1INCH is refused).
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        let upper = code.trim().to_ascii_uppercase();
        let bytes = upper.as_bytes();
        let ok = (3..=8).contains(&bytes.len())
            && bytes[0].is_ascii_uppercase()
            && bytes.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !ok {
            return Err(MoneyError::InvalidCurrency(code.to_owned()));
        }
        let mut buf = [0u8; 8];
        buf[..bytes.len()].copy_from_slice(bytes);
        Ok(Currency(buf, bytes.len() as u8))
    }

    pub fn code(&self) -> &str {
        // The constructor only admits ASCII letters.
        std::str::from_utf8(&self.0[..self.1 as usize]).unwrap_or("???")
    }

    /// Digits after the decimal point in the currency's minor unit: ISO 4217 table A.1 for fiat
    /// (most have 2; the exceptions are listed), the built-in crypto assets at the precision OKX
    /// reports them in. An asset this table does not know gets 2; a provider that knows better
    /// (an exchange's instrument list) passes it through [`Currency::minor_units_with`].
    pub fn minor_units(&self) -> u32 {
        self.minor_units_with(|_| None)
    }

    /// [`Currency::minor_units`] with a per-asset hook: `asset(code)` answers first, so a crypto
    /// asset gets the exponent its provider declares (8 to 18 decimals), fiat the ISO table's.
    pub fn minor_units_with(&self, asset: impl Fn(&str) -> Option<u32>) -> u32 {
        if let Some(e) = asset(self.code()) {
            return e.min(MAX_MINOR_UNITS);
        }
        match self.code() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "UYI" | "VND"
            | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            "CLF" | "UYW" => 4,
            "USDT" | "USDC" => 6,
            "BTC" => 8,
            "ETH" => 18,
            _ => 2,
        }
    }
}

/// The most decimals a minor unit may have: 10^18 minor units per unit still fits an `i64`, the
/// integer the store keeps them in.
pub const MAX_MINOR_UNITS: u32 = 18;

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// How to round to a currency's minor unit. Named at every call site on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// 0.5 rounds away from zero: what invoices and most accounting systems print.
    HalfAwayFromZero,
    /// 0.5 rounds to the even neighbour: unbiased over many conversions.
    HalfEven,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self { amount, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self::new(Decimal::ZERO, currency)
    }

    /// Parses an amount written with a '.' decimal point, as every provider API sends it.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, MoneyError> {
        let currency = Currency::parse(currency)?;
        let amount =
            Decimal::from_str_exact(amount.trim()).map_err(|_| MoneyError::InvalidAmount(amount.to_owned()))?;
        Ok(Self { amount, currency })
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let amount = self.amount.checked_add(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let amount = self.amount.checked_sub(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// Rounds to the currency's minor unit with the named strategy.
    pub fn round(self, rounding: Rounding) -> Money {
        let strategy = match rounding {
            Rounding::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        let amount = self.amount.round_dp_with_strategy(self.currency.minor_units(), strategy);
        Money::new(amount, self.currency)
    }

    /// The amount in the currency's minor units (cents, yen, fils), exactly: an amount with more
    /// decimals than the currency has is refused, never rounded.
    pub fn to_minor(&self) -> Result<i64, MoneyError> {
        self.to_minor_at(self.currency.minor_units())
    }

    /// [`Money::to_minor`] at an exponent chosen by the caller (a per-asset exponent).
    pub fn to_minor_at(&self, exponent: u32) -> Result<i64, MoneyError> {
        let n = self.amount.normalize();
        if n.scale() > exponent {
            return Err(MoneyError::TooPrecise(self.amount, self.currency));
        }
        let mut fixed = n;
        fixed.rescale(exponent);
        if fixed.scale() != exponent {
            return Err(MoneyError::Overflow);
        }
        i64::try_from(fixed.mantissa()).map_err(|_| MoneyError::Overflow)
    }

    /// Minor units back to an amount at `exponent` decimals.
    pub fn from_minor(minor: i64, exponent: u32, currency: Currency) -> Money {
        Money::new(Decimal::new(minor, exponent.min(MAX_MINOR_UNITS)), currency)
    }

    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dp = self.currency.minor_units();
        let shown = if self.amount.scale() < dp {
            let mut a = self.amount;
            a.rescale(dp);
            a
        } else {
            self.amount
        };
        write!(f, "{} {}", shown, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn adding_different_currencies_is_refused() {
        let eur = Money::parse("10.00", "EUR").unwrap();
        let chf = Money::parse("10.00", "CHF").unwrap();
        assert_eq!(eur.checked_add(chf), Err(MoneyError::CurrencyMismatch(Currency::EUR, Currency::CHF)));
    }

    #[test]
    fn decimal_amounts_are_exact_where_f64_is_not() {
        let a = Money::parse("0.1", "EUR").unwrap();
        let b = Money::parse("0.2", "EUR").unwrap();
        assert_eq!(a.checked_add(b).unwrap(), Money::parse("0.3", "EUR").unwrap());
    }

    #[test]
    fn rounding_is_named_and_follows_minor_units() {
        let m = Money::parse("2.345", "EUR").unwrap();
        assert_eq!(m.round(Rounding::HalfAwayFromZero).amount.to_string(), "2.35");
        assert_eq!(m.round(Rounding::HalfEven).amount.to_string(), "2.34");
        let yen = Money::parse("100.5", "JPY").unwrap();
        assert_eq!(yen.round(Rounding::HalfAwayFromZero).amount.to_string(), "101");
        let kwd = Money::parse("1.23456", "KWD").unwrap();
        assert_eq!(kwd.round(Rounding::HalfEven).amount.to_string(), "1.235");
    }

    #[test]
    fn bad_input_gets_a_clear_error() {
        assert_eq!(Money::parse("12,50", "EUR"), Err(MoneyError::InvalidAmount("12,50".into())));
        assert!(matches!(Money::parse("1", "EU"), Err(MoneyError::InvalidCurrency(_))));
        assert!(matches!(Money::parse("1", "E-R"), Err(MoneyError::InvalidCurrency(_))));
        assert!(matches!(Money::parse("1", "1INCH"), Err(MoneyError::InvalidCurrency(_))));
        assert_eq!(Money::parse("1", "usdt").unwrap().currency.code(), "USDT");
        assert!(Money::parse("1e3", "EUR").is_err(), "scientific notation is not an amount");
    }

    #[test]
    fn serialises_amount_as_string_to_keep_precision() {
        let m = Money::parse("1234567.89", "CHF").unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"1234567.89","currency":"CHF"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1","currency":"eu"}"#).is_err());
    }

    #[test]
    fn display_pads_to_minor_units() {
        assert_eq!(Money::parse("5", "EUR").unwrap().to_string(), "5.00 EUR");
        assert_eq!(Money::parse("5.125", "EUR").unwrap().to_string(), "5.125 EUR");
    }

    #[test]
    fn minor_units_follow_the_currency_exponent() {
        let yen = Money::parse("1200", "JPY").unwrap();
        assert_eq!(yen.to_minor(), Ok(1200), "the yen has no minor unit");
        assert!(Money::parse("1200.5", "JPY").unwrap().to_minor().is_err(), "half a yen is refused, not rounded");
        assert_eq!(Money::parse("1.234", "KWD").unwrap().to_minor(), Ok(1234), "the dinar has thousandths (fils)");
        assert_eq!(Money::parse("-3.5", "EUR").unwrap().to_minor(), Ok(-350));
        assert_eq!(Money::parse("0.00000001", "BTC").unwrap().to_minor(), Ok(1), "one satoshi");
        assert_eq!(Money::from_minor(1234, 3, Currency::parse("KWD").unwrap()).amount.to_string(), "1.234");
        assert!(Money::parse("99999999999", "ETH").unwrap().to_minor().is_err(), "10^29 wei overflows an i64");
    }

    #[test]
    fn a_provider_can_declare_an_assets_exponent() {
        let sol = Currency::parse("SOL").unwrap();
        assert_eq!(sol.minor_units(), 2, "unknown assets fall back to two decimals");
        assert_eq!(sol.minor_units_with(|c| (c == "SOL").then_some(9)), 9);
        assert_eq!(Currency::parse("JPY").unwrap().minor_units_with(|_| None), 0);
        assert_eq!(sol.minor_units_with(|_| Some(40)), MAX_MINOR_UNITS, "capped where i64 ends");
    }

    proptest! {
        #[test]
        fn add_then_sub_is_identity(a in -1_000_000_000i64..1_000_000_000, b in -1_000_000_000i64..1_000_000_000) {
            let x = Money::new(Decimal::new(a, 2), Currency::EUR);
            let y = Money::new(Decimal::new(b, 2), Currency::EUR);
            prop_assert_eq!(x.checked_add(y).unwrap().checked_sub(y).unwrap(), x);
        }

        #[test]
        fn rounding_moves_at_most_half_a_minor_unit(a in -1_000_000_000_000i64..1_000_000_000_000, scale in 0u32..8) {
            let x = Money::new(Decimal::new(a, scale), Currency::EUR);
            let r = x.round(Rounding::HalfEven);
            prop_assert!((r.amount - x.amount).abs() <= Decimal::new(5, 3));
            prop_assert!(r.amount.scale() <= 2);
        }
    }
}
