//! The database handle: opening (key check, pragmas, migrations), closing, integrity checks and size.

use crate::{Error, Result, StoreKey};
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Row};
use std::path::{Path, PathBuf};
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// SQLite's "file is not a database": what SQLCipher answers to a wrong key.
const SQLITE_NOTADB: &str = "26";

#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    /// One connection for the sync engine's page transactions; see [`Store::sync_writer`].
    writer: SqlitePool,
    path: PathBuf,
    /// Keys the audit chain and keeps its signed head outside the table; the app always sets
    /// it (xp-context), tests of the store alone may not.
    audit: Option<std::sync::Arc<crate::audit::Anchor>>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TableCount {
    pub name: String,
    pub rows: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DbInfo {
    pub path: String,
    pub schema_version: i64,
    pub cipher_version: String,
    pub file_bytes: u64,
    pub tables: Vec<TableCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// `PRAGMA integrity_check`: a single "ok" row when the b-trees are sound.
    pub integrity: Vec<String>,
    /// `PRAGMA cipher_integrity_check`: one row per page whose HMAC fails; empty when sound.
    pub cipher_errors: Vec<String>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.integrity == ["ok"] && self.cipher_errors.is_empty()
    }
}

impl Store {
    /// Opens the database at `path` with `key`, creating it when the file does not exist.
    /// An existing file is first opened once with the key and no other pragma, so a wrong key is
    /// reported before anything (journal mode, migrations) could write to it.
    pub async fn open(path: &Path, key: &StoreKey) -> Result<Store> {
        crypto_init();
        let display = path.display().to_string();
        let exists = path.exists();
        if exists {
            verify_key(path, key).await?;
        } else if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::Open { path: display.clone(), reason: e.to_string() })?;
        }
        let options = base_options(path, key)
            .create_if_missing(!exists)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            // 64 MiB of decrypted pages per connection (the default is about 8 MiB): every page
            // read from disk costs an HMAC check and a decryption, and a sync page of 1,000
            // invoices touches leaves all over the ten indexes of 100k invoices, more than 16 MiB
            // hold between pages (docs/benchmarks.md).
            .pragma("cache_size", "-65536")
            // A checkpoint every 64 MiB of WAL rather than SQLite's 4 MiB: a sync page of 1,000
            // invoices dirties leaves all over the indexes, and the same leaves again on the next
            // page; checkpointed less often, each is copied into the file once for several pages.
            // 50k invoices took 8.4 s to store instead of 9.6 s and 10.7 s (docs/benchmarks.md);
            // 256 MiB did no better. The WAL is cut back to that size after a checkpoint.
            .pragma("wal_autocheckpoint", "16384")
            .pragma("journal_size_limit", "67108864")
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone())
            .await
            .map_err(|e| classify_open_error(e, &display))?;
        // Opened on first use (after the migrations), closed again after a minute without
        // syncs, so its page cache is only held while syncs write.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(Duration::from_secs(60))
            .connect_lazy_with(options);
        let store = Store { pool, writer, path: path.to_owned(), audit: None };
        store.migrate().await?;
        Ok(store)
    }

    /// The same store with its audit chain keyed and anchored by `anchor`.
    pub fn with_audit_anchor(mut self, anchor: crate::audit::Anchor) -> Store {
        self.audit = Some(std::sync::Arc::new(anchor));
        self
    }

    pub(crate) fn audit_anchor(&self) -> Option<&crate::audit::Anchor> {
        self.audit.as_deref()
    }

    async fn migrate(&self) -> Result<()> {
        let newest_known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        let applied = self.schema_version().await?;
        if applied > newest_known {
            return Err(Error::NewerSchema { path: self.path.display().to_string(), found: applied });
        }
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A transaction that holds SQLite's write lock from its first statement (`BEGIN
    /// IMMEDIATE`), for everything that writes. A plain `BEGIN` takes the lock only at its first
    /// write, and a transaction that has read cannot wait for the lock in WAL mode: SQLite
    /// answers "database is locked" at once instead of calling the busy handler, because the
    /// reader's snapshot may already be stale. So a collection that first checked the invoice
    /// failed whenever a sync was committing a group of pages; begun as a writer, it waits (up
    /// to the busy timeout) like any other writer. Reads that write nothing use [`Store::pool`].
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(tx)
    }

    /// The connection the sync engine writes its pages on, one page's transaction at a time.
    ///
    /// Always the same connection, so its page cache stays warm from page to page: SQLite drops a
    /// connection's whole cache when another connection has written since its last transaction,
    /// and the pool hands out its idle connections in turn, so consecutive pages written through
    /// the pool found a cold cache and read back (and decrypted) the leaves the page before had
    /// just written (100k invoices: 13.6 s of CPU through the pool, 11.4 s on one connection;
    /// docs/benchmarks.md). Waiting for it also queues concurrent syncs in order, where the pool
    /// had them poll SQLite's write lock. Reads stay on [`Store::pool`].
    pub fn sync_writer(&self) -> &SqlitePool {
        &self.writer
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Folds the WAL into the main file before closing, so the database file is complete on its
    /// own once this returns (sqlx finishes closing connections on its worker threads later).
    pub async fn close(&self) {
        self.writer.close().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await {
            tracing::warn!(error = %e, "WAL checkpoint before close failed");
        }
        self.pool.close().await;
    }

    /// The newest applied migration's version (its timestamp), 0 for an empty database.
    pub async fn schema_version(&self) -> Result<i64> {
        let has_table: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
                .fetch_one(&self.pool)
                .await?;
        if has_table == 0 {
            return Ok(0);
        }
        let v: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(v.unwrap_or(0))
    }

    pub async fn check(&self) -> Result<CheckReport> {
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&self.pool).await?;
        let cipher_errors: Vec<String> = sqlx::query("PRAGMA cipher_integrity_check")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0).unwrap_or_else(|_| "unreadable row".into()))
            .collect();
        Ok(CheckReport { integrity, cipher_errors })
    }

    pub async fn info(&self) -> Result<DbInfo> {
        let cipher_version: Option<String> =
            sqlx::query_scalar("PRAGMA cipher_version").fetch_optional(&self.pool).await?;
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut tables = Vec::with_capacity(names.len());
        for name in names {
            // Names come from sqlite_master, not from input; quoting keeps odd names safe anyway.
            let sql = format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\""));
            let rows: i64 = sqlx::query_scalar(&sql).fetch_one(&self.pool).await?;
            tables.push(TableCount { name, rows });
        }
        Ok(DbInfo {
            path: self.path.display().to_string(),
            schema_version: self.schema_version().await?,
            cipher_version: cipher_version.unwrap_or_else(|| "none (not SQLCipher!)".into()),
            // The WAL holds recent pages until a checkpoint; both are the database's size on disk.
            file_bytes: [self.path.clone(), self.path.with_extension("db-wal")]
                .iter()
                .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
                .sum(),
            tables,
        })
    }
}

/// Initialises the libcrypto SQLCipher links before SQLCipher does, with `OPENSSL_INIT_NO_ATEXIT`
/// (what `openssl_sys::init` asks for). Left to itself, SQLCipher initialises OpenSSL lazily on a
/// sqlx worker thread, and OpenSSL then registers `OPENSSL_cleanup` with `atexit`. That cleanup
/// frees every thread's OpenSSL thread-stop list without the lock an ending thread holds while it
/// walks its own list (crypto/initthread.c, `init_thread_deregister(NULL, 1)`), so a sqlx worker
/// thread ending while the process exits (a pool closed or dropped just before `main` returns)
/// frees the same blocks again: "double free or corruption (fasttop)", SIGABRT after the work
/// was done. Without the atexit cleanup the OS reclaims that memory; nothing needs flushing.
/// tests/ci/exit-loop.sh checks that the cleanup never runs.
fn crypto_init() {
    #[cfg(not(target_vendor = "apple"))]
    openssl_sys::init();
}

fn base_options(path: &Path, key: &StoreKey) -> SqliteConnectOptions {
    // sqlx sends the `key` pragma first on every connection (it is the first entry of its
    // pragma list), which SQLCipher requires before any other statement.
    SqliteConnectOptions::new()
        .filename(path)
        .pragma("key", key.pragma_value())
        .log_statements(tracing::log::LevelFilter::Off)
}

async fn verify_key(path: &Path, key: &StoreKey) -> Result<()> {
    let display = path.display().to_string();
    let mut conn = base_options(path, key)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(|e| classify_open_error(e, &display))?;
    let probe = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master").fetch_one(&mut conn).await;
    let _ = conn.close().await;
    probe.map(|_| ()).map_err(|e| classify_open_error(e, &display))
}

fn classify_open_error(e: sqlx::Error, path: &str) -> Error {
    if let sqlx::Error::Database(db) = &e {
        if db.code().as_deref() == Some(SQLITE_NOTADB) {
            return Error::WrongKey { path: path.to_owned() };
        }
    }
    Error::Open { path: path.to_owned(), reason: e.to_string() }
}
