//! Xero in the app: connect (system browser + loopback redirect or an https page forwarding to
//! the deep link, PKCE), choose organisations,
//! sync them through the engine, disconnect, and read what was synced. The pieces live in
//! their crates (auth, providers/xero, sync, store); this module only wires them together.

use crate::{Error, Result, Services};
use serde_json::Value;
use sqlx::Row;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;
use xp_auth::{AuthorizeRequest, LoopbackConfig, LoopbackReceiver, PendingFlow, Pkce, Refresher, Registry, TokenVault};
use xp_core::ErrorCode;
use xp_http::HttpClient;
use xp_ipc::{AvailableOrganisation, Organisation, OrganisationStatus, Provider, XeroConnectResult};
use xp_store::xero as db;
use xp_sync::{
    BoxFuture, CancellationToken, Engine, EngineConfig, FetchRequest, FetchedPage, JobKey, Org, OrgOutcome, Progress,
    ResourceSpec, Sink, SinkError, Source, SourceError,
};
use xp_xero::{PageRequest, Resource, XeroClient, XeroConfig};

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
    services: Services,
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

fn config_error(reason: &str) -> Error {
    Error::Config { path: "xero".into(), reason: reason.into() }
}

fn xero_err(e: xp_xero::Error) -> Error {
    Error::Provider { code: e.code(), message: e.to_string() }
}

fn auth_err(e: xp_auth::Error) -> Error {
    Error::Provider { code: e.code(), message: e.to_string() }
}

impl XeroService {
    pub fn new(services: Services) -> Result<Self> {
        let cfg = &services.config;
        let client_id = cfg.xero.client_id.clone().ok_or_else(|| {
            config_error("no Xero client id: set [xero] client_id in the configuration, or start with --sandbox FILE")
        })?;
        let http = services.http_client()?;
        let minute = Duration::from_millis(cfg.xero.minute_ms.max(1));
        let client = XeroClient::new(http.clone(), XeroConfig { api_base: cfg.providers.xero_api.clone(), minute })
            .with_clock(services.clock.clone());
        let token_url = join(&cfg.providers.xero_identity, "connect/token")?;
        let refresher = Refresher::new(
            http.clone(),
            services.clock.clone(),
            token_url,
            client_id.clone(),
            TokenVault::new(services.vault.clone(), "xero"),
        );
        let registry = services.auth_flows.clone();
        Ok(Self {
            services,
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
    pub async fn connect(&self, open: impl FnOnce(&url::Url)) -> Result<XeroConnectResult> {
        let cfg = &self.services.config;
        let pkce = Pkce::generate(&mut rand::rngs::OsRng);
        let flow = |redirect_uri: &str| PendingFlow {
            provider: "xero".into(),
            redirect_uri: redirect_uri.to_owned(),
            verifier: pkce.verifier.clone(),
            nonce: None,
            extra: Default::default(),
        };
        let callback = match &cfg.xero.https_redirect_uri {
            // Xero accepts no custom scheme (xero.md §2): its redirect goes to an https page that
            // forwards the query to the app's deep link, which `deliver_redirect` hands over here.
            Some(https) => {
                let state = self.registry.start(flow(https));
                let (tx, rx) = tokio::sync::oneshot::channel();
                self.waiting_lock().insert(state.as_str().to_owned(), tx);
                open(&self.authorize_url(https, state.as_str(), &pkce.challenge)?);
                let arrived = tokio::time::timeout(CONNECT_TIMEOUT, rx).await;
                self.waiting_lock().remove(state.as_str());
                let url = match arrived {
                    Ok(Ok(url)) => url,
                    _ => {
                        self.registry.cancel(state.as_str());
                        return Err(auth_err(xp_auth::Error::CallbackTimeout(CONNECT_TIMEOUT)));
                    }
                };
                xp_auth::parse_redirect(&url, crate::config::DEEP_LINK_CALLBACK).map_err(auth_err)?
            }
            None => {
                let receiver = LoopbackReceiver::bind(&LoopbackConfig {
                    ports: cfg.xero.loopback_ports.clone(),
                    ..LoopbackConfig::default()
                })
                .await
                .map_err(auth_err)?;
                let redirect_uri = receiver.redirect_uri();
                let state = self.registry.start(flow(&redirect_uri));
                open(&self.authorize_url(&redirect_uri, state.as_str(), &pkce.challenge)?);
                receiver.receive().await.map_err(auth_err)?
            }
        };
        let flow = self.registry.take(&callback.state).map_err(auth_err)?;
        if flow.provider != "xero" {
            // One registry serves every sign-in: an answer meant for another provider's flow
            // must not be traded at Xero's token endpoint.
            return Err(auth_err(xp_auth::Error::UnknownState));
        }
        let token_url = join(&cfg.providers.xero_identity, "connect/token")?;
        let tokens = xp_auth::exchange_code(
            &self.http,
            self.services.clock.as_ref(),
            &token_url,
            &self.client_id,
            &callback.code,
            &flow.redirect_uri,
            &flow.verifier,
        )
        .await
        .map_err(auth_err)?;
        let connection_id = xp_core::ids::ConnectionId::new_random();
        self.refresher.vault().save(&connection_id.to_string(), &tokens).map_err(auth_err)?;
        let connections = self.client.connections(&tokens.access_token).await.map_err(xero_err)?;
        let now = self.services.clock.now();
        xp_store::connections::insert(&self.services.store, connection_id, "xero", "Xero", now).await?;
        self.audit(
            "connection.add",
            &connection_id.to_string(),
            serde_json::json!({"organisations": connections.len()}),
        )
        .await?;
        let known = self.tenant_ids().await?;
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

    fn authorize_url(&self, redirect_uri: &str, state: &str, challenge: &str) -> Result<url::Url> {
        let authorize = join(&self.services.config.providers.xero_login, "identity/connect/authorize")?;
        xp_auth::authorize_url(
            &authorize,
            &AuthorizeRequest {
                client_id: &self.client_id,
                redirect_uri,
                scopes: &SCOPES,
                state,
                code_challenge: challenge,
                nonce: None,
                extra: &[],
            },
        )
        .map_err(auth_err)
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
    pub async fn keep(&self, connection_id: &str, tenant_ids: &[String]) -> Result<Vec<Organisation>> {
        if tenant_ids.is_empty() {
            return Err(Error::Invalid("choose at least one organisation".into()));
        }
        let token = self.refresher.access_token(connection_id).await.map_err(auth_err)?;
        let offered = self.client.connections(&token).await.map_err(xero_err)?;
        let now = crate::timefmt(self.services.clock.now());
        for tenant in tenant_ids {
            let Some(c) = offered.iter().find(|c| c.tenant_id.eq_ignore_ascii_case(tenant)) else {
                return Err(Error::Invalid(format!("organisation {tenant} is not part of this Xero sign-in")));
            };
            let summary = self.client.organisation(&token, &c.tenant_id).await.map_err(xero_err)?;
            sqlx::query(
                "INSERT INTO organisations (id, connection_id, provider, external_id, name, base_currency, status, created_at, updated_at) \
                 VALUES (?, ?, 'xero', ?, ?, ?, 'active', ?, ?) \
                 ON CONFLICT (provider, external_id) DO UPDATE SET connection_id = excluded.connection_id, name = excluded.name, \
                 base_currency = excluded.base_currency, status = 'active', updated_at = excluded.updated_at",
            )
            .bind(uuid_v4())
            .bind(connection_id)
            .bind(c.tenant_id.to_ascii_lowercase())
            .bind(&summary.name)
            .bind(&summary.base_currency)
            .bind(&now)
            .bind(&now)
            .execute(self.services.store.pool())
            .await
            .map_err(xp_store::Error::from)?;
            self.audit("organisation.keep", &summary.name, serde_json::json!({"tenantId": c.tenant_id})).await?;
        }
        self.organisations().await
    }

    async fn tenant_ids(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT external_id FROM organisations WHERE provider = 'xero'")
            .fetch_all(self.services.store.pool())
            .await
            .map_err(xp_store::Error::from)?)
    }

    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        organisations(&self.services).await
    }

    /// Syncs the kept organisations (or one), reporting progress; returns each outcome.
    pub async fn sync(
        &self,
        organisation_id: Option<&str>,
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
        let rows = sqlx::query(
            "SELECT id, connection_id, external_id, name FROM organisations WHERE provider = 'xero' AND status IN ('active','paused')",
        )
        .fetch_all(self.services.store.pool())
        .await
        .map_err(xp_store::Error::from)?;
        let mut orgs = Vec::new();
        let mut connection_of = HashMap::new();
        for r in rows {
            let id: String = r.get("id");
            if organisation_id.is_some_and(|o| o != id) {
                continue;
            }
            let tenant: String = r.get("external_id");
            connection_of.insert(tenant.clone(), r.get::<String, _>("connection_id"));
            orgs.push(Org { id, external_id: tenant, name: r.get("name") });
        }
        if orgs.is_empty() {
            return Err(Error::Invalid(
                "no Xero organisation to sync: connect Xero and choose organisations first".into(),
            ));
        }
        let budgets: Budgets = Arc::new(Mutex::new(HashMap::new()));
        let source = Arc::new(XeroSource {
            client: self.client.clone(),
            refresher: self.refresher.clone(),
            connection_of,
            budgets: budgets.clone(),
        });
        let engine = Engine::new(self.services.store.clone(), self.services.clock.clone(), EngineConfig::default());
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
        let now = crate::timefmt(self.services.clock.now());
        let status = match outcome {
            OrgOutcome::Paused { .. } => "paused",
            OrgOutcome::ReconnectNeeded(_) => "reconnect_needed",
            _ => "active",
        };
        let (minute, day) =
            budgets.lock().map(|b| b.get(&org.external_id).copied().unwrap_or((None, None))).unwrap_or((None, None));
        let synced = matches!(outcome, OrgOutcome::Done { .. }).then_some(now.clone());
        sqlx::query(
            "UPDATE organisations SET status = ?, last_synced_at = COALESCE(?, last_synced_at), \
             budget_minute = COALESCE(?, budget_minute), budget_day = COALESCE(?, budget_day), updated_at = ? WHERE id = ?",
        )
        .bind(status)
        .bind(synced)
        .bind(minute.map(i64::from))
        .bind(day.map(i64::from))
        .bind(&now)
        .bind(&org.id)
        .execute(self.services.store.pool())
        .await
        .map_err(xp_store::Error::from)?;
        if let OrgOutcome::ReconnectNeeded(_) = outcome {
            sqlx::query(
                "UPDATE connections SET status = 'reconnect_needed', updated_at = ? \
                 WHERE id = (SELECT connection_id FROM organisations WHERE id = ?)",
            )
            .bind(&now)
            .bind(&org.id)
            .execute(self.services.store.pool())
            .await
            .map_err(xp_store::Error::from)?;
        }
        Ok(())
    }

    pub fn cancel_sync(&self) {
        self.cancel.lock().unwrap_or_else(|p| p.into_inner()).cancel();
    }

    /// Disconnects one organisation: deletes its Xero connection, revokes the tokens when it
    /// was the grant's last organisation, and keeps or erases its cached data.
    pub async fn disconnect(&self, organisation_id: &str, erase: bool) -> Result<()> {
        let row = sqlx::query(
            "SELECT connection_id, external_id, name FROM organisations WHERE id = ? AND provider = 'xero'",
        )
        .bind(organisation_id)
        .fetch_optional(self.services.store.pool())
        .await
        .map_err(xp_store::Error::from)?
        .ok_or_else(|| Error::Invalid(format!("no Xero organisation {organisation_id}")))?;
        let connection_id: String = row.get("connection_id");
        let tenant: String = row.get("external_id");
        let name: String = row.get("name");
        if let Ok(token) = self.refresher.access_token(&connection_id).await {
            if let Ok(conns) = self.client.connections(&token).await {
                if let Some(c) = conns.iter().find(|c| c.tenant_id.eq_ignore_ascii_case(&tenant)) {
                    self.client.delete_connection(&token, &c.id).await.map_err(xero_err)?;
                }
            }
        }
        let mut tx = self.services.store.pool().begin().await.map_err(xp_store::Error::from)?;
        if erase {
            db::clear_organisation(&mut tx, organisation_id).await?;
            sqlx::query("DELETE FROM organisations WHERE id = ?")
                .bind(organisation_id)
                .execute(&mut *tx)
                .await
                .map_err(xp_store::Error::from)?;
        } else {
            sqlx::query("UPDATE organisations SET status = 'disconnected' WHERE id = ?")
                .bind(organisation_id)
                .execute(&mut *tx)
                .await
                .map_err(xp_store::Error::from)?;
        }
        let remaining: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM organisations WHERE connection_id = ? AND status <> 'disconnected'",
        )
        .bind(&connection_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(xp_store::Error::from)?;
        tx.commit().await.map_err(xp_store::Error::from)?;
        if remaining == 0 {
            // The grant's last organisation: revoke and forget its tokens.
            if let Ok(Some(refresh)) = self.refresher.vault().refresh_token(&connection_id) {
                let url = join(&self.services.config.providers.xero_identity, "connect/revocation")?;
                let body = format!("token={}&client_id={}", urlencode(refresh.expose()), urlencode(&self.client_id));
                let _ = self
                    .http
                    .send(
                        xp_http::Request::new(reqwest::Method::POST, url)
                            .body("application/x-www-form-urlencoded", body),
                    )
                    .await;
            }
            self.refresher.vault().delete(&connection_id).map_err(auth_err)?;
            sqlx::query("UPDATE connections SET status = 'disconnected' WHERE id = ?")
                .bind(&connection_id)
                .execute(self.services.store.pool())
                .await
                .map_err(xp_store::Error::from)?;
        }
        self.audit("organisation.disconnect", &name, serde_json::json!({"erased": erase})).await
    }

    async fn audit(&self, action: &str, subject: &str, detail: Value) -> Result<()> {
        let actor = self.services.actor();
        xp_store::audit::append(
            &self.services.store,
            xp_store::audit::NewEntry { actor: &actor, action, subject, detail },
            self.services.clock.now(),
        )
        .await?;
        Ok(())
    }
}

/// The organisations the app keeps, for every provider (the store is the source of truth).
pub async fn organisations(services: &Services) -> Result<Vec<Organisation>> {
    let rows = sqlx::query(
        "SELECT id, connection_id, provider, external_id, name, base_currency, status, last_synced_at, budget_minute, budget_day \
         FROM organisations ORDER BY name",
    )
    .fetch_all(services.store.pool())
    .await
    .map_err(xp_store::Error::from)?;
    Ok(rows
        .iter()
        .map(|r| Organisation {
            id: r.get("id"),
            connection_id: r.get("connection_id"),
            provider: Provider::parse(r.get::<String, _>("provider").as_str()).unwrap_or(Provider::Xero),
            tenant_id: r.get("external_id"),
            name: r.get("name"),
            base_currency: r.get("base_currency"),
            status: match r.get::<String, _>("status").as_str() {
                "paused" => OrganisationStatus::Paused,
                "reconnect_needed" => OrganisationStatus::ReconnectNeeded,
                "disconnected" => OrganisationStatus::Disconnected,
                _ => OrganisationStatus::Active,
            },
            last_synced_at: r.get("last_synced_at"),
            budget_minute: r.get::<Option<i64>, _>("budget_minute").map(|v| v as u32),
            budget_day: r.get::<Option<i64>, _>("budget_day").map(|v| v as u32),
        })
        .collect())
}

fn join(base: &url::Url, path: &str) -> Result<url::Url> {
    url::Url::parse(&format!("{}/{path}", base.as_str().trim_end_matches('/')))
        .map_err(|e| config_error(&e.to_string()))
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn uuid_v4() -> String {
    xp_core::ids::OrganisationId::new_random().to_string()
}

fn resource_of(name: &str) -> Option<Resource> {
    Resource::ALL.into_iter().find(|r| r.url_name() == name)
}

fn store_resource(r: Resource) -> db::Resource {
    match r {
        Resource::Organisation => db::Resource::Organisation,
        Resource::Accounts => db::Resource::Accounts,
        Resource::Currencies => db::Resource::Currencies,
        Resource::TaxRates => db::Resource::TaxRates,
        Resource::Contacts => db::Resource::Contacts,
        Resource::Invoices => db::Resource::Invoices,
        Resource::CreditNotes => db::Resource::CreditNotes,
        Resource::Payments => db::Resource::Payments,
        Resource::BankTransactions => db::Resource::BankTransactions,
    }
}

/// Reads Xero for the engine: tokens from the refresher (one refresh on a 401, then "reconnect
/// needed"), pacing by the client's governor, errors mapped to what the engine acts on.
struct XeroSource {
    client: XeroClient,
    refresher: Refresher,
    connection_of: HashMap<String, String>,
    budgets: Budgets,
}

/// Per tenant: (calls left this minute, calls left today) from Xero's last answer.
type Budgets = Arc<Mutex<HashMap<String, (Option<u32>, Option<u32>)>>>;

impl XeroSource {
    async fn fetch_once(&self, job: &JobKey, req: FetchRequest) -> std::result::Result<FetchedPage, SourceError> {
        let resource = resource_of(&job.resource)
            .ok_or_else(|| SourceError::Transient(format!("unknown resource {}", job.resource)))?;
        let key = self.connection_of.get(&job.external_id).cloned().unwrap_or_default();
        let page_req = PageRequest {
            page: req.page(),
            page_size: req.page_size,
            modified_since: req
                .since_ms
                .and_then(|ms| OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000).ok()),
            order: resource.paged().then_some("UpdatedDateUTC ASC"),
            include_archived: matches!(resource, Resource::Contacts | Resource::Invoices),
        };
        let mut token = self.refresher.access_token(&key).await.map_err(map_auth)?;
        let mut refreshed = false;
        loop {
            match self.client.fetch_page(&token, &job.external_id, resource, page_req).await {
                Ok(page) => {
                    if let Ok(mut b) = self.budgets.lock() {
                        b.insert(job.external_id.clone(), (page.budget.minute_remaining, page.budget.day_remaining));
                    }
                    return Ok(FetchedPage {
                        page_count: page.pagination.map(|p| p.page_count),
                        item_count: page.pagination.map(|p| u64::from(p.item_count)),
                        records: page.records,
                        next_cursor: None,
                    });
                }
                Err(xp_xero::Error::Unauthorized { .. }) if !refreshed => {
                    token = self.refresher.refresh_rejected(&key, &token).await.map_err(map_auth)?;
                    refreshed = true;
                }
                Err(e) => return Err(map_xero(e)),
            }
        }
    }
}

fn map_auth(e: xp_auth::Error) -> SourceError {
    match e.code() {
        ErrorCode::ReconnectNeeded => SourceError::ReconnectNeeded(e.to_string()),
        _ => SourceError::Transient(e.to_string()),
    }
}

fn map_xero(e: xp_xero::Error) -> SourceError {
    match e {
        xp_xero::Error::RateLimited { problem: xp_xero::RateProblem::Day, retry_after } => {
            SourceError::DailyLimit { retry_after }
        }
        xp_xero::Error::Unauthorized { .. } | xp_xero::Error::Forbidden { .. } => {
            SourceError::ReconnectNeeded(e.to_string())
        }
        other => SourceError::Transient(other.to_string()),
    }
}

impl Source for XeroSource {
    fn resources(&self) -> Vec<ResourceSpec> {
        Resource::ALL
            .into_iter()
            .map(|r| {
                // The small reference lists are read whole every time.
                let incremental = !matches!(r, Resource::Organisation | Resource::Currencies | Resource::TaxRates);
                if r.paged() {
                    ResourceSpec::numbered(r.url_name(), incremental)
                } else {
                    ResourceSpec::whole(r.url_name(), incremental)
                }
            })
            .collect()
    }

    fn fetch<'a>(
        &'a self,
        job: &'a JobKey,
        req: FetchRequest,
    ) -> BoxFuture<'a, std::result::Result<FetchedPage, SourceError>> {
        Box::pin(self.fetch_once(job, req))
    }

    fn record_id(&self, resource: &str, record: &Value) -> Option<String> {
        let r = resource_of(resource)?;
        record[r.id_field()].as_str().map(str::to_ascii_lowercase)
    }

    fn record_updated_ms(&self, _resource: &str, record: &Value) -> Option<i64> {
        let t = xp_xero::dates::parse_ms_date(record["UpdatedDateUTC"].as_str()?).ok()?;
        Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
    }
}

/// Writes Xero pages into the store's Xero tables.
struct XeroSink;

impl Sink for XeroSink {
    fn write<'a>(
        &'a self,
        conn: &'a mut sqlx::SqliteConnection,
        job: &'a JobKey,
        records: &'a [Value],
    ) -> BoxFuture<'a, std::result::Result<(), SinkError>> {
        Box::pin(async move {
            let r = resource_of(&job.resource).ok_or_else(|| SinkError::UnknownResource(job.resource.clone()))?;
            db::upsert(conn, &job.organisation_id, store_resource(r), records).await?;
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
            let r = resource_of(&job.resource).ok_or_else(|| SinkError::UnknownResource(job.resource.clone()))?;
            Ok(db::delete_missing(conn, &job.organisation_id, store_resource(r), keep).await?)
        })
    }
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
    /// once it returns. Runs until the returned token is cancelled.
    pub fn spawn_auto_sync(&self, every: Duration, report: Arc<dyn Fn(Progress) + Send + Sync>) -> CancellationToken {
        let stop = CancellationToken::new();
        let (this, stop2) = (self.clone(), stop.clone());
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
        stop
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
