//! Cursor pagination (gocardless.md §6; gocardless-pro-python `paginator.py`): lists run
//! newest first; `after` asks for the items after a cursor in that order (older ones),
//! `before` for those before it (newer ones). Cursors are opaque values taken from
//! `meta.cursors` or an item's id; nothing here compares or orders them (review D20).

use crate::rate::RateLimit;

/// The largest `limit` GoCardless takes (gocardless.md §6: 1–500, default 50).
pub const MAX_LIMIT: u32 = 500;

/// One list call's query: page size, cursor and filters such as `mandate=MD…`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListParams {
    pub limit: Option<u32>,
    pub after: Option<String>,
    pub before: Option<String>,
    /// Sent as given, e.g. `("status", "failed")`, `("created_at[gte]", "2026-01-01T00:00:00Z")`.
    pub filters: Vec<(String, String)>,
}

impl ListParams {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Items older than `cursor` (the next page of a newest-first walk).
    pub fn after(mut self, cursor: impl Into<String>) -> Self {
        self.after = Some(cursor.into());
        self.before = None;
        self
    }

    /// Items newer than `cursor`.
    pub fn before(mut self, cursor: impl Into<String>) -> Self {
        self.before = Some(cursor.into());
        self.after = None;
        self
    }

    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.push((key.into(), value.into()));
        self
    }

    /// The query pairs, or why GoCardless would refuse them.
    pub(crate) fn query(&self) -> Result<Vec<(String, String)>, String> {
        let mut q = Vec::with_capacity(self.filters.len() + 2);
        if let Some(limit) = self.limit {
            if !(1..=MAX_LIMIT).contains(&limit) {
                return Err(format!("limit must be between 1 and {MAX_LIMIT}, not {limit}"));
            }
            q.push(("limit".to_owned(), limit.to_string()));
        }
        if let Some(a) = &self.after {
            q.push(("after".to_owned(), a.clone()));
        }
        if let Some(b) = &self.before {
            q.push(("before".to_owned(), b.clone()));
        }
        q.extend(self.filters.iter().cloned());
        Ok(q)
    }
}

/// One page of a list, newest first as GoCardless sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `meta.cursors.before`: set when newer items exist.
    pub before: Option<String>,
    /// `meta.cursors.after`: set when older items exist; the next page's cursor.
    pub after: Option<String>,
    pub limit: Option<u32>,
    /// The account's budget after this call.
    pub rate: RateLimit,
    /// `linked`: the resources an `include=` asked for (`GET /events` only), else null.
    pub linked: serde_json::Value,
}

impl<T> Page<T> {
    /// The same page holding `items` (the typed form of what was read).
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        Page { items, before: self.before, after: self.after, limit: self.limit, rate: self.rate, linked: self.linked }
    }

    /// The query for the next (older) page, or `None` when this was the last
    /// (`meta.cursors.after` is null, gocardless.md §6).
    pub fn next(&self, asked: &ListParams) -> Option<ListParams> {
        self.after.as_ref().map(|a| asked.clone().after(a.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_carry_limit_cursor_and_filters_in_order() {
        let q = ListParams::new().limit(500).after("PM1").filter("mandate", "MD1").query().expect("valid");
        let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(q, [("limit", "500"), ("after", "PM1"), ("mandate", "MD1")]);
        assert!(ListParams::new().limit(501).query().is_err(), "GoCardless takes at most 500");
        assert!(ListParams::new().limit(0).query().is_err());
        assert_eq!(ListParams::new().after("A").before("B").after, None, "one cursor at a time");
    }

    #[test]
    fn the_next_page_follows_after_until_it_is_null() {
        let page = |after: Option<&str>| Page::<()> {
            items: vec![],
            before: None,
            after: after.map(str::to_owned),
            limit: Some(2),
            rate: RateLimit::default(),
            linked: serde_json::Value::Null,
        };
        let asked = ListParams::new().limit(2).filter("status", "paid_out");
        let next = page(Some("PM9")).next(&asked).expect("more pages");
        assert_eq!((next.after.as_deref(), next.limit, next.filters.len()), (Some("PM9"), Some(2), 1));
        assert_eq!(page(None).next(&asked), None);
    }
}
