//! `xpartner collect INVOICE --via gocardless|saferpay` against the Xero and GoCardless
//! emulators: an unpaid invoice synced from Xero is collected from the GoCardless mandate of
//! its contact (matched by email), sent once by `outbox send`, and followed by `sync
//! gocardless` to `paid_out`; a second collect and bad input are refused with nothing created.
//! Needs an OS keychain (the store's key and the Xero tokens live there).
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;
use xp_sandbox_kit::{Ctx, Seed};

mod support;
use support::keychain_or_skip;

struct Sandbox {
    file: PathBuf,
    config: PathBuf,
    xero_base: String,
    xero: Arc<xp_sandbox_xero::Emulator>,
    /// The GoCardless emulator's context: its clock is how a test lets the banks' days pass.
    gc_ctx: Ctx,
    _gc: xp_sandbox_gocardless::Emulator,
    _dir: tempfile::TempDir,
}

/// Both demo emulators, each on its own port: Xero's first organisation (EUR) has contacts
/// whose emails are the demo GoCardless customers'.
async fn sandbox() -> Sandbox {
    let (xero, xero_base) = support::xero_emulator(Ctx::new(Duration::from_secs(60)), Seed::Demo).await;
    let gc_ctx = Ctx::new(Duration::from_secs(60));
    let (gc, gc_base) = support::gocardless_emulator(gc_ctx.clone(), Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let mut line = support::xero_line(&xero, &xero_base);
    line["gocardless"] = format!("{gc_base}/").into();
    line["credentials"]["gocardless"] = gc.credentials();
    let file = support::startup_line(dir.path(), line);
    let config = support::xero_config(dir.path());
    Sandbox { file, config, xero_base, xero, gc_ctx, _gc: gc, _dir: dir }
}

fn xpartner(s: &Sandbox, data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xpartner"));
    c.arg("--data-dir").arg(data).arg("--sandbox").arg(&s.file).arg("--config").arg(&s.config);
    c
}

fn run(s: &Sandbox, data: &Path, args: &[&str]) -> Output {
    xpartner(s, data).args(args).output().unwrap()
}

fn ok(s: &Sandbox, data: &Path, args: &[&str]) -> String {
    let out = run(s, data, args);
    assert!(out.status.success(), "{args:?}: {}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn json(s: &Sandbox, data: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(s, data, args)).unwrap()
}

/// The command failed, saying `why` on standard error.
fn refused(s: &Sandbox, data: &Path, args: &[&str], why: &str) {
    let out = run(s, data, args);
    assert!(!out.status.success(), "{args:?} must fail: {}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr(&out).contains(why), "{args:?} says {why:?}: {}", stderr(&out));
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Rows of the tables a collect writes, from `db info`.
fn written(s: &Sandbox, data: &Path) -> Vec<(String, i64)> {
    let info = json(s, data, &["--json", "db", "info"]);
    let mut rows: Vec<(String, i64)> = info["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_owned(), t["rows"].as_i64().unwrap()))
        .filter(|(n, _)| ["outbox", "collections", "collection_events"].contains(&n.as_str()))
        .collect();
    rows.sort();
    assert_eq!(rows.len(), 3, "db info lists the outbox and collection tables: {info}");
    rows
}

/// The Xero organisation of the demo that bills in euros: its tenant id and name.
fn euro_organisation(s: &Sandbox) -> (String, String) {
    let tenants = s.xero.credentials()["tenants"].as_array().unwrap().clone();
    let t = tenants.iter().find(|t| t["currency"] == "EUR").unwrap();
    (t["tenantId"].as_str().unwrap().to_owned(), t["name"].as_str().unwrap().to_owned())
}

/// An invoice of `tenant` with this type and status, billed in euros, whose contact's email
/// passes `email_ok`.
fn invoice_where(s: &Sandbox, tenant: &str, status: &str, email_ok: impl Fn(&str) -> bool) -> Value {
    let emails: HashMap<String, String> = s
        .xero
        .records(tenant, "Contacts")
        .iter()
        .map(|c| (c["ContactID"].as_str().unwrap().to_owned(), c["EmailAddress"].as_str().unwrap_or("").to_owned()))
        .collect();
    s.xero
        .records(tenant, "Invoices")
        .into_iter()
        .find(|i| {
            i["Type"] == "ACCREC"
                && i["Status"] == status
                && i["CurrencyCode"] == "EUR"
                && emails.get(i["Contact"]["ContactID"].as_str().unwrap()).is_some_and(|e| email_ok(e))
        })
        .unwrap_or_else(|| panic!("the demo has a {status} euro invoice for such a contact"))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invoice_is_collected_once_by_gocardless_and_followed_to_paid_out() {
    if !keychain_or_skip() {
        return;
    }
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    support::connect_xero(xpartner(&s, data), &s.xero_base).await;
    ok(&s, data, &["sync", "xero"]);
    ok(&s, data, &["sync", "gocardless"]);

    // A payer with exactly one usable mandate, and an unpaid invoice of theirs.
    let mandates = json(&s, data, &["mandates", "--json"]);
    let mut usable: HashMap<String, usize> = HashMap::new();
    for m in mandates.as_array().unwrap() {
        if ["pending_submission", "submitted", "active"].contains(&m["status"].as_str().unwrap()) {
            *usable.entry(m["customer_email"].as_str().unwrap().to_ascii_lowercase()).or_default() += 1;
        }
    }
    let (tenant, org_name) = euro_organisation(&s);
    let payer = |e: &str| usable.get(&e.to_ascii_lowercase()) == Some(&1);
    let invoice = invoice_where(&s, &tenant, "AUTHORISED", payer);
    let number = invoice["InvoiceNumber"].as_str().unwrap();
    let invoice_id = invoice["InvoiceID"].as_str().unwrap();
    let paid = invoice_where(&s, &tenant, "PAID", |_| true);

    // Bad input: refused, nothing created.
    let before = written(&s, data);
    refused(&s, data, &["collect", "INV-NONE", "--via", "gocardless"], "no Xero invoice \"INV-NONE\"");
    refused(&s, data, &["collect", paid["InvoiceNumber"].as_str().unwrap(), "--via", "gocardless"], "is PAID");
    refused(&s, data, &["collect", number, "--via", "gocardless", "--charge-date", "2026-02-30"], "YYYY-MM-DD");
    refused(&s, data, &["collect", number, "--via", "paypal"], "paypal");
    refused(&s, data, &["collect", number, "--via", "gocardless", "--org", "Nowhere Ltd"], "no Xero organisation");
    let other = s.xero.credentials()["tenants"].as_array().unwrap().iter().find(|t| t["currency"] != "EUR").cloned();
    let other = other.unwrap()["name"].as_str().unwrap().to_owned();
    refused(&s, data, &["collect", number, "--via", "gocardless", "--org", &other], "no Xero invoice");
    refused(&s, data, &["collect", number, "--via", "saferpay"], "no active Saferpay mandate");
    assert_eq!(written(&s, data), before, "no refused collect wrote anything");

    let said = ok(&s, data, &["collect", number, "--via", "gocardless", "--org", &org_name]);
    let words: Vec<&str> = said.trim_end().split(' ').collect();
    assert_eq!((said.lines().count(), words.len(), words[0], words[2]), (1, 3, "collection:", "intent"), "{said}");
    let id = words[1].to_owned();

    // Again while it is live, named by its id this time: refused, nothing created.
    let one = written(&s, data);
    refused(&s, data, &["collect", invoice_id, "--via", "gocardless"], &format!("already has a collection {id}"));
    assert_eq!(written(&s, data), one, "the second collect created nothing");
    let list = json(&s, data, &["collections", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["invoice_number"], number);
    // Exact decimals on both sides, compared without their trailing zeros.
    let plain = |s: &str| s.trim_end_matches('0').trim_end_matches('.').to_owned();
    assert_eq!(
        plain(list[0]["amount"]["amount"].as_str().unwrap()),
        plain(&invoice["AmountDue"].to_string()),
        "the amount due is collected: {list}"
    );
    assert_eq!(list[0]["amount"]["currency"], "EUR");

    let sent = ok(&s, data, &["outbox", "send"]);
    assert!(sent.lines().any(|l| l.starts_with("sent: ") && l.ends_with(" gocardless.payment.create")), "{sent}");
    assert_eq!(ok(&s, data, &["outbox", "send"]).trim(), "outbox: 0 sent, 0 retrying, 0 waiting, 0 failed");
    let created = s.gc_ctx.counters.snapshot().created_by_key;
    assert_eq!(created.get(&format!("gocardless collect:{id}")), Some(&1), "one payment: {created:?}");

    // Two weeks of SEPA working days: submitted, confirmed, paid out.
    s.gc_ctx.clock.advance(time::Duration::days(14));
    ok(&s, data, &["sync", "gocardless"]);
    let list = json(&s, data, &["collections", "--json"]);
    assert_eq!(list[0]["status"], "paid_out", "{list}");
    assert!(list[0]["provider_payment_id"].as_str().is_some_and(|p| p.starts_with("PM")), "{list}");
    let events = written(&s, data).into_iter().find(|(n, _)| n == "collection_events").unwrap().1;
    assert!(events >= 5, "intent, pending submission, submitted, confirmed, paid out: {events}");

    ok(&s, data, &["sync", "gocardless"]);
    assert_eq!(json(&s, data, &["collections", "--json"]), list, "a second sync moves nothing");
    assert_eq!(written(&s, data).into_iter().find(|(n, _)| n == "collection_events").unwrap().1, events);
}
