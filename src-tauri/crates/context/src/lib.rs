//! The runtime every feature shares, window or CLI: data folders, the OS keychain, the encrypted
//! store, the clock, the HTTP client factory (every request reports to one reachability record),
//! the pending sign-in registry, the audit actor and the resolved provider endpoints. Connectors
//! and the session take a [`Context`]; the composition root (`xp-app`) builds it from the
//! configuration and hands each feature only what it resolved for it.

pub mod bootstrap;
mod connector;
mod endpoints;
mod error;
pub mod logging;
pub mod outbox;
mod paths;

pub use connector::{Connector, ProgressReport};
pub use endpoints::{EndpointSpec, Endpoints, MissingEndpoint};
pub use error::{Error, Result};
pub use paths::Paths;
pub use tokio_util::sync::CancellationToken;

use std::sync::Arc;
use xp_core::Clock;
use xp_ipc::{
    AppInfo, AuditEvent, AuditVerification, CollectionDetail, CollectionEvent, CollectionStatus, CollectionSummary,
    ConnectionStatus, ConnectionSummary, DbInfo, Profile, Provider, TableCount, VaultStatus,
};
use xp_store::Store;
use xp_vault::{SecretStore, VaultKind};

/// The prefix of every secret the sandbox profile keeps.
pub const SANDBOX_NAMESPACE: &str = "sandbox";

/// The app's sign-in deep link (a private-use reverse-DNS scheme, RFC 8252 §7.1). Okta redirects
/// here directly; Xero, which accepts no custom scheme, through an https forwarding page.
pub const DEEP_LINK_CALLBACK: &str = "com.xeropartner.app:/auth/callback";

#[derive(Clone)]
pub struct Context {
    pub profile: Profile,
    pub endpoints: Endpoints,
    pub paths: Paths,
    pub vault: Arc<dyn SecretStore>,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub warnings: Vec<String>,
    /// Who the audit log names for actions taken now: set by the session service.
    actor: Arc<std::sync::RwLock<String>>,
    /// Every sign-in in progress (Okta, Xero), keyed by `state`: the loopback listener and the
    /// deep link both answer into it, and a state is usable once.
    pub auth_flows: xp_auth::Registry,
    /// What the app's requests found out about the network (shared by every provider client).
    pub reachability: xp_http::Reachability,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context").field("paths", &self.paths).field("profile", &self.profile).finish_non_exhaustive()
    }
}

impl Context {
    /// Opens the encrypted store with its key from `vault` and puts outbox items an interrupted
    /// run left in flight back in the queue.
    pub async fn open(
        profile: Profile,
        endpoints: Endpoints,
        paths: Paths,
        vault: Arc<dyn SecretStore>,
        warnings: Vec<String>,
        clock: Arc<dyn Clock>,
    ) -> Result<Context> {
        // The sandbox profile files every secret under its own prefix: production tokens (and
        // the production database's key) are out of its reach even on the same keychain.
        let vault: Arc<dyn SecretStore> = match profile {
            Profile::Production => vault,
            Profile::Sandbox if vault.namespace() == Some(SANDBOX_NAMESPACE) => vault,
            Profile::Sandbox => Arc::new(xp_vault::Namespaced::new(vault, SANDBOX_NAMESPACE)),
        };
        let store = bootstrap::open_store(&vault, &paths, clock.now()).await?;
        let recovered = xp_store::outbox::recover_in_flight(&store).await?;
        if recovered > 0 {
            tracing::info!(recovered, "outbox items from an interrupted run are queued again");
        }
        let actor = Arc::new(std::sync::RwLock::new("owner".to_owned()));
        let auth_flows = xp_auth::Registry::new(clock.clone());
        let reachability = xp_http::Reachability::default();
        Ok(Context { profile, endpoints, paths, vault, store, clock, warnings, actor, auth_flows, reachability })
    }

    /// The audit actor for actions taken now (the signed-in email, or "owner").
    pub fn actor(&self) -> String {
        self.actor.read().map(|a| a.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    pub fn set_actor(&self, actor: String) {
        match self.actor.write() {
            Ok(mut a) => *a = actor,
            Err(p) => *p.into_inner() = actor,
        }
    }

    pub fn connectivity(&self) -> xp_ipc::Connectivity {
        let (down, at) = self.reachability.snapshot();
        xp_ipc::Connectivity {
            online: self.reachability.online(),
            unreachable_hosts: down,
            checked_at: at.map(|t| xp_core::rfc3339(time::OffsetDateTime::from(t))),
        }
    }

    /// An HTTP client whose requests report to the app's reachability record.
    pub fn http_client(&self) -> Result<xp_http::HttpClient> {
        xp_http::HttpClient::new(xp_http::HttpConfig::default())
            .map(|c| c.with_reachability(self.reachability.clone()))
            .map_err(|e| Error::Config { path: "http".into(), reason: e.to_string() })
    }

    pub fn app_info(&self) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            profile: self.profile,
            data_dir: self.paths.data_dir.display().to_string(),
            log_dir: self.paths.log_dir().display().to_string(),
            vault: match self.vault.kind() {
                VaultKind::Keychain => VaultStatus::Keychain,
                VaultKind::PlaintextFile => VaultStatus::PlaintextFile,
                VaultKind::Memory => VaultStatus::Memory,
            },
            endpoints: self.endpoints.listed(),
            warnings: self.warnings.clone(),
        }
    }

    pub async fn db_info(&self) -> Result<DbInfo> {
        let info = self.store.info().await?;
        Ok(DbInfo {
            schema_version: info.schema_version,
            cipher_version: info.cipher_version,
            file_bytes: info.file_bytes,
            tables: info.tables.into_iter().map(|t| TableCount { name: t.name, rows: t.rows }).collect(),
        })
    }

    pub async fn connections(&self) -> Result<Vec<ConnectionSummary>> {
        let rows = xp_store::connections::list(&self.store).await?;
        rows.into_iter()
            .map(|c| {
                let provider = Provider::parse(&c.provider)
                    .ok_or_else(|| xp_store::Error::Corrupt(format!("provider {:?}", c.provider)))?;
                let status = match c.status.as_str() {
                    "active" => ConnectionStatus::Active,
                    "reconnect_needed" => ConnectionStatus::ReconnectNeeded,
                    _ => ConnectionStatus::Disconnected,
                };
                Ok(ConnectionSummary {
                    id: c.id.to_string(),
                    provider,
                    display_name: c.display_name,
                    status,
                    last_synced_at: c.last_synced_at,
                    organisations: c.organisations,
                })
            })
            .collect::<std::result::Result<_, xp_store::Error>>()
            .map_err(Error::from)
    }

    /// Direct-debit collections, newest first.
    pub async fn collections(&self, limit: i64) -> Result<Vec<CollectionSummary>> {
        let limit = limit.clamp(1, 1000);
        Ok(xp_store::collections::list(&self.store, limit).await?.iter().map(collection_summary).collect())
    }

    /// One collection with its timeline.
    pub async fn collection(&self, id: xp_core::ids::CollectionId) -> Result<CollectionDetail> {
        let c = xp_store::collections::get(&self.store, id).await?;
        let timeline = xp_store::collections::timeline(&self.store, id)
            .await?
            .into_iter()
            .map(|e| CollectionEvent {
                at: xp_core::rfc3339(e.at),
                status: collection_status(e.status),
                reason: e.reason,
            })
            .collect();
        Ok(CollectionDetail { collection: collection_summary(&c), timeline })
    }

    pub async fn audit_events(&self, limit: i64) -> Result<Vec<AuditEvent>> {
        let limit = limit.clamp(1, 1000);
        Ok(xp_store::audit::list(&self.store, limit)
            .await?
            .into_iter()
            .map(|e| AuditEvent {
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                action: e.action,
                subject: e.subject,
                detail: e.detail.to_string(),
            })
            .collect())
    }

    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        Ok(AuditVerification { entries: xp_store::audit::verify(&self.store).await? })
    }
}

fn collection_status(s: xp_store::collections::Status) -> CollectionStatus {
    use xp_store::collections::Status as S;
    match s {
        S::Intent => CollectionStatus::Intent,
        S::PendingSubmission => CollectionStatus::PendingSubmission,
        S::Submitted => CollectionStatus::Submitted,
        S::Confirmed => CollectionStatus::Confirmed,
        S::PaidOut => CollectionStatus::PaidOut,
        S::Failed => CollectionStatus::Failed,
        S::Cancelled => CollectionStatus::Cancelled,
        S::ChargedBack => CollectionStatus::ChargedBack,
        S::LateFailure => CollectionStatus::LateFailure,
        S::Refunded => CollectionStatus::Refunded,
    }
}

fn collection_summary(c: &xp_store::collections::Collection) -> CollectionSummary {
    CollectionSummary {
        id: c.id.to_string(),
        organisation_id: c.organisation_id.to_string(),
        invoice_id: c.invoice_id.clone(),
        invoice_number: c.invoice_number.clone(),
        // The store's CHECK admits these two only.
        provider: if c.provider == "saferpay" { Provider::Saferpay } else { Provider::Gocardless },
        mandate_id: c.mandate_id.clone(),
        amount: c.amount.amount.to_string(),
        currency: c.amount.currency.code().to_owned(),
        charge_date: c.charge_date.map(|d| d.to_string()),
        status: collection_status(c.status),
        provider_payment_id: c.provider_payment_id.clone(),
        created_at: xp_core::rfc3339(c.created_at),
        updated_at: xp_core::rfc3339(c.updated_at),
    }
}
