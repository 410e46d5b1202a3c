//! GoCardless amounts are integers in the currency's minor unit with a separate `currency`
//! (gocardless.md §3); payout items send theirs as text "to one decimal place" in minor units
//! (`"45.0"`, gocardless-nodejs `Types.ts`, `PayoutItem.amount`). Both convert to
//! [`Money`] exactly, by the currency's ISO 4217 exponent, never through f64.

use rust_decimal::Decimal;
use xp_core::{Currency, Money};

pub(crate) fn currency(code: &str) -> Result<Currency, String> {
    Currency::parse(code).map_err(|e| e.to_string())
}

/// `amount` minor units of `currency` (EUR 120000 → 1200.00).
pub(crate) fn from_minor(minor: i64, currency: Currency) -> Money {
    Money::from_minor(minor, currency.minor_units(), currency)
}

/// A payout item's text amount in minor units (`"-120.0"` EUR → -1.200). A fraction of a
/// minor unit is kept, not rounded: the item must sum to the payout exactly.
pub(crate) fn from_minor_text(text: &str, currency: Currency) -> Result<Money, String> {
    let minor =
        Decimal::from_str_exact(text.trim()).map_err(|_| format!("'{text}' is not an amount in minor units"))?;
    let scale = minor.scale() + currency.minor_units();
    // Shifting the decimal point is exact; only a scale past Decimal's 28 digits cannot be.
    let amount = Decimal::try_from_i128_with_scale(minor.mantissa(), scale)
        .map_err(|_| format!("'{text}' has more decimals than an amount can hold"))?;
    Ok(Money::new(at_least_minor_scale(amount.normalize(), currency), currency))
}

/// Writes at least the currency's decimals (`-1.2` → `-1.20`), so an item prints like the
/// integer amounts do; the value is unchanged.
fn at_least_minor_scale(mut d: Decimal, currency: Currency) -> Decimal {
    if d.scale() < currency.minor_units() {
        d.rescale(currency.minor_units());
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(s: &str) -> Money {
        Money::parse(s, "EUR").expect("amount")
    }

    #[test]
    fn minor_units_convert_by_the_currencys_exponent() {
        assert_eq!(from_minor(120000, Currency::EUR).amount.to_string(), "1200.00");
        assert_eq!(from_minor(-1, Currency::EUR).amount.to_string(), "-0.01");
        let sek = currency("SEK").expect("SEK");
        assert_eq!(from_minor(5, sek).amount.to_string(), "0.05");
        // A zero-decimal currency would be whole units (GoCardless schemes have none today).
        let jpy = currency("JPY").expect("JPY");
        assert_eq!(from_minor(500, jpy).amount.to_string(), "500");
        assert_eq!(eur("1200.10").to_minor(), Ok(120010));
        assert!(eur("0.001").to_minor().is_err(), "a tenth of a cent is refused, not rounded");
    }

    #[test]
    fn payout_item_text_is_exact_and_keeps_its_sign() {
        assert_eq!(from_minor_text("45.0", Currency::EUR), Ok(eur("0.45")));
        assert_eq!(from_minor_text("-120.0", Currency::EUR).map(|m| m.amount.to_string()), Ok("-1.20".into()));
        assert_eq!(from_minor_text("123456.0", Currency::EUR).map(|m| m.amount.to_string()), Ok("1234.56".into()));
        assert_eq!(from_minor_text("0.5", Currency::EUR), Ok(eur("0.005")), "half a cent stays half a cent");
        assert!(from_minor_text("1e3", Currency::EUR).is_err());
        assert!(from_minor_text("", Currency::EUR).is_err());
    }
}
