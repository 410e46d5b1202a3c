//! One pass over one resource, as pure data and functions: when to do a full reconciliation,
//! where a pass starts and where an interrupted one resumes, when it is complete, and which
//! high-water mark (or feed cursor) the next incremental pass uses.
//!
//! Providers page in different ways (shared/providers/*.md): Xero by page number, oldest first;
//! GoCardless by an opaque cursor, newest first (`after` until `meta.cursors.after` is null); OKX
//! bills and fills newest first by bill id inside history windows of 3 days to 3 months. A
//! [`Position`] says where a pass stands in any of them, and it is committed with the rows of the
//! page that led to it.

use serde::{Deserialize, Serialize};

/// How a resource is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// One call returns everything.
    Whole,
    /// Numbered pages, 1-based (`page=N`).
    Numbered,
    /// Each page carries an opaque cursor for the next one (GoCardless `after`, OKX `after` = billId).
    Cursor,
    /// Consecutive time windows of at most `span_ms`, reaching back at most `history_ms` because
    /// the provider keeps no more (OKX fills 3 days, bills 7 days, bills-archive 3 months); inside
    /// a window, pages by cursor.
    Window { span_ms: i64, history_ms: i64 },
}

/// The order a provider returns records in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    OldestFirst,
    NewestFirst,
}

/// How one resource is read: its paging and its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub paging: Paging,
    pub order: Order,
}

/// Where a pass stands: what to fetch next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// The one call of a resource read whole.
    Whole,
    /// The 1-based page to fetch next.
    Page(u32),
    /// The cursor to fetch next; None is the provider's first page (the newest records for a
    /// newest-first list, the oldest for an oldest-first feed).
    Cursor(Option<String>),
    /// The window `[from_ms, until_ms)` (provider time) being read, and the cursor inside it.
    Window { from_ms: i64, until_ms: i64, cursor: Option<String> },
}

impl Position {
    fn fits(&self, paging: Paging) -> bool {
        matches!(
            (self, paging),
            (Position::Whole, Paging::Whole)
                | (Position::Page(_), Paging::Numbered)
                | (Position::Cursor(_), Paging::Cursor)
                | (Position::Window { .. }, Paging::Window { .. })
        )
    }
}

/// What `sync_cursors` remembers for one (organisation, resource).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saved {
    /// High-water mark (ms, provider time) for the next incremental pass.
    pub modified_since_ms: Option<i64>,
    /// When the last uninterrupted full pass started (ms, our clock).
    pub last_full_ms: Option<i64>,
    /// Where an oldest-first cursor feed (GoCardless events) is read from next: the cursor the
    /// last complete pass ended on.
    pub feed: Option<String>,
    /// An unfinished pass, committed with its last page.
    pub pass: Option<Pass>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pass {
    /// A full pass reads everything (no high-water mark) and may remove what is gone upstream.
    pub full: bool,
    /// The high-water mark this pass reads from (None for a full pass).
    pub since_ms: Option<i64>,
    /// What to fetch next.
    pub position: Position,
    /// Window passes: where the last window ends (ms, our clock when the pass began). Records
    /// newer than this are left to the next pass, so a busy account cannot keep a pass open.
    #[serde(default)]
    pub end_ms: Option<i64>,
    /// The newest modification time seen so far in this pass.
    pub max_seen_ms: Option<i64>,
    /// A full newest-first cursor pass that reached the tail reads the head once more, down to
    /// this time (the newest it had seen): a record modified while the pass walked down jumped
    /// over it to the head, and reconciliation must not take it for deleted.
    #[serde(default)]
    pub catch_up_to_ms: Option<i64>,
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
/// date (shared/providers/xero.md §8), and a newest-first read stops at the mark, so
/// incremental passes alone would drift.
pub fn begin(saved: &Saved, shape: Shape, now_ms: i64, full_every_ms: i64, force_full: bool) -> Pass {
    if let Some(p) = saved.pass.as_ref().filter(|p| p.position.fits(shape.paging)) {
        let mut p = p.clone();
        p.resumed = true;
        return p;
    }
    // No unfinished pass, or one saved for a paging this resource no longer uses (an upgrade
    // changed it): that position means nothing now, so start afresh.
    let full = force_full || saved.last_full_ms.is_none_or(|t| now_ms - t >= full_every_ms);
    let since_ms = if full { None } else { saved.modified_since_ms };
    let (position, end_ms) = match shape.paging {
        Paging::Whole => (Position::Whole, None),
        Paging::Numbered => (Position::Page(1), None),
        // An oldest-first feed goes on from where the last pass ended; a newest-first list
        // always starts at its head and stops at the mark (`after_page`).
        Paging::Cursor => match shape.order {
            Order::OldestFirst if !full => (Position::Cursor(saved.feed.clone()), None),
            _ => (Position::Cursor(None), None),
        },
        Paging::Window { span_ms, history_ms } => {
            // Nothing older than the provider's history can be read; a mark ahead of our clock
            // (the provider's clock runs ahead) gives an empty window, never a backwards one.
            let oldest = now_ms - history_ms;
            let from = since_ms.map_or(oldest, |s| s.max(oldest));
            let end = now_ms.max(from);
            (Position::Window { from_ms: from, until_ms: (from + span_ms).min(end), cursor: None }, Some(end))
        }
    };
    Pass {
        full,
        since_ms,
        position,
        end_ms,
        max_seen_ms: None,
        catch_up_to_ms: None,
        item_count: None,
        shifted: false,
        started_ms: now_ms,
        resumed: false,
    }
}

/// What a fetched page tells the pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageFacts {
    pub records: usize,
    pub page_size: u32,
    pub page_count: Option<u32>,
    pub item_count: Option<u64>,
    pub max_updated_ms: Option<i64>,
    pub min_updated_ms: Option<i64>,
    /// Cursor and window paging: the cursor of the following page, None after the last.
    pub next_cursor: Option<String>,
    /// What the source knows about more pages (see `FetchedPage::more`).
    pub more: Option<bool>,
}

/// Records a fetched page and moves the position past it; returns true when the pass is complete.
pub fn after_page(pass: &mut Pass, shape: Shape, page: &PageFacts) -> bool {
    if let Some(m) = page.max_updated_ms {
        pass.max_seen_ms = Some(pass.max_seen_ms.map_or(m, |x| x.max(m)));
    }
    match (pass.item_count, page.item_count) {
        (None, Some(n)) => pass.item_count = Some(n),
        (Some(a), Some(b)) if a != b => pass.shifted = true,
        _ => {}
    }
    // Newest first, an incremental pass is complete once it reaches records at or older than
    // its mark: everything after them was read by an earlier pass.
    let reached_mark = shape.order == Order::NewestFirst
        && pass.since_ms.or(pass.catch_up_to_ms).is_some_and(|s| page.min_updated_ms.is_some_and(|m| m <= s));
    // A cursor that keeps coming with empty pages would never end the pass.
    let more = page.next_cursor.as_ref().filter(|_| page.records > 0);
    let short = page.more.map_or(page.records < page.page_size as usize, |more| !more);
    match &mut pass.position {
        Position::Whole => true,
        Position::Page(n) => {
            let done = reached_mark || short || page.page_count.is_some_and(|c| *n >= c);
            *n += 1;
            done
        }
        Position::Cursor(at) => {
            // An oldest-first feed's cursor after its last page is where the next pass goes on,
            // so it is kept even then; a short page of a feed is its head.
            if let Some(next) = more {
                *at = Some(next.clone());
            }
            let done = more.is_none() || reached_mark || (shape.order == Order::OldestFirst && short);
            if done && pass.full && shape.order == Order::NewestFirst && pass.catch_up_to_ms.is_none() {
                if let Some(head) = pass.max_seen_ms {
                    pass.catch_up_to_ms = Some(head);
                    *at = None;
                    return false;
                }
            }
            done
        }
        Position::Window { from_ms, until_ms, cursor } => {
            if let Some(next) = more {
                *cursor = Some(next.clone());
                return false;
            }
            let end = pass.end_ms.unwrap_or(*until_ms);
            if *until_ms >= end {
                return true;
            }
            let Paging::Window { span_ms, .. } = shape.paging else { return true };
            // Oldest windows first: the provider's history slides forward, so the oldest records
            // are the next to become unreadable.
            *from_ms = *until_ms;
            *until_ms = (*from_ms + span_ms).min(end);
            *cursor = None;
            false
        }
    }
}

/// Closes a finished pass into what is saved.
pub fn finish(saved: &mut Saved, shape: Shape, pass: &Pass) {
    if !pass.shifted {
        // The newest modification seen is the next high-water mark: provider time, so our
        // clock's skew does not matter, and the mark is read inclusively (Xero's
        // `If-Modified-Since`, a window's start, the newest-first stop) so a record at the
        // boundary is read again rather than lost.
        saved.modified_since_ms = match (pass.max_seen_ms, pass.since_ms) {
            (Some(m), Some(s)) => Some(m.max(s)),
            (Some(m), None) => Some(m),
            (None, s) => s.or(saved.modified_since_ms),
        };
        if pass.full {
            saved.last_full_ms = Some(pass.started_ms);
        }
    }
    if let (Order::OldestFirst, Position::Cursor(Some(at))) = (shape.order, &pass.position) {
        saved.feed = Some(at.clone());
    }
    saved.pass = None;
}

/// A full pass may remove local records that are gone upstream only if it saw every page in
/// one run and nothing shifted. A window pass never may: what is older than the provider's
/// history is not gone, only out of reach, and the local copy is then the only one left.
pub fn may_remove_missing(pass: &Pass) -> bool {
    pass.full && !pass.resumed && !pass.shifted && !matches!(pass.position, Position::Window { .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    const NUMBERED: Shape = Shape { paging: Paging::Numbered, order: Order::OldestFirst };
    const NEWEST_CURSOR: Shape = Shape { paging: Paging::Cursor, order: Order::NewestFirst };
    const FEED: Shape = Shape { paging: Paging::Cursor, order: Order::OldestFirst };
    const WINDOWS: Shape =
        Shape { paging: Paging::Window { span_ms: DAY, history_ms: 3 * DAY }, order: Order::NewestFirst };

    fn page(records: usize, page_count: Option<u32>, item_count: Option<u64>, max: Option<i64>) -> PageFacts {
        PageFacts {
            records,
            page_size: 100,
            page_count,
            item_count,
            max_updated_ms: max,
            min_updated_ms: max,
            next_cursor: None,
            more: None,
        }
    }

    /// A cursor page of `records` whose times run from `min` to `max`.
    fn cpage(records: usize, min: i64, max: i64, next: Option<&str>) -> PageFacts {
        PageFacts {
            records,
            page_size: 100,
            page_count: None,
            item_count: None,
            max_updated_ms: Some(max),
            min_updated_ms: Some(min),
            next_cursor: next.map(str::to_owned),
            more: None,
        }
    }

    fn incremental(mark: i64) -> Saved {
        Saved { modified_since_ms: Some(mark), last_full_ms: Some(0), ..Default::default() }
    }

    #[test]
    fn the_first_pass_is_full_and_unpaged_resources_take_one_page() {
        let c = Saved::default();
        let mut p = begin(&c, NUMBERED, 1_000, 7 * DAY, false);
        assert!(p.full && p.since_ms.is_none());
        assert_eq!(p.position, Position::Page(1));
        assert!(!after_page(&mut p, NUMBERED, &page(100, Some(2), Some(150), Some(500))), "page 1 of 2 is not the end");
        let whole = Shape { paging: Paging::Whole, order: Order::OldestFirst };
        let mut unpaged = begin(&c, whole, 1_000, 7 * DAY, false);
        assert_eq!(unpaged.position, Position::Whole);
        assert!(after_page(&mut unpaged, whole, &page(500, None, None, None)), "a whole read is one call");
    }

    #[test]
    fn pages_until_the_last_then_the_high_water_mark_advances() {
        let mut c = Saved::default();
        let mut p = begin(&c, NUMBERED, 1_000, 7 * DAY, false);
        assert!(!after_page(&mut p, NUMBERED, &page(100, Some(3), Some(250), Some(300))));
        assert!(!after_page(&mut p, NUMBERED, &page(100, Some(3), Some(250), Some(700))));
        assert!(after_page(&mut p, NUMBERED, &page(50, Some(3), Some(250), Some(650))));
        finish(&mut c, NUMBERED, &p);
        assert_eq!(c.modified_since_ms, Some(700));
        assert_eq!(c.last_full_ms, Some(1_000));
        assert_eq!(c.feed, None, "a numbered resource has no feed cursor");
        let next = begin(&c, NUMBERED, 2_000, 7 * DAY, false);
        assert!(!next.full);
        assert_eq!(next.since_ms, Some(700));
        let later = begin(&c, NUMBERED, 1_000 + 7 * DAY, 7 * DAY, false);
        assert!(later.full, "a full reconciliation is due after the period");
    }

    #[test]
    fn a_short_page_ends_a_pass_without_page_count() {
        let mut p = begin(&Saved::default(), NUMBERED, 0, DAY, false);
        assert!(!after_page(&mut p, NUMBERED, &page(100, None, None, None)));
        assert!(after_page(&mut p, NUMBERED, &page(3, None, None, None)));
    }

    #[test]
    fn an_unfinished_pass_resumes_where_it_stopped_and_may_not_delete() {
        let mut p = begin(&Saved::default(), NUMBERED, 0, DAY, true);
        after_page(&mut p, NUMBERED, &page(100, Some(5), Some(450), Some(10)));
        let c = Saved { pass: Some(p.clone()), ..Default::default() };
        let r = begin(&c, NUMBERED, 99, DAY, false);
        assert_eq!(r.position, Position::Page(2));
        assert!(r.resumed);
        assert!(!may_remove_missing(&r));
        assert!(may_remove_missing(&p));
    }

    #[test]
    fn a_saved_pass_for_another_paging_is_not_resumed() {
        let mut p = begin(&Saved::default(), NUMBERED, 0, DAY, true);
        after_page(&mut p, NUMBERED, &page(100, Some(5), Some(450), Some(10)));
        let c = Saved { pass: Some(p), ..Default::default() };
        let r = begin(&c, NEWEST_CURSOR, 99, DAY, false);
        assert_eq!(r.position, Position::Cursor(None), "a page number is no cursor: start at the head");
        assert!(!r.resumed && r.full, "a fresh full pass, allowed to reconcile");
    }

    #[test]
    fn a_shifted_result_set_keeps_the_old_high_water_mark() {
        let mut c = incremental(100);
        let mut p = begin(&c, NUMBERED, 10, DAY, false);
        assert_eq!(p.since_ms, Some(100));
        after_page(&mut p, NUMBERED, &page(100, Some(2), Some(150), Some(400)));
        after_page(&mut p, NUMBERED, &page(51, Some(2), Some(151), Some(900)));
        assert!(p.shifted);
        finish(&mut c, NUMBERED, &p);
        assert_eq!(c.modified_since_ms, Some(100), "the window is read again next time");
    }

    #[test]
    fn an_empty_incremental_pass_keeps_its_mark() {
        let mut c = incremental(500);
        let mut p = begin(&c, NUMBERED, 10, DAY, false);
        assert!(after_page(&mut p, NUMBERED, &page(0, Some(0), Some(0), None)));
        finish(&mut c, NUMBERED, &p);
        assert_eq!(c.modified_since_ms, Some(500));
    }

    #[test]
    fn numbered_pages_read_newest_first_stop_at_the_mark() {
        let shape = Shape { paging: Paging::Numbered, order: Order::NewestFirst };
        let mut p = begin(&incremental(500), shape, 10, DAY, false);
        let facts = |min, max| PageFacts { min_updated_ms: Some(min), ..page(100, Some(9), Some(900), Some(max)) };
        assert!(!after_page(&mut p, shape, &facts(700, 900)), "all newer than the mark: go on");
        assert!(after_page(&mut p, shape, &facts(450, 690)), "the mark is inside this page: the rest is known");
    }

    #[test]
    fn a_newest_first_cursor_pass_follows_the_cursor_to_its_end_when_full() {
        let mut c = Saved::default();
        let mut p = begin(&c, NEWEST_CURSOR, 5, DAY, false);
        assert_eq!(p.position, Position::Cursor(None), "a full pass starts at the head");
        assert!(!after_page(&mut p, NEWEST_CURSOR, &cpage(100, 800, 900, Some("c1"))));
        assert_eq!(p.position, Position::Cursor(Some("c1".into())), "the provider's cursor is the next position");
        assert!(!after_page(&mut p, NEWEST_CURSOR, &cpage(100, 100, 790, Some("c2"))));
        assert!(!after_page(&mut p, NEWEST_CURSOR, &cpage(10, 50, 90, None)), "the tail: now the head once more");
        assert_eq!((&p.position, p.catch_up_to_ms), (&Position::Cursor(None), Some(900)));
        assert!(
            !after_page(&mut p, NEWEST_CURSOR, &cpage(100, 901, 990, Some("h1"))),
            "records modified during the pass are at the head"
        );
        assert!(after_page(&mut p, NEWEST_CURSOR, &cpage(100, 880, 900, Some("h2"))), "down to the old head");
        finish(&mut c, NEWEST_CURSOR, &p);
        assert_eq!(c.modified_since_ms, Some(990), "the newest record seen, catch-up included, is the mark");
        assert_eq!(c.feed, None, "a newest-first list keeps no feed cursor: each pass starts at the head");
        assert_eq!(c.last_full_ms, Some(5));
    }

    #[test]
    fn a_newest_first_cursor_pass_stops_at_records_at_or_older_than_its_mark() {
        let mut c = incremental(500);
        let mut p = begin(&c, NEWEST_CURSOR, 10, DAY, false);
        assert_eq!(p.position, Position::Cursor(None), "an incremental pass starts at the head too");
        assert!(!after_page(&mut p, NEWEST_CURSOR, &cpage(100, 501, 990, Some("c1"))), "one past the mark: go on");
        assert!(after_page(&mut p, NEWEST_CURSOR, &cpage(100, 500, 560, Some("c2"))), "a record at the mark ends it");
        finish(&mut c, NEWEST_CURSOR, &p);
        assert_eq!(c.modified_since_ms, Some(990));
        let mut q = begin(&c, NEWEST_CURSOR, 20, DAY, false);
        assert!(after_page(&mut q, NEWEST_CURSOR, &cpage(100, 10, 990, Some("c1"))), "nothing new: one page");
        finish(&mut c, NEWEST_CURSOR, &q);
        assert_eq!(c.modified_since_ms, Some(990));
    }

    #[test]
    fn an_interrupted_newest_first_pass_resumes_at_its_cursor_with_its_old_mark() {
        let c = incremental(500);
        let mut p = begin(&c, NEWEST_CURSOR, 10, DAY, false);
        after_page(&mut p, NEWEST_CURSOR, &cpage(100, 700, 990, Some("c1")));
        let saved = Saved { pass: Some(p), ..c };
        let mut r = begin(&saved, NEWEST_CURSOR, 30, DAY, false);
        assert_eq!(r.position, Position::Cursor(Some("c1".into())));
        assert_eq!(r.since_ms, Some(500), "the stop is the mark the pass began with");
        assert_eq!(r.max_seen_ms, Some(990), "the head read before the crash still sets the next mark");
        assert!(after_page(&mut r, NEWEST_CURSOR, &cpage(100, 400, 699, Some("c2"))));
    }

    #[test]
    fn an_empty_newest_first_list_needs_no_catch_up() {
        let mut p = begin(&Saved::default(), NEWEST_CURSOR, 0, DAY, false);
        let empty = PageFacts { min_updated_ms: None, max_updated_ms: None, ..cpage(0, 0, 0, None) };
        assert!(after_page(&mut p, NEWEST_CURSOR, &empty), "nothing seen, nothing to catch up with");
        let mut q = begin(&incremental(5), NEWEST_CURSOR, 0, DAY, false);
        assert!(after_page(&mut q, NEWEST_CURSOR, &cpage(3, 6, 9, None)), "an incremental pass has no catch-up");
    }

    #[test]
    fn a_cursor_with_an_empty_page_ends_the_pass() {
        let mut p = begin(&Saved::default(), NEWEST_CURSOR, 0, DAY, false);
        let empty = PageFacts { min_updated_ms: None, max_updated_ms: None, ..cpage(0, 0, 0, Some("again")) };
        assert!(after_page(&mut p, NEWEST_CURSOR, &empty), "a provider that hands out cursors forever cannot loop us");
    }

    #[test]
    fn an_oldest_first_feed_goes_on_from_where_the_last_pass_ended() {
        let mut c = Saved::default();
        let mut p = begin(&c, FEED, 0, 7 * DAY, false);
        assert_eq!(p.position, Position::Cursor(None), "the first pass reads the feed from its start");
        assert!(!after_page(&mut p, FEED, &cpage(100, 1, 100, Some("EV100"))));
        assert!(after_page(&mut p, FEED, &cpage(40, 101, 140, Some("EV140"))), "a short page is the head of the feed");
        finish(&mut c, FEED, &p);
        assert_eq!(c.feed.as_deref(), Some("EV140"), "the cursor after the last page is where polling goes on");
        let mut q = begin(&c, FEED, 10, 7 * DAY, false);
        assert_eq!(q.position, Position::Cursor(Some("EV140".into())));
        assert!(after_page(
            &mut q,
            FEED,
            &PageFacts { min_updated_ms: None, max_updated_ms: None, ..cpage(0, 0, 0, None) }
        ));
        finish(&mut c, FEED, &q);
        assert_eq!(c.feed.as_deref(), Some("EV140"), "an empty poll keeps the feed where it was");
        let full = begin(&c, FEED, 8 * DAY, 7 * DAY, false);
        assert_eq!(full.position, Position::Cursor(None), "a full reconciliation reads the feed from its start");
    }

    #[test]
    fn windows_run_oldest_first_from_the_edge_of_history_to_the_pass_start() {
        let now = 10 * DAY;
        let mut c = Saved::default();
        let mut p = begin(&c, WINDOWS, now, 7 * DAY, false);
        assert_eq!(p.position, Position::Window { from_ms: 7 * DAY, until_ms: 8 * DAY, cursor: None });
        assert_eq!(p.end_ms, Some(now));
        assert!(!after_page(&mut p, WINDOWS, &cpage(100, 7 * DAY, 8 * DAY - 1, Some("b1"))));
        assert_eq!(
            p.position,
            Position::Window { from_ms: 7 * DAY, until_ms: 8 * DAY, cursor: Some("b1".into()) },
            "inside a window the cursor moves"
        );
        assert!(
            !after_page(&mut p, WINDOWS, &cpage(5, 7 * DAY, 7 * DAY + 5, None)),
            "the window is done, not the pass"
        );
        assert_eq!(p.position, Position::Window { from_ms: 8 * DAY, until_ms: 9 * DAY, cursor: None });
        assert!(!after_page(
            &mut p,
            WINDOWS,
            &PageFacts { max_updated_ms: None, min_updated_ms: None, ..cpage(0, 0, 0, None) }
        ));
        assert!(
            after_page(&mut p, WINDOWS, &cpage(3, 9 * DAY, 9 * DAY + 7, None)),
            "the last window ends at the pass start"
        );
        finish(&mut c, WINDOWS, &p);
        assert_eq!(c.modified_since_ms, Some(9 * DAY + 7));
        let mut q = begin(&c, WINDOWS, now + 1_000, 7 * DAY, false);
        assert_eq!(
            q.position,
            Position::Window { from_ms: 9 * DAY + 7, until_ms: 10 * DAY + 7, cursor: None },
            "an incremental pass starts at the mark (inclusive)"
        );
        assert!(!after_page(&mut q, WINDOWS, &cpage(1, 9 * DAY + 7, 9 * DAY + 7, None)));
        assert_eq!(
            q.position,
            Position::Window { from_ms: 10 * DAY + 7, until_ms: now + 1_000, cursor: None },
            "and its last window ends at our clock when the pass began"
        );
    }

    #[test]
    fn a_full_window_pass_never_removes_what_it_did_not_see() {
        let mut p = begin(&Saved::default(), WINDOWS, 10 * DAY, 7 * DAY, true);
        assert!(p.full);
        while !after_page(&mut p, WINDOWS, &cpage(1, 0, 0, None)) {}
        assert!(!may_remove_missing(&p), "records older than the history are out of reach, not deleted");
    }

    #[test]
    fn a_window_pass_never_reaches_past_the_providers_history() {
        let now = 100 * DAY;
        let p = begin(&incremental(DAY), WINDOWS, now, 365 * DAY, false);
        assert_eq!(
            p.position,
            Position::Window { from_ms: 97 * DAY, until_ms: 98 * DAY, cursor: None },
            "a mark older than the history starts where the history starts"
        );
    }

    #[test]
    fn a_mark_ahead_of_our_clock_gives_an_empty_window_not_a_backwards_one() {
        let mut c = incremental(50 * DAY + 5);
        let mut p = begin(&c, WINDOWS, 50 * DAY, 365 * DAY, false);
        assert_eq!(p.position, Position::Window { from_ms: 50 * DAY + 5, until_ms: 50 * DAY + 5, cursor: None });
        assert!(after_page(
            &mut p,
            WINDOWS,
            &PageFacts { max_updated_ms: None, min_updated_ms: None, ..cpage(0, 0, 0, None) }
        ));
        finish(&mut c, WINDOWS, &p);
        assert_eq!(c.modified_since_ms, Some(50 * DAY + 5), "the mark does not go backwards");
    }

    #[test]
    fn an_interrupted_window_pass_resumes_in_its_window_at_its_cursor() {
        let mut p = begin(&Saved::default(), WINDOWS, 10 * DAY, 7 * DAY, false);
        after_page(&mut p, WINDOWS, &cpage(5, 7 * DAY, 7 * DAY + 5, None));
        after_page(&mut p, WINDOWS, &cpage(100, 8 * DAY, 8 * DAY + 100, Some("b9")));
        let saved = Saved { pass: Some(p), ..Default::default() };
        let r = begin(&saved, WINDOWS, 11 * DAY, 7 * DAY, false);
        assert!(r.resumed);
        assert_eq!(r.position, Position::Window { from_ms: 8 * DAY, until_ms: 9 * DAY, cursor: Some("b9".into()) });
        assert_eq!(r.end_ms, Some(10 * DAY), "the pass keeps the end it began with");
    }

    #[test]
    fn positions_round_trip_through_the_stored_json() {
        for position in [
            Position::Whole,
            Position::Page(7),
            Position::Cursor(None),
            Position::Cursor(Some("PM01".into())),
            Position::Window { from_ms: 1, until_ms: 2, cursor: Some("b".into()) },
        ] {
            let p = Pass { position, ..begin(&Saved::default(), NUMBERED, 0, DAY, false) };
            let json = serde_json::to_string(&p).unwrap_or_default();
            assert_eq!(serde_json::from_str::<Pass>(&json).ok(), Some(p), "{json}");
        }
        let json = r#"{"full":true,"since_ms":null,"position":{"page":3},"max_seen_ms":5,"item_count":null,"shifted":false,"started_ms":1}"#;
        let p: Option<Pass> = serde_json::from_str(json).ok();
        assert_eq!(p.map(|p| (p.position, p.end_ms, p.resumed)), Some((Position::Page(3), None, false)));
    }
}
