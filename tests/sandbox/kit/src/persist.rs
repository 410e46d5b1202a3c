//! Helpers for `sandbox --state FILE`: what several emulators need to write their state as JSON
//! and read it back.
//!
//! Emulators keep vocabulary words (`"paid_out"`, `"PAYMENT"`, `"buy"`) as `&'static str`;
//! serde cannot borrow those from a file, so [`static_str`] interns them. Each distinct word is
//! leaked once per process, which bounds the cost by the vocabulary, not by the number of
//! records read.

use serde::{Deserialize, Deserializer};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// A vocabulary word. Declare such fields as `Word`, not `&'static str`: serde's derive borrows
/// every field spelled `&str` from the input (demanding `'de: 'static`), even with
/// `deserialize_with`; behind an alias it does not look.
pub type Word = &'static str;

/// The one `&'static str` per distinct `s` ever read back.
pub fn intern(s: &str) -> &'static str {
    static WORDS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut words = WORDS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(w) = words.get(s) {
        return w;
    }
    let w: &'static str = Box::leak(s.to_owned().into_boxed_str());
    words.insert(w);
    w
}

/// `#[serde(deserialize_with = "xp_sandbox_kit::persist::static_str")]` for a [`Word`].
pub fn static_str<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    String::deserialize(d).map(|s| intern(&s))
}

/// The same for `Option<&'static str>` (pair it with `#[serde(default)]`).
pub fn opt_static_str<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'static str>, D::Error> {
    Option::<String>::deserialize(d).map(|s| s.map(|s| intern(&s)))
}

/// A field of a saved emulator state, with the field named in the error: a restore that fails
/// should say which part of the file is wrong.
pub fn field<T: serde::de::DeserializeOwned>(saved: &serde_json::Value, name: &str) -> Result<T, String> {
    let v = saved.get(name).ok_or_else(|| format!("missing field {name:?}"))?;
    T::deserialize(v).map_err(|e| format!("field {name:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Step {
        #[serde(deserialize_with = "static_str")]
        status: Word,
        #[serde(default, deserialize_with = "opt_static_str")]
        action: Option<Word>,
    }

    #[test]
    fn static_words_round_trip_and_are_interned_once() {
        let s = Step { status: "paid_out", action: None };
        let back: Step = serde_json::from_value(serde_json::to_value(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        let a: Step =
            serde_json::from_value(serde_json::json!({"status": "confirmed", "action": "confirmed"})).unwrap();
        let b: Step = serde_json::from_value(serde_json::json!({"status": "confirmed"})).unwrap();
        assert!(std::ptr::eq(a.status, b.status), "the same word is leaked only once");
        assert_eq!((a.action, b.action), (Some("confirmed"), None));
    }

    #[test]
    fn field_errors_name_the_field() {
        let v = serde_json::json!({"n": "x"});
        assert_eq!(field::<u32>(&v, "missing").unwrap_err(), "missing field \"missing\"");
        assert!(field::<u32>(&v, "n").unwrap_err().starts_with("field \"n\":"));
    }
}
