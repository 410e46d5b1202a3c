//! GoCardless for the sync engine. [`GoCardlessSource`] reads either the lists (a full load:
//! newest first by cursor, every pass complete, so records gone upstream are removed) or the
//! events feed (oldest first from the cursor the engine persists with each page). For each
//! event it re-reads the resources the event links, so the sink writes their current state;
//! [`GoCardlessSink`] writes them and records the event as applied in the page's transaction.

use crate::collect::event_status;
use crate::rows;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use xp_core::Sensitive;
use xp_gocardless::{self as gc, EventFeed, FeedStart, GoCardlessClient, ListParams, ResourceType, MAX_LIMIT};
use xp_store::collections;
use xp_store::gocardless::{self as db, rows::Record, Kind, Written};
use xp_sync::{
    BoxFuture, FetchRequest, FetchedPage, JobKey, Order, Paging, Position, ResourceSpec, Sink, SinkError, Source,
    SourceError,
};

/// The events feeds, one per resource type the store keeps, each with its own cursor (its row
/// in `sync_cursors`). GoCardless returns an event's resource with the event only when the
/// list is filtered to one `resource_type` (`include=`, gocardless.md §7): so a feed per type
/// reads 500 events and their resources in one call, where one feed of every type would read
/// each changed resource with a call of its own. Mandates come first so a payment's mandate is
/// there before it; payouts last, after the payments they carry.
const FEEDS: [(&str, ResourceType); 4] = [
    ("events.mandates", ResourceType::Mandates),
    ("events.payments", ResourceType::Payments),
    ("events.refunds", ResourceType::Refunds),
    ("events.payouts", ResourceType::Payouts),
];

fn feed_of(resource: &str) -> Option<ResourceType> {
    FEEDS.iter().find(|(name, _)| *name == resource).map(|(_, t)| *t)
}

/// The lists of a full load, in an order where what a record links to comes first.
const LISTS: [(&str, Kind); 6] = [
    ("customers", Kind::Customers),
    ("customer_bank_accounts", Kind::BankAccounts),
    ("mandates", Kind::Mandates),
    ("payments", Kind::Payments),
    ("refunds", Kind::Refunds),
    ("payouts", Kind::Payouts),
];

fn kind_of(resource: &str) -> Option<Kind> {
    LISTS.iter().find(|(name, _)| *name == resource).map(|(_, k)| *k)
}

/// Which part of GoCardless a source reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Lists,
    Events,
}

pub(crate) struct GoCardlessSource {
    client: GoCardlessClient,
    token: Sensitive<String>,
    part: Part,
    /// Where the feed begins while the engine holds no cursor for it yet.
    feed_since: OffsetDateTime,
}

impl GoCardlessSource {
    pub(crate) fn new(
        client: GoCardlessClient,
        token: Sensitive<String>,
        part: Part,
        feed_since: OffsetDateTime,
    ) -> Self {
        Self { client, token, part, feed_since }
    }

    async fn list(&self, resource: &str, req: &FetchRequest) -> Result<FetchedPage, gc::Error> {
        let mut params = ListParams::new().limit(req.page_size.clamp(1, MAX_LIMIT));
        if let Position::Cursor(Some(after)) = &req.position {
            params = params.after(after.clone());
        }
        let t = &self.token;
        let (records, next) = match resource {
            "customers" => {
                let p = self.client.customers(t, &params).await?;
                (p.items.iter().map(rows::customer).collect::<Vec<_>>(), p.after)
            }
            "customer_bank_accounts" => {
                let p = self.client.customer_bank_accounts(t, &params).await?;
                (p.items.iter().map(rows::bank_account).collect(), p.after)
            }
            "mandates" => {
                let p = self.client.mandates(t, &params).await?;
                (p.items.iter().map(|m| rows::mandate(m, None)).collect(), p.after)
            }
            "payments" => {
                let p = self.client.payments(t, &params).await?;
                (p.items.iter().map(rows::payment).collect(), p.after)
            }
            "refunds" => {
                let p = self.client.refunds(t, &params).await?;
                (p.items.iter().map(rows::refund).collect(), p.after)
            }
            "payouts" => {
                let p = self.client.payouts(t, &params).await?;
                let mut records = Vec::with_capacity(p.items.len());
                for payout in &p.items {
                    records.push(rows::payout(payout, &self.payout_items(payout).await?));
                }
                (records, p.after)
            }
            other => return Err(gc::Error::Request(format!("unknown GoCardless resource {other}"))),
        };
        Ok(FetchedPage { records: values(records)?, next_cursor: next, ..FetchedPage::default() })
    }

    async fn payout_items(&self, payout: &gc::Payout) -> Result<Vec<gc::PayoutItem>, gc::Error> {
        items_of(&self.client, &self.token, payout).await
    }

    /// Each payout's lines into `seen`, a few payouts at a time: one call each, mostly waiting
    /// on the network, so reading them one after another left the feed idle (the client's
    /// governor still keeps every call within GoCardless's limit).
    async fn read_payouts(
        &self,
        payouts: &[gc::Payout],
        seen: &mut HashMap<String, Option<Record>>,
    ) -> Result<(), gc::Error> {
        for chunk in payouts.chunks(PAYOUT_READS_AT_ONCE) {
            let mut reads = tokio::task::JoinSet::new();
            for p in chunk {
                let (client, token, p) = (self.client.clone(), self.token.clone(), p.clone());
                reads.spawn(async move {
                    let items = items_of(&client, &token, &p).await;
                    (p, items)
                });
            }
            while let Some(done) = reads.join_next().await {
                let (p, items) =
                    done.map_err(|e| gc::Error::Request(format!("reading a payout's lines stopped: {e}")))?;
                seen.insert(p.id.clone(), Some(rows::payout(&p, &items?)));
            }
        }
        Ok(())
    }

    /// One batch of a feed, each event with the resources it changed as GoCardless holds them
    /// now (brought by the batch itself; read with a call only when it did not bring them).
    async fn events(&self, feed: ResourceType, req: &FetchRequest) -> Result<FetchedPage, gc::Error> {
        let start = match &req.position {
            Position::Cursor(Some(after)) => FeedStart::After(after.clone()),
            _ => FeedStart::Since(self.feed_since),
        };
        let mut walk = EventFeed::new(start).page_size(req.page_size).include(feed);
        let batch = walk.next_batch(&self.client, &self.token).await?;
        let batch_more = batch.more;
        // Several events of a batch often name one resource (created, submitted, confirmed):
        // it is there once per batch; each event still counts as applied on its own.
        let mut seen: HashMap<String, Option<Record>> = HashMap::new();
        let linked = batch.linked;
        for p in &linked.payments {
            seen.insert(p.id.clone(), Some(rows::payment(p)));
        }
        for m in &linked.mandates {
            seen.insert(m.id.clone(), Some(rows::mandate(m, None)));
        }
        for f in &linked.refunds {
            seen.insert(f.id.clone(), Some(rows::refund(f)));
        }
        self.read_payouts(&linked.payouts, &mut seen).await?;
        let mut records = Vec::with_capacity(batch.events.len());
        for e in &batch.events {
            let changed = self.changed_by(e, &mut seen).await?;
            records.push(Record::Event(db::rows::Event {
                id: e.id.clone(),
                created_at: xp_core::rfc3339(e.created_at),
                resource_type: e.resource_type.as_str().unwrap_or("unknown").to_owned(),
                action: e.action.clone(),
                changed,
                payment_id: (e.resource_type == ResourceType::Payments).then(|| e.links.payment.clone()).flatten(),
                reason: e.details.description.clone().or_else(|| e.details.cause.clone()),
                will_attempt_retry: e.details.will_attempt_retry.unwrap_or(false),
            }));
        }
        Ok(FetchedPage {
            records: values(records)?,
            next_cursor: walk.cursor().map(str::to_owned),
            page_count: None,
            item_count: None,
            more: Some(batch_more),
        })
    }

    /// The resources an event changed, as GoCardless holds them now. Event types the store
    /// keeps nothing of (billing requests, creditors, …) change nothing here.
    async fn changed_by(
        &self,
        e: &gc::Event,
        seen: &mut HashMap<String, Option<Record>>,
    ) -> Result<Vec<Record>, gc::Error> {
        let l = &e.links;
        let wanted: Vec<(&str, &String)> = match e.resource_type {
            ResourceType::Mandates => l.mandate.iter().map(|id| ("mandate", id)).collect(),
            ResourceType::Payments => l.payment.iter().map(|id| ("payment", id)).collect(),
            // A refund changes its payment's refunded amount too.
            ResourceType::Refunds => {
                l.refund.iter().map(|id| ("refund", id)).chain(l.payment.iter().map(|id| ("payment", id))).collect()
            }
            // A payout arrives through its own feed once it is paid (`paid`), with its lines;
            // the payments it carries link it too, but reading it there would read it again
            // for every batch of payment events that names it.
            ResourceType::Payouts => l.payout.iter().map(|id| ("payout", id)).collect(),
            _ => return Ok(Vec::new()),
        };
        let mut out = Vec::new();
        for (what, id) in wanted {
            if !seen.contains_key(id.as_str()) {
                let fetched = self.fetch_one(what, id).await?;
                seen.insert(id.clone(), fetched);
            }
            let Some(record) = seen.get(id.as_str()).cloned().flatten() else { continue };
            match record {
                // Only the event says why a mandate ended (gocardless.md §7: `details.cause`).
                Record::Mandate(mut m) if ended(&e.action) => {
                    m.reason = e.details.cause.clone().or_else(|| e.details.description.clone());
                    out.push(Record::Mandate(m));
                }
                other => out.push(other),
            }
            if what == "mandate" && brings_payer(&e.action) {
                // A new or replaced mandate brings its payer and bank account along.
                let ids = linked_to_mandate(seen.get(id.as_str()));
                self.read_payer(&ids, seen).await?;
                for linked in ids {
                    if let Some(r) = seen.get(&linked).cloned().flatten() {
                        out.push(r);
                    }
                }
            }
        }
        Ok(out)
    }

    /// A mandate's payer and bank account (`[customer, bank account]` ids) into `seen`, each
    /// read once per batch; `None` when GoCardless no longer has it (a removed customer's data).
    async fn read_payer(&self, ids: &[String], seen: &mut HashMap<String, Option<Record>>) -> Result<(), gc::Error> {
        let t = &self.token;
        for (n, linked) in ids.iter().enumerate() {
            if seen.contains_key(linked.as_str()) {
                continue;
            }
            let r = if n == 0 {
                gone_is_none(self.client.customer(t, linked).await)?.map(|c| rows::customer(&c))
            } else {
                gone_is_none(self.client.customer_bank_account(t, linked).await)?.map(|b| rows::bank_account(&b))
            };
            seen.insert(linked.clone(), r);
        }
        Ok(())
    }

    /// Reads one resource the batch did not bring. `None` when GoCardless no longer has it.
    async fn fetch_one(&self, what: &str, id: &str) -> Result<Option<Record>, gc::Error> {
        let t = &self.token;
        let read = match what {
            "mandate" => self.client.mandate(t, id).await.map(|m| rows::mandate(&m, None)),
            "payment" => self.client.payment(t, id).await.map(|p| rows::payment(&p)),
            "refund" => self.client.refund(t, id).await.map(|f| rows::refund(&f)),
            "payout" => match self.client.payout(t, id).await {
                Ok(p) => Ok(rows::payout(&p, &self.payout_items(&p).await?)),
                Err(e) => Err(e),
            },
            other => return Err(gc::Error::Request(format!("unknown GoCardless resource {other}"))),
        };
        gone_is_none(read)
    }
}

/// Payouts whose lines are read at once.
const PAYOUT_READS_AT_ONCE: usize = 4;

/// Every line of one payout, walking its pages.
async fn items_of(
    client: &GoCardlessClient,
    token: &Sensitive<String>,
    payout: &gc::Payout,
) -> Result<Vec<gc::PayoutItem>, gc::Error> {
    let mut params = ListParams::new().limit(MAX_LIMIT);
    let mut all = Vec::new();
    loop {
        let page = client.payout_items(token, payout, &params).await?;
        all.extend(page.items.iter().cloned());
        match page.next(&params) {
            Some(next) => params = next,
            None => return Ok(all),
        }
    }
}

fn gone_is_none<T>(r: Result<T, gc::Error>) -> Result<Option<T>, gc::Error> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(gc::Error::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The customer and bank account ids of a mandate record.
fn linked_to_mandate(r: Option<&Option<Record>>) -> Vec<String> {
    match r {
        Some(Some(Record::Mandate(m))) => vec![m.customer_id.clone(), m.bank_account_id.clone()],
        _ => Vec::new(),
    }
}

/// Mandate actions after which its payer or bank account may be new to the store: a mandate
/// set up (`created`), or moved to another bank account (`replaced`,
/// `customer_approval_granted` for one waiting on the payer).
fn brings_payer(action: &str) -> bool {
    matches!(action, "created" | "replaced" | "customer_approval_granted")
}

/// Mandate actions that end it, whose event carries the reason.
fn ended(action: &str) -> bool {
    matches!(action, "cancelled" | "failed" | "expired" | "blocked" | "suspended_by_payer")
}

fn values(records: Vec<Record>) -> Result<Vec<Value>, gc::Error> {
    records
        .into_iter()
        .map(|r| serde_json::to_value(r).map_err(|e| gc::Error::Malformed { what: e.to_string() }))
        .collect()
}

fn map_gocardless(e: gc::Error) -> SourceError {
    match e {
        gc::Error::Unauthorized(_) | gc::Error::Forbidden(_) => SourceError::ReconnectNeeded(e.to_string()),
        other => SourceError::Transient(other.to_string()),
    }
}

impl Source for GoCardlessSource {
    fn resources(&self) -> Vec<ResourceSpec> {
        match self.part {
            // Every list pass is complete, so it may remove what GoCardless no longer lists.
            Part::Lists => LISTS
                .iter()
                .map(|(name, _)| ResourceSpec {
                    name: (*name).to_owned(),
                    paging: Paging::Cursor,
                    order: Order::NewestFirst,
                    incremental: false,
                })
                .collect(),
            Part::Events => FEEDS
                .iter()
                .map(|(name, _)| ResourceSpec {
                    name: (*name).to_owned(),
                    paging: Paging::Cursor,
                    order: Order::OldestFirst,
                    incremental: true,
                })
                .collect(),
        }
    }

    fn fetch<'a>(
        &'a self,
        job: &'a JobKey,
        req: FetchRequest,
    ) -> BoxFuture<'a, std::result::Result<FetchedPage, SourceError>> {
        Box::pin(async move {
            let page = match feed_of(&job.resource) {
                Some(feed) => self.events(feed, &req).await,
                None => self.list(&job.resource, &req).await,
            };
            page.map_err(map_gocardless)
        })
    }

    fn record_id(&self, _resource: &str, record: &Value) -> Option<String> {
        record["id"].as_str().map(str::to_owned)
    }

    /// GoCardless records carry no modification time: a list is read whole, the feed by cursor.
    fn record_updated_ms(&self, _resource: &str, _record: &Value) -> Option<i64> {
        None
    }
}

/// Moves the collection of the event's payment, in the page's transaction, once per event (the
/// collection's timeline keeps the event's id, so a page read twice moves nothing twice).
async fn move_collection(conn: &mut sqlx::SqliteConnection, e: &db::rows::Event) -> xp_store::Result<()> {
    let Some(payment) = &e.payment_id else { return Ok(()) };
    let Some(c) = collections::by_provider_payment_in(conn, crate::PROVIDER, payment).await? else { return Ok(()) };
    let Some(status) = event_status(&e.action, e.will_attempt_retry, c.status) else { return Ok(()) };
    if status.is_live() && !c.status.is_live() {
        // A payment back from failed (GoCardless resubmits it) while the invoice is collected
        // again: the database keeps one live collection per invoice, so this one stays as it
        // was, and a person sees both in GoCardless.
        if let Some(other) = collections::live_in(conn, c.organisation_id, &c.invoice_id).await? {
            tracing::warn!(collection = %c.id, live = %other.id, action = %e.action, "payment revived while the invoice is collected again");
            return Ok(());
        }
    }
    let at = OffsetDateTime::parse(&e.created_at, &time::format_description::well_known::Rfc3339)
        .map_err(|err| xp_store::Error::Corrupt(format!("event {} time {:?}: {err}", e.id, e.created_at)))?;
    collections::apply_event_in(conn, c.id, status, e.reason.as_deref(), &e.id, at).await?;
    Ok(())
}

/// Writes pages into the store's GoCardless tables and counts what they changed.
#[derive(Default)]
pub(crate) struct GoCardlessSink {
    pub(crate) written: Arc<Mutex<Written>>,
}

impl Sink for GoCardlessSink {
    type Rows = Vec<Record>;

    fn read(&self, job: &JobKey, records: Vec<Value>) -> std::result::Result<Vec<Record>, SinkError> {
        xp_sync::typed_page(&job.resource, records)
    }

    fn write<'a>(
        &'a self,
        conn: &'a mut sqlx::SqliteConnection,
        job: &'a JobKey,
        pages: &'a [Vec<Record>],
    ) -> BoxFuture<'a, std::result::Result<(), SinkError>> {
        Box::pin(async move {
            let followed = collections::followed_payments_in(conn, crate::PROVIDER).await?;
            let mut counted = Written::default();
            for page in pages {
                let w = db::upsert(conn, job.organisation_id, page).await?;
                for r in page {
                    if let Record::Event(e) = r {
                        if e.payment_id.as_ref().is_some_and(|p| followed.contains(p)) {
                            move_collection(conn, e).await?;
                        }
                    }
                }
                counted.records += w.records;
                counted.events_applied += w.events_applied;
            }
            // Counted once the pages are in the transaction; pages whose commit then fails are
            // read again by the next run and counted there, which a summary line can bear.
            if let Ok(mut total) = self.written.lock() {
                total.records += counted.records;
                total.events_applied += counted.events_applied;
            }
            Ok(())
        })
    }

    fn remove_missing<'a>(
        &'a self,
        conn: &'a mut sqlx::SqliteConnection,
        job: &'a JobKey,
        keep: &'a [String],
    ) -> BoxFuture<'a, std::result::Result<u64, SinkError>> {
        Box::pin(async move {
            match kind_of(&job.resource) {
                Some(kind) => Ok(db::delete_missing(conn, job.organisation_id, kind, keep).await?),
                // The feed removes nothing: an event is history, not a record to reconcile.
                None => Ok(0),
            }
        })
    }
}
