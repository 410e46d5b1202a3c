//! Helpers for `sandbox --state FILE`: what every emulator needs to write its state as JSON and
//! read it back.
//!
//! An emulator implements [`Persist`]: it serialises its state straight into the state file's
//! serializer (no intermediate `serde_json::Value`, which for `--seed large:N` costs a copy of
//! every record) and is built again from its typed [`Persist::Saved`] form.
//!
//! Emulators keep vocabulary words (`"paid_out"`, `"PAYMENT"`, `"buy"`) as `&'static str`;
//! serde cannot borrow those from a file, so [`static_str`] interns them. Each distinct word is
//! leaked once per process, which bounds the cost by the vocabulary, not by the number of
//! records read.

use crate::Ctx;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

/// An emulator whose state `sandbox --state FILE` keeps across restarts.
pub trait Persist: Sized {
    /// The state as read back from FILE.
    type Saved: DeserializeOwned;
    /// Where the restored emulator is served: no URL is saved, so a restart may listen elsewhere.
    type Base;

    /// Writes the state as one JSON object into `s`, holding the emulator's locks only while it
    /// does. Unchanged state must write the same bytes (maps sorted), so the saver can tell
    /// that nothing needs writing.
    fn save_into<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;

    /// The emulator as [`Persist::save_into`] left it, reachable at `base`.
    fn from_saved(ctx: Ctx, base: Self::Base, saved: Self::Saved) -> Result<Self, String>;

    /// The state as a JSON value, for tests that compare a save before and after a restore.
    fn save(&self) -> Result<Value, String> {
        serde_json::to_value(Saving(self)).map_err(|e| e.to_string())
    }

    /// [`Persist::from_saved`] from a JSON value such as [`Persist::save`] returns.
    fn restore(ctx: Ctx, base: Self::Base, saved: Value) -> Result<Self, String> {
        let saved = Self::Saved::deserialize(saved).map_err(|e| e.to_string())?;
        Self::from_saved(ctx, base, saved)
    }
}

/// Serialises as the emulator's saved state: one section of the state file.
pub struct Saving<'a, E>(pub &'a E);

impl<E: Persist> Serialize for Saving<'_, E> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.save_into(s)
    }
}

/// The entries of a map keyed by two strings (JSON keys an object by one), sorted by key so that
/// unchanged state saves to the same bytes, each made into a saved record by `entry`.
pub fn pairs<'a, A: Ord, B: Ord, V, T>(m: &'a HashMap<(A, B), V>, entry: impl Fn(&'a A, &'a B, &'a V) -> T) -> Vec<T> {
    let mut sorted: Vec<(&'a (A, B), &'a V)> = m.iter().collect();
    sorted.sort_unstable_by(|x, y| x.0.cmp(y.0));
    sorted.into_iter().map(|((a, b), v)| entry(a, b, v)).collect()
}

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
    fn pairs_come_out_sorted_by_both_keys() {
        let m: HashMap<(String, String), u32> =
            [(("b", "1"), 3), (("a", "2"), 2), (("a", "1"), 1)].map(|((a, b), v)| ((a.into(), b.into()), v)).into();
        let listed = pairs(&m, |a, b, v| format!("{a}{b}={v}"));
        assert_eq!(listed, ["a1=1", "a2=2", "b1=3"], "the same map always saves in the same order");
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
}
