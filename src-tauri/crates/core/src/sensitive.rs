//! A wrapper for secrets. Debug and Display print `<redacted>`, serialisation is impossible, and
//! the inner value is reachable only through `expose()`, which is easy to grep for in review.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The only way in. Only the vault and the HTTP layer should call this.
    pub fn expose(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Token {
        access: Sensitive<String>,
    }

    #[test]
    fn debug_and_display_never_show_the_value() {
        let t = Token { access: Sensitive::new("hunter2-secret".into()) };
        let shown = format!("{t:?} {}", t.access);
        assert!(!shown.contains("hunter2"), "secret leaked into formatting: {shown}");
        assert!(shown.contains("<redacted>"));
        assert_eq!(t.access.expose(), "hunter2-secret");
    }
}
