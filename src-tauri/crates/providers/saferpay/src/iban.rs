//! IBANs as Saferpay's JSON API takes them: `BankAccount.IBAN` is "International Bank Account
//! Number in electronical format (without spaces)", AlphaNumeric[1..50] (saferpay/jsonapi
//! `texts/ContainerDictionary.md`, `Payment_Models_Data_BankAccount`). A grouped or mistyped IBAN
//! is refused here, before a call is made, so the payer's typo never costs a declined debit
//! (review D13: the real API rejects spaces with VALIDATION_FAILED).

use std::fmt;

/// An IBAN in electronic format whose ISO 7064 mod-97 check digits hold (ISO 13616-1).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Iban(String);

impl Iban {
    /// The electronic form only: upper-case letters and digits, 15 to 34 characters, two
    /// letters of country, two check digits. Anything else is refused with the reason.
    pub fn parse(electronic: &str) -> Result<Self, String> {
        let s = electronic;
        if s.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err("an IBAN is sent without spaces (electronic format)".into());
        }
        if !(15..=34).contains(&s.len()) {
            return Err(format!("an IBAN has 15 to 34 characters, this one has {}", s.len()));
        }
        if !s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            return Err("an IBAN holds only upper-case letters and digits".into());
        }
        let b = s.as_bytes();
        if !(b[0].is_ascii_uppercase() && b[1].is_ascii_uppercase() && b[2].is_ascii_digit() && b[3].is_ascii_digit()) {
            return Err("an IBAN starts with two letters of country and two check digits".into());
        }
        if mod97(s) != 1 {
            return Err("the IBAN's check digits do not match: it is mistyped".into());
        }
        Ok(Self(s.to_owned()))
    }

    /// What a person types (groups of four, any case), made electronic and then checked.
    pub fn from_printed(printed: &str) -> Result<Self, String> {
        let electronic: String =
            printed.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        Self::parse(&electronic)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn country(&self) -> &str {
        &self.0[..2]
    }
}

/// The remainder of the rearranged IBAN (first four characters moved to the end, letters as
/// 10..35) modulo 97, computed digit by digit so no big integer is needed.
fn mod97(iban: &str) -> u32 {
    let (head, tail) = iban.split_at(4);
    tail.chars().chain(head.chars()).fold(0, |rem, c| match c.to_digit(36) {
        Some(v) if v >= 10 => (rem * 100 + v) % 97,
        Some(v) => (rem * 10 + v) % 97,
        None => u32::MAX,
    })
}

/// Masked like Saferpay's own `DisplayText` (`DE89 3704 xxxx xxxx xx30 00`): logs and error
/// messages carry no full account number.
impl fmt::Debug for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        let masked: String = self.0.char_indices().map(|(i, c)| if i < 8 || i + 4 >= n { c } else { 'x' }).collect();
        write!(f, "Iban({masked})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn electronic_ibans_with_good_check_digits_pass() {
        // The sheet's §4 example and Saferpay's container-dictionary example.
        for ok in ["DE89370400440532013000", "DE12500105170648489890", "CH9300762011623852957", "NL91ABNA0417164300"] {
            assert_eq!(Iban::parse(ok).map(|i| i.as_str().to_owned()), Ok(ok.to_owned()), "{ok}");
        }
        assert_eq!(Iban::parse("DE89370400440532013000").unwrap().country(), "DE");
    }

    #[test]
    fn spaces_lower_case_and_bad_check_digits_are_refused() {
        let err = |s: &str| Iban::parse(s).unwrap_err();
        assert!(err("DE89 3704 0044 0532 0130 00").contains("without spaces"));
        assert!(err("de89370400440532013000").contains("upper-case"));
        assert!(err("DE89370400440532013001").contains("check digits"), "one digit off");
        assert!(err("DE88370400440532013000").contains("check digits"));
        assert!(err("DE8937040044").contains("15 to 34"));
        assert!(err("1289370400440532013000").contains("two letters"));
        assert_eq!(
            Iban::from_printed(" de89 3704 0044 0532 0130 00 ").unwrap().as_str(),
            "DE89370400440532013000",
            "what a person types is made electronic first"
        );
    }

    #[test]
    fn debug_masks_the_account_number() {
        let shown = format!("{:?}", Iban::parse("DE89370400440532013000").unwrap());
        assert_eq!(shown, "Iban(DE893704xxxxxxxxxx3000)");
    }

    proptest! {
        #[test]
        fn any_single_digit_change_is_caught(pos in 4usize..22, delta in 1u8..10) {
            let good = b"DE89370400440532013000";
            let mut bad = good.to_vec();
            bad[pos] = b'0' + (bad[pos] - b'0' + delta) % 10;
            let bad = String::from_utf8(bad).unwrap();
            prop_assert!(Iban::parse(&bad).is_err(), "mod-97 catches every single-digit error: {}", bad);
        }
    }
}
