//! Xero for the sync engine: [`XeroSource`] reads pages (tokens from the refresher, one refresh
//! on a 401, pacing by the client's governor, errors mapped to what the engine acts on) and
//! [`XeroSink`] reads them into typed rows (`crate::rows`) as they come and writes those into
//! the store's Xero tables inside their commit's transaction.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use xp_auth::Refresher;
use xp_core::ErrorCode;
use xp_store::xero as db;
use xp_sync::{BoxFuture, FetchRequest, FetchedPage, JobKey, ResourceSpec, Sink, SinkError, Source, SourceError};
use xp_xero::{records, PageRequest, Resource, XeroClient};

use crate::rows;

fn resource_of(name: &str) -> Option<Resource> {
    Resource::ALL.into_iter().find(|r| r.url_name() == name)
}

/// Reads Xero for the engine: tokens from the refresher (one refresh on a 401, then "reconnect
/// needed"), pacing by the client's governor, errors mapped to what the engine acts on.
pub(crate) struct XeroSource {
    client: XeroClient,
    refresher: Refresher,
    connection_of: HashMap<String, String>,
    budgets: Budgets,
}

/// Per tenant: (calls left this minute, calls left today) from Xero's last answer.
pub(crate) type Budgets = Arc<Mutex<HashMap<String, (Option<u32>, Option<u32>)>>>;

impl XeroSource {
    pub(crate) fn new(
        client: XeroClient,
        refresher: Refresher,
        connection_of: HashMap<String, String>,
        budgets: Budgets,
    ) -> Self {
        Self { client, refresher, connection_of, budgets }
    }

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
                        more: None,
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
        records::record_id(resource_of(resource)?, record)
    }

    fn record_updated_ms(&self, _resource: &str, record: &Value) -> Option<i64> {
        Some((records::updated(record)?.unix_timestamp_nanos() / 1_000_000) as i64)
    }
}

/// A record that cannot be stored, as the engine reports it (the provider's data at fault).
fn invalid(e: rows::RowError) -> SinkError {
    SinkError::InvalidRecord { resource: e.resource.to_owned(), id: e.id, reason: e.reason }
}

/// Writes Xero pages into the store's Xero tables.
pub(crate) struct XeroSink;

impl Sink for XeroSink {
    type Rows = db::Page;

    fn read(&self, job: &JobKey, records: Vec<Value>) -> std::result::Result<db::Page, SinkError> {
        let r = resource_of(&job.resource).ok_or_else(|| SinkError::UnknownResource(job.resource.clone()))?;
        rows::page(r, &records).map_err(invalid)
    }

    fn write<'a>(
        &'a self,
        conn: &'a mut sqlx::SqliteConnection,
        job: &'a JobKey,
        pages: &'a [db::Page],
    ) -> BoxFuture<'a, std::result::Result<(), SinkError>> {
        Box::pin(async move {
            for page in pages {
                db::upsert(conn, job.organisation_id, page).await?;
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
            let r = resource_of(&job.resource).ok_or_else(|| SinkError::UnknownResource(job.resource.clone()))?;
            Ok(db::delete_missing(conn, job.organisation_id, rows::store_resource(r), keep).await?)
        })
    }
}
