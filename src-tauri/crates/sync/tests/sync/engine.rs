use crate::{clock, db, engine, stored, upstream, Fake, TableSink};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use xp_sync::{CancellationToken, Org, OrgOutcome, Progress, ProgressState};

fn org(id: &str) -> Org {
    Org { id: crate::oid(id), external_id: format!("tenant-{id}"), name: format!("Org {id}") }
}

fn collect() -> (Arc<Mutex<Vec<Progress>>>, impl Fn(Progress) + Send + Sync) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    (seen, move |p| s.lock().unwrap().push(p))
}

#[tokio::test]
async fn a_full_sync_copies_everything_page_by_page_with_progress() {
    let d = db(&["o1"]).await;
    let fake = Fake::with_records("Invoices", 2_345);
    let (seen, report) = collect();
    let out = engine(&d.store, &clock(), 1000)
        .sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &report, &CancellationToken::new())
        .await;
    assert_eq!(out, OrgOutcome::Done { items: 2_345, calls: 4 }, "1 call for Settings + 3 pages of 1000");
    assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"));
    let seen = seen.lock().unwrap();
    let last = seen.iter().rev().find(|p| p.resource == "Invoices").unwrap();
    assert_eq!(
        (last.state, last.pages_done, last.page_count, last.items_done),
        (ProgressState::Done, 3, Some(3), 2_345)
    );
    assert!(seen.iter().any(|p| p.state == ProgressState::Running && p.items_done == 1000), "progress after each page");
}

#[tokio::test]
async fn an_incremental_sync_reads_only_what_changed() {
    let d = db(&["o1"]).await;
    let fake = Fake::with_records("Invoices", 500);
    let c = clock();
    let e = engine(&d.store, &c, 100);
    let cancel = CancellationToken::new();
    e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &cancel).await;
    let before = fake.calls.load(Ordering::SeqCst);
    // Nothing changed: one call per resource.
    e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &cancel).await;
    assert_eq!(fake.calls.load(Ordering::SeqCst) - before, 2, "no changes → one call per resource");
    fake.touch("r00010", 9_000, -1);
    fake.touch("r00020", 9_001, -2);
    let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &cancel).await;
    // The boundary record (the previous high-water mark) is read again: inclusive modified-since.
    assert!(matches!(out, OrgOutcome::Done { items, .. } if items <= 3 + 500), "{out:?}");
    assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"));
}

#[tokio::test]
async fn an_interrupted_sync_resumes_from_its_last_page_and_ends_equal() {
    for stop_after in [1u32, 2, 3, 5, 7] {
        let d = db(&["o1"]).await;
        let fake = Fake::with_records("Invoices", 1_050);
        let c = clock();
        let e = engine(&d.store, &c, 100);
        *fake.fail_after.lock().unwrap() = Some(stop_after);
        let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
        assert!(matches!(out, OrgOutcome::Failed { .. }), "{out:?}");
        *fake.fail_after.lock().unwrap() = None;
        let calls_before = fake.calls.load(Ordering::SeqCst);
        let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
        assert!(matches!(out, OrgOutcome::Done { .. }), "{out:?}");
        assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"), "stopped after {stop_after}");
        let resumed_calls = fake.calls.load(Ordering::SeqCst) - calls_before;
        assert!(resumed_calls <= 12, "resumed, not restarted: {resumed_calls} calls after stopping at {stop_after}");
    }
}

#[tokio::test]
async fn a_burst_of_failures_on_one_page_is_asked_again_within_the_run() {
    let d = db(&["o1"]).await;
    let fake = Fake::with_records("Invoices", 350);
    let e = crate::engine_with_retries(&d.store, &clock(), 100, 3);
    // The run's first read fails three times in a row, then the source works again.
    fake.fail_next.store(3, Ordering::SeqCst);
    let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
    assert!(matches!(out, OrgOutcome::Done { .. }), "three failures fit three page retries: {out:?}");
    assert_eq!(fake.fail_next.load(Ordering::SeqCst), 0, "every failure of the burst was served");
    assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"));
    // Settings (one call) + four pages of Invoices, and the three failed tries.
    assert_eq!(fake.calls.load(Ordering::SeqCst), 1 + 4 + 3, "only the failed read was asked again");
}

#[tokio::test]
async fn a_page_that_outlasts_its_retries_stops_the_run_which_resumes_there_next_time() {
    let d = db(&["o1"]).await;
    let fake = Fake::with_records("Invoices", 350);
    let e = crate::engine_with_retries(&d.store, &clock(), 100, 2);
    fake.fail_next.store(3, Ordering::SeqCst);
    let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
    let OrgOutcome::Failed { failed } = &out else { panic!("three failures outlast two retries: {out:?}") };
    assert!(failed[0].1.contains("502 Bad Gateway"), "the reason is the provider's: {failed:?}");
    assert_eq!(fake.calls.load(Ordering::SeqCst), 3, "one try and two retries, no more");
    let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
    assert!(matches!(out, OrgOutcome::Done { .. }), "{out:?}");
    assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"));
}

#[tokio::test]
async fn a_full_reconciliation_removes_what_is_gone_upstream() {
    let d = db(&["o1"]).await;
    let fake = Fake::with_records("Invoices", 300);
    let c = clock();
    let e = engine(&d.store, &c, 100);
    let cancel = CancellationToken::new();
    e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &cancel).await;
    fake.remove("r00007");
    // A deletion does not show in a modified-since read; the periodic full pass catches it.
    e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &cancel).await;
    assert_eq!(stored(&d.store, "o1", "Invoices").await.len(), 300);
    c.advance(time::Duration::days(8));
    e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &cancel).await;
    assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"));
}

#[tokio::test]
async fn cancelling_stops_between_pages_and_the_next_run_resumes() {
    let d = db(&["o1"]).await;
    let fake = Fake::with_records("Invoices", 1_000);
    let e = engine(&d.store, &clock(), 100);
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    let report = move |p: Progress| {
        if p.resource == "Invoices" && p.pages_done == 3 {
            c2.cancel();
        }
    };
    let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &report, &cancel).await;
    assert_eq!(out, OrgOutcome::Cancelled);
    let partial = stored(&d.store, "o1", "Invoices").await.len();
    assert_eq!(partial, 300, "committed pages stay");
    let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
    assert!(matches!(out, OrgOutcome::Done { items: 700, .. }), "{out:?}");
    assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"));
}

#[tokio::test]
async fn a_daily_limit_pauses_one_organisation_and_not_the_others() {
    let d = db(&["o1", "o2"]).await;
    let limited = Fake::with_records("Invoices", 500);
    *limited.daily_limit_after.lock().unwrap() = Some(2);
    let e = engine(&d.store, &clock(), 100);
    let out = e.sync_org(limited.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
    assert!(matches!(out, OrgOutcome::Paused { retry_after: Some(_) }), "{out:?}");
    let healthy = Fake::with_records("Invoices", 500);
    let results = e
        .sync_orgs(
            healthy.clone(),
            Arc::new(TableSink),
            vec![org("o2")],
            false,
            Arc::new(|_| {}),
            CancellationToken::new(),
            no_hook(),
        )
        .await;
    assert!(matches!(results[0].1, OrgOutcome::Done { items: 500, .. }));
}

#[tokio::test]
async fn many_organisations_sync_side_by_side() {
    let ids: Vec<String> = (0..12).map(|i| format!("o{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let d = db(&refs).await;
    let fake = Fake::with_records("Invoices", 250);
    let orgs = ids.iter().map(|i| org(i)).collect();
    let results = engine(&d.store, &clock(), 100)
        .sync_orgs(
            fake.clone(),
            Arc::new(TableSink),
            orgs,
            false,
            Arc::new(|_| {}),
            CancellationToken::new(),
            no_hook(),
        )
        .await;
    assert_eq!(results.len(), 12);
    for (o, out) in &results {
        assert!(matches!(out, OrgOutcome::Done { items: 250, .. }), "{}: {out:?}", o.id);
        assert_eq!(stored(&d.store, &o.name[4..], "Invoices").await.len(), 250);
    }
}

fn no_hook() -> Arc<dyn Fn(Org, OrgOutcome) -> xp_sync::BoxFuture<'static, ()> + Send + Sync> {
    Arc::new(|_, _| Box::pin(async {}))
}

#[tokio::test]
async fn a_record_the_sink_refuses_fails_the_organisation_with_a_reason_and_commits_nothing_of_its_page() {
    let d = db(&["o1"]).await;
    let fake = Fake::with_records("Invoices", 250);
    // Sorted between r00149 and r00150: on page 2.
    fake.data.lock().unwrap().push(("Invoices".into(), serde_json::json!({"updated": 1_149, "value": 77})));
    let e = engine(&d.store, &clock(), 100);
    let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
    let OrgOutcome::Failed { failed } = &out else { panic!("a refused record fails the organisation: {out:?}") };
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].0, "Invoices");
    assert_eq!(
        failed[0].1, "storing the page failed: Invoices record 77 cannot be stored: it has no id",
        "the reason says which record and why, in words"
    );
    assert_eq!(stored(&d.store, "o1", "Invoices").await.len(), 100, "page 1 stays, nothing of page 2 was written");
    fake.data.lock().unwrap().retain(|(_, r)| r.get("id").is_some());
    let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
    assert!(matches!(out, OrgOutcome::Done { items: 150, .. }), "resumed at page 2: {out:?}");
    assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"));
}

/// An engine that commits up to `records` records at a time (pages of 100).
fn grouping(store: &xp_store::Store, records: usize) -> xp_sync::Engine {
    let clock: Arc<dyn xp_core::Clock> = Arc::new(clock());
    let config = xp_sync::EngineConfig {
        page_size: 100,
        page_retries: 0,
        commit_records: records,
        commit_every: std::time::Duration::from_secs(3600),
        ..xp_sync::EngineConfig::default()
    };
    xp_sync::Engine::new(store.clone(), clock, config)
}

/// The test sink, counting its writes (one per commit) and the records in each.
#[derive(Default)]
struct CountingSink(Mutex<Vec<usize>>);

impl xp_sync::Sink for CountingSink {
    type Rows = <TableSink as xp_sync::Sink>::Rows;

    fn read(&self, job: &xp_sync::JobKey, records: Vec<serde_json::Value>) -> Result<Self::Rows, xp_sync::SinkError> {
        TableSink.read(job, records)
    }

    fn write<'a>(
        &'a self,
        conn: &'a mut sqlx::SqliteConnection,
        job: &'a xp_sync::JobKey,
        pages: &'a [Self::Rows],
    ) -> xp_sync::BoxFuture<'a, Result<(), xp_sync::SinkError>> {
        if job.resource == "Invoices" {
            self.0.lock().unwrap().push(pages.iter().map(Vec::len).sum());
        }
        TableSink.write(conn, job, pages)
    }

    fn remove_missing<'a>(
        &'a self,
        conn: &'a mut sqlx::SqliteConnection,
        job: &'a xp_sync::JobKey,
        keep: &'a [String],
    ) -> xp_sync::BoxFuture<'a, Result<u64, xp_sync::SinkError>> {
        TableSink.remove_missing(conn, job, keep)
    }
}

#[tokio::test]
async fn pages_fetched_back_to_back_are_committed_together_with_the_position_after_the_last() {
    let d = db(&["o1"]).await;
    let fake = Fake::with_records("Invoices", 1_050);
    let sink = CountingSink::default();
    let out = grouping(&d.store, 500)
        .sync_org(fake.as_ref(), &sink, &org("o1"), false, &|_| {}, &CancellationToken::new())
        .await;
    assert_eq!(out, OrgOutcome::Done { items: 1_050, calls: 12 }, "Settings + 11 pages");
    assert_eq!(*sink.0.lock().unwrap(), [500, 500, 50], "five pages per commit, then the last page");
    assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"));
}

#[tokio::test]
async fn a_failure_inside_a_group_keeps_the_whole_pages_before_it_and_the_next_run_resumes_after_them() {
    for stop_after in [2u32, 4, 6, 9] {
        let d = db(&["o1"]).await;
        let fake = Fake::with_records("Invoices", 1_050);
        let e = grouping(&d.store, 500);
        // Calls: Settings, then Invoices pages; the call after `stop_after` fails.
        *fake.fail_after.lock().unwrap() = Some(stop_after);
        let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
        assert!(matches!(out, OrgOutcome::Failed { .. }), "{out:?}");
        let kept = stored(&d.store, "o1", "Invoices").await.len();
        assert_eq!(
            kept,
            100 * (stop_after as usize - 1),
            "every page fetched before the failure is kept ({stop_after})"
        );
        *fake.fail_after.lock().unwrap() = None;
        let before = fake.calls.load(Ordering::SeqCst);
        let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
        assert!(matches!(out, OrgOutcome::Done { .. }), "{out:?}");
        assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"), "stopped after {stop_after}");
        let resumed = fake.calls.load(Ordering::SeqCst) - before;
        assert_eq!(resumed, 1 + 11 - (stop_after - 1), "resumed after the kept pages ({stop_after})");
    }
}

#[tokio::test]
async fn a_record_refused_inside_a_group_keeps_the_pages_read_before_it_and_nothing_of_its_own() {
    let d = db(&["o1"]).await;
    let fake = Fake::with_records("Invoices", 1_050);
    // Sorted between r00349 and r00350: on page 4, inside the first group of five pages.
    fake.data.lock().unwrap().push(("Invoices".into(), serde_json::json!({"updated": 1_349, "value": 77})));
    let sink = CountingSink::default();
    let e = grouping(&d.store, 500);
    let out = e.sync_org(fake.as_ref(), &sink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
    let OrgOutcome::Failed { failed } = &out else { panic!("a refused record fails the organisation: {out:?}") };
    assert_eq!(failed[0].1, "storing the page failed: Invoices record 77 cannot be stored: it has no id");
    assert_eq!(*sink.0.lock().unwrap(), [300], "pages 1 to 3, read before page 4, are committed in one");
    assert_eq!(stored(&d.store, "o1", "Invoices").await.len(), 300, "nothing of page 4");
    fake.data.lock().unwrap().retain(|(_, r)| r.get("id").is_some());
    let before = fake.calls.load(Ordering::SeqCst);
    let out = e.sync_org(fake.as_ref(), &sink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
    assert!(matches!(out, OrgOutcome::Done { items: 750, .. }), "resumed at page 4: {out:?}");
    assert_eq!(fake.calls.load(Ordering::SeqCst) - before, 1 + 8, "Settings, then pages 4 to 11");
    assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"));
}

#[tokio::test]
async fn a_cancel_inside_a_group_keeps_the_pages_fetched_before_it() {
    let d = db(&["o1"]).await;
    let fake = Fake::with_records("Invoices", 1_050);
    let cancel = CancellationToken::new();
    // Calls: Settings, then Invoices pages 1, 2, 3; the person cancels while page 3 is read.
    *fake.cancel_at.lock().unwrap() = Some((4, cancel.clone()));
    let e = grouping(&d.store, 500);
    let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &cancel).await;
    assert_eq!(out, OrgOutcome::Cancelled);
    assert_eq!(
        stored(&d.store, "o1", "Invoices").await.len(),
        200,
        "pages 1 and 2, fetched before the cancel, are kept"
    );
    let before = fake.calls.load(Ordering::SeqCst);
    let out = e.sync_org(fake.as_ref(), &TableSink, &org("o1"), false, &|_| {}, &CancellationToken::new()).await;
    assert!(matches!(out, OrgOutcome::Done { .. }), "{out:?}");
    assert_eq!(fake.calls.load(Ordering::SeqCst) - before, 1 + 9, "resumed at page 3");
    assert_eq!(stored(&d.store, "o1", "Invoices").await, upstream(&fake, "Invoices"));
}
