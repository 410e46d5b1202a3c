//! The engine against a real encrypted store and a fake paged source that behaves like Xero's
//! lists (page/pageSize, inclusive modified-since, ordered by modification time).
#![allow(clippy::unwrap_used)]

mod engine;
mod positions;
mod upgrade;

use serde_json::{json, Value};
use sqlx::Row;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use xp_core::{Clock, ManualClock};
use xp_store::{Store, StoreKey};
use xp_sync::{
    BoxFuture, Engine, EngineConfig, FetchRequest, FetchedPage, JobKey, ResourceSpec, Sink, SinkError, Source,
    SourceError,
};

pub fn clock() -> ManualClock {
    ManualClock::new(time::macros::datetime!(2026-11-23 09:00 UTC))
}

pub fn now_ms(c: &ManualClock) -> i64 {
    (c.now().unix_timestamp_nanos() / 1_000_000) as i64
}

/// An engine with a weekly full reconciliation, on `clock`. A failed page is not asked again
/// within the run, so a "crash" between two pages stays where it was put.
pub fn engine(store: &Store, clock: &ManualClock, page_size: u32) -> Engine {
    engine_with_retries(store, clock, page_size, 0)
}

pub fn engine_with_retries(store: &Store, clock: &ManualClock, page_size: u32, page_retries: u32) -> Engine {
    let clock: Arc<dyn Clock> = Arc::new(clock.clone());
    Engine::new(
        store.clone(),
        clock,
        EngineConfig {
            page_size,
            full_every: Duration::from_secs(7 * 86_400),
            concurrent_organisations: 4,
            page_retries,
            page_retry_delay: Duration::from_millis(10),
            // These tests follow the position page by page; grouped commits have their own.
            commit_records: 1,
            commit_every: Duration::ZERO,
        },
    )
}

/// Counts a call to a fake source (1-based) and fails it once `fail_after` calls went through
/// (a crash or an outage between pages).
pub fn count_call(calls: &AtomicU32, fail_after: &Mutex<Option<u32>>) -> Result<u32, SourceError> {
    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
    if fail_after.lock().unwrap().is_some_and(|k| n > k) {
        return Err(SourceError::Transient("connection reset".into()));
    }
    Ok(n)
}

/// The `id` every fake source's records carry.
pub fn id_of(record: &Value) -> Option<String> {
    record["id"].as_str().map(str::to_owned)
}

/// Upstream data: resource → records `{id, updated, value}`.
#[derive(Default)]
pub struct Fake {
    pub data: Mutex<Vec<(String, Value)>>,
    pub calls: AtomicU32,
    /// Fail every call after this many (a "crash" or an outage).
    pub fail_after: Mutex<Option<u32>>,
    /// The next this many calls fail, then calls work again (a burst of faults).
    pub fail_next: AtomicU32,
    pub daily_limit_after: Mutex<Option<u32>>,
    /// Cancels this token during call number k (a person pressing Cancel while a page is read).
    pub cancel_at: Mutex<Option<(u32, xp_sync::CancellationToken)>>,
}

impl Fake {
    pub fn with_records(resource: &str, n: usize) -> Arc<Fake> {
        let f = Fake::default();
        {
            let mut d = f.data.lock().unwrap();
            for i in 0..n {
                d.push((
                    resource.to_owned(),
                    json!({"id": format!("r{i:05}"), "updated": 1_000 + i as i64, "value": i}),
                ));
            }
        }
        Arc::new(f)
    }

    pub fn touch(&self, id: &str, updated: i64, value: i64) {
        let mut d = self.data.lock().unwrap();
        if let Some((_, r)) = d.iter_mut().find(|(_, r)| r["id"] == id) {
            r["updated"] = json!(updated);
            r["value"] = json!(value);
        }
    }

    pub fn remove(&self, id: &str) {
        self.data.lock().unwrap().retain(|(_, r)| r["id"] != id);
    }
}

impl Source for Fake {
    fn resources(&self) -> Vec<ResourceSpec> {
        vec![ResourceSpec::whole("Settings", false), ResourceSpec::numbered("Invoices", true)]
    }

    fn fetch<'a>(&'a self, job: &'a JobKey, req: FetchRequest) -> BoxFuture<'a, Result<FetchedPage, SourceError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some((_, token)) = self.cancel_at.lock().unwrap().as_ref().filter(|(k, _)| *k == n) {
                token.cancel();
            }
            if self.daily_limit_after.lock().unwrap().is_some_and(|k| n > k) {
                return Err(SourceError::DailyLimit { retry_after: Some(std::time::Duration::from_secs(3600)) });
            }
            if self.fail_after.lock().unwrap().is_some_and(|k| n > k) {
                return Err(SourceError::Transient("connection reset".into()));
            }
            if self.fail_next.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |k| k.checked_sub(1)).is_ok() {
                return Err(SourceError::Transient("502 Bad Gateway after the client's retries".into()));
            }
            let mut rows: Vec<Value> = self
                .data
                .lock()
                .unwrap()
                .iter()
                .filter(|(r, v)| *r == job.resource && req.since_ms.is_none_or(|s| v["updated"].as_i64().unwrap() >= s))
                .map(|(_, v)| v.clone())
                .collect();
            rows.sort_by_key(|v| (v["updated"].as_i64().unwrap(), v["id"].as_str().unwrap_or_default().to_owned()));
            let total = rows.len();
            let Some(page) = req.page() else {
                return Ok(FetchedPage { records: rows, ..Default::default() });
            };
            let size = req.page_size as usize;
            let start = ((page as usize - 1) * size).min(total);
            let end = (start + size).min(total);
            Ok(FetchedPage {
                records: rows[start..end].to_vec(),
                page_count: Some(total.div_ceil(size) as u32),
                item_count: Some(total as u64),
                next_cursor: None,
                more: None,
            })
        })
    }

    fn record_id(&self, _resource: &str, record: &Value) -> Option<String> {
        id_of(record)
    }

    fn record_updated_ms(&self, _resource: &str, record: &Value) -> Option<i64> {
        record["updated"].as_i64()
    }
}

/// Stores records in a test table.
pub struct TableSink;

impl Sink for TableSink {
    type Rows = Vec<(String, Value)>;

    fn read(&self, job: &JobKey, records: Vec<Value>) -> Result<Self::Rows, SinkError> {
        records
            .into_iter()
            .map(|r| match r["id"].as_str() {
                Some(id) => Ok((id.to_owned(), r)),
                None => Err(SinkError::InvalidRecord {
                    resource: job.resource.clone(),
                    id: r["value"].to_string(),
                    reason: "it has no id".into(),
                }),
            })
            .collect()
    }

    fn write<'a>(
        &'a self,
        conn: &'a mut sqlx::SqliteConnection,
        job: &'a JobKey,
        pages: &'a [Self::Rows],
    ) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async move {
            for (id, r) in pages.iter().flatten() {
                sqlx::query("INSERT INTO t_records (org, resource, id, raw) VALUES (?, ?, ?, ?) ON CONFLICT (org, resource, id) DO UPDATE SET raw = excluded.raw")
                    .bind(job.organisation_id.to_string())
                    .bind(&job.resource)
                    .bind(id)
                    .bind(r.to_string())
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(())
        })
    }

    fn remove_missing<'a>(
        &'a self,
        conn: &'a mut sqlx::SqliteConnection,
        job: &'a JobKey,
        keep: &'a [String],
    ) -> BoxFuture<'a, Result<u64, SinkError>> {
        Box::pin(async move {
            let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM t_records WHERE org = ? AND resource = ?")
                .bind(job.organisation_id.to_string())
                .bind(&job.resource)
                .fetch_all(&mut *conn)
                .await?;
            let keep: std::collections::HashSet<&String> = keep.iter().collect();
            let mut removed = 0;
            for id in ids.iter().filter(|i| !keep.contains(i)) {
                sqlx::query("DELETE FROM t_records WHERE org = ? AND resource = ? AND id = ?")
                    .bind(job.organisation_id.to_string())
                    .bind(&job.resource)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                removed += 1;
            }
            Ok(removed)
        })
    }
}

pub struct Db {
    pub _dir: tempfile::TempDir,
    pub store: Store,
}

pub async fn db(orgs: &[&str]) -> Db {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db"), &StoreKey::generate()).await.unwrap();
    add_test_tables(&store, orgs).await;
    Db { _dir: dir, store }
}

/// The organisation a test names "o1", "o2"…: a fixed UUID made from the name, as the store keys
/// organisations by the app's UUIDs.
pub fn oid(name: &str) -> xp_core::ids::OrganisationId {
    let mut bytes = [0u8; 16];
    for (b, c) in bytes.iter_mut().zip(name.bytes()) {
        *b = c;
    }
    xp_core::ids::OrganisationId(uuid::Uuid::from_bytes(bytes))
}

/// The test sink's table, one connection and the organisations.
pub async fn add_test_tables(store: &Store, orgs: &[&str]) {
    sqlx::query("CREATE TABLE t_records (org TEXT, resource TEXT, id TEXT, raw TEXT, PRIMARY KEY (org, resource, id))")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO connections (id, provider, display_name, created_at, updated_at) VALUES ('c1', 'xero', 'X', 'now', 'now')")
        .execute(store.pool())
        .await
        .unwrap();
    for o in orgs {
        sqlx::query("INSERT INTO organisations (id, connection_id, provider, external_id, name, created_at, updated_at) VALUES (?, 'c1', 'xero', ?, ?, 'now', 'now')")
            .bind(oid(o).to_string())
            .bind(format!("tenant-{o}"))
            .bind(format!("Org {o}"))
            .execute(store.pool())
            .await
            .unwrap();
    }
}

/// What the store holds for an org and resource: id → raw record.
pub async fn stored(store: &Store, org: &str, resource: &str) -> std::collections::BTreeMap<String, Value> {
    sqlx::query("SELECT id, raw FROM t_records WHERE org = ? AND resource = ?")
        .bind(oid(org).to_string())
        .bind(resource)
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<String, _>(0), serde_json::from_str(&r.get::<String, _>(1)).unwrap()))
        .collect()
}

pub fn upstream(f: &Fake, resource: &str) -> std::collections::BTreeMap<String, Value> {
    f.data
        .lock()
        .unwrap()
        .iter()
        .filter(|(r, _)| r == resource)
        .map(|(_, v)| (v["id"].as_str().unwrap().to_owned(), v.clone()))
        .collect()
}
