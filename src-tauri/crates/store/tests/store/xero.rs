//! Xero records against the sandbox emulator's own generator: the records are what the
//! emulator serves over the wire, and every query is checked against a plain in-memory filter
//! over that JSON (an independent reading of the same data).

use crate::Fixture;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::str::FromStr;
use xp_connect_xero::rows::{self, RowError};
use xp_core::ids::OrganisationId;
use xp_sandbox_xero::data::{generate, minor, Tenant};
use xp_store::xero::{self, InvoiceQuery, InvoiceSort, Resource};
use xp_store::Store;

const PAGE: usize = 100;

pub struct Loaded {
    pub _fx: Fixture,
    pub store: Store,
    pub tenants: Vec<Tenant>,
    pub orgs: Vec<OrganisationId>,
}

/// The app's id of the organisation kept for a tenant: a UUID of its own (never the tenant's id).
pub fn org_id(t: &Tenant) -> OrganisationId {
    format!("0000000a-{}", &t.tenant_id[9..]).parse().unwrap()
}

pub async fn add_organisation(store: &Store, id: OrganisationId, currency: &str) {
    let id = &id.to_string();
    let conn_id = format!("conn-{id}");
    sqlx::query("INSERT OR IGNORE INTO connections (id, provider, display_name, created_at, updated_at) VALUES (?, 'xero', 'Xero', 't', 't')")
        .bind(&conn_id)
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO organisations (id, connection_id, provider, external_id, name, base_currency, created_at, updated_at) VALUES (?, ?, 'xero', ?, ?, ?, 't', 't')")
        .bind(id)
        .bind(&conn_id)
        .bind(id)
        .bind(id)
        .bind(currency)
        .execute(store.pool())
        .await
        .unwrap();
}

/// Every resource of a tenant as the sync engine hands it over: pages of records.
pub fn pages(t: &Tenant) -> Vec<(Resource, Vec<Value>)> {
    let mut out = vec![
        (Resource::Organisation, vec![t.organisation.clone()]),
        (Resource::Currencies, t.currencies.clone()),
        (Resource::TaxRates, t.tax_rates.clone()),
    ];
    for (r, items) in [
        (Resource::Accounts, &t.accounts.items),
        (Resource::Contacts, &t.contacts.items),
        (Resource::Invoices, &t.invoices.items),
        (Resource::Payments, &t.payments.items),
        (Resource::BankTransactions, &t.bank_transactions.items),
        (Resource::CreditNotes, &t.credit_notes.items),
    ] {
        for chunk in items.chunks(PAGE) {
            out.push((r, chunk.to_vec()));
        }
    }
    out
}

/// Stores a page of `resource` as the sync engine's sink does: the provider crate reads the JSON,
/// the connector maps it to rows, the store writes them. A store failure panics; a record that
/// cannot be stored is the error.
pub async fn upsert(
    conn: &mut sqlx::SqliteConnection,
    organisation_id: OrganisationId,
    resource: Resource,
    records: &[Value],
) -> Result<usize, RowError> {
    let provider = xp_xero::Resource::ALL.into_iter().find(|r| rows::store_resource(*r) == resource).unwrap();
    let page = rows::page(provider, records)?;
    Ok(xero::upsert(conn, organisation_id, &page).await.unwrap())
}

/// Writes every page in its own transaction, as the sync engine does.
pub async fn store_all(store: &Store, tenants: &[Tenant]) -> usize {
    let mut written = 0;
    for t in tenants {
        for (r, page) in pages(t) {
            let mut tx = store.begin_write().await.unwrap();
            written += upsert(&mut tx, org_id(t), r, &page).await.unwrap();
            tx.commit().await.unwrap();
        }
    }
    written
}

pub async fn loaded() -> Loaded {
    let fx = Fixture::new();
    let store = fx.open().await;
    let tenants = generate(xp_sandbox_kit::Seed::Demo, crate::t0());
    let mut orgs = Vec::new();
    for t in &tenants {
        add_organisation(&store, org_id(t), &t.currency).await;
        orgs.push(org_id(t));
    }
    store_all(&store, &tenants).await;
    Loaded { _fx: fx, store, tenants, orgs }
}

async fn count(store: &Store, table: &str, org: OrganisationId) -> i64 {
    let org = &org.to_string();
    // Lines belong to an organisation through their invoice's row.
    let filter = if table == "xero_invoice_lines" {
        "invoice_row IN (SELECT id FROM xero_invoices WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?))"
    } else {
        "org_key = (SELECT org_key FROM organisations WHERE id = ?)"
    };
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE {filter}"))
        .bind(org)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn counts(l: &Loaded) -> Vec<(String, i64)> {
    let orphans: i64 =
        sqlx::query_scalar("SELECT count(*) FROM xero_invoices_raw WHERE id NOT IN (SELECT id FROM xero_invoices)")
            .fetch_one(l.store.pool())
            .await
            .unwrap();
    let mut out = vec![("raw JSON without its invoice".to_owned(), orphans)];
    for org in &l.orgs {
        for table in [
            "xero_invoices",
            "xero_invoice_lines",
            "xero_contacts",
            "xero_payments",
            "xero_bank_transactions",
            "xero_credit_notes",
            "xero_accounts",
            "xero_reference",
        ] {
            out.push((format!("{org}/{table}"), count(&l.store, table, *org).await));
        }
    }
    out
}

/// Every id the query matches, walking all pages.
async fn all_ids(store: &Store, q: &InvoiceQuery) -> Vec<String> {
    let mut q = q.clone();
    q.limit = 500;
    q.offset = 0;
    let mut ids = Vec::new();
    loop {
        let page = xero::list_invoices(store, &q).await.unwrap();
        let n = page.rows.len();
        ids.extend(page.rows.into_iter().map(|r| r.invoice_id));
        if n < q.limit as usize {
            assert_eq!(ids.len() as i64, page.total, "the count agrees with the rows for {q:?}");
            return ids;
        }
        q.offset += q.limit;
    }
}

fn invoices(l: &Loaded) -> Vec<&Value> {
    l.tenants.iter().flat_map(|t| t.invoices.items.iter()).collect()
}

fn id_of(v: &Value) -> String {
    v["InvoiceID"].as_str().unwrap().to_ascii_lowercase()
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter().fold(v, |v, k| &v[k]).as_str().unwrap_or("")
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Security review 2026-12 #16: a NUL in a search of three or more characters made FTS5 fail.
#[tokio::test]
async fn a_search_with_control_characters_matches_as_if_they_were_not_there() {
    let l = loaded().await;
    let number = s(invoices(&l)[0], &["InvoiceNumber"]).to_owned();
    let (head, tail) = number.split_at(3);
    let typed = format!("{head}\0{tail}\u{7}");
    let page = xero::list_invoices(&l.store, &InvoiceQuery { search: Some(typed), ..Default::default() })
        .await
        .expect("a control character is not an error");
    assert!(page.rows.iter().any(|r| r.number.as_deref() == Some(number.as_str())), "{number} is found");
}

#[tokio::test]
async fn demo_records_are_stored_once_however_often_a_page_arrives() {
    let l = loaded().await;
    for (i, t) in l.tenants.iter().enumerate() {
        let org = &l.orgs[i];
        let lines: usize = t.invoices.items.iter().map(|v| v["LineItems"].as_array().unwrap().len()).sum();
        for (table, want) in [
            ("xero_invoices", t.invoices.len()),
            ("xero_invoice_lines", lines),
            ("xero_contacts", t.contacts.len()),
            ("xero_payments", t.payments.len()),
            ("xero_bank_transactions", t.bank_transactions.len()),
            ("xero_credit_notes", t.credit_notes.len()),
            ("xero_accounts", t.accounts.len()),
            ("xero_reference", 3),
        ] {
            assert_eq!(count(&l.store, table, *org).await, want as i64, "{table} of {org} holds one row per record");
        }
    }
    let before = counts(&l).await;
    let rewritten = store_all(&l.store, &l.tenants).await;
    let reference_records: usize = l.tenants.iter().map(|t| 1 + t.currencies.len() + t.tax_rates.len()).sum();
    assert_eq!(
        rewritten, reference_records,
        "identical records are skipped by their content hash; only the small lists are replaced whole"
    );
    assert_eq!(counts(&l).await, before, "storing the same pages again must not add rows");

    // Xero changes some fields without moving UpdatedDateUTC (xero.md §8): same timestamp,
    // different content is written.
    let mut changed = l.tenants[0].invoices.items[5].clone();
    changed["Reference"] = json!("changed without a new timestamp");
    let mut conn = l.store.pool().acquire().await.unwrap();
    assert_eq!(upsert(&mut conn, l.orgs[0], Resource::Invoices, &[changed.clone()]).await.unwrap(), 1);
    let found =
        xero::list_invoices(&l.store, &InvoiceQuery { search: Some("changed without".into()), ..Default::default() })
            .await
            .unwrap();
    assert_eq!(found.total, 1, "the changed reference reached the row and its search index");
    assert_eq!(upsert(&mut conn, l.orgs[0], Resource::Invoices, &[changed]).await.unwrap(), 0);

    let org_ref = xero::get_reference(&l.store, l.orgs[0], Resource::Organisation).await.unwrap().unwrap();
    assert_eq!(org_ref[0]["Name"], l.tenants[0].organisation["Name"]);
    let currencies = xero::get_reference(&l.store, l.orgs[1], Resource::Currencies).await.unwrap().unwrap();
    assert_eq!(currencies, Value::Array(l.tenants[1].currencies.clone()));
    assert!(l.store.check().await.unwrap().ok());
}

/// What one connection has changed so far, triggers included (the FTS index is kept by triggers),
/// and the search index's own storage.
async fn changes_and_index(conn: &mut sqlx::SqliteConnection) -> (i64, Vec<(i64, Vec<u8>)>) {
    let changes: i64 = sqlx::query_scalar("SELECT total_changes()").fetch_one(&mut *conn).await.unwrap();
    let index =
        sqlx::query_as("SELECT id, block FROM xero_invoices_fts_data ORDER BY id").fetch_all(&mut *conn).await.unwrap();
    (changes, index)
}

#[tokio::test]
async fn an_unchanged_resync_writes_no_row_no_raw_record_no_line_and_no_search_index_entry() {
    let l = loaded().await;
    let mut conn = l.store.pool().acquire().await.unwrap();
    let raw_before: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT id, raw FROM xero_invoices_raw ORDER BY id").fetch_all(&mut *conn).await.unwrap();
    let (changes_before, index_before) = changes_and_index(&mut conn).await;
    let mut written = 0;
    for (i, t) in l.tenants.iter().enumerate() {
        for (r, page) in pages(t) {
            if matches!(r, Resource::Organisation | Resource::Currencies | Resource::TaxRates) {
                continue; // small lists are replaced whole by design
            }
            written += upsert(&mut conn, l.orgs[i], r, &page).await.unwrap();
        }
    }
    let (changes_after, index_after) = changes_and_index(&mut conn).await;
    assert_eq!(written, 0, "every record hashes to the stored one, so none is written");
    assert_eq!(
        changes_after, changes_before,
        "not one row of any table (rows, raw side table, lines, search index) was inserted, updated or deleted"
    );
    assert!(index_after == index_before, "the trigram index's storage is byte for byte the same");
    let raw_after: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT id, raw FROM xero_invoices_raw ORDER BY id").fetch_all(&mut *conn).await.unwrap();
    assert!(raw_after == raw_before, "the raw side table is untouched");

    // The same connection does count a real change, so the zero above is not a blind counter.
    let mut changed = l.tenants[0].invoices.items[7].clone();
    changed["Reference"] = json!("a new reference");
    assert_eq!(upsert(&mut conn, l.orgs[0], Resource::Invoices, &[changed]).await.unwrap(), 1);
    let (changes_changed, index_changed) = changes_and_index(&mut conn).await;
    assert!(changes_changed > changes_after, "a changed record is written");
    assert!(index_changed != index_after, "and its new reference reaches the search index");
}

#[tokio::test]
async fn an_invoice_without_line_items_keeps_its_stored_lines() {
    let l = loaded().await;
    let full = &l.tenants[0].invoices.items[2]; // 3 line items
    let id = id_of(full);
    let before = xero::get_invoice(&l.store, l.orgs[0], &id).await.unwrap().unwrap();
    assert_eq!(before.line_items.len(), 3);

    let mut summary = full.clone();
    summary.as_object_mut().unwrap().remove("LineItems");
    summary["Reference"] = json!("Changed in summary");
    let mut conn = l.store.pool().acquire().await.unwrap();
    assert_eq!(upsert(&mut conn, l.orgs[0], Resource::Invoices, &[summary.clone()]).await.unwrap(), 1);
    let after = xero::get_invoice(&l.store, l.orgs[0], &id).await.unwrap().unwrap();
    assert_eq!(after.reference.as_deref(), Some("Changed in summary"), "the summary's fields are stored");
    assert_eq!(after.line_items, before.line_items, "a record without LineItems says nothing about the lines");
    assert_eq!(after.raw, summary, "the raw record is the one last received");

    // A record WITH LineItems replaces the set, even by an empty one.
    let mut one = full.clone();
    one["LineItems"] = json!([full["LineItems"][0]]);
    upsert(&mut conn, l.orgs[0], Resource::Invoices, &[one]).await.unwrap();
    let replaced = xero::get_invoice(&l.store, l.orgs[0], &id).await.unwrap().unwrap();
    assert_eq!(replaced.line_items.len(), 1);
    assert_eq!(replaced.line_items[0], before.line_items[0]);
    let mut none = full.clone();
    none["LineItems"] = json!([]);
    upsert(&mut conn, l.orgs[0], Resource::Invoices, &[none]).await.unwrap();
    assert!(xero::get_invoice(&l.store, l.orgs[0], &id).await.unwrap().unwrap().line_items.is_empty());
}

#[tokio::test]
async fn a_page_of_new_changed_and_unchanged_invoices_writes_the_new_and_the_changed_with_their_lines() {
    let l = loaded().await;
    let org = l.orgs[0];
    let items = &l.tenants[0].invoices.items;
    let before = count(&l.store, "xero_invoices", org).await;
    let unchanged = items[1].clone();
    let mut changed = items[2].clone();
    changed["Reference"] = json!("Changed beside a new one");
    // New records take row ids after the largest, also when that one was removed: its lines,
    // raw record and search entry went with it, so nothing of it can attach to a new invoice.
    let last = items.last().unwrap();
    xero::delete_missing(
        &mut l.store.pool().acquire().await.unwrap(),
        org,
        Resource::Invoices,
        &items[..items.len() - 1].iter().map(id_of).collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    let mut new = items[3].clone();
    new["InvoiceID"] = json!("0f8c1c2e-1d2b-4c3a-9e8f-7a6b5c4d3e2f");
    new["InvoiceNumber"] = json!("INV-NEW-0001");
    let mut tx = l.store.begin_write().await.unwrap();
    let written = upsert(&mut tx, org, Resource::Invoices, &[unchanged, changed.clone(), new.clone()]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(written, 2, "the new and the changed invoice; the unchanged one is skipped");
    assert_eq!(count(&l.store, "xero_invoices", org).await, before, "one removed, one added");

    let got = xero::get_invoice(&l.store, org, &id_of(&new)).await.unwrap().unwrap();
    assert_eq!(got.row.number.as_deref(), Some("INV-NEW-0001"));
    assert_eq!(got.line_items.len(), items[3]["LineItems"].as_array().unwrap().len(), "its own lines");
    assert_eq!(got.raw, new);
    assert!(xero::get_invoice(&l.store, org, &id_of(last)).await.unwrap().is_none());
    let found =
        xero::list_invoices(&l.store, &InvoiceQuery { search: Some("INV-NEW-0001".into()), ..Default::default() })
            .await
            .unwrap();
    assert_eq!(found.total, 1, "the new invoice is in the search index, the removed one is not");
    let updated = xero::get_invoice(&l.store, org, &id_of(&changed)).await.unwrap().unwrap();
    assert_eq!(updated.reference.as_deref(), Some("Changed beside a new one"));
    assert_eq!(updated.line_items.len(), items[2]["LineItems"].as_array().unwrap().len());
}

#[tokio::test]
async fn an_older_copy_of_a_record_does_not_overwrite_a_newer_one() {
    let l = loaded().await;
    let v = &l.tenants[0].invoices.items[5];
    let id = id_of(v);
    let mut old = v.clone();
    old["Reference"] = json!("stale");
    old["UpdatedDateUTC"] = json!("/Date(1000000000000+0000)/");
    let mut conn = l.store.pool().acquire().await.unwrap();
    assert_eq!(upsert(&mut conn, l.orgs[0], Resource::Invoices, &[old]).await.unwrap(), 0);
    let got = xero::get_invoice(&l.store, l.orgs[0], &id).await.unwrap().unwrap();
    assert_eq!(got.reference.as_deref(), v["Reference"].as_str(), "a page fetched earlier must not win");
}

#[tokio::test]
async fn totals_round_trip_exactly() {
    let l = loaded().await;
    for (t, org) in l.tenants.iter().zip(&l.orgs) {
        for v in &t.invoices.items {
            let got = xero::get_invoice(&l.store, *org, &id_of(v)).await.unwrap().unwrap();
            let total = Decimal::from_str(got.row.total.as_deref().unwrap()).unwrap();
            // The generator computes in minor units, so its cents are the truth.
            assert_eq!(total, Decimal::new(minor(&v["Total"]), 2), "total of {}", v["InvoiceNumber"]);
            assert_eq!(total.scale(), 2, "stored at Xero's 2 dp: {total}");
            let lines: Decimal =
                got.line_items.iter().map(|l| Decimal::from_str(l.line_amount.as_deref().unwrap()).unwrap()).sum();
            assert_eq!(lines, total, "inclusive line amounts add up to the total of {}", v["InvoiceNumber"]);
            let due = Decimal::from_str(got.row.amount_due.as_deref().unwrap()).unwrap();
            let paid = Decimal::from_str(got.amount_paid.as_deref().unwrap()).unwrap();
            assert_eq!(due + paid, total);
            assert_eq!(got.row.date.as_deref(), Some(&s(v, &["DateString"])[..10]));
            assert_eq!(got.row.due_date.as_deref(), Some(&s(v, &["DueDateString"])[..10]));
        }
    }
}

#[tokio::test]
async fn every_invoice_filter_matches_an_in_memory_filter() {
    let l = loaded().await;
    let all = invoices(&l);
    let org0 = l.orgs[0];
    let in_org0 = |v: &Value| l.tenants[0].invoices.get(&id_of(v)).is_some();
    let contact = s(all[7], &["Contact", "ContactID"]).to_owned();
    let contact_name = s(all[7], &["Contact", "Name"]).to_owned();
    let number = s(all[123], &["InvoiceNumber"]).to_owned();
    let name_fragment: String = contact_name.chars().skip(1).take(5).collect();

    type Pred<'a> = Box<dyn Fn(&Value) -> bool + 'a>;
    let lower = |x: &str| x.to_lowercase();
    let matches_search = |q: &str| {
        let q = q.to_lowercase();
        move |v: &Value| {
            [&["InvoiceNumber"][..], &["Contact", "Name"], &["Reference"]].iter().any(|p| lower(s(v, p)).contains(&q))
        }
    };
    let cases: Vec<(&str, InvoiceQuery, Pred)> = vec![
        ("everything", InvoiceQuery::default(), Box::new(|_| true)),
        ("one organisation", InvoiceQuery { organisation_id: Some(org0), ..Default::default() }, Box::new(in_org0)),
        (
            "status",
            InvoiceQuery { statuses: vec!["AUTHORISED".into()], ..Default::default() },
            Box::new(|v| v["Status"] == "AUTHORISED"),
        ),
        (
            "statuses in one organisation",
            InvoiceQuery {
                organisation_id: Some(org0),
                statuses: vec!["DRAFT".into(), "VOIDED".into(), "DELETED".into()],
                ..Default::default()
            },
            Box::new(|v| in_org0(v) && ["DRAFT", "VOIDED", "DELETED"].contains(&s(v, &["Status"]))),
        ),
        (
            "contact (any case)",
            InvoiceQuery { contact_id: Some(contact.to_ascii_uppercase()), ..Default::default() },
            Box::new(|v| s(v, &["Contact", "ContactID"]) == contact),
        ),
        (
            "currency",
            InvoiceQuery { currency: Some("USD".into()), ..Default::default() },
            Box::new(|v| v["CurrencyCode"] == "USD"),
        ),
        (
            "date range",
            InvoiceQuery {
                date_from: Some("2025-03-01".into()),
                date_to: Some("2025-09-30".into()),
                ..Default::default()
            },
            Box::new(|v| {
                let d = &s(v, &["DateString"])[..10];
                ("2025-03-01"..="2025-09-30").contains(&d)
            }),
        ),
        (
            "amount range",
            InvoiceQuery {
                amount_min: Some(Decimal::new(1000, 0)),
                amount_max: Some(Decimal::new(2000, 0)),
                ..Default::default()
            },
            Box::new(|v| (100_000..=200_000).contains(&minor(&v["Total"]))),
        ),
        (
            "everything at once",
            InvoiceQuery {
                organisation_id: Some(org0),
                statuses: vec!["PAID".into(), "AUTHORISED".into()],
                currency: Some("EUR".into()),
                date_from: Some("2025-01-01".into()),
                amount_min: Some(Decimal::new(500, 0)),
                search: Some("inv-a00".into()),
                ..Default::default()
            },
            Box::new(|v| {
                in_org0(v)
                    && ["PAID", "AUTHORISED"].contains(&s(v, &["Status"]))
                    && v["CurrencyCode"] == "EUR"
                    && &s(v, &["DateString"])[..10] >= "2025-01-01"
                    && minor(&v["Total"]) >= 50_000
                    && lower(s(v, &["InvoiceNumber"])).contains("inv-a00")
            }),
        ),
        (
            "search by number",
            InvoiceQuery { search: Some(number.clone()), ..Default::default() },
            Box::new(matches_search(&number)),
        ),
        (
            "search by a fragment of a number, lower case",
            InvoiceQuery { search: Some("s0012".into()), ..Default::default() },
            Box::new(matches_search("s0012")),
        ),
        (
            "search by a name fragment",
            InvoiceQuery { search: Some(name_fragment.clone()), ..Default::default() },
            Box::new(matches_search(&name_fragment)),
        ),
        (
            "search by reference",
            InvoiceQuery { search: Some("Order 7123".into()), ..Default::default() },
            Box::new(matches_search("Order 7123")),
        ),
        (
            "search shorter than a trigram",
            InvoiceQuery { search: Some("99".into()), ..Default::default() },
            Box::new(matches_search("99")),
        ),
        (
            "search with an umlaut",
            InvoiceQuery { search: Some("mül".into()), ..Default::default() },
            Box::new(matches_search("mül")),
        ),
    ];
    for (name, q, pred) in cases {
        let want = sorted(all.iter().filter(|v| pred(v)).map(|v| id_of(v)).collect());
        let got = sorted(all_ids(&l.store, &q).await);
        assert!(!want.is_empty(), "case {name:?} must select something to test");
        assert_eq!(got.len(), want.len(), "case {name:?}: {q:?}");
        assert_eq!(got, want, "case {name:?} returns exactly the records the in-memory filter selects");
    }
    let currencies = xero::list_currencies_in_use(&l.store, Some(org0)).await.unwrap();
    let want: BTreeSet<String> =
        l.tenants[0].invoices.items.iter().map(|v| s(v, &["CurrencyCode"]).to_owned()).collect();
    assert_eq!(currencies, want.into_iter().collect::<Vec<_>>());

    let err =
        xero::list_invoices(&l.store, &InvoiceQuery { date_from: Some("01.02.2025".into()), ..Default::default() })
            .await
            .unwrap_err();
    assert!(
        matches!(err, xp_store::Error::InvalidQuery(_)),
        "a malformed date is refused, not compared as text: {err}"
    );
}

#[tokio::test]
async fn sorts_are_ordered_both_ways_and_pages_cover_everything() {
    let l = loaded().await;
    let org = l.orgs[1];
    let n = l.tenants[1].invoices.len();
    let key = |sort: InvoiceSort, r: &xero::InvoiceRow| -> (Option<String>, Option<Decimal>) {
        let amount = |a: &Option<String>| a.as_deref().map(|a| Decimal::from_str(a).unwrap());
        match sort {
            InvoiceSort::Date => (r.date.clone(), None),
            InvoiceSort::DueDate => (r.due_date.clone(), None),
            // SQLite's NOCASE folds ASCII letters only, then compares bytes, as this does.
            InvoiceSort::Number => (r.number.as_ref().map(|x| x.to_ascii_lowercase()), None),
            InvoiceSort::Contact => (r.contact_name.as_ref().map(|x| x.to_ascii_lowercase()), None),
            InvoiceSort::Total => (None, amount(&r.total)),
            InvoiceSort::AmountDue => (None, amount(&r.amount_due)),
            InvoiceSort::Status => (r.status.clone(), None),
        }
    };
    for sort in [
        InvoiceSort::Date,
        InvoiceSort::DueDate,
        InvoiceSort::Number,
        InvoiceSort::Contact,
        InvoiceSort::Total,
        InvoiceSort::AmountDue,
        InvoiceSort::Status,
    ] {
        for descending in [false, true] {
            let mut rows = Vec::new();
            let mut offset = 0;
            loop {
                let q = InvoiceQuery {
                    organisation_id: Some(org),
                    sort,
                    descending,
                    offset,
                    limit: 97,
                    ..Default::default()
                };
                let page = xero::list_invoices(&l.store, &q).await.unwrap();
                assert_eq!(page.total, n as i64);
                if page.rows.is_empty() {
                    break;
                }
                offset += page.rows.len() as i64;
                rows.extend(page.rows);
            }
            let ids: BTreeSet<&str> = rows.iter().map(|r| r.invoice_id.as_str()).collect();
            assert_eq!(rows.len(), n, "{sort:?} desc={descending}: pages together hold every invoice once");
            assert_eq!(ids.len(), n, "{sort:?} desc={descending}: pages are disjoint");
            for w in rows.windows(2) {
                let (a, b) = (key(sort, &w[0]), key(sort, &w[1]));
                if descending {
                    assert!(a >= b, "{sort:?} descending: {a:?} before {b:?}");
                } else {
                    assert!(a <= b, "{sort:?} ascending: {a:?} before {b:?}");
                }
            }
            let first = key(sort, &rows[0]);
            let last = key(sort, &rows[n - 1]);
            assert_ne!(first, last, "{sort:?}: the data must actually vary for this test to mean anything");
        }
    }
}

#[tokio::test]
async fn get_invoice_returns_lines_and_payments() {
    let l = loaded().await;
    let t = &l.tenants[0];
    let paid = t
        .invoices
        .items
        .iter()
        .find(|v| v["Status"] == "PAID" && v["LineItems"].as_array().unwrap().len() == 2)
        .unwrap();
    let got = xero::get_invoice(&l.store, l.orgs[0], &id_of(paid).to_ascii_uppercase()).await.unwrap().unwrap();
    assert_eq!(got.row.number.as_deref(), paid["InvoiceNumber"].as_str());
    assert_eq!(got.row.status.as_deref(), Some("PAID"));
    assert_eq!(got.reference.as_deref(), paid["Reference"].as_str());
    assert_eq!(got.raw, *paid, "the raw record is kept as Xero sent it");
    let want_lines: Vec<&str> =
        paid["LineItems"].as_array().unwrap().iter().map(|l| l["LineItemID"].as_str().unwrap()).collect();
    let got_lines: Vec<&str> = got.line_items.iter().map(|l| l.line_item_id.as_deref().unwrap()).collect();
    assert_eq!(got_lines, want_lines, "lines in Xero's order");
    assert_eq!(got.line_items[0].quantity.as_deref(), Some("1"));
    assert_eq!(got.line_items[0].account_code.as_deref(), paid["LineItems"][0]["AccountCode"].as_str());
    let payment = t.payments.items.iter().find(|p| p["Invoice"]["InvoiceID"] == paid["InvoiceID"]).unwrap();
    assert_eq!(got.payments.len(), 1);
    let p = &got.payments[0];
    assert_eq!(p.payment_id, payment["PaymentID"].as_str().unwrap());
    assert_eq!(p.amount, got.row.total, "the payment settled the whole invoice");
    assert_eq!(p.currency, got.row.currency, "a payment is in its invoice's currency");
    assert_eq!(p.account_code.as_deref(), Some("090"));
    assert_eq!(p.status.as_deref(), Some("AUTHORISED"));

    assert!(xero::get_invoice(&l.store, l.orgs[1], &id_of(paid)).await.unwrap().is_none(), "other organisation");
    assert!(xero::get_invoice(&l.store, l.orgs[0], "no-such-id").await.unwrap().is_none());
}

#[tokio::test]
async fn a_malformed_record_is_refused_by_name_and_nothing_of_its_page_is_written() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let tenants = generate(xp_sandbox_kit::Seed::Demo, crate::t0());
    let org = org_id(&tenants[0]);
    add_organisation(&store, org, "EUR").await;
    let page: Vec<Value> = tenants[0].invoices.items[..10].to_vec();
    let bad_id = id_of(&page[6]);
    type Spoil = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Spoil, &str)> = vec![
        ("text total", Box::new(|v| v["Total"] = json!("twelve")), "Total"),
        ("third decimal", Box::new(|v| v["Total"] = json!(10.005)), "Total"),
        ("broken date", Box::new(|v| v["Date"] = json!("/Date(yesterday)/")), "Date"),
        ("impossible DateString", Box::new(|v| v["DateString"] = json!("2026-02-30T00:00:00")), "DateString"),
        ("line amount", Box::new(|v| v["LineItems"][0]["LineAmount"] = json!([1])), "LineItems[0]"),
        ("status not text", Box::new(|v| v["Status"] = json!(7)), "Status"),
    ];
    let mut conn = store.pool().acquire().await.unwrap();
    for (name, spoil, field) in cases {
        let mut bad = page.clone();
        spoil(&mut bad[6]);
        let err = upsert(&mut conn, org, Resource::Invoices, &bad).await.unwrap_err();
        let msg = err.to_string();
        assert_eq!(err.id, bad_id, "{name}: the record at fault is named: {err:?}");
        assert!(
            msg.contains(&bad_id) && msg.contains(field) && msg.to_lowercase().contains("invoices"),
            "{name}: unclear: {msg}"
        );
        assert_eq!(count(&store, "xero_invoices", org).await, 0, "{name}: the good records of the page wait too");
    }
    let mut no_id = page.clone();
    no_id[3].as_object_mut().unwrap().remove("InvoiceID");
    let err = upsert(&mut conn, org, Resource::Invoices, &no_id).await.unwrap_err();
    assert!(err.to_string().contains("#3") && err.to_string().contains("InvoiceID"), "{err}");
    let err = upsert(&mut conn, org, Resource::Contacts, &[json!("just text")]).await.unwrap_err();
    assert_eq!(err.id, "#0 of the page", "a record without an id is named by its place: {err:?}");

    // The connection is still usable and the page goes in once it is sound.
    assert_eq!(upsert(&mut conn, org, Resource::Invoices, &page).await.unwrap(), 10);
}

#[tokio::test]
async fn delete_missing_removes_only_records_gone_upstream() {
    let l = loaded().await;
    let t = &l.tenants[0];
    let keep: Vec<String> =
        t.invoices.items.iter().skip(10).map(|v| s(v, &["InvoiceID"]).to_ascii_uppercase()).collect();
    let gone = id_of(&t.invoices.items[0]);
    let gone_row: i64 = sqlx::query_scalar("SELECT id FROM xero_invoices WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?) AND invoice_id = ?")
        .bind(l.orgs[0].to_string())
        .bind(&gone)
        .fetch_one(l.store.pool())
        .await
        .unwrap();
    let lines_of_gone = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM xero_invoice_lines WHERE invoice_row = ?")
            .bind(gone_row)
            .fetch_one(l.store.pool())
            .await
            .unwrap()
    };
    assert!(lines_of_gone().await > 0, "the invoice to be removed has lines");
    let mut tx = l.store.begin_write().await.unwrap();
    let removed = xero::delete_missing(&mut tx, l.orgs[0], Resource::Invoices, &keep).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(removed, 10);
    assert_eq!(count(&l.store, "xero_invoices", l.orgs[0]).await, t.invoices.len() as i64 - 10);
    assert!(xero::get_invoice(&l.store, l.orgs[0], &gone).await.unwrap().is_none());
    assert_eq!(lines_of_gone().await, 0, "an invoice's lines go with it");
    let orphan_lines: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM xero_invoice_lines WHERE invoice_row NOT IN (SELECT id FROM xero_invoices)",
    )
    .fetch_one(l.store.pool())
    .await
    .unwrap();
    assert_eq!(orphan_lines, 0, "no line is left without its invoice");
    assert_eq!(counts(&l).await[0].1, 0, "and so does its raw JSON");
    let number = s(&t.invoices.items[0], &["InvoiceNumber"]).to_owned();
    assert!(
        all_ids(&l.store, &InvoiceQuery { search: Some(number), ..Default::default() }).await.is_empty(),
        "nor is it still found by search"
    );
    assert_eq!(
        count(&l.store, "xero_invoices", l.orgs[1]).await,
        l.tenants[1].invoices.len() as i64,
        "the other organisation is untouched"
    );
    let mut conn = l.store.pool().acquire().await.unwrap();
    assert_eq!(
        xero::delete_missing(&mut conn, l.orgs[0], Resource::Contacts, &[]).await.unwrap(),
        t.contacts.len() as u64
    );
}

#[tokio::test]
async fn clear_organisation_erases_one_organisation_only() {
    let l = loaded().await;
    let other_before: Vec<_> =
        counts(&l).await.into_iter().filter(|(k, _)| k.starts_with(&l.orgs[1].to_string())).collect();
    let mut conn = l.store.pool().acquire().await.unwrap();
    let removed = xero::clear_organisation(&mut conn, l.orgs[0]).await.unwrap();
    assert!(removed > 1000);
    for (table, n) in counts(&l).await {
        if !table.starts_with(&l.orgs[1].to_string()) {
            assert_eq!(n, 0, "{table} is erased");
        }
    }
    let other_after: Vec<_> =
        counts(&l).await.into_iter().filter(|(k, _)| k.starts_with(&l.orgs[1].to_string())).collect();
    assert_eq!(other_after, other_before);
    let number = s(&l.tenants[0].invoices.items[0], &["InvoiceNumber"]).to_owned();
    assert!(all_ids(&l.store, &InvoiceQuery { search: Some(number), ..Default::default() }).await.is_empty());
    assert!(l.store.check().await.unwrap().ok());

    // Removing the organisation row itself cascades to whatever is left.
    sqlx::query("DELETE FROM organisations WHERE id = ?")
        .bind(l.orgs[1].to_string())
        .execute(l.store.pool())
        .await
        .unwrap();
    for (table, n) in counts(&l).await {
        assert_eq!(n, 0, "{table} follows its organisation");
    }
}

#[tokio::test]
async fn search_input_is_text_never_sql() {
    let l = loaded().await;
    let total = invoices(&l).len();
    for evil in [
        "'; DROP TABLE xero_invoices; --",
        "\" OR 1=1 --",
        "x' OR '1'='1",
        "\"",
        "%",
        "_",
        "\\",
        "NEAR(a b)",
        "number:INV*",
        "* OR *",
        "') OR ('1'='1",
    ] {
        let ids = all_ids(&l.store, &InvoiceQuery { search: Some(evil.into()), ..Default::default() }).await;
        assert!(ids.is_empty(), "{evil:?} matches nothing in the demo data, found {}", ids.len());
    }
    let page = xero::list_invoices(&l.store, &InvoiceQuery { limit: 1, ..Default::default() }).await.unwrap();
    assert_eq!(page.total, total as i64, "the table is intact");
    let contacts =
        xero::list_contacts(&l.store, &xero::ContactQuery { search: Some("' OR 1=1 --".into()), ..Default::default() })
            .await
            .unwrap();
    assert_eq!(contacts.total, 0);
}

#[tokio::test]
async fn contacts_list_and_detail_with_outstanding_per_currency() {
    let l = loaded().await;
    let t = &l.tenants[0];
    let org = l.orgs[0];
    let page = xero::list_contacts(
        &l.store,
        &xero::ContactQuery { organisation_id: Some(org), limit: 1000, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(page.total, t.contacts.len() as i64);
    assert!(page
        .rows
        .windows(2)
        .all(|w| w[0].name.as_ref().map(|n| n.to_lowercase()) <= w[1].name.as_ref().map(|n| n.to_lowercase())));
    let archived =
        xero::list_contacts(&l.store, &xero::ContactQuery { statuses: vec!["ARCHIVED".into()], ..Default::default() })
            .await
            .unwrap();
    let want = l.tenants.iter().flat_map(|t| &t.contacts.items).filter(|c| c["ContactStatus"] == "ARCHIVED").count();
    assert_eq!(archived.total, want as i64);
    let suppliers = xero::list_contacts(
        &l.store,
        &xero::ContactQuery { organisation_id: Some(org), is_supplier: Some(true), ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(suppliers.total, t.contacts.items.iter().filter(|c| c["IsSupplier"] == true).count() as i64);
    let by_email =
        xero::list_contacts(&l.store, &xero::ContactQuery { search: Some("BILLING7.1@".into()), ..Default::default() })
            .await
            .unwrap();
    assert_eq!(by_email.rows.len(), 1, "email search is case-insensitive");

    let c = &t.contacts.items[3];
    let cid = s(c, &["ContactID"]);
    let got = xero::get_contact(&l.store, org, cid).await.unwrap().unwrap();
    assert_eq!(got.row.name.as_deref(), c["Name"].as_str());
    assert_eq!(got.raw, *c);
    let mine: Vec<&Value> = t.invoices.items.iter().filter(|v| s(v, &["Contact", "ContactID"]) == cid).collect();
    assert_eq!(got.invoice_count, mine.len() as i64);
    let mut want = std::collections::BTreeMap::<(String, String), (i64, i64)>::new();
    for v in mine.iter().filter(|v| v["Status"] == "AUTHORISED" && minor(&v["AmountDue"]) != 0) {
        let e = want.entry((s(v, &["CurrencyCode"]).into(), s(v, &["Type"]).into())).or_default();
        e.0 += minor(&v["AmountDue"]);
        e.1 += 1;
    }
    assert!(!want.is_empty(), "the chosen contact must owe something for this test to mean anything");
    let got_map: std::collections::BTreeMap<(String, String), (String, i64)> = got
        .outstanding
        .iter()
        .map(|o| ((o.currency.clone().unwrap(), o.type_.clone().unwrap()), (o.amount.clone(), o.invoices)))
        .collect();
    let want_map: std::collections::BTreeMap<(String, String), (String, i64)> =
        want.into_iter().map(|(k, (m, n))| (k, (Decimal::new(m, 2).to_string(), n))).collect();
    assert_eq!(got_map, want_map);
}

#[tokio::test]
async fn bank_transactions_filter_and_show_their_lines() {
    let l = loaded().await;
    let t = &l.tenants[1];
    let org = l.orgs[1];
    let q = xero::BankTransactionQuery {
        organisation_id: Some(org),
        types: vec!["SPEND".into()],
        is_reconciled: Some(true),
        amount_min: Some(Decimal::new(500, 0)),
        limit: 1000,
        ..Default::default()
    };
    let got: BTreeSet<String> = xero::list_bank_transactions(&l.store, &q)
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.bank_transaction_id)
        .collect();
    let want: BTreeSet<String> = t
        .bank_transactions
        .items
        .iter()
        .filter(|b| b["Type"] == "SPEND" && b["IsReconciled"] == true && minor(&b["Total"]) >= 50_000)
        .map(|b| s(b, &["BankTransactionID"]).to_owned())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let search = xero::list_bank_transactions(
        &l.store,
        &xero::BankTransactionQuery { search: Some("tx00011".into()), ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(search.total, 2 * 10, "TX000110..TX000119 in each of the two organisations");
    let b = &t.bank_transactions.items[4];
    let detail = xero::get_bank_transaction(&l.store, org, s(b, &["BankTransactionID"])).await.unwrap().unwrap();
    assert_eq!(
        detail.row.total.as_deref().map(|x| Decimal::from_str(x).unwrap()),
        Some(Decimal::new(minor(&b["Total"]), 2))
    );
    assert_eq!(detail.row.bank_account_code.as_deref(), Some("090"));
    assert_eq!(detail.raw, *b, "the record as received, for its lines in the detail view");
}

/// An invoice of `total` in `currency` (one line of the same amount) for contact `contact`.
fn invoice_in(template: &Value, n: u32, currency: &str, total: &str, contact: &str) -> Value {
    let mut v = template.clone();
    let amount: Value = serde_json::from_str(total).unwrap();
    v["InvoiceID"] = json!(format!("00000000-0000-0000-0000-{n:012}"));
    v["InvoiceNumber"] = json!(format!("MONEY-{n}"));
    v["CurrencyCode"] = json!(currency);
    v["Status"] = json!("AUTHORISED");
    v["Type"] = json!("ACCREC");
    v["Contact"]["ContactID"] = json!(contact);
    for field in ["Total", "AmountDue", "SubTotal"] {
        v[field] = amount.clone();
    }
    v["TotalTax"] = json!(0);
    v["AmountPaid"] = json!(0);
    v["LineItems"] =
        json!([{"Description": "one", "Quantity": 1, "UnitAmount": amount, "LineAmount": amount, "TaxAmount": 0}]);
    v
}

#[tokio::test]
async fn yen_and_dinar_amounts_round_trip_exactly_and_filter_and_sort_by_face_value() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let tenants = generate(xp_sandbox_kit::Seed::Demo, crate::t0());
    let org: OrganisationId = "0000000a-0000-4000-8000-00000000c0de".parse().unwrap();
    add_organisation(&store, org, "KWD").await;
    let template = &tenants[0].invoices.items[0];
    let contact = "11111111-2222-3333-4444-555555555555";
    let page = vec![
        invoice_in(template, 1, "JPY", "1500", contact),
        invoice_in(template, 2, "KWD", "1500.125", contact),
        invoice_in(template, 3, "USD", "1500.12", contact),
        invoice_in(template, 4, "JPY", "98765", contact),
        invoice_in(template, 5, "KWD", "-0.005", contact),
    ];
    let mut conn = store.pool().acquire().await.unwrap();
    assert_eq!(upsert(&mut conn, org, Resource::Invoices, &page).await.unwrap(), 5);

    let minor: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT currency, total_minor, minor_unit FROM xero_invoices WHERE org_key = (SELECT org_key FROM organisations WHERE id = ?) ORDER BY number",
    )
    .bind(org.to_string())
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert_eq!(
        minor,
        [
            ("JPY".into(), 1500, 1),
            ("KWD".into(), 1_500_125, 1000),
            ("USD".into(), 150_012, 100),
            ("JPY".into(), 98_765, 1),
            ("KWD".into(), -5, 1000)
        ],
        "minor units follow each currency's exponent: yen have none, dinars thousandths"
    );

    let base = InvoiceQuery { organisation_id: Some(org), sort: InvoiceSort::Total, ..Default::default() };
    let list = |q: InvoiceQuery| {
        let store = store.clone();
        async move {
            xero::list_invoices(&store, &q)
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| (r.number.unwrap(), r.total.unwrap()))
                .collect::<Vec<_>>()
        }
    };
    let all = list(base.clone()).await;
    let texts = |v: &[(String, String)]| v.iter().map(|(n, t)| format!("{n} {t}")).collect::<Vec<_>>();
    assert_eq!(
        texts(&all),
        ["MONEY-5 -0.005", "MONEY-1 1500", "MONEY-3 1500.12", "MONEY-2 1500.125", "MONEY-4 98765"],
        "totals read back as sent, at their currency's decimals, sorted by face value across currencies"
    );
    let d = |s: &str| Some(Decimal::from_str(s).unwrap());
    let between = list(InvoiceQuery { amount_min: d("1500"), amount_max: d("1500.12"), ..base.clone() }).await;
    assert_eq!(texts(&between), ["MONEY-1 1500", "MONEY-3 1500.12"], "bounds are inclusive and exact");
    let above = list(InvoiceQuery { amount_min: d("1500.121"), ..base.clone() }).await;
    assert_eq!(texts(&above), ["MONEY-2 1500.125", "MONEY-4 98765"], "a thousandth decides for the dinar");
    let negative = list(InvoiceQuery { amount_max: d("-0.001"), ..base.clone() }).await;
    assert_eq!(texts(&negative), ["MONEY-5 -0.005"]);

    let detail = xero::get_invoice(&store, org, "00000000-0000-0000-0000-000000000002").await.unwrap().unwrap();
    assert_eq!(detail.line_items[0].line_amount.as_deref(), Some("1500.125"));
    assert_eq!(detail.row.amount_due.as_deref(), Some("1500.125"));

    let mut c = tenants[0].contacts.items[0].clone();
    c["ContactID"] = json!(contact);
    upsert(&mut conn, org, Resource::Contacts, &[c]).await.unwrap();
    let owed: Vec<(String, String, i64)> = xero::get_contact(&store, org, contact)
        .await
        .unwrap()
        .unwrap()
        .outstanding
        .into_iter()
        .map(|o| (o.currency.unwrap(), o.amount, o.invoices))
        .collect();
    assert_eq!(
        owed,
        [("JPY".into(), "100265".into(), 2), ("KWD".into(), "1500.120".into(), 2), ("USD".into(), "1500.12".into(), 1)],
        "sums are exact per currency, at its decimals"
    );

    // Half a yen is not an amount Xero can send; refusing it beats storing a rounded total.
    let half_yen = invoice_in(template, 6, "JPY", "1.5", contact);
    let err = upsert(&mut conn, org, Resource::Invoices, &[half_yen]).await.unwrap_err();
    assert!(err.to_string().contains("decimals"), "{err}");
}

/// The migration that keys invoice lines by their invoice's row carries every line over to its
/// own invoice, also when two organisations hold the same invoice id (a plain in-memory database:
/// the migrations, not the encryption, are under test).
#[tokio::test]
async fn invoice_lines_stored_before_the_row_keyed_migration_stay_with_their_invoice() {
    let (mut conn, all) = crate::migrated_before(20261212000001).await;
    sqlx::query(
        "INSERT INTO connections (id, provider, display_name, created_at, updated_at) VALUES ('c', 'xero', 'Xero', 't', 't')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    for (org, row) in [("o1", 7), ("o2", 3)] {
        sqlx::query(
            "INSERT INTO organisations (id, connection_id, provider, external_id, name, created_at, updated_at) \
             VALUES (?, 'c', 'xero', ?, ?, 't', 't')",
        )
        .bind(org)
        .bind(org)
        .bind(org)
        .execute(&mut conn)
        .await
        .unwrap();
        // The same invoice id in both organisations, at row ids that do not follow their order.
        sqlx::query("INSERT INTO xero_invoices (id, organisation_id, invoice_id, number) VALUES (?, ?, 'inv-1', ?)")
            .bind(row)
            .bind(org)
            .bind(format!("{org}-1"))
            .execute(&mut conn)
            .await
            .unwrap();
        for position in 0..2 {
            sqlx::query(
                "INSERT INTO xero_invoice_lines (organisation_id, invoice_id, position, line_item_id, description, \
                 quantity, unit_amount, account_code, tax_type, tax_amount, line_amount) \
                 VALUES (?, 'inv-1', ?, ?, ?, '1', '10.00', '200', 'OUTPUT2', '1.50', '10.00')",
            )
            .bind(org)
            .bind(position)
            .bind(format!("{org}-line-{position}"))
            .bind(format!("{org} line {position}"))
            .execute(&mut conn)
            .await
            .unwrap();
        }
    }
    all.run(&mut conn).await.unwrap();

    let lines: Vec<(String, i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT o.id, l.position, l.line_item_id, l.description, l.tax_amount \
         FROM xero_invoice_lines l JOIN xero_invoices i ON i.id = l.invoice_row \
         JOIN organisations o ON o.org_key = i.org_key ORDER BY o.id, l.position",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let want: Vec<(String, i64, String, String, Option<String>)> = ["o1", "o2"]
        .iter()
        .flat_map(|org| {
            (0..2).map(move |p| {
                (org.to_string(), p, format!("{org}-line-{p}"), format!("{org} line {p}"), Some("1.50".into()))
            })
        })
        .collect();
    assert_eq!(lines, want, "every line is with its own organisation's invoice, nothing lost");

    // And they still go with their invoice.
    sqlx::query("DELETE FROM xero_invoices WHERE org_key = (SELECT org_key FROM organisations WHERE id = 'o1')")
        .execute(&mut conn)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM xero_invoice_lines").fetch_one(&mut conn).await.unwrap();
    assert_eq!(left, 2, "o1's lines went with its invoice, o2's stayed");
}

/// The migration that keys the Xero tables by `organisations.org_key` carries every record of
/// every table over to its own organisation (the same ids in two organisations included), keeps
/// the invoices' raw JSON, lines and full-text index, and deleting an organisation still takes
/// exactly its records with it. A plain in-memory database: the migrations are under test.
#[tokio::test]
async fn xero_records_stored_before_the_org_key_migration_stay_with_their_organisation() {
    let (mut conn, all) = crate::migrated_before(20261213000001).await;
    let mut statements: Vec<String> = vec![
        "INSERT INTO connections (id, provider, display_name, created_at, updated_at) VALUES ('c', 'xero', 'Xero', 't', 't')"
            .into(),
    ];
    // o2 is inserted first, so row order and organisation order differ.
    for (org, row) in [("o2", 3), ("o1", 7)] {
        statements.extend([
            format!("INSERT INTO organisations (id, connection_id, provider, external_id, name, created_at, updated_at) VALUES ('{org}', 'c', 'xero', '{org}', '{org}', 't', 't')"),
            format!("INSERT INTO xero_invoices (id, organisation_id, invoice_id, number, contact_name, total_minor, minor_unit) VALUES ({row}, '{org}', 'inv-1', 'N-{org}-77', 'Anna {org}', 1050, 100)"),
            format!("INSERT INTO xero_invoices_raw (id, raw) VALUES ({row}, '{{\"InvoiceID\":\"inv-1\",\"org\":\"{org}\"}}')"),
            format!("INSERT INTO xero_invoice_lines (invoice_row, position, description) VALUES ({row}, 0, '{org} line')"),
            format!("INSERT INTO xero_contacts (organisation_id, contact_id, name, raw) VALUES ('{org}', 'ct-1', 'Anna {org}', '{{}}')"),
            format!("INSERT INTO xero_payments (organisation_id, payment_id, invoice_id, date, raw) VALUES ('{org}', 'pm-1', 'inv-1', '2026-01-0{row}', '{{}}')"),
            format!("INSERT INTO xero_bank_transactions (organisation_id, bank_transaction_id, total_minor, minor_unit, raw) VALUES ('{org}', 'bt-1', 1, 100, '{{}}')"),
            format!("INSERT INTO xero_credit_notes (organisation_id, credit_note_id, raw) VALUES ('{org}', 'cn-1', '{{}}')"),
            format!("INSERT INTO xero_accounts (organisation_id, account_id, code, raw) VALUES ('{org}', 'ac-1', '09{row}', '{{}}')"),
            format!("INSERT INTO xero_reference (organisation_id, kind, raw) VALUES ('{org}', 'currencies', '[\"{org}\"]')"),
        ]);
    }
    for sql in statements {
        sqlx::query(&sql).execute(&mut conn).await.unwrap();
    }
    all.run(&mut conn).await.unwrap();

    let tables = [
        ("xero_invoices", "invoice_id"),
        ("xero_contacts", "name"),
        ("xero_payments", "date"),
        ("xero_bank_transactions", "total_minor"),
        ("xero_credit_notes", "credit_note_id"),
        ("xero_accounts", "code"),
        ("xero_reference", "raw"),
    ];
    for (table, column) in tables {
        let rows: Vec<(String, String)> = sqlx::query_as(&format!(
            "SELECT o.id, CAST(x.{column} AS TEXT) FROM {table} x JOIN organisations o ON o.org_key = x.org_key ORDER BY o.id"
        ))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        assert_eq!(rows.len(), 2, "{table}: both organisations' records carried over: {rows:?}");
        assert_eq!((rows[0].0.as_str(), rows[1].0.as_str()), ("o1", "o2"), "{table}");
    }
    let detail: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT o.id, i.id, r.raw, l.description FROM xero_invoices i JOIN organisations o ON o.org_key = i.org_key \
         JOIN xero_invoices_raw r ON r.id = i.id JOIN xero_invoice_lines l ON l.invoice_row = i.id ORDER BY o.id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        detail,
        vec![
            ("o1".into(), 7, r#"{"InvoiceID":"inv-1","org":"o1"}"#.into(), "o1 line".into()),
            ("o2".into(), 3, r#"{"InvoiceID":"inv-1","org":"o2"}"#.into(), "o2 line".into()),
        ],
        "row ids, raw JSON and lines kept"
    );
    let found: Vec<i64> =
        sqlx::query_scalar("SELECT rowid FROM xero_invoices_fts WHERE xero_invoices_fts MATCH '\"N-o1-7\"'")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(found, vec![7], "the full-text index still finds the invoice by its row");

    // A new organisation gets its own key, and its first invoice is indexed by the new triggers.
    sqlx::query("INSERT INTO organisations (id, connection_id, provider, external_id, name, created_at, updated_at) VALUES ('o3', 'c', 'xero', 'o3', 'o3', 't', 't')")
        .execute(&mut conn)
        .await
        .unwrap();
    let keys: Vec<(String, i64)> =
        sqlx::query_as("SELECT id, org_key FROM organisations ORDER BY org_key").fetch_all(&mut conn).await.unwrap();
    let distinct: std::collections::HashSet<i64> = keys.iter().map(|(_, k)| *k).collect();
    assert_eq!((keys.len(), distinct.len()), (3, 3), "{keys:?}");
    assert_eq!(keys.last().unwrap().0, "o3", "the newest organisation has the next key: {keys:?}");
    sqlx::query("INSERT INTO xero_invoices (org_key, invoice_id, number) SELECT org_key, 'inv-9', 'N-o3-9' FROM organisations WHERE id = 'o3'")
        .execute(&mut conn)
        .await
        .unwrap();
    let found: i64 =
        sqlx::query_scalar("SELECT count(*) FROM xero_invoices_fts WHERE xero_invoices_fts MATCH '\"N-o3\"'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(found, 1);

    // Deleting an organisation takes its records (and its invoice's raw JSON and lines) with it.
    sqlx::query("DELETE FROM organisations WHERE id = 'o1'").execute(&mut conn).await.unwrap();
    for table in tables.iter().map(|(t, _)| *t).chain(["xero_invoices_raw", "xero_invoice_lines"]) {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(&mut conn).await.unwrap();
        let want = if table == "xero_invoices" { 2 } else { 1 };
        assert_eq!(n, want, "{table}: o1's records went with it, o2's (and o3's) stayed");
    }
}

/// An invoice's raw JSON is stored compressed and read back as Xero sent it; one stored as text
/// before compression (an older version of the app) still reads.
#[tokio::test]
async fn raw_json_is_stored_compressed_and_reads_back_as_received_also_when_stored_as_text_before() {
    let l = loaded().await;
    let v = &l.tenants[0].invoices.items[3];
    let id = id_of(v);
    let got = xero::get_invoice(&l.store, l.orgs[0], &id).await.unwrap().unwrap();
    assert_eq!(&got.raw, v, "the raw JSON reads back as received");

    let (row, kind, stored_len, text_len): (i64, String, i64, i64) = sqlx::query_as(
        "SELECT r.id, typeof(r.raw), length(r.raw), length(CAST(? AS BLOB)) FROM xero_invoices_raw r \
         JOIN xero_invoices i ON i.id = r.id WHERE i.invoice_id = ? AND i.org_key = (SELECT org_key FROM organisations WHERE id = ?)",
    )
    .bind(serde_json::to_string(v).unwrap())
    .bind(&id)
    .bind(l.orgs[0].to_string())
    .fetch_one(l.store.pool())
    .await
    .unwrap();
    assert_eq!(kind, "blob");
    assert!(stored_len * 2 < text_len, "compressed to {stored_len} of {text_len} bytes");

    // As an older version stored it: JSON text.
    sqlx::query("UPDATE xero_invoices_raw SET raw = ? WHERE id = ?")
        .bind(serde_json::to_string(v).unwrap())
        .bind(row)
        .execute(l.store.pool())
        .await
        .unwrap();
    let got = xero::get_invoice(&l.store, l.orgs[0], &id).await.unwrap().unwrap();
    assert_eq!(&got.raw, v, "text stored before compression reads as it is");
}
