//! Amounts in request bodies, read exactly: a JSON number is taken from its decimal digits
//! (never multiplied as a float), so `1200.10` is 120010 cents and `0.005` is refused as a
//! payment amount instead of being rounded into something the client did not send.

use serde_json::Value;

/// The number in units of 10^-`dp`, or `None` if it is not a JSON number or has more decimal
/// places than `dp`.
pub fn scaled(v: &Value, dp: u32) -> Option<i128> {
    let Value::Number(n) = v else { return None };
    // serde_json prints a float as the shortest text that reads back as the same value, which
    // is the text the client wrote for any amount with up to 15 significant digits.
    let text = n.to_string();
    if text.contains(['e', 'E']) {
        return None;
    }
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let frac = frac.trim_end_matches('0');
    if frac.len() > dp as usize || int.is_empty() || int.len() > 20 {
        return None;
    }
    let int: i128 = int.parse().ok()?;
    let frac_val: i128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    let scale = 10_i128.pow(dp);
    let value = int * scale + frac_val * 10_i128.pow(dp - frac.len() as u32);
    Some(if neg { -value } else { value })
}

/// A money amount (two decimals) in cents.
pub fn cents(v: &Value) -> Option<i64> {
    scaled(v, 2).and_then(|c| i64::try_from(c).ok())
}

/// `a × b` where both are in units of 10^-4, rounded half away from zero to cents (Xero rounds
/// line amounts to two decimals; xero.md §13 "Unit amounts have at most 4 decimals").
pub fn product_cents(a4: i128, b4: i128) -> i64 {
    let p = a4 * b4; // units of 10^-8
    let q = (p.abs() + 500_000) / 1_000_000;
    (if p < 0 { -q } else { q }) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_digits_the_client_wrote() {
        assert_eq!(cents(&json!(1200.10)), Some(120_010));
        assert_eq!(cents(&json!(0.1)), Some(10));
        assert_eq!(cents(&json!(7)), Some(700));
        assert_eq!(cents(&json!(-3.5)), Some(-350));
        assert_eq!(cents(&json!(0.005)), None, "a third decimal is not a cent amount");
        assert_eq!(cents(&json!("12.00")), None, "the spec types amounts as numbers");
        assert_eq!(scaled(&json!(2.5), 4), Some(25_000));
        assert_eq!(product_cents(scaled(&json!(3), 4).unwrap(), scaled(&json!(0.3333), 4).unwrap()), 100);
        assert_eq!(product_cents(scaled(&json!(-1), 4).unwrap(), scaled(&json!(0.005), 4).unwrap()), -1);
    }
}
