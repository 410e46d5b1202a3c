//! Names as people compare them, across providers: a GoCardless payer and a Xero contact are
//! the same business when their names differ only in case, spacing or punctuation.

/// `name` with case, spacing and the punctuation in "Velo Anna GmbH." or "A. Smith" taken out,
/// so two spellings of one payer compare equal. Letters and digits are kept as they are
/// (lower-cased): "Müller" and "Muller" stay different names.
pub fn normalised(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':' | '\'' | '"' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::normalised;

    #[test]
    fn case_spacing_and_punctuation_do_not_tell_two_names_apart() {
        assert_eq!(normalised("Velo Anna GmbH."), normalised("  velo  anna gmbh"));
        assert_eq!(normalised("A. Smith"), "a smith");
        assert_eq!(normalised("Smith, (Anna)"), "smith anna");
        assert_eq!(normalised(" .,; "), "");
    }

    #[test]
    fn letters_are_not_folded() {
        assert_ne!(normalised("Müller AG"), normalised("Muller AG"));
        assert_ne!(normalised("Velo Anna"), normalised("Velo Annas"));
    }
}
