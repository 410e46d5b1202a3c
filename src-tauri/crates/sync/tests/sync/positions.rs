//! The engine with sources that page the other ways providers do: an opaque cursor, newest first
//! (GoCardless lists: follow `after` until it is null), and cursors inside time windows with a
//! limited history (OKX bills and fills: `after` = bill id, newest first, 3 days to 3 months).

use crate::{clock, count_call, db, engine, id_of, now_ms, stored, TableSink};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use xp_core::ManualClock;
use xp_sync::{
    BoxFuture, CancellationToken, Engine, FetchRequest, FetchedPage, JobKey, Order, Org, OrgOutcome, Paging, Position,
    ResourceSpec, Source, SourceError,
};

const DAY: i64 = 86_400_000;

/// A list read by cursor, newest first; the cursor is the id of the last record handed out, so
/// records arriving at the head do not move the pages below it (as GoCardless's `after`).
#[derive(Default)]
struct Feed {
    /// id → (updated ms, value)
    data: Mutex<BTreeMap<String, (i64, i64)>>,
    calls: AtomicU32,
    fail_after: Mutex<Option<u32>>,
    /// Run after the given call (1-based) was answered: upstream changes while a pass is under way.
    after_call: Mutex<Option<(u32, Change)>>,
}

/// A change made upstream while a pass is under way.
type Change = Box<dyn Fn(&Feed) + Send + Sync>;

impl Feed {
    fn with_records(n: usize) -> Arc<Feed> {
        let f = Feed::default();
        for i in 0..n {
            f.put(&format!("p{i:05}"), 1_000 + i as i64, i as i64);
        }
        Arc::new(f)
    }

    fn put(&self, id: &str, updated: i64, value: i64) {
        self.data.lock().unwrap().insert(id.to_owned(), (updated, value));
    }

    fn record(id: &str, updated: i64, value: i64) -> Value {
        json!({"id": id, "updated": updated, "value": value})
    }

    fn upstream(&self) -> BTreeMap<String, Value> {
        self.data.lock().unwrap().iter().map(|(id, (u, v))| (id.clone(), Feed::record(id, *u, *v))).collect()
    }
}

impl Source for Feed {
    fn resources(&self) -> Vec<ResourceSpec> {
        vec![ResourceSpec {
            name: "Payments".into(),
            paging: Paging::Cursor,
            order: Order::NewestFirst,
            incremental: true,
        }]
    }

    fn fetch<'a>(&'a self, _job: &'a JobKey, req: FetchRequest) -> BoxFuture<'a, Result<FetchedPage, SourceError>> {
        Box::pin(async move {
            let n = count_call(&self.calls, &self.fail_after)?;
            let Position::Cursor(after) = req.position else { panic!("a cursor source was asked for {req:?}") };
            let mut rows: Vec<(i64, String, i64)> =
                self.data.lock().unwrap().iter().map(|(id, (u, v))| (*u, id.clone(), *v)).collect();
            rows.sort_by(|a, b| (b.0, &b.1).cmp(&(a.0, &a.1)));
            let start = match &after {
                // Continues after the cursor's record where it is now; the tests never move
                // the record a committed cursor names.
                Some(id) => rows.iter().position(|r| &r.1 == id).map_or(rows.len(), |i| i + 1),
                None => 0,
            };
            let end = (start + req.page_size as usize).min(rows.len());
            let page: Vec<Value> = rows[start..end].iter().map(|(u, id, v)| Feed::record(id, *u, *v)).collect();
            let next_cursor = (end < rows.len()).then(|| rows[end - 1].1.clone());
            if let Some((k, change)) = self.after_call.lock().unwrap().as_ref() {
                if *k == n {
                    change(self);
                }
            }
            Ok(FetchedPage { records: page, next_cursor, ..Default::default() })
        })
    }

    fn record_id(&self, _resource: &str, record: &Value) -> Option<String> {
        id_of(record)
    }

    fn record_updated_ms(&self, _resource: &str, record: &Value) -> Option<i64> {
        record["updated"].as_i64()
    }
}

fn org() -> Org {
    Org { id: crate::oid("o1"), external_id: "CR01".into(), name: "Org o1".into() }
}

async fn run(e: &Engine, source: &dyn Source) -> OrgOutcome {
    e.sync_org(source, &TableSink, &org(), false, &|_| {}, &CancellationToken::new()).await
}

#[tokio::test]
async fn a_newest_first_cursor_feed_is_copied_whole_then_read_only_down_to_the_mark() {
    let d = db(&["o1"]).await;
    let feed = Feed::with_records(1_050);
    let e = engine(&d.store, &clock(), 100);
    let out = run(&e, feed.as_ref()).await;
    // 11 pages down to the tail, then the head page once more to catch what changed meanwhile.
    assert_eq!(out, OrgOutcome::Done { items: 1_150, calls: 12 }, "the full pass and its one catch-up page");
    assert_eq!(stored(&d.store, "o1", "Payments").await, feed.upstream());

    let before = feed.calls.load(Ordering::SeqCst);
    assert!(matches!(run(&e, feed.as_ref()).await, OrgOutcome::Done { calls: 1, .. }), "nothing new: the head page");
    feed.put("p00003", 9_000, -3);
    feed.put("p00004", 9_001, -4);
    feed.put("new01", 9_002, 7);
    let out = run(&e, feed.as_ref()).await;
    assert!(matches!(out, OrgOutcome::Done { calls: 1, .. }), "three changes sit on the head page: {out:?}");
    assert_eq!(feed.calls.load(Ordering::SeqCst) - before, 2);
    assert_eq!(stored(&d.store, "o1", "Payments").await, feed.upstream());
}

#[tokio::test]
async fn an_incremental_cursor_pass_with_changes_over_several_pages_stops_at_the_mark() {
    let d = db(&["o1"]).await;
    let feed = Feed::with_records(1_000);
    let e = engine(&d.store, &clock(), 100);
    run(&e, feed.as_ref()).await;
    for i in 0..250 {
        feed.put(&format!("p{:05}", i * 3), 50_000 + i as i64, -(i as i64));
    }
    let before = feed.calls.load(Ordering::SeqCst);
    let out = run(&e, feed.as_ref()).await;
    assert!(matches!(out, OrgOutcome::Done { .. }), "{out:?}");
    // 250 changed records fill pages 1-3 (page 3 holds the first records at the old mark).
    assert_eq!(feed.calls.load(Ordering::SeqCst) - before, 3, "read down to the mark, not to the tail");
    assert_eq!(stored(&d.store, "o1", "Payments").await, feed.upstream());
}

#[tokio::test]
async fn a_cursor_pass_interrupted_between_any_pages_resumes_and_ends_equal_to_an_uninterrupted_run() {
    // The reference: the same upstream history, synced without interruption.
    let reference = {
        let d = db(&["o1"]).await;
        let feed = Feed::with_records(1_050);
        let e = engine(&d.store, &clock(), 100);
        run(&e, feed.as_ref()).await;
        feed.put("p00500", 20_000, -500);
        run(&e, feed.as_ref()).await;
        stored(&d.store, "o1", "Payments").await
    };
    // 12 calls uninterrupted: 11 pages down to the tail and the catch-up head page.
    for stop_after in [1u32, 2, 5, 10, 11] {
        let d = db(&["o1"]).await;
        let feed = Feed::with_records(1_050);
        let e = engine(&d.store, &clock(), 100);
        *feed.fail_after.lock().unwrap() = Some(stop_after);
        let out = run(&e, feed.as_ref()).await;
        assert!(matches!(out, OrgOutcome::Failed { .. }), "stopped after {stop_after}: {out:?}");
        *feed.fail_after.lock().unwrap() = None;
        let before = feed.calls.load(Ordering::SeqCst);
        let out = run(&e, feed.as_ref()).await;
        assert!(matches!(out, OrgOutcome::Done { .. }), "{out:?}");
        let resumed = feed.calls.load(Ordering::SeqCst) - before;
        assert_eq!(resumed, 12 - stop_after, "resumed at the committed cursor, not from the head");
        assert_eq!(stored(&d.store, "o1", "Payments").await, feed.upstream(), "stopped after {stop_after}");
        // The mark the resumed pass left behind serves the next incremental pass like the reference's.
        feed.put("p00500", 20_000, -500);
        run(&e, feed.as_ref()).await;
        assert_eq!(stored(&d.store, "o1", "Payments").await, reference, "stopped after {stop_after}");
    }
}

#[tokio::test]
async fn a_record_arriving_at_the_head_during_an_incremental_pass_is_read_by_the_next_one() {
    let d = db(&["o1"]).await;
    let feed = Feed::with_records(300);
    let e = engine(&d.store, &clock(), 100);
    run(&e, feed.as_ref()).await;
    for i in 0..150 {
        feed.put(&format!("p{i:05}"), 10_000 + i as i64, -1);
    }
    let n = feed.calls.load(Ordering::SeqCst);
    *feed.after_call.lock().unwrap() = Some((n + 1, Box::new(|f: &Feed| f.put("late", 99_999, 1))));
    let out = run(&e, feed.as_ref()).await;
    assert!(matches!(out, OrgOutcome::Done { items: 200, .. }), "pages 1 and 2 down to the mark: {out:?}");
    assert!(
        !stored(&d.store, "o1", "Payments").await.contains_key("late"),
        "it arrived above the cursor, after the head was read"
    );
    run(&e, feed.as_ref()).await;
    assert_eq!(stored(&d.store, "o1", "Payments").await, feed.upstream(), "newer than the mark: read next time");
}

#[tokio::test]
async fn a_full_cursor_pass_catches_records_that_jumped_to_the_head_and_does_not_remove_them() {
    let d = db(&["o1"]).await;
    let feed = Feed::with_records(500);
    let c = clock();
    let e = engine(&d.store, &c, 100);
    run(&e, feed.as_ref()).await;
    c.advance(time::Duration::days(8));
    // While the reconciliation walks down, an unread record is modified (it jumps over the cursor
    // to the head) and a new one arrives; a third is deleted upstream.
    let n = feed.calls.load(Ordering::SeqCst);
    *feed.after_call.lock().unwrap() = Some((
        n + 1,
        Box::new(|f: &Feed| {
            f.put("p00010", 70_000, -10);
            f.put("new", 70_001, 1);
            f.data.lock().unwrap().remove("p00200");
        }),
    ));
    let out = run(&e, feed.as_ref()).await;
    assert!(matches!(out, OrgOutcome::Done { .. }), "{out:?}");
    assert_eq!(
        stored(&d.store, "o1", "Payments").await,
        feed.upstream(),
        "the moved record is kept (read at the head), the new one read, the deleted one removed"
    );
}

/// Bills read in time windows, newest first by bill id inside each, with a sliding history (as
/// OKX `account/bills`: 7 days; `after` = the last bill id, no "more" flag, so a full page may
/// be followed by an empty one).
struct Bills {
    /// (id, ts ms, amount)
    data: Mutex<Vec<(u64, i64, i64)>>,
    clock: ManualClock,
    history_ms: i64,
    calls: AtomicU32,
    fail_after: Mutex<Option<u32>>,
    windows: Mutex<Vec<(i64, i64)>>,
}

impl Bills {
    /// One bill an hour for the last `days` days, perhaps more than the provider keeps.
    fn new(clock: &ManualClock, history_ms: i64, days: i64) -> Arc<Bills> {
        let now = now_ms(clock);
        let data = (0..days * 24).map(|h| (1_000 + h as u64, now - days * DAY + h * 3_600_000, h)).collect();
        Arc::new(Bills {
            data: Mutex::new(data),
            clock: clock.clone(),
            history_ms,
            calls: AtomicU32::new(0),
            fail_after: Mutex::new(None),
            windows: Mutex::new(Vec::new()),
        })
    }

    fn add(&self, ts: i64, amount: i64) {
        let mut d = self.data.lock().unwrap();
        let id = d.iter().map(|b| b.0).max().unwrap_or(0) + 1;
        d.push((id, ts, amount));
    }

    fn record(b: &(u64, i64, i64)) -> Value {
        json!({"id": b.0.to_string(), "ts": b.1, "amount": b.2})
    }

    /// What the provider still shows.
    fn visible(&self) -> BTreeMap<String, Value> {
        let oldest = now_ms(&self.clock) - self.history_ms;
        self.data
            .lock()
            .unwrap()
            .iter()
            .filter(|b| b.1 >= oldest)
            .map(|b| (b.0.to_string(), Bills::record(b)))
            .collect()
    }
}

impl Source for Bills {
    fn resources(&self) -> Vec<ResourceSpec> {
        vec![ResourceSpec {
            name: "Bills".into(),
            paging: Paging::Window { span_ms: DAY, history_ms: self.history_ms },
            order: Order::NewestFirst,
            incremental: true,
        }]
    }

    fn fetch<'a>(&'a self, _job: &'a JobKey, req: FetchRequest) -> BoxFuture<'a, Result<FetchedPage, SourceError>> {
        Box::pin(async move {
            count_call(&self.calls, &self.fail_after)?;
            let Position::Window { from_ms, until_ms, cursor } = req.position else {
                panic!("a window source was asked for {req:?}")
            };
            self.windows.lock().unwrap().push((from_ms, until_ms));
            let oldest = now_ms(&self.clock) - self.history_ms;
            assert!(from_ms >= oldest, "asked for {from_ms}, older than the history the provider keeps ({oldest})");
            let after: Option<u64> = cursor.map(|c| c.parse().unwrap());
            let mut rows: Vec<(u64, i64, i64)> = self
                .data
                .lock()
                .unwrap()
                .iter()
                .filter(|b| b.1 >= from_ms && b.1 < until_ms && after.is_none_or(|a| b.0 < a))
                .copied()
                .collect();
            rows.sort_by_key(|b| std::cmp::Reverse(b.0));
            rows.truncate(req.page_size as usize);
            let full = rows.len() == req.page_size as usize;
            Ok(FetchedPage {
                next_cursor: full.then(|| rows.last().map(|b| b.0.to_string())).flatten(),
                records: rows.iter().map(Bills::record).collect(),
                ..Default::default()
            })
        })
    }

    fn record_id(&self, _resource: &str, record: &Value) -> Option<String> {
        id_of(record)
    }

    fn record_updated_ms(&self, _resource: &str, record: &Value) -> Option<i64> {
        record["ts"].as_i64()
    }
}

#[tokio::test]
async fn window_paging_reads_the_providers_whole_history_window_by_window_then_from_the_mark() {
    let d = db(&["o1"]).await;
    let c = clock();
    // Ten days of hourly bills; the provider keeps seven.
    let bills = Bills::new(&c, 7 * DAY, 10);
    let e = engine(&d.store, &c, 10);
    let out = run(&e, bills.as_ref()).await;
    assert!(matches!(out, OrgOutcome::Done { items: 168, .. }), "seven days of hourly bills: {out:?}");
    assert_eq!(stored(&d.store, "o1", "Bills").await, bills.visible());
    let windows = bills.windows.lock().unwrap().clone();
    let distinct: std::collections::BTreeSet<_> = windows.iter().copied().collect();
    assert_eq!(distinct.len(), 7, "one window a day: {distinct:?}");
    assert!(windows.windows(2).all(|w| w[0].0 <= w[1].0), "oldest windows first: the history slides away");

    bills.windows.lock().unwrap().clear();
    c.advance(time::Duration::hours(5));
    let now = now_ms(&c);
    bills.add(now - 1_000, 42);
    bills.add(now - 500, 43);
    let out = run(&e, bills.as_ref()).await;
    assert!(matches!(out, OrgOutcome::Done { .. }), "{out:?}");
    let windows = bills.windows.lock().unwrap().clone();
    assert_eq!(windows.len(), 1, "an incremental pass is one window from the mark: {windows:?}");
    let all = stored(&d.store, "o1", "Bills").await;
    for (id, v) in bills.visible() {
        assert_eq!(all.get(&id), Some(&v), "bill {id}");
    }

    // A week later the reconciliation is due; the bills it can no longer reach stay.
    c.advance(time::Duration::days(8));
    let out = run(&e, bills.as_ref()).await;
    assert!(matches!(out, OrgOutcome::Done { items: 0, .. }), "nothing left in the history: {out:?}");
    assert_eq!(stored(&d.store, "o1", "Bills").await, all, "the local copy is the only one left: nothing is removed");
}

#[tokio::test]
async fn a_window_pass_interrupted_between_any_pages_resumes_and_ends_equal() {
    let c = clock();
    let reference = {
        let d = db(&["o1"]).await;
        let bills = Bills::new(&c, 3 * DAY, 3);
        run(&engine(&d.store, &c, 10), bills.as_ref()).await;
        stored(&d.store, "o1", "Bills").await
    };
    assert_eq!(reference.len(), 72);
    // 9 calls uninterrupted: three day windows of 24 bills, pages of 10, 10 and 4.
    for stop_after in [1u32, 3, 4, 8] {
        let d = db(&["o1"]).await;
        let bills = Bills::new(&c, 3 * DAY, 3);
        let e = engine(&d.store, &c, 10);
        *bills.fail_after.lock().unwrap() = Some(stop_after);
        assert!(matches!(run(&e, bills.as_ref()).await, OrgOutcome::Failed { .. }));
        *bills.fail_after.lock().unwrap() = None;
        let before = bills.calls.load(Ordering::SeqCst);
        assert!(matches!(run(&e, bills.as_ref()).await, OrgOutcome::Done { .. }));
        assert_eq!(
            bills.calls.load(Ordering::SeqCst) - before,
            9 - stop_after,
            "resumed at the committed window and cursor, not from the start"
        );
        assert_eq!(stored(&d.store, "o1", "Bills").await, reference, "stopped after {stop_after}");
    }
}

/// An event feed read oldest first from a persisted cursor (GoCardless events polled with
/// `before` = the newest event seen): the cursor after a page is its newest event's id, given
/// even on the last page, and a short page is the head.
#[derive(Default)]
struct Events {
    /// Event ids are their sequence numbers, oldest first.
    data: Mutex<Vec<u64>>,
    calls: AtomicU32,
    fail_after: Mutex<Option<u32>>,
    asked: Mutex<Vec<Option<String>>>,
}

impl Events {
    fn append(&self, n: u64) {
        let mut d = self.data.lock().unwrap();
        let from = d.last().copied().unwrap_or(0) + 1;
        d.extend(from..from + n);
    }

    fn upstream(&self) -> BTreeMap<String, Value> {
        self.data.lock().unwrap().iter().map(|e| (format!("EV{e:06}"), Events::record(*e))).collect()
    }

    fn record(e: u64) -> Value {
        json!({"id": format!("EV{e:06}"), "created": 1_000 + e as i64})
    }
}

impl Source for Events {
    fn resources(&self) -> Vec<ResourceSpec> {
        vec![ResourceSpec {
            name: "Events".into(),
            paging: Paging::Cursor,
            order: Order::OldestFirst,
            incremental: true,
        }]
    }

    fn fetch<'a>(&'a self, _job: &'a JobKey, req: FetchRequest) -> BoxFuture<'a, Result<FetchedPage, SourceError>> {
        Box::pin(async move {
            count_call(&self.calls, &self.fail_after)?;
            let Position::Cursor(before) = req.position else { panic!("a cursor source was asked for {req:?}") };
            self.asked.lock().unwrap().push(before.clone());
            let newer_than: u64 = before.map_or(0, |c| c.trim_start_matches("EV").parse().unwrap());
            let page: Vec<u64> = self
                .data
                .lock()
                .unwrap()
                .iter()
                .copied()
                .filter(|e| *e > newer_than)
                .take(req.page_size as usize)
                .collect();
            Ok(FetchedPage {
                next_cursor: page.last().map(|e| format!("EV{e:06}")),
                records: page.into_iter().map(Events::record).collect(),
                ..Default::default()
            })
        })
    }

    fn record_id(&self, _resource: &str, record: &Value) -> Option<String> {
        id_of(record)
    }

    fn record_updated_ms(&self, _resource: &str, record: &Value) -> Option<i64> {
        record["created"].as_i64()
    }
}

#[tokio::test]
async fn an_oldest_first_feed_is_polled_from_the_cursor_the_last_pass_ended_on() {
    let d = db(&["o1"]).await;
    let events = Events::default();
    events.append(250);
    let e = engine(&d.store, &clock(), 100);
    let out = run(&e, &events).await;
    assert_eq!(out, OrgOutcome::Done { items: 250, calls: 3 }, "pages of 100, 100 and 50 (the head)");
    let feed: Option<String> = sqlx::query_scalar("SELECT feed_cursor FROM sync_cursors WHERE resource = 'Events'")
        .fetch_one(d.store.pool())
        .await
        .unwrap();
    assert_eq!(feed.as_deref(), Some("EV000250"), "the feed cursor has its own column again");

    events.append(120);
    *events.fail_after.lock().unwrap() = Some(events.calls.load(Ordering::SeqCst) + 1);
    assert!(matches!(run(&e, &events).await, OrgOutcome::Failed { .. }), "stopped after one page of the poll");
    *events.fail_after.lock().unwrap() = None;
    events.asked.lock().unwrap().clear();
    let out = run(&e, &events).await;
    assert_eq!(out, OrgOutcome::Done { items: 20, calls: 1 }, "only the events after the committed page");
    assert_eq!(events.asked.lock().unwrap().clone(), [Some("EV000350".to_owned())]);
    assert_eq!(stored(&d.store, "o1", "Events").await, events.upstream());

    events.asked.lock().unwrap().clear();
    assert!(matches!(run(&e, &events).await, OrgOutcome::Done { items: 0, calls: 1 }), "nothing new: one empty poll");
    assert_eq!(events.asked.lock().unwrap().clone(), [Some("EV000370".to_owned())], "polled from the head");
}
