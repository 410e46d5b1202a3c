//! GoCardless in the app: the access token (verified with `GET /creditors` before the vault
//! keeps it), the creditor kept as the organisation its records belong to, and sync: a full
//! load of the lists when none is complete yet, when asked, or when the last is older than a
//! week; the events feed on every run.

use crate::settings::{Settings, API};
use crate::sync::{GoCardlessSink, GoCardlessSource, Part};
use crate::{Error, Result, PROVIDER};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;
use xp_context::{CancellationToken, Context, ProgressReport};
use xp_core::ids::OrganisationId;
use xp_core::Sensitive;
use xp_gocardless::{GoCardlessClient, GoCardlessConfig, ListParams};
use xp_ipc::Provider;
use xp_store::gocardless as db;
use xp_store::organisations as orgs;
use xp_sync::{BoxFuture, Engine, EngineConfig, Org, OrgOutcome, Progress};

/// The vault key of the access token (one GoCardless account per installation).
pub const TOKEN_KEY: &str = "gocardless/token";

/// How often the lists are read whole again: the feed carries every change, and this catches
/// whatever it could not (an event older than the feed's start, a record removed upstream).
const FULL_EVERY: Duration = Duration::from_secs(7 * 86_400);

/// The feed's first read starts this long before the full load began: GoCardless's clock and
/// ours may differ, and an event seen twice only re-reads a resource (its id is applied once).
const CLOCK_MARGIN: time::Duration = time::Duration::minutes(10);

/// The engine never restarts the feed from its beginning: a cursor, once kept, leads for good.
const FEED_NEVER_FULL: Duration = Duration::from_secs(100 * 365 * 86_400);

/// The creditor a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connected {
    pub organisation_id: OrganisationId,
    pub creditor_id: String,
    pub name: String,
}

/// What one sync did.
#[derive(Debug, Clone, Default)]
pub struct SyncSummary {
    pub events_applied: u64,
    /// Resources written (listed on a full load, re-read after an event).
    pub records: u64,
    pub full_load: bool,
    /// How each part ended per creditor: the lists (when read) and the feed.
    pub outcomes: Vec<(Org, OrgOutcome)>,
}

impl SyncSummary {
    pub fn ok(&self) -> bool {
        self.outcomes.iter().all(|(_, o)| matches!(o, OrgOutcome::Done { .. }))
    }
}

#[derive(Clone)]
pub struct GoCardlessService {
    pub(crate) ctx: Context,
    settings: Settings,
    client: GoCardlessClient,
    cancel: Arc<Mutex<CancellationToken>>,
    /// One sync at a time (the background one and "Sync now" must not interleave passes).
    running: Arc<tokio::sync::Mutex<()>>,
}

impl GoCardlessService {
    pub fn new(ctx: Context, settings: Settings) -> Result<Self> {
        let config = GoCardlessConfig { api_base: ctx.endpoints.require(API)?.clone(), minute: settings.minute() };
        let client = GoCardlessClient::new(ctx.http_client()?, config).with_clock(ctx.clock.clone());
        Ok(Self {
            ctx,
            settings,
            client,
            cancel: Arc::new(Mutex::new(CancellationToken::new())),
            running: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// Checks the token with a cheap authenticated call (the creditor it belongs to), then keeps
    /// it in the vault and the creditor as an organisation. A refused token keeps nothing.
    pub async fn save_token(&self, token: Sensitive<String>) -> Result<Connected> {
        let token = Sensitive::new(token.expose().trim().to_owned());
        if token.expose().is_empty() {
            return Err(Error::Invalid("enter the GoCardless access token".into()));
        }
        let page = self.client.creditors(&token, &ListParams::new().limit(1)).await?;
        let creditor = page
            .items
            .into_iter()
            .next()
            .ok_or_else(|| Error::Invalid("this GoCardless account has no creditor yet".into()))?;
        self.ctx.vault.set(TOKEN_KEY, &token)?;
        let now = self.ctx.clock.now();
        let account =
            orgs::Account { provider: PROVIDER, label: "GoCardless", external_id: &creditor.id, name: &creditor.name };
        let organisation_id = orgs::keep_account(&self.ctx.store, account, now).await?;
        xp_store::audit::append(
            &self.ctx.store,
            xp_store::audit::NewEntry {
                actor: &self.ctx.actor(),
                action: "connection.add",
                subject: &creditor.name,
                detail: serde_json::json!({"provider": PROVIDER, "creditor": creditor.id}),
            },
            now,
        )
        .await?;
        Ok(Connected { organisation_id, creditor_id: creditor.id, name: creditor.name })
    }

    pub(crate) fn ctx(&self) -> &Context {
        &self.ctx
    }

    pub(crate) fn client(&self) -> &GoCardlessClient {
        &self.client
    }

    /// The token to use: the sandbox's when started against it, else the vault's.
    pub(crate) fn token(&self) -> Result<Option<Sensitive<String>>> {
        match &self.settings.sandbox_token {
            Some(t) => Ok(Some(t.clone())),
            None => Ok(self.ctx.vault.get(TOKEN_KEY)?),
        }
    }

    /// Forgets the access token and stops syncing: GoCardless's records stay for the books
    /// (what was booked, each collection's timeline) unless `erase`, which removes them with the
    /// creditor. Refused while collections are on their way to the bank, which would then no
    /// longer be followed.
    pub async fn disconnect(&self, erase: bool) -> Result<()> {
        let store = &self.ctx.store;
        let kept = orgs::syncable(store, PROVIDER).await?;
        if kept.is_empty() {
            return Err(Error::Invalid("GoCardless is not connected".into()));
        }
        let moving = xp_store::collections::on_their_way(store, PROVIDER).await?;
        if moving > 0 {
            return Err(Error::Invalid(format!(
                "{moving} GoCardless collection(s) are still on their way to the bank; disconnecting now would stop \
                 following them. Wait until they are paid out, or cancel them"
            )));
        }
        let mut tx = store.begin_write().await?;
        for org in &kept {
            orgs::disconnect(&mut tx, org.id, erase).await?;
        }
        tx.commit().await.map_err(xp_store::Error::from)?;
        self.ctx.vault.delete(TOKEN_KEY)?;
        for org in &kept {
            orgs::close_connection(store, org.connection_id).await?;
        }
        let names = kept.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join(", ");
        let entry = xp_store::audit::NewEntry {
            actor: &self.ctx.actor(),
            action: "connection.remove",
            subject: &names,
            detail: serde_json::json!({"provider": PROVIDER, "erased": erase}),
        };
        xp_store::audit::append(store, entry, self.ctx.clock.now()).await?;
        Ok(())
    }

    /// The creditors kept; in the sandbox, its token connects on first use (not after a person
    /// disconnected it: that creditor is still listed, as disconnected).
    pub(crate) async fn kept_creditors(&self) -> Result<Vec<orgs::Organisation>> {
        let kept = orgs::syncable(&self.ctx.store, PROVIDER).await?;
        if !kept.is_empty() {
            return Ok(kept);
        }
        let ever = orgs::list(&self.ctx.store).await?.into_iter().any(|o| o.provider == PROVIDER);
        match self.settings.sandbox_token.clone() {
            Some(t) if !ever => {
                self.save_token(t).await?;
                Ok(orgs::syncable(&self.ctx.store, PROVIDER).await?)
            }
            _ => Ok(kept),
        }
    }

    /// The creditors to sync.
    async fn creditors(&self) -> Result<Vec<Org>> {
        let kept = self.kept_creditors().await?;
        Ok(kept.into_iter().map(|o| Org { id: o.id, external_id: o.external_id, name: o.name }).collect())
    }

    /// Syncs every kept creditor: the lists first when a full load is due (or `full`), then the
    /// events feed from its persisted cursor.
    pub async fn sync(&self, full: bool, report: Arc<dyn Fn(Progress) + Send + Sync>) -> Result<SyncSummary> {
        let _one_at_a_time = self.running.lock().await;
        let cancel = {
            let mut c = self.cancel.lock().unwrap_or_else(|p| p.into_inner());
            if c.is_cancelled() {
                *c = CancellationToken::new();
            }
            c.clone()
        };
        let creditors = self.creditors().await?;
        if creditors.is_empty() {
            return Err(Error::Invalid(
                "no GoCardless account to sync: enter its access token in Settings → Connections first".into(),
            ));
        }
        let token = self.token()?.ok_or_else(|| {
            Error::Invalid("the GoCardless access token is missing: enter it again in Settings → Connections".into())
        })?;
        let sink = Arc::new(GoCardlessSink::default());
        let mut summary = SyncSummary::default();
        for org in creditors {
            let now = self.ctx.clock.now();
            let state = db::feed_since(&self.ctx.store, org.id).await?;
            let due = match &state {
                None => true,
                Some(s) => full || now - parse(&s.loaded_at)? >= FULL_EVERY,
            };
            let mut since = state.as_ref().map(|s| parse(&s.since)).transpose()?;
            if due {
                summary.full_load = true;
                let outcome = self.run(Part::Lists, &token, now, &org, sink.clone(), report.clone(), &cancel).await;
                let loaded = matches!(outcome, OrgOutcome::Done { .. });
                if loaded {
                    let start = xp_core::rfc3339(now - CLOCK_MARGIN);
                    db::record_full_load(&self.ctx.store, org.id, &start, &xp_core::rfc3339(now)).await?;
                    since = since.or(Some(now - CLOCK_MARGIN));
                }
                self.save_outcome(&org, &outcome).await?;
                summary.outcomes.push((org.clone(), outcome));
                if !loaded {
                    continue;
                }
            }
            // No feed before a first complete load: its start is where that load began.
            let Some(since) = since else { continue };
            let outcome = self.run(Part::Events, &token, since, &org, sink.clone(), report.clone(), &cancel).await;
            self.save_outcome(&org, &outcome).await?;
            summary.outcomes.push((org, outcome));
        }
        // A payer may have finished a hosted mandate page meanwhile.
        if let Err(e) = self.follow_open_mandate_setups().await {
            tracing::warn!(error = %e, "open mandate setups not followed");
        }
        let written = *sink.written.lock().unwrap_or_else(|p| p.into_inner());
        summary.events_applied = written.events_applied;
        summary.records = written.records;
        Ok(summary)
    }

    #[allow(clippy::too_many_arguments)]
    async fn run(
        &self,
        part: Part,
        token: &Sensitive<String>,
        feed_since: OffsetDateTime,
        org: &Org,
        sink: Arc<GoCardlessSink>,
        report: Arc<dyn Fn(Progress) + Send + Sync>,
        cancel: &CancellationToken,
    ) -> OrgOutcome {
        let source = Arc::new(GoCardlessSource::new(self.client.clone(), token.clone(), part, feed_since));
        let full_every = if part == Part::Events { FEED_NEVER_FULL } else { FULL_EVERY };
        let config = EngineConfig { page_size: xp_gocardless::MAX_LIMIT, full_every, ..EngineConfig::default() };
        let engine = Engine::new(self.ctx.store.clone(), self.ctx.clock.clone(), config);
        let done: Arc<dyn Fn(Org, OrgOutcome) -> BoxFuture<'static, ()> + Send + Sync> =
            Arc::new(|_, _| Box::pin(async {}));
        let results =
            engine.sync_orgs(source, sink, vec![org.clone()], part == Part::Lists, report, cancel.clone(), done).await;
        results.into_iter().next().map(|(_, o)| o).unwrap_or(OrgOutcome::Cancelled)
    }

    async fn save_outcome(&self, org: &Org, outcome: &OrgOutcome) -> Result<()> {
        orgs::record_sync(&self.ctx.store, org.id, outcome.recorded(None, None), self.ctx.clock.now()).await?;
        Ok(())
    }

    pub fn cancel_sync(&self) {
        self.cancel.lock().unwrap_or_else(|p| p.into_inner()).cancel();
    }

    /// Every mandate kept, newest first, with its payer and bank.
    pub async fn mandates(&self) -> Result<Vec<db::MandateView>> {
        Ok(db::mandates(&self.ctx.store).await?)
    }

    /// Every payout of every kept creditor with its lines, newest first, whatever its status.
    pub async fn payouts(&self) -> Result<Vec<db::rows::Payout>> {
        let mut all = Vec::new();
        for org in orgs::syncable(&self.ctx.store, PROVIDER).await? {
            all.extend(db::payouts(&self.ctx.store, org.id).await?);
        }
        all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
        Ok(all)
    }

    /// Polls in the background every `every`; after a failure sooner (at most a minute later),
    /// so syncing resumes by itself once GoCardless is reachable again.
    pub fn spawn_auto_sync(
        &self,
        every: Duration,
        report: Arc<dyn Fn(Progress) + Send + Sync>,
        stop: CancellationToken,
    ) {
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                let failed = match this.sync(false, report.clone()).await {
                    Ok(s) => !s.ok(),
                    // Nothing to sync yet (no token entered).
                    Err(_) => false,
                };
                let wait = if failed { every.min(Duration::from_secs(60)) } else { every };
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.cancelled() => return,
                }
            }
        });
    }
}

fn parse(s: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| Error::Invalid(format!("stored time {s:?}: {e}")))
}

impl xp_context::Connector for GoCardlessService {
    fn provider(&self) -> Provider {
        Provider::Gocardless
    }

    fn spawn_background_sync(&self, every: Duration, report: ProgressReport, stop: CancellationToken) {
        self.spawn_auto_sync(every, Arc::new(move |p: Progress| report(p.into())), stop);
    }

    fn outbox_handlers(&self) -> Vec<Arc<dyn xp_context::outbox::Handler>> {
        vec![
            Arc::new(crate::collect::PaymentHandler::new(self.clone())),
            Arc::new(crate::cancel::CancelHandler::new(self.clone())),
            Arc::new(crate::aftercare::RetryHandler::new(self.clone())),
            Arc::new(crate::aftercare::RefundHandler::new(self.clone())),
        ]
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
