//! One pass over one resource, as pure data and functions: when to do a full reconciliation,
//! where an interrupted pass resumes, and which high-water mark the next incremental pass uses.

use serde::{Deserialize, Serialize};

/// What `sync_cursors` remembers for one (organisation, resource).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    /// High-water mark (ms, provider time) for the next incremental pass.
    pub modified_since_ms: Option<i64>,
    /// When the last uninterrupted full pass started (ms, our clock).
    pub last_full_ms: Option<i64>,
    /// An unfinished pass, committed with its last page.
    pub pass: Option<Pass>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pass {
    /// A full pass reads everything (no high-water mark) and may remove what is gone upstream.
    pub full: bool,
    /// The high-water mark this pass reads from (None for a full pass).
    pub since_ms: Option<i64>,
    /// 1-based page to fetch next.
    pub next_page: u32,
    /// The newest modification time seen so far in this pass.
    pub max_seen_ms: Option<i64>,
    /// The item count the provider reported on the first page.
    pub item_count: Option<u64>,
    /// The result set moved under us (the reported count changed): a record may have shifted
    /// from an unread page to a read one, so this pass cannot advance the high-water mark.
    pub shifted: bool,
    /// When the pass started (ms, our clock).
    pub started_ms: i64,
    /// Loaded from the store after an interruption: the ids seen before it are not known, so
    /// a full pass that was resumed must not remove "missing" records.
    #[serde(default)]
    pub resumed: bool,
}

/// Starts (or resumes) a pass. A full reconciliation runs when forced, when none ever ran, or
/// when the last one is older than `full_every_ms`: some Xero edits do not move the modified
/// date (shared/providers/xero.md §8), so incremental passes alone would drift.
pub fn begin(cursor: &Cursor, now_ms: i64, full_every_ms: i64, force_full: bool) -> Pass {
    if let Some(p) = &cursor.pass {
        let mut p = p.clone();
        p.resumed = true;
        return p;
    }
    let full = force_full || cursor.last_full_ms.is_none_or(|t| now_ms - t >= full_every_ms);
    Pass {
        full,
        since_ms: if full { None } else { cursor.modified_since_ms },
        next_page: 1,
        max_seen_ms: None,
        item_count: None,
        shifted: false,
        started_ms: now_ms,
        resumed: false,
    }
}

/// What a fetched page tells the pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageFacts {
    pub records: usize,
    pub page_size: u32,
    pub page_count: Option<u32>,
    pub item_count: Option<u64>,
    pub max_updated_ms: Option<i64>,
    pub paged: bool,
}

/// Records a fetched page; returns true when the pass is complete.
pub fn after_page(pass: &mut Pass, page: &PageFacts) -> bool {
    if let Some(m) = page.max_updated_ms {
        pass.max_seen_ms = Some(pass.max_seen_ms.map_or(m, |x| x.max(m)));
    }
    match (pass.item_count, page.item_count) {
        (None, Some(n)) => pass.item_count = Some(n),
        (Some(a), Some(b)) if a != b => pass.shifted = true,
        _ => {}
    }
    let done =
        !page.paged || page.records < page.page_size as usize || page.page_count.is_some_and(|c| pass.next_page >= c);
    pass.next_page += 1;
    done
}

/// Closes a finished pass into the cursor.
pub fn finish(cursor: &mut Cursor, pass: &Pass) {
    if !pass.shifted {
        // The newest modification seen is the next high-water mark: provider time, so our
        // clock's skew does not matter, and `If-Modified-Since` is inclusive so the boundary
        // record is read again rather than lost.
        cursor.modified_since_ms = match (pass.max_seen_ms, pass.since_ms) {
            (Some(m), Some(s)) => Some(m.max(s)),
            (Some(m), None) => Some(m),
            (None, s) => s.or(cursor.modified_since_ms),
        };
        if pass.full {
            cursor.last_full_ms = Some(pass.started_ms);
        }
    }
    cursor.pass = None;
}

/// A full pass may remove local records that are gone upstream only if it saw every page in
/// one run and nothing shifted.
pub fn may_remove_missing(pass: &Pass) -> bool {
    pass.full && !pass.resumed && !pass.shifted
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn page(records: usize, page_count: Option<u32>, item_count: Option<u64>, max: Option<i64>) -> PageFacts {
        PageFacts { records, page_size: 100, page_count, item_count, max_updated_ms: max, paged: true }
    }

    #[test]
    fn the_first_pass_is_full_and_unpaged_resources_take_one_page() {
        let c = Cursor::default();
        let mut p = begin(&c, 1_000, 7 * DAY, false);
        assert!(p.full && p.since_ms.is_none());
        assert!(!after_page(&mut p, &page(100, Some(2), Some(150), Some(500))), "page 1 of 2 is not the end");
        let mut unpaged = begin(&c, 1_000, 7 * DAY, false);
        let facts = PageFacts { paged: false, ..page(500, None, None, None) };
        assert!(after_page(&mut unpaged, &facts));
    }

    #[test]
    fn pages_until_the_last_then_the_high_water_mark_advances() {
        let mut c = Cursor::default();
        let mut p = begin(&c, 1_000, 7 * DAY, false);
        assert!(!after_page(&mut p, &page(100, Some(3), Some(250), Some(300))));
        assert!(!after_page(&mut p, &page(100, Some(3), Some(250), Some(700))));
        assert!(after_page(&mut p, &page(50, Some(3), Some(250), Some(650))));
        finish(&mut c, &p);
        assert_eq!(c.modified_since_ms, Some(700));
        assert_eq!(c.last_full_ms, Some(1_000));
        let next = begin(&c, 2_000, 7 * DAY, false);
        assert!(!next.full);
        assert_eq!(next.since_ms, Some(700));
        let later = begin(&c, 1_000 + 7 * DAY, 7 * DAY, false);
        assert!(later.full, "a full reconciliation is due after the period");
    }

    #[test]
    fn a_short_page_ends_a_pass_without_page_count() {
        let mut p = begin(&Cursor::default(), 0, DAY, false);
        assert!(!after_page(&mut p, &page(100, None, None, None)));
        assert!(after_page(&mut p, &page(3, None, None, None)));
    }

    #[test]
    fn an_unfinished_pass_resumes_where_it_stopped_and_may_not_delete() {
        let mut p = begin(&Cursor::default(), 0, DAY, true);
        after_page(&mut p, &page(100, Some(5), Some(450), Some(10)));
        let c = Cursor { pass: Some(p.clone()), ..Default::default() };
        let r = begin(&c, 99, DAY, false);
        assert_eq!(r.next_page, 2);
        assert!(r.resumed);
        assert!(!may_remove_missing(&r));
        assert!(may_remove_missing(&p));
    }

    #[test]
    fn a_shifted_result_set_keeps_the_old_high_water_mark() {
        let mut c = Cursor { modified_since_ms: Some(100), last_full_ms: Some(0), pass: None };
        let mut p = begin(&c, 10, DAY, false);
        assert_eq!(p.since_ms, Some(100));
        after_page(&mut p, &page(100, Some(2), Some(150), Some(400)));
        after_page(&mut p, &page(51, Some(2), Some(151), Some(900)));
        assert!(p.shifted);
        finish(&mut c, &p);
        assert_eq!(c.modified_since_ms, Some(100), "the window is read again next time");
    }

    #[test]
    fn an_empty_incremental_pass_keeps_its_mark() {
        let mut c = Cursor { modified_since_ms: Some(500), last_full_ms: Some(0), pass: None };
        let mut p = begin(&c, 10, DAY, false);
        assert!(after_page(&mut p, &page(0, Some(0), Some(0), None)));
        finish(&mut c, &p);
        assert_eq!(c.modified_since_ms, Some(500));
    }
}
