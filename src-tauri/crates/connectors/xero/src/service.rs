//! Xero in the app: connect (system browser + loopback redirect or an https page forwarding to
//! the deep link, PKCE), choose organisations,
//! sync them through the engine, disconnect, and read what was synced. The pieces live in
//! their crates (auth, providers/xero, sync, store); this module only wires them together.

use crate::settings::Settings;
use crate::sync::{Budgets, XeroSink, XeroSource};
use crate::{Error, Result, PROVIDER};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use xp_auth::{AuthorizeRequest, LoopbackConfig, LoopbackReceiver, PendingFlow, Pkce, Refresher, Registry, TokenVault};
use xp_context::{CancellationToken, Context, Endpoints, ProgressReport, DEEP_LINK_CALLBACK};
use xp_core::ids::{ConnectionId, OrganisationId};
use xp_http::HttpClient;
use xp_ipc::{AvailableOrganisation, Organisation, OrganisationStatus, Provider, XeroConnectResult};
use xp_store::organisations::{self as orgs, Kept, Status};
use xp_store::xero as db;
use xp_sync::{BoxFuture, Engine, EngineConfig, Org, OrgOutcome, Progress};
use xp_xero::{XeroClient, XeroConfig};

/// How long a connect waits for the browser to come back (the pending state lives as long).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// Granular scopes for what the app reads and writes (Xero apps created after 2 March 2026 get
/// granular scopes only: shared/providers/xero.md §2), plus refresh tokens.
pub const SCOPES: [&str; 6] = [
    "offline_access",
    "accounting.invoices",
    "accounting.payments",
    "accounting.banktransactions",
    "accounting.contacts",
    "accounting.settings",
];

#[derive(Clone)]
pub struct XeroService {
    ctx: Context,
    settings: Settings,
    http: HttpClient,
    client: XeroClient,
    refresher: Refresher,
    registry: Registry,
    /// Connects waiting for their redirect through the deep link (https redirect mode), by state.
    waiting: Arc<Mutex<HashMap<String, tokio::sync::oneshot::Sender<String>>>>,
    client_id: String,
    cancel: Arc<Mutex<CancellationToken>>,
    /// One sync at a time (the background one and "Sync now" must not interleave passes).
    running: Arc<tokio::sync::Mutex<()>>,
}

impl XeroService {
    pub fn new(ctx: Context, settings: Settings) -> Result<Self> {
        let client_id = settings.client_id.clone().ok_or_else(|| {
            Error::Config(
                "no Xero client id: set [xero] client_id in the configuration, or start with --sandbox FILE".into(),
            )
        })?;
        let http = ctx.http_client()?;
        let minute = Duration::from_millis(settings.minute_ms.max(1));
        let client = XeroClient::new(
            http.clone(),
            XeroConfig { api_base: ctx.endpoints.require(crate::settings::API)?.clone(), minute },
        )
        .with_clock(ctx.clock.clone());
        let token_url = join(ctx.endpoints.require(crate::settings::IDENTITY)?, "connect/token")?;
        let refresher = Refresher::new(
            http.clone(),
            ctx.clock.clone(),
            token_url,
            client_id.clone(),
            TokenVault::new(ctx.vault.clone(), PROVIDER),
        );
        let registry = ctx.auth_flows.clone();
        Ok(Self {
            ctx,
            settings,
            http,
            client,
            refresher,
            registry,
            waiting: Arc::new(Mutex::new(HashMap::new())),
            client_id,
            cancel: Arc::new(Mutex::new(CancellationToken::new())),
            running: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// Signs in to Xero in the system browser and returns the organisations to choose from.
    /// `open` is handed the authorize URL (the shell opens a browser; the CLI prints it).
    ///
    /// The browser step may take minutes, and the person who started it may lock the app, sign
    /// out, or hand over to someone else meanwhile (security review 2026-12 #8): `still_allowed`
    /// is awaited once the tokens are in, before anything is kept, and the audit entry names
    /// who started the connection.
    pub async fn connect(
        &self,
        open: impl FnOnce(&url::Url),
        still_allowed: impl std::future::Future<Output = xp_context::Result<()>>,
    ) -> Result<XeroConnectResult> {
        let actor = self.ctx.actor();
        let pkce = Pkce::generate(&mut rand::rngs::OsRng);
        let flow = |redirect_uri: &str| PendingFlow {
            provider: PROVIDER.into(),
            redirect_uri: redirect_uri.to_owned(),
            verifier: pkce.verifier.clone(),
            nonce: None,
            extra: Default::default(),
        };
        let callback = match &self.settings.https_redirect_uri {
            // Xero accepts no custom scheme (xero.md §2): its redirect goes to an https page that
            // forwards the query to the app's deep link, which `deliver_redirect` hands over here.
            Some(https) => {
                let state = self.registry.start(flow(https));
                let (tx, rx) = tokio::sync::oneshot::channel();
                self.waiting_lock().insert(state.as_str().to_owned(), tx);
                open(&self.authorize_url(https, state.as_str(), &pkce)?);
                let arrived = tokio::time::timeout(CONNECT_TIMEOUT, rx).await;
                self.waiting_lock().remove(state.as_str());
                let url = match arrived {
                    Ok(Ok(url)) => url,
                    _ => {
                        self.registry.cancel(state.as_str());
                        return Err(xp_auth::Error::CallbackTimeout(CONNECT_TIMEOUT).into());
                    }
                };
                xp_auth::parse_redirect(&url, DEEP_LINK_CALLBACK)?
            }
            None => {
                let receiver = LoopbackReceiver::bind(&LoopbackConfig {
                    ports: self.settings.loopback_ports.clone(),
                    ..LoopbackConfig::default()
                })
                .await?;
                let redirect_uri = receiver.redirect_uri();
                let state = self.registry.start(flow(&redirect_uri));
                open(&self.authorize_url(&redirect_uri, state.as_str(), &pkce)?);
                receiver.receive(state.as_str()).await?
            }
        };
        // One registry serves every sign-in: another provider's state is refused and left pending.
        let flow = self.registry.take(&callback.state, PROVIDER)?;
        let token_url = join(self.ctx.endpoints.require(crate::settings::IDENTITY)?, "connect/token")?;
        let tokens = xp_auth::exchange_code(
            &self.http,
            self.ctx.clock.as_ref(),
            &token_url,
            &self.client_id,
            &callback.code,
            &flow.redirect_uri,
            &flow.verifier,
        )
        .await?;
        if let Err(e) = still_allowed.await {
            // Nothing was kept; the grant Xero just made is withdrawn as well.
            self.revoke_quietly(&tokens.refresh_token).await;
            return Err(e.into());
        }
        let connection_id = ConnectionId::new_random();
        self.refresher.vault().save(&connection_id.to_string(), &tokens)?;
        let connections = self.client.connections(&tokens.access_token).await?;
        let now = self.ctx.clock.now();
        xp_store::connections::insert(&self.ctx.store, connection_id, PROVIDER, "Xero", now).await?;
        self.audit_as(
            &actor,
            "connection.add",
            &connection_id.to_string(),
            serde_json::json!({"organisations": connections.len()}),
        )
        .await?;
        let known = orgs::external_ids(&self.ctx.store, PROVIDER).await?;
        Ok(XeroConnectResult {
            connection_id: connection_id.to_string(),
            organisations: connections
                .into_iter()
                .map(|c| AvailableOrganisation {
                    already_connected: known.contains(&c.tenant_id.to_ascii_lowercase()),
                    tenant_id: c.tenant_id,
                    name: c.tenant_name.unwrap_or_else(|| "Unnamed organisation".to_owned()),
                })
                .collect(),
        })
    }

    fn authorize_url(&self, redirect_uri: &str, state: &str, pkce: &Pkce) -> Result<url::Url> {
        let authorize = join(self.ctx.endpoints.require(crate::settings::LOGIN)?, "identity/connect/authorize")?;
        xp_auth::authorize_url(
            &authorize,
            &AuthorizeRequest {
                client_id: &self.client_id,
                redirect_uri,
                scopes: &SCOPES,
                state,
                pkce,
                nonce: None,
                extra: &[],
            },
        )
        .map_err(Error::from)
    }

    fn waiting_lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, tokio::sync::oneshot::Sender<String>>> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hands a deep-link redirect to the connect waiting for its state. False when none waits
    /// (the URL is then someone else's, e.g. an Okta sign-in, or stale).
    pub fn deliver_redirect(&self, url: &str) -> bool {
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let Some(state) = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "state").map(|(_, v)| v)
        else {
            return false;
        };
        match self.waiting_lock().remove(state.as_ref()) {
            Some(tx) => tx.send(url.to_owned()).is_ok(),
            None => false,
        }
    }

    /// Keeps the chosen organisations (never "the first one": xero.md §13).
    pub async fn keep(&self, connection_id: ConnectionId, tenant_ids: &[String]) -> Result<Vec<Organisation>> {
        if tenant_ids.is_empty() {
            return Err(Error::Invalid("choose at least one organisation".into()));
        }
        let token = self.refresher.access_token(&connection_id.to_string()).await?;
        let offered = self.client.connections(&token).await?;
        for tenant in tenant_ids {
            let Some(c) = offered.iter().find(|c| c.tenant_id.eq_ignore_ascii_case(tenant)) else {
                return Err(Error::Invalid(format!("organisation {tenant} is not part of this Xero sign-in")));
            };
            let summary = self.client.organisation(&token, &c.tenant_id).await?;
            let external_id = c.tenant_id.to_ascii_lowercase();
            let kept = Kept {
                connection_id,
                provider: PROVIDER,
                external_id: &external_id,
                name: &summary.name,
                base_currency: Some(summary.base_currency.as_str()),
            };
            orgs::keep(&self.ctx.store, kept, self.ctx.clock.now()).await?;
            self.audit("organisation.keep", &summary.name, serde_json::json!({"tenantId": c.tenant_id})).await?;
        }
        self.organisations().await
    }

    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        organisations(&self.ctx).await
    }

    pub(crate) fn ctx(&self) -> &Context {
        &self.ctx
    }

    pub(crate) fn client(&self) -> &XeroClient {
        &self.client
    }

    pub(crate) fn refresher(&self) -> &Refresher {
        &self.refresher
    }

    /// Syncs the kept organisations (or one), reporting progress; returns each outcome.
    pub async fn sync(
        &self,
        organisation_id: Option<OrganisationId>,
        force_full: bool,
        report: Arc<dyn Fn(Progress) + Send + Sync>,
    ) -> Result<Vec<(Org, OrgOutcome)>> {
        let _one_at_a_time = self.running.lock().await;
        let cancel = {
            let mut c = self.cancel.lock().unwrap_or_else(|p| p.into_inner());
            if c.is_cancelled() {
                *c = CancellationToken::new();
            }
            c.clone()
        };
        let mut orgs = Vec::new();
        let mut connection_of = HashMap::new();
        for o in orgs::syncable(&self.ctx.store, PROVIDER).await? {
            if organisation_id.is_some_and(|id| id != o.id) {
                continue;
            }
            connection_of.insert(o.external_id.clone(), o.connection_id.to_string());
            orgs.push(Org { id: o.id, external_id: o.external_id, name: o.name });
        }
        if orgs.is_empty() {
            return Err(Error::Invalid(
                "no Xero organisation to sync: connect Xero and choose organisations first".into(),
            ));
        }
        let budgets: Budgets = Arc::new(Mutex::new(HashMap::new()));
        let source =
            Arc::new(XeroSource::new(self.client.clone(), self.refresher.clone(), connection_of, budgets.clone()));
        let engine = Engine::new(self.ctx.store.clone(), self.ctx.clock.clone(), EngineConfig::default());
        // Each organisation's status, last synced time and budget are saved before its final
        // progress event goes out, so the UI reloading on it sees them.
        let (this, saved_budgets) = (self.clone(), budgets.clone());
        let record: Arc<dyn Fn(Org, OrgOutcome) -> BoxFuture<'static, ()> + Send + Sync> =
            Arc::new(move |org, outcome| {
                let (this, budgets) = (this.clone(), saved_budgets.clone());
                Box::pin(async move {
                    if let Err(e) = this.save_outcome(&org, &outcome, &budgets).await {
                        tracing::warn!(organisation = %org.name, error = %e, "could not record the sync outcome");
                    }
                })
            });
        let results = engine.sync_orgs(source, Arc::new(XeroSink), orgs, force_full, report, cancel, record).await;
        Ok(results)
    }

    /// Records how an organisation's sync ended: status, last synced time, API budget.
    async fn save_outcome(&self, org: &Org, outcome: &OrgOutcome, budgets: &Budgets) -> Result<()> {
        let (budget_minute, budget_day) =
            budgets.lock().map(|b| b.get(&org.external_id).copied().unwrap_or((None, None))).unwrap_or((None, None));
        let id = org.id;
        let outcome = outcome.recorded(budget_minute, budget_day);
        orgs::record_sync(&self.ctx.store, id, outcome, self.ctx.clock.now()).await?;
        Ok(())
    }

    pub fn cancel_sync(&self) {
        self.cancel.lock().unwrap_or_else(|p| p.into_inner()).cancel();
    }

    /// Disconnects one organisation: deletes its Xero connection, revokes the tokens when it
    /// was the grant's last organisation, and keeps or erases its cached data.
    pub async fn disconnect(&self, organisation_id: OrganisationId, erase: bool) -> Result<()> {
        let org = orgs::find(&self.ctx.store, PROVIDER, organisation_id)
            .await?
            .ok_or_else(|| Error::Invalid(format!("no Xero organisation {organisation_id}")))?;
        let connection_id = org.connection_id.to_string();
        if let Ok(token) = self.refresher.access_token(&connection_id).await {
            if let Ok(conns) = self.client.connections(&token).await {
                if let Some(c) = conns.iter().find(|c| c.tenant_id.eq_ignore_ascii_case(&org.external_id)) {
                    self.client.delete_connection(&token, &c.id).await?;
                }
            }
        }
        let mut tx = self.ctx.store.begin_write().await?;
        if erase {
            db::clear_organisation(&mut tx, organisation_id).await?;
        }
        let remaining = orgs::disconnect(&mut tx, organisation_id, erase).await?;
        tx.commit().await?;
        if remaining == 0 {
            // The grant's last organisation: revoke and forget its tokens. Revocation proves
            // nothing either way (RFC 7009 §2.2), so the local copy goes whatever the answer.
            if let Ok(refresh) = self.refresher.vault().refresh_token(&connection_id) {
                self.revoke_quietly(&refresh).await;
            }
            self.refresher.vault().delete(&connection_id)?;
            orgs::close_connection(&self.ctx.store, org.connection_id).await?;
        }
        self.audit("organisation.disconnect", &org.name, serde_json::json!({"erased": erase})).await
    }

    /// Revokes a refresh token at Xero. Revocation proves nothing either way (RFC 7009 §2.2),
    /// so a failure is logged and the caller forgets the tokens regardless.
    async fn revoke_quietly(&self, refresh: &Option<xp_core::Sensitive<String>>) {
        let Some(refresh) = refresh else { return };
        let revoked = async {
            let url = join(self.ctx.endpoints.require(crate::settings::IDENTITY)?, "connect/revocation")?;
            xp_auth::revoke(&self.http, &url, &self.client_id, refresh, xp_auth::TokenTypeHint::RefreshToken).await?;
            Ok::<_, Error>(())
        };
        if let Err(e) = revoked.await {
            tracing::warn!(error = %e, "Xero did not confirm the revocation; the tokens are deleted here anyway");
        }
    }

    pub(crate) async fn audit(&self, action: &str, subject: &str, detail: Value) -> Result<()> {
        self.audit_as(&self.ctx.actor(), action, subject, detail).await
    }

    async fn audit_as(&self, actor: &str, action: &str, subject: &str, detail: Value) -> Result<()> {
        xp_store::audit::append(
            &self.ctx.store,
            xp_store::audit::NewEntry { actor, action, subject, detail },
            self.ctx.clock.now(),
        )
        .await?;
        Ok(())
    }
}

/// The organisations the app keeps, for every provider (the store is the source of truth).
pub async fn organisations(ctx: &Context) -> Result<Vec<Organisation>> {
    Ok(orgs::list(&ctx.store)
        .await?
        .into_iter()
        .map(|o| Organisation {
            id: o.id.to_string(),
            connection_id: o.connection_id.to_string(),
            provider: Provider::parse(&o.provider).unwrap_or(Provider::Xero),
            tenant_id: o.external_id,
            name: o.name,
            base_currency: o.base_currency,
            status: match o.status {
                Status::Active => OrganisationStatus::Active,
                Status::Paused => OrganisationStatus::Paused,
                Status::ReconnectNeeded => OrganisationStatus::ReconnectNeeded,
                Status::Disconnected => OrganisationStatus::Disconnected,
            },
            last_synced_at: o.last_synced_at,
            budget_minute: o.budget_minute,
            budget_day: o.budget_day,
        })
        .collect())
}

fn join(base: &url::Url, path: &str) -> Result<url::Url> {
    Endpoints::join(base, path).map_err(|e| Error::Config(e.to_string()))
}

/// When the background sync runs next: soon and backing off while an organisation could not be
/// synced (offline, provider down), on the regular interval otherwise.
pub fn next_delay(failed: bool, failures_in_a_row: u32, every: Duration) -> Duration {
    if !failed {
        return every;
    }
    let backoff = Duration::from_secs(5).saturating_mul(1u32 << failures_in_a_row.min(6));
    backoff.min(Duration::from_secs(300)).min(every)
}

impl XeroService {
    /// Keeps the kept organisations in sync in the background: every `every`, and when the
    /// network or Xero was unreachable, again soon (backing off) so the sync resumes by itself
    /// once it returns. Runs until `stop` is cancelled.
    pub fn spawn_auto_sync(
        &self,
        every: Duration,
        report: Arc<dyn Fn(Progress) + Send + Sync>,
        stop: CancellationToken,
    ) {
        let (this, stop2) = (self.clone(), stop);
        tokio::spawn(async move {
            let mut failures = 0u32;
            loop {
                // Any organisation that could not be reached is tried again soon; the others are
                // simply synced again (incrementally) with it.
                let any_failed = match this.sync(None, false, report.clone()).await {
                    Ok(results) => results.iter().any(|(_, o)| matches!(o, OrgOutcome::Failed { .. })),
                    // Nothing to sync yet.
                    Err(_) => false,
                };
                failures = if any_failed { failures + 1 } else { 0 };
                let wait = next_delay(any_failed, failures.saturating_sub(1), every);
                if any_failed {
                    tracing::info!(wait_s = wait.as_secs(), "Xero unreachable; trying again soon");
                }
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop2.cancelled() => return,
                }
            }
        });
    }
}

impl xp_context::Connector for XeroService {
    fn provider(&self) -> Provider {
        Provider::Xero
    }

    fn deliver_redirect(&self, url: &str) -> bool {
        XeroService::deliver_redirect(self, url)
    }

    fn spawn_background_sync(&self, every: Duration, report: ProgressReport, stop: CancellationToken) {
        self.spawn_auto_sync(every, Arc::new(move |p: Progress| report(p.into())), stop);
    }

    fn outbox_handlers(&self) -> Vec<Arc<dyn xp_context::outbox::Handler>> {
        crate::outbox::handlers(self)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_retries_back_off_and_success_returns_to_the_interval() {
        let every = Duration::from_secs(900);
        assert_eq!(next_delay(false, 0, every), every);
        assert_eq!(next_delay(true, 0, every), Duration::from_secs(5));
        assert_eq!(next_delay(true, 1, every), Duration::from_secs(10));
        assert_eq!(next_delay(true, 10, every), Duration::from_secs(300), "capped at five minutes");
        assert_eq!(
            next_delay(true, 10, Duration::from_secs(60)),
            Duration::from_secs(60),
            "never later than the interval"
        );
    }
}
