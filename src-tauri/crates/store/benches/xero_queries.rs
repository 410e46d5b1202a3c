//! The invoice list at 100k rows: stores the Xero emulator's `large:100000` data set in a fresh
//! encrypted store (the real write path: pages read by the provider crate and mapped to rows by
//! the connector, as the sync engine's sink does, then written page by page in transactions and
//! timed from rows to SQLCipher), then times the UI's typical queries. Prints a Markdown table and writes it to
//! docs/benchmarks.md (its own marked section). Figures, not assertions.
//!
//!     cargo bench -p xp-store --bench xero_queries

#![allow(clippy::unwrap_used)] // a benchmark that cannot run has nothing to report

use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;

use std::fmt::Write as _;
use std::time::{Duration, Instant};
use xp_connect_xero::rows;
use xp_sandbox_xero::data::generate;
use xp_store::xero::{self, InvoiceQuery, InvoiceSort, Page};
use xp_store::{Store, StoreKey};

const INVOICES_DEFAULT: u32 = 100_000;
const RUNS: usize = 25;
/// Records per transaction: what the sync engine commits at once when pages come back to back
/// (`xp_sync::EngineConfig::commit_records`, twenty of Xero's largest pages), so the write
/// figures are what a full sync pays. Until 2026-12 this bench wrote one page of 100, then of
/// 1,000, then 5,000 records per transaction; `XP_BENCH_PAGE=1000` measures that shape.
const PAGE_DEFAULT: usize = 20_000;
/// Records per page, as the engine reads them (Xero's largest page, `EngineConfig::page_size`):
/// each page is read into rows on its own and a commit writes its pages one after another.
const FETCH_PAGE: usize = 1000;
const COMMAND: &str = "cargo bench -p xp-store --bench xero_queries";
const NOTES: &str = "\
Notes (from tuning on the same machine):
- The invoice's raw JSON (about 2 KB with line items) lives in `xero_invoices_raw`, not in the row. Inline, a page
  held one or two invoices, and every query that reads rows decrypted ten times the pages: before this change and
  a 16 MiB page cache per connection, the amount-range query took 193 ms, the LIKE scan 1,033 ms, a cold upsert
  of the 100k invoices 70 s.
- `xero_payments_invoice` ends in `date`: without it the planner walked the date index over all 60k payments to
  avoid a sort, and `get_invoice` took 847 ms.
- Text search uses an FTS5 trigram index (substring, case-insensitive, any fragment of 3+ characters); 1–2
  character input falls back to a LIKE scan. The last row shows what the index saves.
- Ingest (issue 9): the store takes typed rows (the provider crate reads the JSON, the connector maps it; that step
  is timed apart, in brackets). A page is written with one multi-row statement per table (rows, raw side table,
  lines); one SELECT per page finds the stored content hashes first, so an unchanged record costs an index look-up
  and nothing else (no row update, no raw rewrite, no line replacement, no FTS work), and a record not stored before
  skips the lines' DELETE. Records not stored before go in as plain INSERTs with their row ids (no UPSERT, no
  RETURNING). The content hash and the packed raw JSON are made when a page is read into rows, before the write
  (here in the read + map row; in a sync before the write lock is taken). Figures on this shared machine: the CPU
  columns say what the store itself spent.
- Lines are keyed by their invoice's row id (`invoice_row`, position): a first sync's lines append at the table's
  right edge instead of landing on about 1,000 random leaves per page; pages are written on the store's one sync
  writer connection, whose page cache survives from page to page (through the pool, consecutive pages alternated
  between connections and each found its cache dropped). What each page's commit still writes is mostly the
  leaves of the random-keyed indexes (invoice GUID, contact, contact name, total, amount due): about 3,600 pages
  of 4 KiB per 1,000 invoices at 100k (docs/benchmarks.md, Ingest before and after issue 9).
";

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run());
}

async fn run() {
    // XP_BENCH_INVOICES=20000 for a quick look while tuning; the documented figures use 100k.
    let invoices: u32 =
        std::env::var("XP_BENCH_INVOICES").ok().and_then(|v| v.parse().ok()).unwrap_or(INVOICES_DEFAULT);
    let page: usize = std::env::var("XP_BENCH_PAGE").ok().and_then(|v| v.parse().ok()).unwrap_or(PAGE_DEFAULT);
    let now = time::macros::datetime!(2026-11-23 09:00 UTC);
    let t0 = Instant::now();
    let tenant = generate(xp_sandbox_kit::Seed::Large(invoices), now).remove(0);
    let generated = t0.elapsed();

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bench.db"), &StoreKey::generate()).await.unwrap();
    // The app's organisation ids are UUIDs (36 characters in every index entry), not a short tag.
    let org = xp_core::ids::OrganisationId::new_random();
    sqlx::query("INSERT INTO connections (id, provider, display_name, created_at, updated_at) VALUES ('c', 'xero', 'Xero', 't', 't')")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO organisations (id, connection_id, provider, external_id, name, base_currency, created_at, updated_at) VALUES (?, 'c', 'xero', ?, 'Bench', ?, 't', 't')")
        .bind(org.to_string())
        .bind(&tenant.tenant_id)
        .bind(&tenant.currency)
        .execute(store.pool())
        .await
        .unwrap();

    let mut writes = String::new();
    let mut total_rows = 0usize;
    let mut total_time = Took::default();
    let mut invoice_pages = Vec::new();
    let mut invoice_bytes = 0u64;
    for (resource, items) in [
        (xp_xero::Resource::Accounts, &tenant.accounts.items),
        (xp_xero::Resource::Contacts, &tenant.contacts.items),
        (xp_xero::Resource::Invoices, &tenant.invoices.items),
        (xp_xero::Resource::Payments, &tenant.payments.items),
        (xp_xero::Resource::BankTransactions, &tenant.bank_transactions.items),
        (xp_xero::Resource::CreditNotes, &tenant.credit_notes.items),
    ] {
        let name = rows::store_resource(resource);
        let (t, c) = (Instant::now(), cpu());
        let pages: Vec<Page> = items.chunks(FETCH_PAGE).map(|p| rows::page(resource, p).unwrap()).collect();
        let mapped = Took { wall: t.elapsed(), cpu: cpu().saturating_sub(c) };
        let written = written_bytes();
        let took = store_pages(&store, org, &pages, page).await;
        if resource == xp_xero::Resource::Invoices {
            invoice_bytes = written_bytes().saturating_sub(written);
        }
        total_rows += items.len();
        total_time += took;
        row(&mut writes, &format!("upsert {name} ({} records, {page} per commit)", items.len()), took, items.len());
        if resource == xp_xero::Resource::Invoices {
            row(&mut writes, "(not in the store's time) read + map the invoices' JSON to rows", mapped, items.len());
            invoice_pages = pages;
        }
    }
    row(&mut writes, &format!("upsert everything ({total_rows} records)"), total_time, total_rows);
    let again = store_pages(&store, org, &invoice_pages, page).await;
    row(&mut writes, "re-upsert the same invoices (unchanged: nothing written)", again, tenant.invoices.items.len());
    // What the sync engine does after a pass, on the connection that wrote (xp_sync's
    // refresh_statistics): PRAGMA optimize looks only at tables that connection used.
    let (t, c) = (Instant::now(), cpu());
    sqlx::query("PRAGMA optimize").execute(store.sync_writer()).await.unwrap();
    let _ = writeln!(
        writes,
        "| refresh the planner's statistics (`PRAGMA optimize` on the sync writer, as the engine after a pass) | {:.2} s | - | {:.2} s | - |",
        t.elapsed().as_secs_f64(),
        cpu().saturating_sub(c).as_secs_f64()
    );

    let mid = &tenant.invoices.items[invoices as usize / 2];
    let contact_id = mid["Contact"]["ContactID"].as_str().unwrap().to_owned();
    let number = mid["InvoiceNumber"].as_str().unwrap().to_owned();
    let base = InvoiceQuery {
        organisation_id: Some(org),
        sort: InvoiceSort::Date,
        descending: true,
        limit: 100,
        ..Default::default()
    };
    let cases: Vec<(String, InvoiceQuery)> = vec![
        ("first page, date desc".into(), base.clone()),
        ("first page, total desc".into(), InvoiceQuery { sort: InvoiceSort::Total, ..base.clone() }),
        (
            "first page, contact asc".into(),
            InvoiceQuery { sort: InvoiceSort::Contact, descending: false, ..base.clone() },
        ),
        ("status = AUTHORISED".into(), InvoiceQuery { statuses: vec!["AUTHORISED".into()], ..base.clone() }),
        (
            "status in (DRAFT, SUBMITTED)".into(),
            InvoiceQuery { statuses: vec!["DRAFT".into(), "SUBMITTED".into()], ..base.clone() },
        ),
        (
            "date range (one quarter)".into(),
            InvoiceQuery { date_from: Some("2026-01-01".into()), date_to: Some("2026-03-31".into()), ..base.clone() },
        ),
        (
            "amount range 1,000.00–1,500.00".into(),
            InvoiceQuery {
                amount_min: Some(rust_decimal::Decimal::new(1000, 0)),
                amount_max: Some(rust_decimal::Decimal::new(1500, 0)),
                ..base.clone()
            },
        ),
        ("contact filter".into(), InvoiceQuery { contact_id: Some(contact_id), ..base.clone() }),
        ("currency = USD".into(), InvoiceQuery { currency: Some("USD".into()), ..base.clone() }),
        (
            format!("search number \"{number}\" (FTS5 trigram)"),
            InvoiceQuery { search: Some(number.clone()), ..base.clone() },
        ),
        (
            "search name fragment \"Müll\" (FTS5 trigram)".into(),
            InvoiceQuery { search: Some("Müll".into()), ..base.clone() },
        ),
        ("search \"99\" (2 chars: LIKE scan)".into(), InvoiceQuery { search: Some("99".into()), ..base.clone() }),
        (
            "status + date range + search".into(),
            InvoiceQuery {
                statuses: vec!["PAID".into()],
                date_from: Some("2025-06-01".into()),
                search: Some("Müll".into()),
                ..base.clone()
            },
        ),
        ("deep page (offset 50,000)".into(), InvoiceQuery { offset: 50_000, ..base.clone() }),
    ];

    let st = &store;
    if std::env::var_os("XP_BENCH_EXPLAIN").is_some() {
        explain(st, org, mid["InvoiceID"].as_str().unwrap()).await;
    }
    let mut reads = String::new();
    for (name, q) in &cases {
        let (took, matched) = median(RUNS, || async move { xero::list_invoices(st, q).await.unwrap().total }).await;
        let _ = writeln!(reads, "| {name} | {matched} | {} |", ms(took));
    }
    let all = InvoiceQuery { organisation_id: Some(org), ..Default::default() };
    let (took, matched) = median(RUNS, || async { xero::count_invoices(st, &all).await.unwrap() }).await;
    let _ = writeln!(reads, "| count, no filter | {matched} | {} |", ms(took));
    let mid_id = mid["InvoiceID"].as_str().unwrap();
    let (took, _) = median(RUNS, || async move { xero::get_invoice(st, org, mid_id).await.unwrap().unwrap() }).await;
    let _ = writeln!(reads, "| get_invoice (lines + payments + raw) | 1 | {} |", ms(took));
    let (took, currencies) =
        median(RUNS, || async move { xero::list_currencies_in_use(st, Some(org)).await.unwrap().len() }).await;
    let _ = writeln!(reads, "| currencies in use | {currencies} | {} |", ms(took));
    // What the FTS index saves: the same fragment as a LIKE scan over three columns.
    let (took, _) = median(RUNS, || async move {
        let _: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM xero_invoices WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?) AND \
             (number LIKE '%Müll%' OR contact_name LIKE '%Müll%' OR reference LIKE '%Müll%')",
        )
        .bind(org.to_string())
        .fetch_one(st.pool())
        .await
        .unwrap();
    })
    .await;
    let _ = writeln!(reads, "| for comparison: count of \"Müll\" by LIKE scan, no index | - | {} |", ms(took));

    let info = store.info().await.unwrap();
    let held = held_per_invoice(&tenant.invoices.items[..FETCH_PAGE.min(tenant.invoices.items.len())]);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mut md = String::new();
    let _ = writeln!(md, "## Local store: Xero records at 100k invoices\n");
    let _ = writeln!(
        md,
        "The Xero emulator's `large:{invoices}` data set (one organisation: {} invoices with {} line items, {} contacts, \
         {} payments, {} bank transactions, {} credit notes) read by `xp_xero::records`, mapped by `xp_connect_xero::rows` {FETCH_PAGE} records a page and stored through `xp_store::xero::upsert` {page} records per transaction (the sync engine's grouped commit), \
         into a fresh SQLCipher {} database; then the invoice list's queries through \
         `xp_store::xero::list_invoices` and friends, each the median of {RUNS} runs (first page = 100 rows, plus the \
         total count of matches). Machine: {cpu}, {cores} cores. Data generation took {:.1} s (not included). \
         Database on disk afterwards: {:.0} MiB; storing the invoices wrote {:.0} MiB (WAL and checkpoints). \
         A page waiting for its commit holds {} bytes per invoice as the sink's rows ({} as parsed JSON values, \
         which the engine held until 2026-12), {} MiB for a group of {page}.\n",
        tenant.invoices.len(),
        tenant.invoices.items.iter().map(|v| v["LineItems"].as_array().map_or(0, Vec::len)).sum::<usize>(),
        tenant.contacts.len(),
        tenant.payments.len(),
        tenant.bank_transactions.len(),
        tenant.credit_notes.len(),
        info.cipher_version,
        generated.as_secs_f64(),
        info.file_bytes as f64 / (1024.0 * 1024.0),
        invoice_bytes as f64 / (1024.0 * 1024.0),
        held.rows,
        held.json,
        held.rows * page / (1024 * 1024),
    );
    let _ = writeln!(md, "Command (release build, as `cargo bench` compiles it):\n\n    {COMMAND}\n");
    let _ = writeln!(
        md,
        "| write | wall time | rows/s (wall) | CPU time | rows per CPU second |\n|---|---|---|---|---|\n{writes}"
    );
    let _ = writeln!(md, "| query over {invoices} invoices | matches | median |\n|---|---|---|\n{reads}");
    let _ = writeln!(md, "{NOTES}");
    print!("{md}");
    if invoices == INVOICES_DEFAULT {
        // Replaces this benchmark's section of docs/benchmarks.md (between its markers).
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../docs/benchmarks.md");
        let doc = std::fs::read_to_string(&out).unwrap_or_default();
        let (start, end) = ("<!-- store-bench:start -->", "<!-- store-bench:end -->");
        let section = format!("{start}\n{md}{end}");
        let doc = match (doc.find(start), doc.find(end)) {
            (Some(a), Some(b)) if a < b => format!("{}{section}{}", &doc[..a], &doc[b + end.len()..]),
            _ => format!("{doc}\n{section}\n"),
        };
        std::fs::write(&out, doc).unwrap();
        eprintln!("written to {}", out.display());
    }
    store.close().await;
}

/// Query plans of the statements the queries send, for tuning (XP_BENCH_EXPLAIN=1).
async fn explain(store: &Store, org: xp_core::ids::OrganisationId, invoice_id: &str) {
    let cols =
        "invoice_id, number, type, status, contact_id, contact_name, date, due_date, currency, total, amount_due";
    let org = &org.to_string();
    let org = org.as_str();
    for (sql, binds) in [
        (format!("SELECT {cols} FROM xero_invoices WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?) AND total_minor >= 100000 AND total_minor <= 150000 ORDER BY date DESC, id DESC LIMIT 100"), vec![org]),
        (format!("SELECT {cols} FROM xero_invoices WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?) AND status IN ('DRAFT','SUBMITTED') ORDER BY date DESC, id DESC LIMIT 100"), vec![org]),
        ("SELECT count(*) FROM xero_invoices WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?) AND total_minor >= 100000 AND total_minor <= 150000".into(), vec![org]),
        ("SELECT payment_id FROM xero_payments WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?) AND invoice_id = ? ORDER BY date, payment_id".into(), vec![org, invoice_id]),
        ("SELECT position FROM xero_invoice_lines WHERE invoice_row = (SELECT id FROM xero_invoices WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?) AND invoice_id = ?) ORDER BY position".into(), vec![org, invoice_id]),
        (format!("SELECT {cols}, r.raw FROM xero_invoices i JOIN xero_invoices_raw r ON r.id = i.id WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?) AND invoice_id = ?"), vec![org, invoice_id]),
    ] {
        let explain = format!("EXPLAIN QUERY PLAN {sql}");
        let mut q = sqlx::query(&explain);
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(store.pool()).await.unwrap();
        eprintln!("{sql}");
        for r in rows {
            eprintln!("    {}", sqlx::Row::get::<String, _>(&r, "detail"));
        }
    }
}

/// Writes `pages` as the sync engine does (one transaction per page, on the store's sync
/// writer connection) and times it.
/// Writes `pages` as the engine's sink does: as many pages per transaction as make up
/// `per_commit` records, each page upserted on its own.
async fn store_pages(store: &Store, org: xp_core::ids::OrganisationId, pages: &[Page], per_commit: usize) -> Took {
    let (t, c) = (Instant::now(), cpu());
    for group in pages.chunks(per_commit.div_ceil(FETCH_PAGE).max(1)) {
        let mut tx = store.sync_writer().begin_with("BEGIN IMMEDIATE").await.unwrap();
        for page in group {
            xero::upsert(&mut tx, org, page).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    Took { wall: t.elapsed(), cpu: cpu().saturating_sub(c) }
}

/// Wall time and the process's CPU time (user + system, every thread: sqlx runs SQLite on its
/// own worker thread) of one step. On a machine shared with other builds the wall time mostly
/// measures the neighbours; the CPU time is what the step itself costs.
#[derive(Clone, Copy, Default)]
struct Took {
    wall: Duration,
    cpu: Duration,
}

impl std::ops::AddAssign for Took {
    fn add_assign(&mut self, o: Took) {
        self.wall += o.wall;
        self.cpu += o.cpu;
    }
}

/// User + system time of this process so far, from /proc/self/stat (clock ticks of 1/100 s).
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at state, field 3.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest.split_whitespace().skip(11).take(2).map(|v| v.parse().unwrap_or(0)).collect();
    Duration::from_millis(f.iter().sum::<u64>() * 10)
}

fn row(out: &mut String, name: &str, took: Took, rows: usize) {
    let per = |d: Duration| rows as f64 / d.as_secs_f64().max(0.001);
    let _ = writeln!(
        out,
        "| {name} | {:.2} s | {:.0} | {:.2} s | {:.0} |",
        took.wall.as_secs_f64(),
        per(took.wall),
        took.cpu.as_secs_f64(),
        per(took.cpu)
    );
}

/// The median time of `runs` calls (after one warm-up call) and the last call's result.
async fn median<F, Fut, T>(runs: usize, f: F) -> (Duration, T)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut last = f().await; // warms the page cache and the statement cache
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        last = f().await;
        times.push(t.elapsed());
    }
    times.sort();
    (times[runs / 2], last)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Bytes this process has handed to write(2) so far (/proc/self/io `wchar`): what the store
/// wrote to its WAL and, at checkpoints, to the database file.
fn written_bytes() -> u64 {
    let io = std::fs::read_to_string("/proc/self/io").unwrap_or_default();
    io.lines().find_map(|l| l.strip_prefix("wchar: ")).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// Counts the heap bytes Rust holds, to weigh what a page costs while it waits for its commit.
/// SQLite allocates through libc directly, so the store's own memory is not in it.
#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Heap bytes per invoice of one page held as parsed JSON values and as the sink's rows.
struct Held {
    json: usize,
    rows: usize,
}

fn held_per_invoice(records: &[serde_json::Value]) -> Held {
    let n = records.len().max(1);
    let json: Vec<serde_json::Value> = records.to_vec();
    let page = rows::page(xp_xero::Resource::Invoices, &json).unwrap();
    // What dropping frees is exactly what was held (stats_alloc counts a grown allocation's
    // growth apart from its first size, so the bytes allocated while building overstate it).
    let freed = |held: Box<dyn std::any::Any>| {
        let region = Region::new(ALLOCATOR);
        drop(held);
        region.change().bytes_deallocated / n
    };
    let rows = freed(Box::new(page));
    Held { json: freed(Box::new(json)), rows }
}
