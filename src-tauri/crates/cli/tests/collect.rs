//! `xpartner collect INVOICE --via gocardless|saferpay` against the Xero and GoCardless
//! emulators: an unpaid invoice synced from Xero is collected from the GoCardless mandate of
//! its contact (matched by email), sent once by `outbox send`, and followed by `sync
//! gocardless` to `paid_out`; a second collect and bad input are refused with nothing created.
//! Then `xpartner settle` books it in Xero the way accountants do: the payment into the
//! clearing account, the payout's fees and net transfer, a charge-back undoing the payment.
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
    gc: xp_sandbox_gocardless::Emulator,
    gc_base: String,
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
    Sandbox { file, config, xero_base, xero, gc_ctx, gc, gc_base, _dir: dir }
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
    invoices_where(s, tenant, status, email_ok)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("the demo has a {status} euro invoice for such a contact"))
}

fn invoices_where(s: &Sandbox, tenant: &str, status: &str, email_ok: impl Fn(&str) -> bool) -> Vec<Value> {
    let emails: HashMap<String, String> = s
        .xero
        .records(tenant, "Contacts")
        .iter()
        .map(|c| (c["ContactID"].as_str().unwrap().to_owned(), c["EmailAddress"].as_str().unwrap_or("").to_owned()))
        .collect();
    s.xero
        .records(tenant, "Invoices")
        .into_iter()
        .filter(|i| {
            i["Type"] == "ACCREC"
                && i["Status"] == status
                && i["CurrencyCode"] == "EUR"
                && emails.get(i["Contact"]["ContactID"].as_str().unwrap()).is_some_and(|e| email_ok(e))
        })
        .collect()
}

/// The emails of payers with exactly one usable GoCardless mandate (so a collect finds it).
fn payers_with_one_mandate(s: &Sandbox, data: &Path) -> HashMap<String, usize> {
    let mandates = json(s, data, &["mandates", "--json"]);
    let mut usable: HashMap<String, usize> = HashMap::new();
    for m in mandates.as_array().unwrap() {
        if ["pending_submission", "submitted", "active"].contains(&m["status"].as_str().unwrap()) {
            *usable.entry(m["customer_email"].as_str().unwrap().to_ascii_lowercase()).or_default() += 1;
        }
    }
    usable.retain(|_, n| *n == 1);
    usable
}

/// A data folder with Xero connected and both providers synced; the euro organisation, and
/// the payers a collect can find a mandate for.
struct Synced {
    dir: tempfile::TempDir,
    tenant: String,
    org_name: String,
    payers: HashMap<String, usize>,
}

async fn synced(s: &Sandbox) -> Synced {
    let dir = tempfile::tempdir().unwrap();
    support::connect_xero(xpartner(s, dir.path()), &s.xero_base).await;
    ok(s, dir.path(), &["sync", "xero"]);
    ok(s, dir.path(), &["sync", "gocardless"]);
    let payers = payers_with_one_mandate(s, dir.path());
    let (tenant, org_name) = euro_organisation(s);
    Synced { dir, tenant, org_name, payers }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invoice_is_collected_once_by_gocardless_and_followed_to_paid_out() {
    if !keychain_or_skip() {
        return;
    }
    let s = sandbox().await;
    let Synced { dir, tenant, org_name, payers } = synced(&s).await;
    let data = dir.path();

    // A payer with exactly one usable mandate, and an unpaid invoice of theirs.
    let payer = |e: &str| payers.contains_key(&e.to_ascii_lowercase());
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

    // The contact's email is a GoCardless customer's, but nobody said they are the same customer.
    refused(&s, data, &["collect", number, "--via", "gocardless"], "matched to a GoCardless customer by email only");
    assert_eq!(written(&s, data), before, "an unconfirmed match collects nothing");
    // The payer's mandate says the earliest day it can be charged: the collection asks for that day.
    let contact = invoice["Contact"]["ContactID"].as_str().unwrap();
    let email = s.xero.records(&tenant, "Contacts").into_iter().find(|c| c["ContactID"] == contact).unwrap()
        ["EmailAddress"]
        .as_str()
        .unwrap()
        .to_ascii_lowercase();
    let mandates = json(&s, data, &["mandates", "--json"]);
    let mandate = mandates
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            m["customer_email"].as_str().is_some_and(|e| e.eq_ignore_ascii_case(&email)) && m["status"] == "active"
        })
        .unwrap_or_else(|| panic!("the payer's active mandate: {mandates}"));
    let day = mandate["next_possible_charge_date"]
        .as_str()
        .expect("an active mandate's next possible charge date")
        .to_owned();
    let said = ok(
        &s,
        data,
        &["collect", number, "--via", "gocardless", "--org", &org_name, "--confirm-match", "--charge-date", &day],
    );
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
    assert_eq!(list[0]["charge_date"], day.as_str(), "the day asked for is kept: {list}");

    let sent = ok(&s, data, &["outbox", "send"]);
    assert!(sent.lines().any(|l| l.starts_with("sent: ") && l.ends_with(" gocardless.payment.create")), "{sent}");
    // GoCardless was asked for that day (it may only move a day off to the next working day).
    let payment = json(&s, data, &["collections", "--json"])[0]["provider_payment_id"].as_str().unwrap().to_owned();
    let gc = reqwest::Client::new()
        .get(format!("{}/payments/{payment}", s.gc_base))
        .bearer_auth(s.gc.access_token())
        .header("GoCardless-Version", "2015-07-06")
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(gc["payments"]["charge_date"], day.as_str(), "{gc}");
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

/// Runs one of GoCardless's sandbox scenario simulators on a payment, as a developer would.
async fn simulate(s: &Sandbox, scenario: &str, payment: &str) {
    let r = reqwest::Client::new()
        .post(format!("{}/scenario_simulators/{scenario}/actions/run", s.gc_base))
        .bearer_auth(s.gc.access_token())
        .header("GoCardless-Version", "2015-07-06")
        .json(&serde_json::json!({"data": {"links": {"resource": payment}}}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{scenario} on {payment}: {}", r.text().await.unwrap());
}

/// Collects an invoice and sends the payment: its collection id and GoCardless payment id.
fn collect_and_send(s: &Sandbox, data: &Path, number: &str) -> (String, String) {
    let said = ok(s, data, &["collect", number, "--via", "gocardless", "--confirm-match"]);
    let id = said.split_whitespace().nth(1).unwrap().to_owned();
    ok(s, data, &["outbox", "send"]);
    let list = json(s, data, &["collections", "--json"]);
    let c = list.as_array().unwrap().iter().find(|c| c["id"] == id.as_str()).unwrap().clone();
    (id, c["provider_payment_id"].as_str().unwrap().to_owned())
}

fn decimal(v: &Value) -> rust_decimal::Decimal {
    v.to_string().trim_matches('"').parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn collected_money_is_booked_in_xero_through_the_clearing_account_and_a_charge_back_undoes_it() {
    if !keychain_or_skip() {
        return;
    }
    let s = sandbox().await;
    let Synced { dir, tenant, org_name, payers } = synced(&s).await;
    let data = dir.path();
    let open = invoices_where(&s, &tenant, "AUTHORISED", |e| payers.contains_key(&e.to_ascii_lowercase()));
    assert!(open.len() >= 2, "two unpaid invoices of payers with a mandate");
    let (kept, disputed) = (&open[0], &open[1]);

    // Nothing is booked before the accounts are mapped.
    assert_eq!(ok(&s, data, &["settle"]).trim(), "settle: 0 booked, 0 waiting");
    let map = |clearing: &'static str| {
        let args = ["settle", "map", "gocardless", "--org", &org_name, "--clearing", clearing, "--bank", "090"];
        [&args[..], &["--fees", "404", "--suspense", "429"]].concat()
    };
    refused(&s, data, &map("090"), "must not be the bank account");
    let mapped = ok(&s, data, &map("092"));
    assert!(
        mapped.starts_with(&format!(
            "settlement accounts: gocardless {org_name} clearing 092 bank 090 fees 404 suspense 429 since "
        )),
        "{mapped}"
    );

    // One payment is collected and paid out; the other is paid out, then charged back and
    // taken back from a later payout (which is negative: nothing else is in it).
    let (_, paid) = collect_and_send(&s, data, kept["InvoiceNumber"].as_str().unwrap());
    let (_, back) = collect_and_send(&s, data, disputed["InvoiceNumber"].as_str().unwrap());
    simulate(&s, "payment_paid_out", &paid).await;
    simulate(&s, "payment_chargeback_settled", &back).await;
    // A payout is paid (reaches the bank) a few hours after it is made.
    s.gc_ctx.clock.advance(time::Duration::hours(5));
    ok(&s, data, &["sync", "gocardless"]);
    let list = json(&s, data, &["collections", "--json"]);
    let status =
        |pm: &str| list.as_array().unwrap().iter().find(|c| c["provider_payment_id"] == pm).unwrap()["status"].clone();
    assert_eq!((status(&paid), status(&back)), ("paid_out".into(), "charged_back".into()), "{list}");

    let booked = ok(&s, data, &["settle"]);
    for line in [
        format!("booked: gocardless confirmed {paid} (1 writes)"),
        format!("booked: gocardless confirmed {back} (1 writes)"),
        format!("booked: gocardless reversal {back} (1 writes)"),
    ] {
        assert!(booked.lines().any(|l| l == line), "{line} in:\n{booked}");
    }
    let payouts = booked.lines().filter(|l| l.starts_with("booked: gocardless payout ")).count();
    // One payout each, and the one taking the charge-back back (demo payouts arriving today,
    // carrying payments made outside the app, are booked through suspense besides).
    assert!(payouts >= 3, "{booked}");
    assert!(booked.trim_end().ends_with(&format!("settle: {} booked, 0 waiting", 3 + payouts)), "{booked}");
    assert_eq!(ok(&s, data, &["settle"]).trim(), "settle: 0 booked, 0 waiting", "each fact is booked once");

    let sent = ok(&s, data, &["outbox", "send"]);
    assert!(sent.trim_end().ends_with(" 0 retrying, 0 waiting, 0 failed"), "{sent}");
    assert!(!sent.lines().any(|l| l.starts_with("failed")), "{sent}");
    assert_eq!(ok(&s, data, &["outbox", "send"]).trim(), "outbox: 0 sent, 0 retrying, 0 waiting, 0 failed");

    // Xero: the kept invoice is paid into the clearing account, once.
    let invoice = |id: &Value| s.xero.records(&tenant, "Invoices").into_iter().find(|i| i["InvoiceID"] == *id).unwrap();
    let payments_of = |id: &Value| {
        s.xero.records(&tenant, "Payments").into_iter().filter(|p| p["Invoice"]["InvoiceID"] == *id).collect::<Vec<_>>()
    };
    let kept_payments = payments_of(&kept["InvoiceID"]);
    assert_eq!(kept_payments.len(), 1, "{kept_payments:?}");
    assert_eq!(kept_payments[0]["Account"]["Code"], "092");
    assert_eq!(invoice(&kept["InvoiceID"])["Status"], "PAID");
    // The charged-back one was paid and then undone: open again for what it owed.
    let undone = payments_of(&disputed["InvoiceID"]);
    assert_eq!((undone.len(), &undone[0]["Status"]), (1, &Value::from("DELETED")), "{undone:?}");
    let reopened = invoice(&disputed["InvoiceID"]);
    assert_eq!(reopened["Status"], "AUTHORISED");
    assert_eq!(decimal(&reopened["AmountDue"]), decimal(&disputed["AmountDue"]));

    // The clearing account (092) is back at zero: what came in (payments, fee credits, money
    // back from the bank) is what went out (fees, transfers to the bank). Xero lists each side
    // of a transfer as a bank transaction of its own (SPEND-TRANSFER, RECEIVE-TRANSFER).
    let mut clearing = rust_decimal::Decimal::ZERO;
    for p in s.xero.records(&tenant, "Payments") {
        if p["Account"]["Code"] == "092" && p["Status"] != "DELETED" {
            clearing += decimal(&p["Amount"]);
        }
    }
    for b in s.xero.records(&tenant, "BankTransactions") {
        if b["BankAccount"]["Code"] == "092" && b["Status"] != "DELETED" {
            let received = b["Type"].as_str().unwrap().starts_with("RECEIVE");
            clearing += if received { decimal(&b["Total"]) } else { -decimal(&b["Total"]) };
        }
    }
    let transfers = s
        .xero
        .records(&tenant, "BankTransfers")
        .into_iter()
        .filter(|t| t["FromBankAccount"]["Code"] == "092" || t["ToBankAccount"]["Code"] == "092")
        .count();
    assert!(transfers >= 3, "a transfer per payout, to the bank or (negative) back");
    assert_eq!(clearing, rust_decimal::Decimal::ZERO, "the clearing account returns to zero");
    let fees = s
        .xero
        .records(&tenant, "BankTransactions")
        .into_iter()
        .filter(|b| b["Type"] == "SPEND" && b["LineItems"][0]["AccountCode"] == "404")
        .count();
    assert!(fees >= 2, "the payouts' fees are spend money to 404");
}

/// The collection of an invoice, from `collections --json`.
fn collection_of(s: &Sandbox, data: &Path, number: &str) -> Option<Value> {
    let list = json(s, data, &["collections", "--json"]);
    let mine: Vec<Value> = list.as_array().unwrap().iter().filter(|c| c["invoice_number"] == number).cloned().collect();
    assert!(mine.len() <= 1, "one collection per invoice: {mine:?}");
    mine.into_iter().next()
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_at_fifty_points_between_intent_and_settlement_each_invoice_is_collected_and_booked_once() {
    if !keychain_or_skip() {
        return;
    }
    let s = sandbox().await;
    let Synced { dir, tenant, org_name, payers } = synced(&s).await;
    let data = dir.path();
    let map = ["settle", "map", "gocardless", "--org", &org_name, "--clearing", "092", "--bank", "090"];
    ok(&s, data, &[&map[..], &["--fees", "404", "--suspense", "429"]].concat());
    let invoices: Vec<Value> =
        invoices_where(&s, &tenant, "AUTHORISED", |e| payers.contains_key(&e.to_ascii_lowercase()))
            .into_iter()
            .take(3)
            .collect();
    assert_eq!(invoices.len(), 3, "three unpaid invoices of payers with a mandate");

    // Deterministic "random" kill points: 3 invoices × 5 steps, 3 or 4 kills in each step, then
    // the step is run to its end, as a person would run the command again.
    let mut points = support::KillPoints(0x9E37_79B9_7F4A_7C15);
    let mut next = || points.next();
    let (mut kills, mut interrupted) = (0, 0);
    // How long each step ran to its end last time (a first guess for the first invoice): the
    // kills fall anywhere in it, start-up, requests and writes alike.
    let mut took = [Duration::from_millis(700); 5];
    for invoice in &invoices {
        let number = invoice["InvoiceNumber"].as_str().unwrap();
        let steps: [&[&str]; 5] = [
            &["collect", number, "--via", "gocardless", "--confirm-match"],
            &["outbox", "send"],
            &["sync", "gocardless"],
            &["settle"],
            &["outbox", "send"],
        ];
        for (n, step) in steps.iter().enumerate() {
            if n == 2 {
                // The bank's part: GoCardless collects the payment and pays it out.
                let c = collection_of(&s, data, number).expect("collected");
                let payment = c["provider_payment_id"].as_str().expect("sent to GoCardless").to_owned();
                simulate(&s, "payment_paid_out", &payment).await;
                s.gc_ctx.clock.advance(time::Duration::hours(5));
            }
            for _ in 0..(3 + next() % 2) {
                let at = took[n].mul_f64((next() % 1000) as f64 / 1000.0);
                interrupted += usize::from(support::kill_during(xpartner(&s, data).args(*step), at));
                kills += 1;
            }
            let t = std::time::Instant::now();
            let out = run(&s, data, step);
            took[n] = t.elapsed();
            // A collect killed after its transaction committed already made the collection.
            let again = n == 0 && stderr(&out).contains("already has a collection");
            assert!(
                out.status.success() || again,
                "{step:?}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                stderr(&out)
            );
        }
    }
    assert!(kills >= 50, "{kills} kill points");
    // Most kills must land while the command runs, not after it finished.
    assert!(interrupted * 2 > kills, "{interrupted} of {kills} kills interrupted a running command");
    eprintln!("{interrupted} of {kills} kills interrupted a running command");
    ok(&s, data, &["sync", "gocardless"]);
    ok(&s, data, &["settle"]);
    assert_eq!(ok(&s, data, &["settle"]).trim(), "settle: 0 booked, 0 waiting");
    let sent = ok(&s, data, &["outbox", "send"]);
    assert!(sent.trim_end().ends_with(" 0 retrying, 0 waiting, 0 failed"), "{sent}");
    assert!(ok(&s, data, &["db", "check"]).starts_with("ok: "), "the store survived every kill");

    let created = s.gc_ctx.counters.snapshot().created_by_key;
    for invoice in &invoices {
        let number = invoice["InvoiceNumber"].as_str().unwrap();
        let c = collection_of(&s, data, number).expect("one collection");
        assert_eq!(c["status"], "paid_out", "{c}");
        let key = format!("gocardless collect:{}", c["id"].as_str().unwrap());
        assert_eq!(created.get(&key), Some(&1), "one GoCardless payment for {number}: {created:?}");
        let payments: Vec<Value> = s
            .xero
            .records(&tenant, "Payments")
            .into_iter()
            .filter(|p| p["Invoice"]["InvoiceID"] == invoice["InvoiceID"])
            .collect();
        assert_eq!(payments.len(), 1, "one Xero payment for {number}: {payments:?}");
        assert_eq!((&payments[0]["Status"], &payments[0]["Account"]["Code"]), (&"AUTHORISED".into(), &"092".into()));
    }
}
