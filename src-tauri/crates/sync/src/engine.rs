//! Runs passes: per organisation its resources one after another, organisations side by side.

use crate::cursor;
use crate::error::{Error, Result, SinkError, SourceError};
use crate::pass::{self, Order, PageFacts, Paging, Position, Shape};
use crate::progress::{eta, Progress, ProgressState};
use serde_json::Value;
use sqlx::SqliteConnection;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use xp_core::ids::OrganisationId;
use xp_core::Clock;
use xp_store::Store;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One resource of one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobKey {
    /// The app's organisation id (sync_cursors' key).
    pub organisation_id: OrganisationId,
    /// The provider's id for it (Xero tenant id, GoCardless creditor, OKX account).
    pub external_id: String,
    pub resource: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSpec {
    pub name: String,
    /// How the provider pages it.
    pub paging: Paging,
    /// The order the provider returns it in. Newest first, an incremental pass reads from the
    /// head and stops at the high-water mark.
    pub order: Order,
    /// Can be read from a high-water mark (a modified-since filter, a newest-first list that
    /// stops at the mark, a window from the mark, a feed cursor); otherwise every pass is full.
    pub incremental: bool,
}

impl ResourceSpec {
    /// A resource read by numbered pages, oldest first (Xero's lists).
    pub fn numbered(name: &str, incremental: bool) -> Self {
        Self { name: name.to_owned(), paging: Paging::Numbered, order: Order::OldestFirst, incremental }
    }

    /// A resource one call returns whole.
    pub fn whole(name: &str, incremental: bool) -> Self {
        Self { name: name.to_owned(), paging: Paging::Whole, order: Order::OldestFirst, incremental }
    }

    fn shape(&self) -> Shape {
        Shape { paging: self.paging, order: self.order }
    }
}

/// What the engine asks a source for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// Where to read: the whole resource, a page number, a cursor, or a cursor inside a time window.
    pub position: Position,
    pub page_size: u32,
    /// The high-water mark (ms, provider time; inclusive) for sources that filter by
    /// modification; None on a full pass.
    pub since_ms: Option<i64>,
}

impl FetchRequest {
    /// The page number of a numbered read, None for the other positions.
    pub fn page(&self) -> Option<u32> {
        match self.position {
            Position::Page(n) => Some(n),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct FetchedPage {
    pub records: Vec<Value>,
    /// Cursor and window paging: the provider's cursor for the following page, None when this
    /// page is the last (of the list, or of the window). An oldest-first feed gives the cursor
    /// after its newest record even on the last page: the next pass polls from there.
    pub next_cursor: Option<String>,
    pub page_count: Option<u32>,
    pub item_count: Option<u64>,
    /// Set by a source that knows whether more follows this page, which then decides instead
    /// of the page's size: an oldest-first feed whose first batch is the oldest, part-filled
    /// page of many (GoCardless lists newest first, so the oldest page is the last one's rest).
    pub more: Option<bool>,
}

/// How to read a provider.
pub trait Source: Send + Sync {
    fn resources(&self) -> Vec<ResourceSpec>;
    fn fetch<'a>(
        &'a self,
        job: &'a JobKey,
        req: FetchRequest,
    ) -> BoxFuture<'a, std::result::Result<FetchedPage, SourceError>>;
    /// The record's id, for reconciliation.
    fn record_id(&self, resource: &str, record: &Value) -> Option<String>;
    /// The record's last modification (ms since the epoch, provider time).
    fn record_updated_ms(&self, resource: &str, record: &Value) -> Option<i64>;
}

/// How to store what was read: each fetched page is first read into the sink's own rows, then
/// written with the pages committed alongside it.
pub trait Sink: Send + Sync {
    /// A fetched page as the sink holds it until its commit: typed rows, a fraction of the
    /// parsed JSON's size (a Xero invoice: 6,430 bytes as `serde_json::Value`s, 2,005 as rows;
    /// docs/benchmarks.md), so the engine can gather many pages into one commit.
    type Rows: Send + Sync;

    /// Reads one fetched page into rows, outside any transaction, so SQLite's write lock is not
    /// held while the JSON is read. Every record is read before any is written, so a record that
    /// cannot be stored fails its page here: the pages read before it are committed, nothing of
    /// its own.
    fn read(&self, job: &JobKey, records: Vec<Value>) -> std::result::Result<Self::Rows, SinkError>;

    /// Stores `pages` (in the order they were fetched) inside their commit's transaction.
    fn write<'a>(
        &'a self,
        conn: &'a mut SqliteConnection,
        job: &'a JobKey,
        pages: &'a [Self::Rows],
    ) -> BoxFuture<'a, std::result::Result<(), SinkError>>;

    /// After a complete full pass: remove local records of `job` whose ids are not in `keep`.
    /// By default nothing is removed: what a provider stops listing is history kept for the
    /// books (a report out of reach, a feed of events), unless the sink says otherwise.
    fn remove_missing<'a>(
        &'a self,
        _conn: &'a mut SqliteConnection,
        _job: &'a JobKey,
        _keep: &'a [String],
    ) -> BoxFuture<'a, std::result::Result<u64, SinkError>> {
        Box::pin(async { Ok(0) })
    }
}

/// A fetched page read into the sink's rows, with what the pass needs to know of it.
struct ReadPage<R> {
    rows: R,
    records: usize,
    /// The records' ids, when a full pass keeps them for removing what is gone upstream.
    ids: Vec<String>,
    min_updated_ms: Option<i64>,
    max_updated_ms: Option<i64>,
    next_cursor: Option<String>,
    page_count: Option<u32>,
    item_count: Option<u64>,
    more: Option<bool>,
}

#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    pub page_size: u32,
    /// How often a full reconciliation runs instead of an incremental pass.
    pub full_every: Duration,
    /// Organisations synced side by side.
    pub concurrent_organisations: usize,
    /// How often a page that failed transiently (after the HTTP client's own retries) is asked
    /// for again within the run before the run stops there. A burst of faults that lands on one
    /// request outlasts that request's retries; the page is still worth another try a little
    /// later rather than a whole new run.
    pub page_retries: u32,
    /// The wait before the first page retry; it doubles with each retry.
    pub page_retry_delay: Duration,
    /// Pages fetched back to back are committed together, up to this many records: a commit
    /// re-encrypts every index leaf it touched, and the random-keyed indexes (GUIDs, contacts,
    /// amounts) are touched all over by any page, so one commit per 1,000 invoices rewrote
    /// nearly the same leaves again and again (docs/benchmarks.md, ingest). Each commit still
    /// holds its pages' rows and the position after the last of them: a crash loses fetched
    /// pages, never writes half of one. 1 commits every page. The pages wait as the sink's
    /// rows, not as JSON; how long a group may hold the write lock is bounded by the store's
    /// pace (20,000 invoices take about a second) and `commit_every`.
    pub commit_records: usize,
    /// How long a fetched page may wait for the next before it is committed anyway, so a sync
    /// paced by the provider's rate limit still keeps its position every few seconds.
    pub commit_every: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            page_size: 1000,
            full_every: Duration::from_secs(7 * 86_400),
            concurrent_organisations: 8,
            page_retries: 3,
            page_retry_delay: Duration::from_secs(2),
            commit_records: 20_000,
            commit_every: Duration::from_secs(3),
        }
    }
}

/// How one organisation's sync ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgOutcome {
    Done {
        items: u64,
        calls: u32,
    },
    Cancelled,
    /// The daily limit: nothing more today.
    Paused {
        retry_after: Option<Duration>,
    },
    ReconnectNeeded(String),
    /// A resource failed (transient: network, provider, broken body); the run stopped there and
    /// resumes from the cursors next time.
    Failed {
        failed: Vec<(String, String)>,
    },
}

impl OrgOutcome {
    /// How the organisation's row records this outcome: paused on the daily limit, waiting for
    /// a reconnect, else active; its data current only when the sync completed. The budgets
    /// are the provider's API allowance left, where it reports one.
    pub fn recorded(
        &self,
        budget_minute: Option<u32>,
        budget_day: Option<u32>,
    ) -> xp_store::organisations::SyncOutcome {
        use xp_store::organisations::Status;
        let status = match self {
            OrgOutcome::Paused { .. } => Status::Paused,
            OrgOutcome::ReconnectNeeded(_) => Status::ReconnectNeeded,
            _ => Status::Active,
        };
        let completed = matches!(self, OrgOutcome::Done { .. });
        xp_store::organisations::SyncOutcome { status, completed, budget_minute, budget_day }
    }
}

#[derive(Clone)]
pub struct Engine {
    store: Store,
    clock: Arc<dyn Clock>,
    config: EngineConfig,
}

/// The organisation an engine run is about.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: OrganisationId,
    /// The provider's id for it (Xero tenant id, ...).
    pub external_id: String,
    pub name: String,
}

impl Engine {
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: EngineConfig) -> Self {
        Self { store, clock, config }
    }

    fn now_ms(&self) -> i64 {
        (self.clock.now().unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// Syncs every resource of one organisation, in order; stops early on cancellation, a
    /// daily limit or lost credentials.
    pub async fn sync_org<K: Sink + ?Sized>(
        &self,
        source: &dyn Source,
        sink: &K,
        org: &Org,
        force_full: bool,
        report: &(dyn Fn(Progress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> OrgOutcome {
        let mut items = 0;
        let mut calls = 0;
        let mut failed = Vec::new();
        for spec in source.resources() {
            let job =
                JobKey { organisation_id: org.id, external_id: org.external_id.clone(), resource: spec.name.clone() };
            match self.sync_resource(source, sink, org, &job, &spec, force_full, report, cancel).await {
                Ok((n, c)) => {
                    items += n;
                    calls += c;
                }
                Err(Error::Cancelled) => return OrgOutcome::Cancelled,
                Err(Error::Source(SourceError::DailyLimit { retry_after })) => {
                    return OrgOutcome::Paused { retry_after }
                }
                Err(Error::Source(SourceError::ReconnectNeeded(m))) => return OrgOutcome::ReconnectNeeded(m),
                // The network or the provider is failing: the other resources would fail the
                // same way (each after its retries), so stop here; the next run resumes.
                Err(e) => {
                    failed.push((spec.name.clone(), e.to_string()));
                    break;
                }
            }
        }
        if failed.is_empty() {
            OrgOutcome::Done { items, calls }
        } else {
            OrgOutcome::Failed { failed }
        }
    }

    /// Syncs several organisations side by side (bounded); each keeps its own pace, so a slow
    /// or limited one does not hold the others back. `on_org_done` runs when an organisation
    /// finishes (e.g. to record its last-synced time), and that organisation's final progress
    /// event is held back until it has run, so a UI that reloads on it sees the recorded state.
    #[allow(clippy::too_many_arguments)]
    pub async fn sync_orgs<K: Sink + ?Sized + 'static>(
        &self,
        source: Arc<dyn Source>,
        sink: Arc<K>,
        orgs: Vec<Org>,
        force_full: bool,
        report: Arc<dyn Fn(Progress) + Send + Sync>,
        cancel: CancellationToken,
        on_org_done: Arc<dyn Fn(Org, OrgOutcome) -> BoxFuture<'static, ()> + Send + Sync>,
    ) -> Vec<(Org, OrgOutcome)> {
        let slots = Arc::new(tokio::sync::Semaphore::new(self.config.concurrent_organisations.max(1)));
        let mut set = tokio::task::JoinSet::new();
        for org in orgs {
            let (engine, source, sink, report, cancel, slots, on_org_done) = (
                self.clone(),
                source.clone(),
                sink.clone(),
                report.clone(),
                cancel.clone(),
                slots.clone(),
                on_org_done.clone(),
            );
            set.spawn(async move {
                let _slot = slots.acquire_owned().await;
                // A finishing event (done, failed, ...) waits for the next event or for the end.
                let held: Arc<std::sync::Mutex<Option<Progress>>> = Arc::default();
                let (hold, forward) = (held.clone(), report.clone());
                let held_report = move |p: Progress| {
                    let mut slot = hold.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(previous) = slot.take() {
                        forward(previous);
                    }
                    if p.state == ProgressState::Running {
                        forward(p);
                    } else {
                        *slot = Some(p);
                    }
                };
                let outcome =
                    engine.sync_org(source.as_ref(), sink.as_ref(), &org, force_full, &held_report, &cancel).await;
                on_org_done(org.clone(), outcome.clone()).await;
                let last = held.lock().unwrap_or_else(|e| e.into_inner()).take();
                if let Some(p) = last {
                    report(p);
                }
                (org, outcome)
            });
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(done) = r {
                out.push(done);
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    async fn sync_resource<K: Sink + ?Sized>(
        &self,
        source: &dyn Source,
        sink: &K,
        org: &Org,
        job: &JobKey,
        spec: &crate::ResourceSpec,
        force_full: bool,
        report: &(dyn Fn(Progress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<(u64, u32)> {
        let mut conn = self.store.pool().acquire().await?;
        let mut saved = cursor::load(&mut conn, job.organisation_id, &job.resource).await?;
        drop(conn);
        let full_every_ms = self.config.full_every.as_millis() as i64;
        let shape = spec.shape();
        let mut pass = pass::begin(&saved, shape, self.now_ms(), full_every_ms, force_full || !spec.incremental);
        let started = Instant::now();
        let mut items_done = 0u64;
        let mut pages_done = 0u32;
        let mut keep_ids: Vec<String> = Vec::new();
        let progress = |state, pages_done: u32, items_done: u64, pass: &pass::Pass, message: Option<String>| Progress {
            organisation_id: org.id,
            organisation_name: org.name.clone(),
            resource: job.resource.clone(),
            state,
            pages_done,
            page_count: pass.item_count.map(|n| n.div_ceil(self.config.page_size as u64) as u32),
            items_done,
            item_count: pass.item_count,
            eta: eta(items_done, pass.item_count, started.elapsed()),
            message,
        };
        report(progress(ProgressState::Running, 0, 0, &pass, None));
        let request = |pass: &pass::Pass| FetchRequest {
            position: pass.position.clone(),
            page_size: self.config.page_size,
            since_ms: pass.since_ms,
        };
        if cancel.is_cancelled() {
            report(progress(ProgressState::Cancelled, pages_done, items_done, &pass, None));
            return Err(Error::Cancelled);
        }
        // A full pass (not resumed) keeps every id it reads, to remove what is gone upstream.
        let keeps = |pass: &pass::Pass| pass.full && !pass.resumed;
        let mut fetched = tokio::select! {
            r = self.fetch_read(source, sink, job, request(&pass), keeps(&pass)) => r,
            _ = cancel.cancelled() => {
                report(progress(ProgressState::Cancelled, pages_done, items_done, &pass, None));
                return Err(Error::Cancelled);
            }
        };
        // Pages read and not committed yet: their rows, how many records, when the first came.
        let mut pending: Vec<K::Rows> = Vec::new();
        let mut pending_records = 0usize;
        let mut pending_since: Option<Instant> = None;
        // The position after the last pending page, as the commit of the pending pages saves it.
        let mut pending_pass = pass.clone();
        loop {
            let page = match fetched {
                Ok(p) => p,
                Err(e) => {
                    // The pages read before are whole: keep them, then stop where this failed.
                    if !pending.is_empty() {
                        let flushed = self
                            .commit_page(sink, job, shape, &pending, &mut saved, &pending_pass, false, &keep_ids)
                            .await;
                        if let Err(c) = flushed {
                            report(progress(ProgressState::Failed, pages_done, items_done, &pass, Some(c.to_string())));
                            return Err(c);
                        }
                        pages_done += pending.len() as u32;
                        items_done += pending_records as u64;
                    }
                    let state = match e {
                        Error::Source(SourceError::DailyLimit { .. }) => ProgressState::Paused,
                        _ => ProgressState::Failed,
                    };
                    report(progress(state, pages_done, items_done, &pass, Some(e.to_string())));
                    return Err(e);
                }
            };
            let whole = spec.paging == Paging::Whole;
            let facts = PageFacts {
                records: page.records,
                page_size: self.config.page_size,
                page_count: page.page_count,
                item_count: page.item_count.or(whole.then_some(page.records as u64)),
                max_updated_ms: page.max_updated_ms,
                min_updated_ms: page.min_updated_ms,
                next_cursor: page.next_cursor,
                more: page.more,
            };
            let done = pass::after_page(&mut pass, shape, &facts);
            keep_ids.extend(page.ids);
            pending.push(page.rows);
            pending_records += page.records;
            pending_pass = pass.clone();
            let since = *pending_since.get_or_insert_with(Instant::now);
            let flush = done
                || pending_records >= self.config.commit_records.max(1)
                || since.elapsed() >= self.config.commit_every;
            if !flush {
                let next_req = request(&pass);
                let next = tokio::select! {
                    r = self.fetch_read(source, sink, job, next_req, keeps(&pass)) => Some(r),
                    _ = cancel.cancelled() => None,
                };
                match next {
                    Some(r) if !cancel.is_cancelled() => {
                        fetched = r;
                        continue;
                    }
                    _ => {
                        // Cancelled with whole pages in hand: they are kept before stopping.
                        let flushed = self
                            .commit_page(sink, job, shape, &pending, &mut saved, &pending_pass, false, &keep_ids)
                            .await;
                        if let Err(e) = flushed {
                            report(progress(ProgressState::Failed, pages_done, items_done, &pass, Some(e.to_string())));
                            return Err(e);
                        }
                        pages_done += pending.len() as u32;
                        items_done += pending_records as u64;
                        report(progress(ProgressState::Cancelled, pages_done, items_done, &pass, None));
                        return Err(Error::Cancelled);
                    }
                }
            }
            let pages = std::mem::take(&mut pending);
            let records = std::mem::take(&mut pending_records);
            pending_since = None;
            let snapshot = pending_pass.clone();
            let commit = self.commit_page(sink, job, shape, &pages, &mut saved, &snapshot, done, &keep_ids);
            if done {
                if let Err(e) = commit.await {
                    report(progress(ProgressState::Failed, pages_done, items_done, &pass, Some(e.to_string())));
                    return Err(e);
                }
                pages_done += pages.len() as u32;
                items_done += records as u64;
                report(progress(ProgressState::Done, pages_done, items_done, &pass, None));
                return Ok((items_done, pages_done));
            }
            // The next page is fetched (and read into rows) while these are written: the rate
            // limit, not the store, sets the pace. Reading shares this task with the commit, so
            // its CPU overlaps the store's thread only while a statement runs there; the network
            // wait overlaps whole. The cursor still moves only with a committed page.
            let next_req = request(&pass);
            let (committed, next) = tokio::join!(commit, async {
                tokio::select! {
                    r = self.fetch_read(source, sink, job, next_req, keeps(&pass)) => Some(r),
                    _ = cancel.cancelled() => None,
                }
            });
            if let Err(e) = committed {
                report(progress(ProgressState::Failed, pages_done, items_done, &pass, Some(e.to_string())));
                return Err(e);
            }
            pages_done += pages.len() as u32;
            items_done += records as u64;
            report(progress(ProgressState::Running, pages_done, items_done, &pass, None));
            match next {
                Some(r) if !cancel.is_cancelled() => fetched = r,
                _ => {
                    report(progress(ProgressState::Cancelled, pages_done, items_done, &pass, None));
                    return Err(Error::Cancelled);
                }
            }
        }
    }

    /// Fetches one page (see [`Engine::fetch`]) and reads it into the sink's rows, noting its
    /// records' update times and, when `keep_ids`, their ids.
    async fn fetch_read<K: Sink + ?Sized>(
        &self,
        source: &dyn Source,
        sink: &K,
        job: &JobKey,
        req: FetchRequest,
        keep_ids: bool,
    ) -> Result<ReadPage<K::Rows>> {
        let page = self.fetch(source, job, req).await?;
        let updated = page.records.iter().filter_map(|r| source.record_updated_ms(&job.resource, r));
        let (min_updated_ms, max_updated_ms) = updated.fold((None, None), |(lo, hi), t| {
            (Some(lo.map_or(t, |l: i64| l.min(t))), Some(hi.map_or(t, |h: i64| h.max(t))))
        });
        let ids = if keep_ids {
            page.records.iter().filter_map(|r| source.record_id(&job.resource, r)).collect()
        } else {
            Vec::new()
        };
        let records = page.records.len();
        let rows = sink.read(job, page.records)?;
        Ok(ReadPage {
            rows,
            records,
            ids,
            min_updated_ms,
            max_updated_ms,
            next_cursor: page.next_cursor,
            page_count: page.page_count,
            item_count: page.item_count,
            more: page.more,
        })
    }

    /// Reads one page; a transient failure is asked again up to `page_retries` times with a
    /// doubling wait. Only `Transient` is retried: a daily limit or lost credentials will not
    /// change in seconds. The position is the same on every try (it moves only with a commit).
    async fn fetch(
        &self,
        source: &dyn Source,
        job: &JobKey,
        req: FetchRequest,
    ) -> std::result::Result<FetchedPage, SourceError> {
        let mut retried = 0u32;
        loop {
            match source.fetch(job, req.clone()).await {
                Err(SourceError::Transient(reason)) if retried < self.config.page_retries => {
                    let wait = self.config.page_retry_delay.saturating_mul(1 << retried.min(16));
                    retried += 1;
                    tracing::info!(resource = %job.resource, retried, wait_ms = wait.as_millis() as u64, %reason, "page failed; asking again");
                    tokio::time::sleep(wait).await;
                }
                r => return r,
            }
        }
    }

    /// Writes one page and the cursor after it in one transaction. IMMEDIATE takes the write
    /// lock up front: with several organisations writing at once, a deferred transaction's lock
    /// upgrade fails at once with SQLITE_BUSY instead of waiting.
    #[allow(clippy::too_many_arguments)]
    async fn commit_page<K: Sink + ?Sized>(
        &self,
        sink: &K,
        job: &JobKey,
        shape: Shape,
        pages: &[K::Rows],
        saved: &mut pass::Saved,
        pass: &pass::Pass,
        done: bool,
        keep_ids: &[String],
    ) -> Result<()> {
        let mut conn = self.store.sync_writer().acquire().await?;
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        let committed = async {
            sink.write(&mut conn, job, pages).await?;
            if done {
                if pass::may_remove_missing(pass) {
                    let removed = sink.remove_missing(&mut conn, job, keep_ids).await?;
                    if removed > 0 {
                        tracing::info!(resource = %job.resource, removed, "removed records gone upstream");
                    }
                }
                pass::finish(saved, shape, pass);
            } else {
                saved.pass = Some(pass.clone());
            }
            cursor::save(&mut conn, job.organisation_id, &job.resource, saved, self.now_ms()).await?;
            Ok::<_, Error>(())
        }
        .await;
        match committed {
            Ok(()) => {
                sqlx::query("COMMIT").execute(&mut *conn).await?;
                if done {
                    refresh_statistics(&mut conn).await;
                }
                Ok(())
            }
            Err(e) => {
                let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                Err(e)
            }
        }
    }
}

/// Lets SQLite refresh the query planner's statistics of the tables a finished pass wrote, on
/// the connection that wrote them: `PRAGMA optimize` only looks at tables the connection itself
/// has used, and the pages are written on the store's sync writer, not on the connections the
/// lists read with. Without statistics the planner picks worse plans for the lists (no skip-scan
/// for the currencies in use, the date index instead of the search index for a number search:
/// 1.4 ms became 13 ms at 100k invoices, docs/benchmarks.md). SQLite analyses a table again only
/// when an index lacks statistics or the table has grown 25-fold since, so after most passes
/// this does nothing; after a first full sync of 100k invoices it took 0.4 s. No
/// `analysis_limit`: statistics sampled from 400 rows took one organisation's 100k rows for 401,
/// and the lists' LIKE scans took 48 ms instead of 18 ms. A failure only costs plan quality.
async fn refresh_statistics(conn: &mut sqlx::SqliteConnection) {
    if let Err(e) = sqlx::query("PRAGMA optimize").execute(&mut *conn).await {
        tracing::warn!(error = %e, "refreshing the planner's statistics failed");
    }
}
