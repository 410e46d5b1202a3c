//! Saferpay for the sync engine: the Management API's transaction report read in time windows,
//! oldest first, from the last transaction seen (the engine keeps that mark with each page).
//! A desktop app receives no Saferpay notifications; the report is where a SEPA debit's later
//! life shows, above all its return or charge-back, which can come 8 weeks (authorised) or 13
//! months (unauthorised) after the debit. Each page's transactions are kept, and the
//! collections they belong to moved, in the page's transaction.
//!
//! The report reaches only up to yesterday ("EndDate must be less than today at 00:00"), in
//! Swiss time: a window reaching into today is read up to midnight, and what happened since is
//! left to a later pass (the mark is the newest transaction seen, not the window's end).

use crate::{Result, SaferpayService, PROVIDER};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use xp_core::Clock;
use xp_saferpay::{
    from_swiss, swiss_midnight, to_swiss, ReportQuery, ReportTransaction, SaferpayClient, MAX_REPORT_PAGE_SIZE,
};
use xp_store::collections::{self, Status};
use xp_store::organisations as orgs;
use xp_store::saferpay::transactions::{self as db, Chargeback, Transaction};
use xp_sync::{
    BoxFuture, CancellationToken, Engine, EngineConfig, FetchRequest, FetchedPage, JobKey, Order, Org, OrgOutcome,
    Paging, Position, Progress, ResourceSpec, Sink, SinkError, Source, SourceError,
};

/// The engine's name for the report (its `sync_cursors` row).
pub const REPORT: &str = "transactions";

const DAY_MS: i64 = 86_400_000;
/// A month per window: a few calls for a first year, one a month for a quiet account.
const WINDOW_MS: i64 = 31 * DAY_MS;
/// How far back a first pass (and each full one) reads: an unauthorised SEPA debit can be
/// charged back for 13 months, and the report is where that shows.
const HISTORY_MS: i64 = 400 * DAY_MS;

pub(crate) struct ReportSource {
    client: SaferpayClient,
    clock: Arc<dyn Clock>,
}

impl ReportSource {
    pub(crate) fn new(client: SaferpayClient, clock: Arc<dyn Clock>) -> Self {
        Self { client, clock }
    }

    async fn page(&self, req: &FetchRequest) -> std::result::Result<FetchedPage, SourceError> {
        let Position::Window { from_ms, until_ms, cursor } = &req.position else {
            return Err(SourceError::Transient(format!(
                "the transaction report is read in windows, not {:?}",
                req.position
            )));
        };
        let Some(query) = window_query(*from_ms, *until_ms, self.clock.now(), req.page_size)? else {
            return Ok(FetchedPage::default());
        };
        let page_number = match cursor {
            Some(c) => c.parse::<u32>().map_err(|_| SourceError::Transient(format!("report page {c:?}")))?,
            None => 1,
        };
        let query = ReportQuery { page_number, ..query };
        let page = self.client.transactions(&query).await.map_err(map_saferpay)?;
        let next_cursor = page.next_page().map(|n| n.to_string());
        let records = page
            .transactions
            .iter()
            .map(|t| transaction(t).and_then(|t| serde_json::to_value(t).map_err(|e| e.to_string())))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| SourceError::Transient(format!("a transaction of the report cannot be read: {e}")))?;
        Ok(FetchedPage {
            records,
            next_cursor,
            page_count: None,
            // The total is the window's, not the pass's: the engine would read windows of
            // different sizes as a list that moved under it.
            item_count: None,
            more: Some(page.next_page().is_some()),
        })
    }
}

/// The report query for the engine's window `[from_ms, until_ms)`, cut at the start of today in
/// Switzerland; `None` when nothing of the window can be read yet.
fn window_query(
    from_ms: i64,
    until_ms: i64,
    now: OffsetDateTime,
    page_size: u32,
) -> std::result::Result<Option<ReportQuery>, SourceError> {
    let at = |ms: i64| {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .map_err(|e| SourceError::Transient(format!("window time {ms}: {e}")))
    };
    let start = at(from_ms)?;
    let end = at(until_ms)?.min(swiss_midnight(now));
    // Dates go to the minute, both ends included: the last minute is the one before `end`.
    let minute = |t: OffsetDateTime| {
        let local = to_swiss(t);
        local.replace_second(0).and_then(|l| l.replace_nanosecond(0)).unwrap_or(local)
    };
    let (first, last) = (minute(start), minute(end - time::Duration::milliseconds(1)));
    if end <= start || last < first {
        return Ok(None);
    }
    Ok(Some(ReportQuery {
        start: first,
        end: last,
        state: None,
        terminal_id: None,
        page_size: page_size.clamp(1, MAX_REPORT_PAGE_SIZE),
        page_number: 1,
    }))
}

/// A report line as the store keeps it: times as moments, the return with its debit.
fn transaction(t: &ReportTransaction) -> std::result::Result<Transaction, String> {
    let auth = t.authorization_details.as_ref();
    let authorised = auth
        .map(|a| a.authorization_date)
        .or_else(|| t.failed_details.as_ref().and_then(|f| f.failed_date))
        .ok_or_else(|| format!("{} has neither an authorization nor a failure date", t.transaction_id))?;
    Ok(Transaction {
        id: t.transaction_id.clone(),
        order_id: t.order_id.clone(),
        kind: auth.map_or_else(|| "PAYMENT".to_owned(), |a| a.kind.clone()),
        state: auth.map_or_else(|| "FAILED".to_owned(), |a| a.state.clone()),
        payment_method: t.payment_method.clone(),
        amount: t.merchant_amount,
        authorised_at: from_swiss(authorised),
        captured_at: auth.and_then(|a| a.capture_date).map(from_swiss),
        chargeback: t.chargeback.as_ref().map(|c| Chargeback {
            kind: c.kind.clone(),
            reason_code: c.reason_code.clone(),
            at: c.date,
        }),
    })
}

/// The latest thing that happened to a transaction (ms): the report lists it in that window too.
fn last_change_ms(t: &Transaction) -> i64 {
    let latest = [Some(t.authorised_at), t.captured_at, t.chargeback.as_ref().map(|c| c.at)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(t.authorised_at);
    i64::try_from(latest.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn map_saferpay(e: xp_saferpay::Error) -> SourceError {
    if crate::service::refused(&e) {
        SourceError::ReconnectNeeded(e.to_string())
    } else {
        SourceError::Transient(e.to_string())
    }
}

impl Source for ReportSource {
    fn resources(&self) -> Vec<ResourceSpec> {
        vec![ResourceSpec {
            name: REPORT.to_owned(),
            paging: Paging::Window { span_ms: WINDOW_MS, history_ms: HISTORY_MS },
            order: Order::OldestFirst,
            incremental: true,
        }]
    }

    fn fetch<'a>(
        &'a self,
        _job: &'a JobKey,
        req: FetchRequest,
    ) -> BoxFuture<'a, std::result::Result<FetchedPage, SourceError>> {
        Box::pin(async move { self.page(&req).await })
    }

    fn record_id(&self, _resource: &str, record: &Value) -> Option<String> {
        record["id"].as_str().map(str::to_owned)
    }

    fn record_updated_ms(&self, _resource: &str, record: &Value) -> Option<i64> {
        serde_json::from_value::<Transaction>(record.clone()).ok().map(|t| last_change_ms(&t))
    }
}

/// What the report's pages changed, over a whole sync.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Transactions new or changed in the store.
    pub transactions: u64,
    /// Collections moved to charged back.
    pub returns: u64,
}

pub(crate) struct ReportSink {
    written: Mutex<Written>,
    clock: Arc<dyn Clock>,
}

impl Sink for ReportSink {
    type Rows = Vec<Transaction>;

    fn read(&self, job: &JobKey, records: Vec<Value>) -> std::result::Result<Vec<Transaction>, SinkError> {
        xp_sync::typed_page(&job.resource, records)
    }

    fn write<'a>(
        &'a self,
        conn: &'a mut sqlx::SqliteConnection,
        job: &'a JobKey,
        pages: &'a [Vec<Transaction>],
    ) -> BoxFuture<'a, std::result::Result<(), SinkError>> {
        Box::pin(async move {
            let now = self.clock.now();
            let (mut transactions, mut returns) = (0, 0);
            for page in pages {
                transactions += db::upsert_in(conn, job.organisation_id, page, now).await?;
                for t in page {
                    if charge_back(conn, t).await? {
                        returns += 1;
                    }
                }
            }
            if let Ok(mut total) = self.written.lock() {
                total.transactions += transactions;
                total.returns += returns;
            }
            Ok(())
        })
    }

    // `remove_missing` is the engine's default, which removes nothing: the report is history,
    // and a transaction out of its reach is not gone.
}

/// Moves the collection a returned debit belongs to, once: the return's id in its timeline is
/// the debit's, so a transaction read again in a later window moves nothing. Returns whether it
/// moved. Which app collection a debit is: the one whose Saferpay transaction it is.
async fn charge_back(conn: &mut sqlx::SqliteConnection, t: &Transaction) -> xp_store::Result<bool> {
    let Some(cb) = &t.chargeback else { return Ok(false) };
    let Some(c) = collections::by_provider_payment_in(conn, PROVIDER, &t.id).await? else { return Ok(false) };
    if !matches!(c.status, Status::Confirmed | Status::PaidOut) {
        return Ok(false);
    }
    let reason = return_reason(cb);
    collections::apply_event_in(
        conn,
        c.id,
        Status::ChargedBack,
        Some(&reason),
        &format!("saferpay:return:{}", t.id),
        cb.at,
    )
    .await
}

/// The timeline's words for a SEPA R-transaction: the claim and its ISO 20022 reason code.
fn return_reason(cb: &Chargeback) -> String {
    let why = match cb.reason_code.as_str() {
        "MD06" => "the payer asked their bank for the money back",
        "MD01" => "the payer's bank holds no mandate for it",
        "AM04" => "insufficient funds",
        "AC04" => "the account is closed",
        "AC06" => "the account is blocked",
        "MS02" => "refused by the payer",
        _ => "returned by the payer's bank",
    };
    let claim = if cb.kind.eq_ignore_ascii_case("UNAUTHORISED") { "unauthorised claim" } else { "authorised claim" };
    format!("SEPA return {} ({claim}): {why}", cb.reason_code)
}

/// What one sync did.
#[derive(Debug, Clone, Default)]
pub struct SyncSummary {
    pub written: Written,
    pub outcome: Option<OrgOutcome>,
}

impl SyncSummary {
    pub fn ok(&self) -> bool {
        matches!(self.outcome, Some(OrgOutcome::Done { .. }))
    }
}

/// A full read of the report's reach now and then catches what a window may have missed (a
/// transaction the report listed late).
const FULL_EVERY: std::time::Duration = std::time::Duration::from_secs(30 * 86_400);

impl SaferpayService {
    /// Reads the transaction report from where the last sync stopped (a full read of the
    /// last 400 days the first time and monthly), keeps its transactions and moves the
    /// collections Saferpay reports as returned.
    pub async fn sync(&self, full: bool, report: Arc<dyn Fn(Progress) + Send + Sync>) -> Result<SyncSummary> {
        let _one_at_a_time = self.running.lock().await;
        let ctx = self.ctx();
        let client = self.client()?;
        let org = self.customer().await?;
        let source = Arc::new(ReportSource::new(client, ctx.clock.clone()));
        let sink = Arc::new(ReportSink { written: Mutex::new(Written::default()), clock: ctx.clock.clone() });
        // Nothing waits on the report: a page Saferpay cannot answer now is read by a later sync
        // from the same place, so a run gives up on it sooner than on a ledger's feed.
        let config = EngineConfig {
            page_size: MAX_REPORT_PAGE_SIZE,
            full_every: FULL_EVERY,
            page_retries: 1,
            page_retry_delay: std::time::Duration::from_secs(1),
            ..EngineConfig::default()
        };
        let engine = Engine::new(ctx.store.clone(), ctx.clock.clone(), config);
        let done: Arc<dyn Fn(Org, OrgOutcome) -> BoxFuture<'static, ()> + Send + Sync> =
            Arc::new(|_, _| Box::pin(async {}));
        let cancel = CancellationToken::new();
        let outcome = engine
            .sync_orgs(source, sink.clone(), vec![org.clone()], full, report, cancel, done)
            .await
            .into_iter()
            .next()
            .map(|(_, o)| o);
        let id = org.id;
        let recorded = outcome.as_ref().unwrap_or(&OrgOutcome::Cancelled).recorded(None, None);
        orgs::record_sync(&ctx.store, id, recorded, ctx.clock.now()).await?;
        let written = *sink.written.lock().unwrap_or_else(|p| p.into_inner());
        Ok(SyncSummary { written, outcome })
    }

    /// Reads the report every `every` (at least hourly: it changes once a day, and Saferpay asks
    /// clients not to poll) until `stop`; after a failure, again in a few minutes.
    pub fn spawn_auto_sync(
        &self,
        every: std::time::Duration,
        report: Arc<dyn Fn(Progress) + Send + Sync>,
        stop: CancellationToken,
    ) {
        let this = self.clone();
        let every = every.max(REPORT_EVERY);
        tokio::spawn(async move {
            loop {
                let wait = match this.sync(false, report.clone()).await {
                    Ok(s) if !s.ok() => RETRY_AFTER,
                    Ok(_) => every,
                    // No credentials (yet): nothing to read.
                    Err(_) => every,
                };
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.cancelled() => return,
                }
            }
        });
    }
}

/// The background read's pace.
const REPORT_EVERY: std::time::Duration = std::time::Duration::from_secs(60 * 60);
const RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(5 * 60);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn ms(t: OffsetDateTime) -> i64 {
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap()
    }

    #[test]
    fn a_window_is_read_to_the_minute_and_never_into_the_swiss_today() {
        let now = datetime!(2026-12-03 12:00 UTC);
        let q = window_query(ms(datetime!(2026-11-01 00:00 UTC)), ms(datetime!(2026-12-02 00:00 UTC)), now, 5000)
            .unwrap()
            .unwrap();
        assert_eq!((q.start, q.end), (datetime!(2026-11-01 01:00), datetime!(2026-12-02 00:59)), "Swiss time, CET");
        assert_eq!(q.page_size, MAX_REPORT_PAGE_SIZE);
        let q = window_query(ms(datetime!(2026-12-01 00:00 UTC)), ms(now), now, 1000).unwrap().unwrap();
        assert_eq!(q.end, datetime!(2026-12-02 23:59), "up to yesterday 23:59 in Zurich, not now");
        assert_eq!(
            window_query(ms(datetime!(2026-12-02 23:10 UTC)), ms(now), now, 1000).unwrap(),
            None,
            "a window wholly in today's Swiss date waits for tomorrow"
        );
    }

    #[test]
    fn a_return_says_which_claim_and_why() {
        let cb =
            Chargeback { kind: "AUTHORISED".into(), reason_code: "MD06".into(), at: datetime!(2026-12-01 08:00 UTC) };
        assert_eq!(
            return_reason(&cb),
            "SEPA return MD06 (authorised claim): the payer asked their bank for the money back"
        );
        let cb = Chargeback { kind: "UNAUTHORISED".into(), reason_code: "XX99".into(), ..cb };
        assert_eq!(return_reason(&cb), "SEPA return XX99 (unauthorised claim): returned by the payer's bank");
    }
}
