//! Sends the outbox: connectors register one [`Handler`] per item kind (`xero.payment.create`…),
//! and the [`Dispatcher`] claims due items, hands each to its handler and records the answer.
//!
//! The store keeps the exactly-once half (an item is claimed by one run; a crash mid-send puts
//! it back at the next open); the provider keeps the other half by seeing the item's stored
//! idempotency key on every resend. What happens after a failure is decided by [`next_step`],
//! a pure function of the attempts so far, the kind of failure and the time.

use crate::{Context, Error, Result};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;
use xp_core::Clock;
use xp_store::collections::{self, Collection};
use xp_store::Store;

pub use xp_store::outbox::{Item, NewItem, Status};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How a send failed, which decides what happens to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The provider answered but not yet (5xx, 429, an answer lost on the way): send again later
    /// with the same idempotency key; `after` is the provider's own Retry-After.
    Retryable { after: Option<Duration> },
    /// The provider refused the item for good (validation): never resend it.
    Permanent,
    /// Nothing reached the provider (connection refused, timeout): the item waits for the
    /// network and is not charged an attempt.
    Offline,
}

/// A failed send: what kind, and a message for the user. The message is scrubbed of
/// credentials when made, so a handler cannot store a token in `last_error` by mistake. A value
/// handed from a handler to the dispatcher, not an error of this crate: it never reaches the UI
/// except as the item's `last_error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerError {
    pub failure: Failure,
    message: String,
}

impl std::fmt::Display for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl HandlerError {
    pub fn new(failure: Failure, message: impl std::fmt::Display) -> Self {
        let text = message.to_string();
        Self { failure, message: xp_core::redact::scrub(&text).into_owned() }
    }

    pub fn retryable(after: Option<Duration>, message: impl std::fmt::Display) -> Self {
        Self::new(Failure::Retryable { after }, message)
    }

    pub fn permanent(message: impl std::fmt::Display) -> Self {
        Self::new(Failure::Permanent, message)
    }

    pub fn offline(message: impl std::fmt::Display) -> Self {
        Self::new(Failure::Offline, message)
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Sends the items of one kind to its provider. `send` must pass the item's
/// `idempotency_key` to the provider: it is what makes a resend after a lost answer harmless.
/// Its `Ok` value is the provider's answer, kept with the sent item.
pub trait Handler: Send + Sync + 'static {
    fn kind(&self) -> &str;
    fn send<'a>(&'a self, item: &'a Item) -> BoxFuture<'a, std::result::Result<serde_json::Value, HandlerError>>;
}

/// The collection an item of a collect kind sends (`gocardless.payment.create`,
/// `saferpay.collect`): written with the item in one transaction, so its absence is for good.
pub async fn collection_of(store: &Store, item: &Item) -> std::result::Result<Collection, HandlerError> {
    collections::by_outbox_item(store, item.id)
        .await
        .map_err(|e| HandlerError::retryable(None, e))?
        .ok_or_else(|| HandlerError::permanent("no collection was written with this outbox item"))
}

/// The provider refused a collection's item for good: the collection fails with `reason` in
/// its timeline, and the item fails. When that cannot be recorded, the item is tried again and
/// records it then.
pub async fn refuse_collection(
    store: &Store,
    collection: &Collection,
    item: &Item,
    reason: &str,
    at: OffsetDateTime,
) -> HandlerError {
    let error = HandlerError::permanent(reason);
    match collections::refuse(store, collection.id, item.id, error.message(), at).await {
        Ok(_) => error,
        Err(e) => HandlerError::retryable(None, format!("{reason}; the failure could not be recorded: {e}")),
    }
}

/// When a failed item is tried again, and when it is given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait after the first retryable failure; doubles with each attempt.
    pub first: Duration,
    pub max: Duration,
    /// Attempts that reached the provider, the first included, before the item is failed.
    pub max_attempts: i64,
    /// Wait between tries while the provider cannot be reached. Short and constant: a refused
    /// connection costs nothing, and a payment should go as soon as the network is back.
    pub offline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first: Duration::from_secs(30),
            max: Duration::from_secs(60 * 60),
            max_attempts: 8,
            offline: Duration::from_secs(15),
        }
    }
}

/// What becomes of an item whose send failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Back to the queue, due at `at`; `counted` is false when the try did not reach the provider.
    Retry { at: OffsetDateTime, counted: bool },
    /// Failed for good, with the message to keep.
    Fail(String),
}

/// Pure: the fate of an item after its `attempts`-th try (the one just made) failed with `error`.
/// No jitter: a desktop app has a handful of items, not a fleet returning at the same moment.
pub fn next_step(policy: &RetryPolicy, attempts: i64, error: &HandlerError, now: OffsetDateTime) -> Next {
    match error.failure {
        Failure::Permanent => Next::Fail(error.message.clone()),
        Failure::Offline => Next::Retry { at: now + policy.offline, counted: false },
        Failure::Retryable { .. } if attempts >= policy.max_attempts => {
            Next::Fail(format!("gave up after {attempts} attempts: {}", error.message))
        }
        Failure::Retryable { after } => {
            let doubling = 1u32 << attempts.saturating_sub(1).clamp(0, 20);
            let backoff = policy.first.saturating_mul(doubling).min(policy.max);
            // The provider's Retry-After is a floor, not a replacement: retrying sooner is
            // pointless, later is fine.
            let wait = after.map_or(backoff, |a| a.max(backoff));
            Next::Retry { at: now + wait, counted: true }
        }
    }
}

/// What became of one item in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Sent,
    Retrying,
    /// Its provider could not be reached (or its connector is not open): it waits, uncounted.
    Waiting,
    Failed,
}

impl Fate {
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Sent => "sent",
            Fate::Retrying => "retrying",
            Fate::Waiting => "waiting",
            Fate::Failed => "failed",
        }
    }
}

/// One item's outcome, as [`Dispatcher::run_once_with`] reports it.
#[derive(Debug)]
pub struct ItemOutcome<'a> {
    pub item: &'a Item,
    pub what: Fate,
    /// Why it was not sent (scrubbed of secrets).
    pub message: Option<&'a str>,
}

/// What one run did, for the log and the CLI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    pub sent: usize,
    pub retrying: usize,
    /// Items that could not reach their provider and wait for the network.
    pub waiting: usize,
    pub failed: usize,
}

impl RunReport {
    pub fn is_empty(&self) -> bool {
        *self == RunReport::default()
    }
}

/// Claims due items and sends each through the handler registered for its kind.
pub struct Dispatcher {
    store: Store,
    clock: Arc<dyn Clock>,
    handlers: HashMap<String, Arc<dyn Handler>>,
    policy: RetryPolicy,
    batch: i64,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher").field("kinds", &self.kinds()).field("policy", &self.policy).finish()
    }
}

impl Dispatcher {
    /// A dispatcher over the runtime's store and clock. Two handlers for one kind are a
    /// programming error between connectors, reported instead of letting one silently win.
    pub fn new(ctx: &Context, handlers: impl IntoIterator<Item = Arc<dyn Handler>>) -> Result<Self> {
        let mut by_kind: HashMap<String, Arc<dyn Handler>> = HashMap::new();
        for h in handlers {
            let kind = h.kind().to_owned();
            if by_kind.insert(kind.clone(), h).is_some() {
                return Err(Error::Config {
                    path: "outbox".into(),
                    reason: format!("two handlers are registered for outbox items of kind {kind:?}"),
                });
            }
        }
        Ok(Self {
            store: ctx.store.clone(),
            clock: ctx.clock.clone(),
            handlers: by_kind,
            policy: RetryPolicy::default(),
            batch: 20,
        })
    }

    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    pub fn kinds(&self) -> Vec<&str> {
        let mut k: Vec<&str> = self.handlers.keys().map(String::as_str).collect();
        k.sort_unstable();
        k
    }

    /// Sends every item due at `now`, oldest first, one at a time. Once a kind's provider could
    /// not be reached, that kind's other items wait without a try: each would only find the
    /// same closed door after the HTTP layer's own retries.
    pub async fn run_once(&self, now: OffsetDateTime) -> Result<RunReport> {
        self.run_once_with(now, |_| {}).await
    }

    /// [`run_once`](Self::run_once), telling `observe` what became of each item (the CLI prints it).
    pub async fn run_once_with(
        &self,
        now: OffsetDateTime,
        mut observe: impl FnMut(ItemOutcome<'_>),
    ) -> Result<RunReport> {
        let mut report = RunReport::default();
        let mut unreachable: HashMap<String, HandlerError> = HashMap::new();
        loop {
            let items = xp_store::outbox::claim_due(&self.store, now, self.batch).await?;
            let claimed = items.len();
            for item in items {
                let outcome = match (self.handlers.get(&item.kind), unreachable.get(&item.kind)) {
                    // The connector for it did not open on this start (not configured, or a CLI
                    // run with another configuration): the item waits, it is not the item's fault.
                    (None, _) => Err(HandlerError::offline(format!(
                        "no connector sends outbox items of kind {:?} on this start; is the connector for it configured?",
                        item.kind
                    ))),
                    (Some(_), Some(offline)) => Err(offline.clone()),
                    (Some(h), None) => h.send(&item).await,
                };
                match outcome {
                    Ok(answer) => {
                        xp_store::outbox::mark_sent(&self.store, item.id, &answer, self.clock.now()).await?;
                        tracing::info!(id = %item.id, kind = %item.kind, attempts = item.attempts, "outbox item sent");
                        report.sent += 1;
                        observe(ItemOutcome { item: &item, what: Fate::Sent, message: None });
                    }
                    Err(e) => {
                        if e.failure == Failure::Offline {
                            unreachable.insert(item.kind.clone(), e.clone());
                        }
                        let what = self.record_failure(&item, &e, now, &mut report).await?;
                        observe(ItemOutcome { item: &item, what, message: Some(e.message()) });
                    }
                }
            }
            if claimed < self.batch as usize {
                return Ok(report);
            }
        }
    }

    async fn record_failure(
        &self,
        item: &Item,
        error: &HandlerError,
        now: OffsetDateTime,
        report: &mut RunReport,
    ) -> Result<Fate> {
        let store = &self.store;
        match next_step(&self.policy, item.attempts, error, now) {
            Next::Retry { at, counted: true } => {
                tracing::info!(id = %item.id, kind = %item.kind, attempts = item.attempts, error = %error, "outbox item will be retried");
                xp_store::outbox::mark_retry(store, item.id, error.message(), at).await?;
                report.retrying += 1;
                Ok(Fate::Retrying)
            }
            Next::Retry { at, counted: false } => {
                tracing::info!(id = %item.id, kind = %item.kind, error = %error, "outbox item waits for the network");
                xp_store::outbox::mark_waiting(store, item.id, error.message(), at).await?;
                report.waiting += 1;
                Ok(Fate::Waiting)
            }
            Next::Fail(message) => {
                tracing::warn!(id = %item.id, kind = %item.kind, error = %message, "outbox item failed for good");
                xp_store::outbox::mark_failed(store, item.id, &message).await?;
                report.failed += 1;
                Ok(Fate::Failed)
            }
        }
    }

    /// Runs [`Dispatcher::run_once`] now and then every `every` until `stop` is cancelled. A
    /// run with nothing due is one query, so `every` can be short: it bounds how long an item
    /// that waits for the network stays queued after the network is back.
    pub fn spawn(self: Arc<Self>, every: Duration, stop: CancellationToken) -> tokio::task::JoinHandle<()> {
        self.spawn_with(every, stop, |_| {})
    }

    /// [`spawn`](Self::spawn), telling `after_sent` the kinds of the items each run sent (once
    /// each, only when it sent any): a provider whose answer arrives later as events (a
    /// cancellation, a refund) can be read then instead of at its next scheduled sync.
    pub fn spawn_with(
        self: Arc<Self>,
        every: Duration,
        stop: CancellationToken,
        after_sent: impl Fn(Vec<String>) + Send + Sync + 'static,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                let mut sent: Vec<String> = Vec::new();
                let run = self
                    .run_once_with(self.clock.now(), |o| {
                        if o.what == Fate::Sent && !sent.contains(&o.item.kind) {
                            sent.push(o.item.kind.clone());
                        }
                    })
                    .await;
                match run {
                    Ok(r) if !r.is_empty() => tracing::info!(?r, "outbox run"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "the outbox run stopped early; the next one picks up"),
                }
                if !sent.is_empty() {
                    after_sent(sent);
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = stop.cancelled() => return,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-03 02:00 UTC);

    fn policy() -> RetryPolicy {
        RetryPolicy {
            first: Duration::from_secs(30),
            max: Duration::from_secs(600),
            max_attempts: 5,
            offline: Duration::from_secs(15),
        }
    }

    fn retry_at(next: Next) -> OffsetDateTime {
        match next {
            Next::Retry { at, counted: true } => at,
            other => panic!("a retryable failure under the attempt limit is retried and counted, got {other:?}"),
        }
    }

    #[test]
    fn retryable_failures_back_off_doubling_up_to_the_cap() {
        let e = HandlerError::retryable(None, "Xero had a server error (HTTP 503)");
        assert_eq!(retry_at(next_step(&policy(), 1, &e, NOW)), NOW + Duration::from_secs(30));
        assert_eq!(retry_at(next_step(&policy(), 2, &e, NOW)), NOW + Duration::from_secs(60));
        assert_eq!(retry_at(next_step(&policy(), 4, &e, NOW)), NOW + Duration::from_secs(240));
        let long = RetryPolicy { max_attempts: 100, ..policy() };
        assert_eq!(retry_at(next_step(&long, 60, &e, NOW)), NOW + Duration::from_secs(600), "capped, no overflow");
    }

    #[test]
    fn a_retry_after_longer_than_the_backoff_is_honoured_and_a_shorter_one_is_not_a_shortcut() {
        let later = HandlerError::retryable(Some(Duration::from_secs(120)), "rate limited");
        assert_eq!(retry_at(next_step(&policy(), 1, &later, NOW)), NOW + Duration::from_secs(120));
        let sooner = HandlerError::retryable(Some(Duration::from_secs(1)), "rate limited");
        assert_eq!(retry_at(next_step(&policy(), 3, &sooner, NOW)), NOW + Duration::from_secs(120), "backoff wins");
    }

    #[test]
    fn the_last_allowed_attempt_fails_the_item_with_the_reason() {
        let e = HandlerError::retryable(None, "Xero had a server error (HTTP 500)");
        assert_eq!(
            next_step(&policy(), 5, &e, NOW),
            Next::Fail("gave up after 5 attempts: Xero had a server error (HTTP 500)".into())
        );
    }

    #[test]
    fn a_permanent_refusal_fails_at_once_with_the_providers_message() {
        let e = HandlerError::permanent("Xero rejected the request: Payment amount exceeds the amount due");
        assert_eq!(
            next_step(&policy(), 1, &e, NOW),
            Next::Fail("Xero rejected the request: Payment amount exceeds the amount due".into())
        );
    }

    #[test]
    fn offline_waits_a_short_constant_time_uncounted_however_long_it_lasts() {
        let e = HandlerError::offline("cannot reach api.xero.com: connection refused");
        for attempts in [1, 5, 1000] {
            assert_eq!(
                next_step(&policy(), attempts, &e, NOW),
                Next::Retry { at: NOW + Duration::from_secs(15), counted: false },
                "offline is never a reason to give up (attempts {attempts})"
            );
        }
    }

    #[test]
    fn handler_messages_never_keep_a_token() {
        let e =
            HandlerError::retryable(None, "refused: Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig");
        assert!(!e.message().contains("eyJhbGciOiJSUzI1NiJ9"), "scrubbed when made: {}", e.message());
    }

    /// A handler that answers from a script, one answer per call, and counts its calls.
    struct Scripted {
        kind: &'static str,
        answers: std::sync::Mutex<Vec<std::result::Result<serde_json::Value, HandlerError>>>,
        calls: std::sync::atomic::AtomicUsize,
    }

    impl Scripted {
        fn new(kind: &'static str, answers: Vec<std::result::Result<serde_json::Value, HandlerError>>) -> Arc<Self> {
            Arc::new(Self { kind, answers: std::sync::Mutex::new(answers), calls: Default::default() })
        }
        fn calls(&self) -> usize {
            self.calls.load(std::sync::atomic::Ordering::SeqCst)
        }
    }

    impl Handler for Scripted {
        fn kind(&self) -> &str {
            self.kind
        }
        fn send<'a>(&'a self, _item: &'a Item) -> BoxFuture<'a, std::result::Result<serde_json::Value, HandlerError>> {
            self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let next = self.answers.lock().unwrap().remove(0);
            Box::pin(async move { next })
        }
    }

    async fn runtime(dir: &std::path::Path) -> Context {
        Context::open(
            xp_ipc::Profile::Sandbox,
            crate::Endpoints::default(),
            crate::Paths::resolve(Some(dir)),
            Arc::new(xp_vault::MemoryStore::new()),
            vec![],
            Arc::new(xp_core::SystemClock),
        )
        .await
        .unwrap()
    }

    /// Queued `n` seconds after `NOW`, so the claim order (oldest first) is the script's order.
    async fn enqueue(ctx: &Context, kind: &str, key: &str, n: u64) -> xp_core::ids::OutboxId {
        let payload = serde_json::json!({});
        let item = NewItem { kind, target: "org-1", payload: &payload, idempotency_key: key };
        xp_store::outbox::enqueue(&ctx.store, item, NOW + Duration::from_secs(n)).await.unwrap()
    }

    const RUN: OffsetDateTime = datetime!(2026-12-03 02:01 UTC);

    #[tokio::test]
    async fn each_item_goes_through_its_kinds_handler_and_ends_as_it_answered() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = runtime(dir.path()).await;
        let pay = Scripted::new(
            "test.pay",
            vec![
                Ok(serde_json::json!({"id": "p-1"})),
                Err(HandlerError::retryable(None, "HTTP 503")),
                Err(HandlerError::permanent("amount exceeds the amount due")),
            ],
        );
        let sent = enqueue(&ctx, "test.pay", "k-1", 1).await;
        let retried = enqueue(&ctx, "test.pay", "k-2", 2).await;
        let refused = enqueue(&ctx, "test.pay", "k-3", 3).await;
        let orphan = enqueue(&ctx, "nobody.sends.this", "k-4", 4).await;
        let d = Dispatcher::new(&ctx, [pay.clone() as Arc<dyn Handler>]).unwrap().with_policy(policy());

        let report = d.run_once(RUN).await.unwrap();
        assert_eq!(report, RunReport { sent: 1, retrying: 1, waiting: 1, failed: 1 });
        let get = |id| xp_store::outbox::get(&ctx.store, id);
        assert_eq!(get(sent).await.unwrap().status, Status::Sent);
        let r = get(retried).await.unwrap();
        assert_eq!((r.status, r.next_attempt_at), (Status::Pending, RUN + Duration::from_secs(30)), "backed off");
        let f = get(refused).await.unwrap();
        assert_eq!((f.status, f.last_error.as_deref()), (Status::Failed, Some("amount exceeds the amount due")));
        let o = get(orphan).await.unwrap();
        // Its connector did not open on this start (not configured, or a CLI run with another
        // configuration): failing it for good would drop a payment the user asked for.
        assert_eq!((o.status, o.attempts), (Status::Pending, 0), "an item nobody sends now waits, uncounted");
        assert!(o.last_error.unwrap().contains("nobody.sends.this"), "the message names the kind");
        assert_eq!(pay.calls(), 3);
        assert!(d.run_once(RUN).await.unwrap().is_empty(), "nothing is due again before its time");
    }

    #[tokio::test]
    async fn the_running_dispatcher_says_which_kinds_it_sent_once_a_run() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = runtime(dir.path()).await;
        let pay = Scripted::new("test.pay", vec![Ok(serde_json::json!({})), Ok(serde_json::json!({}))]);
        let cancel = Scripted::new("test.cancel", vec![Err(HandlerError::permanent("too late"))]);
        enqueue(&ctx, "test.pay", "k-1", 1).await;
        enqueue(&ctx, "test.pay", "k-2", 2).await;
        enqueue(&ctx, "test.cancel", "k-3", 3).await;
        let d = Arc::new(Dispatcher::new(&ctx, [pay as Arc<dyn Handler>, cancel]).unwrap().with_policy(policy()));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let stop = CancellationToken::new();
        let running = d.spawn_with(Duration::from_millis(20), stop.clone(), move |kinds| {
            let _ = tx.send(kinds);
        });
        let first = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap().unwrap();
        assert_eq!(first, ["test.pay"], "each kind once; a failed item is not sent");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(rx.try_recv().is_err(), "runs that send nothing say nothing");
        stop.cancel();
        running.await.unwrap();
    }

    #[tokio::test]
    async fn once_a_kind_is_offline_its_other_items_wait_without_a_try_and_go_when_it_is_back() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = runtime(dir.path()).await;
        let pay = Scripted::new(
            "test.pay",
            vec![
                Err(HandlerError::offline("cannot reach api.example: connection refused")),
                Ok(serde_json::json!({"id": "p-1"})),
                Ok(serde_json::json!({"id": "p-2"})),
            ],
        );
        let a = enqueue(&ctx, "test.pay", "k-1", 1).await;
        let b = enqueue(&ctx, "test.pay", "k-2", 2).await;
        let d = Dispatcher::new(&ctx, [pay.clone() as Arc<dyn Handler>]).unwrap().with_policy(policy());

        let report = d.run_once(RUN).await.unwrap();
        assert_eq!(report, RunReport { waiting: 2, ..Default::default() });
        assert_eq!(pay.calls(), 1, "the second item was not sent into a closed door");
        for id in [a, b] {
            let item = xp_store::outbox::get(&ctx.store, id).await.unwrap();
            assert_eq!((item.status, item.attempts), (Status::Pending, 0), "waiting is not an attempt");
        }
        let later = RUN + Duration::from_secs(15);
        assert_eq!(d.run_once(later).await.unwrap(), RunReport { sent: 2, ..Default::default() });
        assert_eq!(pay.calls(), 3);
    }

    #[tokio::test]
    async fn the_spawned_loop_sends_due_items_by_itself_until_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = runtime(dir.path()).await;
        let pay = Scripted::new("test.pay", vec![Ok(serde_json::json!({"id": "p-1"}))]);
        let payload = serde_json::json!({});
        let item = NewItem { kind: "test.pay", target: "org-1", payload: &payload, idempotency_key: "k-loop" };
        let id = xp_store::outbox::enqueue(&ctx.store, item, ctx.clock.now()).await.unwrap();
        let d = Arc::new(Dispatcher::new(&ctx, [pay.clone() as Arc<dyn Handler>]).unwrap());
        let stop = CancellationToken::new();
        let running = d.spawn(Duration::from_millis(20), stop.clone());
        // Bounded generously; no timing is asserted, only that it happens without a caller.
        let mut status = Status::Pending;
        for _ in 0..200 {
            status = xp_store::outbox::get(&ctx.store, id).await.unwrap().status;
            if status == Status::Sent {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(status, Status::Sent, "the loop sent the item nobody asked it to send");
        stop.cancel();
        running.await.unwrap();
        assert_eq!(pay.calls(), 1, "sent once, however many runs went by");
    }

    #[tokio::test]
    async fn two_handlers_for_one_kind_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = runtime(dir.path()).await;
        let one = Scripted::new("test.pay", vec![]) as Arc<dyn Handler>;
        let two = Scripted::new("test.pay", vec![]) as Arc<dyn Handler>;
        let e = Dispatcher::new(&ctx, [one, two]).unwrap_err();
        assert!(e.to_string().contains("test.pay"), "the error names the kind: {e}");
    }
}
