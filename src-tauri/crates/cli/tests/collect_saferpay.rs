//! Saferpay from the command line against the Xero and Saferpay emulators: a mandate the
//! customer signed is recorded (`mandates record`, the IBAN on standard input), an unpaid
//! invoice is collected once (`collect --via saferpay`, debited and captured by `outbox send`),
//! and booked in Xero through a clearing account the app creates (`settle create-clearing`,
//! `settle map`, `settle`). Then the same pipeline is killed (SIGKILL) at fifty-odd points:
//! every invoice still ends with one Saferpay debit and one Xero payment.
//! Needs an OS keychain (the store's key, the Xero tokens and the IBANs live there).
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;
use xp_sandbox_kit::{Ctx, Seed};

mod support;
use support::keychain_or_skip;

/// Valid IBANs of three SEPA countries (documentation examples, correct check digits).
const IBANS: [&str; 3] = ["DE89 3704 0044 0532 0130 00", "AT61 1904 3002 3457 3201", "NL91 ABNA 0417 1643 00"];

struct Sandbox {
    file: PathBuf,
    config: PathBuf,
    xero_base: String,
    xero: Arc<xp_sandbox_xero::Emulator>,
    sp: xp_sandbox_saferpay::Emulator,
    _dir: tempfile::TempDir,
}

async fn sandbox() -> Sandbox {
    let (xero, xero_base) = support::xero_emulator(Ctx::new(Duration::from_secs(60)), Seed::Demo).await;
    let (sp, sp_base) = support::saferpay_emulator(Ctx::new(Duration::from_secs(60)), Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let mut line = support::xero_line(&xero, &xero_base);
    line["saferpay"] = format!("{sp_base}/api").into();
    line["credentials"]["saferpay"] = sp.credentials();
    let file = support::startup_line(dir.path(), line);
    let config = support::xero_config(dir.path());
    Sandbox { file, config, xero_base, xero, sp, _dir: dir }
}

fn xpartner(s: &Sandbox, data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xpartner"));
    c.arg("--data-dir").arg(data).arg("--sandbox").arg(&s.file).arg("--config").arg(&s.config);
    c
}

fn run(s: &Sandbox, data: &Path, args: &[&str]) -> Output {
    xpartner(s, data).args(args).stdin(Stdio::null()).output().unwrap()
}

/// Runs with `input` on standard input.
fn run_with(s: &Sandbox, data: &Path, args: &[&str], input: &str) -> Output {
    let mut child = xpartner(s, data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ok(s: &Sandbox, data: &Path, args: &[&str]) -> String {
    let out = run(s, data, args);
    assert!(out.status.success(), "{args:?}: {}{}", stdout(&out), stderr(&out));
    stdout(&out)
}

fn json(s: &Sandbox, data: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(s, data, args)).unwrap()
}

/// The euro organisation's tenant id and name.
fn euro_organisation(s: &Sandbox) -> (String, String) {
    let tenants = s.xero.credentials()["tenants"].as_array().unwrap().clone();
    let t = tenants.iter().find(|t| t["currency"] == "EUR").unwrap();
    (t["tenantId"].as_str().unwrap().to_owned(), t["name"].as_str().unwrap().to_owned())
}

/// Unpaid euro sales invoices of `n` different contacts.
fn open_invoices(s: &Sandbox, tenant: &str, n: usize) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    let found: Vec<Value> = s
        .xero
        .records(tenant, "Invoices")
        .into_iter()
        .filter(|i| i["Type"] == "ACCREC" && i["Status"] == "AUTHORISED" && i["CurrencyCode"] == "EUR")
        .filter(|i| seen.insert(i["Contact"]["ContactID"].as_str().unwrap().to_owned()))
        .take(n)
        .collect();
    assert_eq!(found.len(), n, "the demo has {n} unpaid euro invoices of different contacts");
    found
}

/// `mandates record --via saferpay` for the invoice's contact (by its name), the IBAN on
/// standard input; the mandate's id.
fn record_mandate(s: &Sandbox, data: &Path, org: &str, invoice: &Value, iban: &str) -> String {
    let contact = invoice["Contact"]["Name"].as_str().unwrap();
    let args = ["mandates", "record", "--via", "saferpay", "--org", org, "--contact", contact];
    let args = [&args[..], &["--holder", contact, "--bank", "Testbank", "--customer-signed"]].concat();
    let out = run_with(s, data, &args, &format!("{iban}\n"));
    let said = stdout(&out);
    assert!(out.status.success(), "{said}{}", stderr(&out));
    let words: Vec<&str> = said.trim_end().split(' ').collect();
    assert_eq!((words.len(), words[0], words[2]), (3, "mandate:", "active"), "{said}");
    words[1].to_owned()
}

/// Xero connected and synced, the Saferpay clearing account created and mapped.
async fn ready(s: &Sandbox) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    support::connect_xero(xpartner(s, data), &s.xero_base).await;
    ok(s, data, &["sync", "xero"]);
    let (tenant, org) = euro_organisation(s);
    let created = ok(s, data, &["settle", "create-clearing", "saferpay", "--org", &org]);
    // The demo chart has 090, 092 (GoCardless's clearing) and 095: the first free 09x code.
    assert_eq!(created.trim(), format!("clearing account: saferpay {org} 091 Saferpay Clearing"));
    let map = ["settle", "map", "saferpay", "--org", &org, "--clearing", "091", "--bank", "090"];
    ok(s, data, &[&map[..], &["--fees", "404", "--suspense", "429"]].concat());
    (dir, tenant, org)
}

/// Saferpay's debits (payments, not refunds) for an OrderId.
fn debits_of(s: &Sandbox, order_id: &str) -> Vec<Value> {
    let dump = s.sp.dump();
    dump["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["OrderId"] == order_id && t["Type"] == "PAYMENT" && t.get("_RefundOf").is_none())
        .cloned()
        .collect()
}

fn xero_payments_of(s: &Sandbox, tenant: &str, invoice: &Value) -> Vec<Value> {
    s.xero
        .records(tenant, "Payments")
        .into_iter()
        .filter(|p| p["Invoice"]["InvoiceID"] == invoice["InvoiceID"])
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_mandate_is_recorded_and_an_invoice_collected_once_through_saferpay_and_booked_in_xero() {
    if !keychain_or_skip() {
        return;
    }
    let s = sandbox().await;
    let (dir, tenant, org) = ready(&s).await;
    let data = dir.path();
    let invoice = open_invoices(&s, &tenant, 1).remove(0);
    let number = invoice["InvoiceNumber"].as_str().unwrap();
    let contact = invoice["Contact"]["Name"].as_str().unwrap();
    let clearing_again = run(&s, data, &["settle", "create-clearing", "saferpay", "--org", &org]);
    assert!(stderr(&clearing_again).contains("already has an account named \"Saferpay Clearing\" (code 091)"));

    // Bad input is refused and records nothing.
    let record = ["mandates", "record", "--via", "saferpay", "--org", &org, "--contact", contact, "--holder", contact];
    let refused = |args: &[&str], input: &str, why: &str| {
        let out = run_with(&s, data, args, input);
        assert!(!out.status.success() && stderr(&out).contains(why), "{args:?} says {why:?}: {}", stderr(&out));
    };
    refused(&record, &format!("{}\n", IBANS[0]), "signature");
    let signed = [&record[..], &["--customer-signed"]].concat();
    refused(&signed, "", "read from standard input");
    refused(&signed, "DE00 3704 0044 0532 0130 00\n", "IBAN");
    let nobody = ["mandates", "record", "--via", "saferpay", "--contact", "Nobody GmbH", "--holder", "N"];
    refused(&[&nobody[..], &["--customer-signed"]].concat(), &format!("{}\n", IBANS[0]), "no Xero contact");
    let listed = json(&s, data, &["mandates", "--json"]);
    assert!(!listed.as_array().unwrap().iter().any(|m| m["provider"] == "saferpay"), "nothing recorded: {listed}");

    let mandate = record_mandate(&s, data, &org, &invoice, IBANS[0]);
    let listed = json(&s, data, &["mandates", "--json"]);
    let mine = listed.as_array().unwrap().iter().find(|m| m["id"] == mandate.as_str()).unwrap().clone();
    assert_eq!(
        (&mine["provider"], &mine["status"], &mine["account_number_ending"]),
        (&"saferpay".into(), &"active".into(), &"3000".into())
    );
    // The IBAN is in the keychain only: not printed, not in the data folder's files (logs included).
    let iban = IBANS[0].replace(' ', "");
    assert!(!listed.to_string().contains(&iban));
    for entry in walk(data) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(!bytes.windows(iban.len()).any(|w| w == iban.as_bytes()), "{} holds the IBAN", entry.display());
    }

    let said = ok(&s, data, &["collect", number, "--via", "saferpay", "--org", &org]);
    let words: Vec<&str> = said.trim_end().split(' ').collect();
    assert_eq!((words[0], words[2]), ("collection:", "intent"), "{said}");
    let id = words[1].to_owned();
    let again = run(&s, data, &["collect", number, "--via", "saferpay"]);
    assert!(stderr(&again).contains(&format!("already has a collection {id}")), "{}", stderr(&again));
    let sent = ok(&s, data, &["outbox", "send"]);
    assert!(sent.lines().any(|l| l == format!("sent: {} saferpay.collect", outbox_id(&s, data, &id))), "{sent}");
    let c = collection(&s, data, &id);
    assert_eq!(c["status"], "confirmed", "captured: {c}");
    let debits = debits_of(&s, &id);
    assert_eq!(debits.len(), 1, "one debit: {debits:?}");
    assert_eq!((&debits[0]["Status"], &c["provider_payment_id"]), (&"CAPTURED".into(), &debits[0]["Id"]));

    let booked = ok(&s, data, &["settle"]);
    assert!(booked.lines().any(|l| l.starts_with("booked: saferpay confirmed ")), "{booked}");
    let sent = ok(&s, data, &["outbox", "send"]);
    assert!(sent.trim_end().ends_with(" 0 retrying, 0 waiting, 0 failed"), "{sent}");
    let payments = xero_payments_of(&s, &tenant, &invoice);
    assert_eq!(payments.len(), 1, "{payments:?}");
    assert_eq!((&payments[0]["Account"]["Code"], &payments[0]["Status"]), (&"091".into(), &"AUTHORISED".into()));
    let now = s.xero.records(&tenant, "Invoices").into_iter().find(|i| i["InvoiceID"] == invoice["InvoiceID"]).unwrap();
    assert_eq!(now["Status"], "PAID");
    assert_eq!(ok(&s, data, &["settle"]).trim(), "settle: 0 booked, 0 waiting", "booked once");
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn collection(s: &Sandbox, data: &Path, id: &str) -> Value {
    let list = json(s, data, &["collections", "--json"]);
    list.as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("{id} in {list}")).clone()
}

fn outbox_id(s: &Sandbox, data: &Path, collection_id: &str) -> String {
    collection(s, data, collection_id)["outbox_id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_at_fifty_points_between_intent_and_settlement_each_invoice_is_debited_and_booked_once() {
    if !keychain_or_skip() {
        return;
    }
    let s = sandbox().await;
    let (dir, tenant, org) = ready(&s).await;
    let data = dir.path();
    let invoices = open_invoices(&s, &tenant, 3);
    for (invoice, iban) in invoices.iter().zip(IBANS) {
        record_mandate(&s, data, &org, invoice, iban);
    }

    // Deterministic "random" kill points: 3 invoices × 4 steps × 4 or 5 kills, then the step
    // runs to its end, as a person would run the command again.
    let mut points = support::KillPoints(0x2545_F491_4F6C_DD1D);
    let mut next = || points.next();
    let (mut kills, mut interrupted) = (0, 0);
    let mut took = [Duration::from_millis(700); 4];
    for invoice in &invoices {
        let number = invoice["InvoiceNumber"].as_str().unwrap();
        let steps: [&[&str]; 4] = [
            &["collect", number, "--via", "saferpay", "--org", &org],
            &["outbox", "send"],
            &["settle"],
            &["outbox", "send"],
        ];
        for (n, step) in steps.iter().enumerate() {
            for _ in 0..(4 + next() % 2) {
                let at = took[n].mul_f64((next() % 1000) as f64 / 1000.0);
                interrupted += usize::from(support::kill_during(xpartner(&s, data).args(*step), at));
                kills += 1;
            }
            let t = std::time::Instant::now();
            let out = run(&s, data, step);
            took[n] = t.elapsed();
            // A collect killed after its transaction committed already made the collection.
            let again = n == 0 && stderr(&out).contains("already has a collection");
            assert!(out.status.success() || again, "{step:?}: {}{}", stdout(&out), stderr(&out));
        }
    }
    assert!(kills >= 50, "{kills} kill points");
    assert!(interrupted * 2 > kills, "{interrupted} of {kills} kills interrupted a running command");
    eprintln!("{interrupted} of {kills} kills interrupted a running command");
    ok(&s, data, &["settle"]);
    assert_eq!(ok(&s, data, &["settle"]).trim(), "settle: 0 booked, 0 waiting");
    let sent = ok(&s, data, &["outbox", "send"]);
    assert!(sent.trim_end().ends_with(" 0 retrying, 0 waiting, 0 failed"), "{sent}");
    assert!(ok(&s, data, &["db", "check"]).starts_with("ok: "), "the store survived every kill");

    let list = json(&s, data, &["collections", "--json"]);
    for invoice in &invoices {
        let number = invoice["InvoiceNumber"].as_str().unwrap();
        let mine: Vec<&Value> = list.as_array().unwrap().iter().filter(|c| c["invoice_number"] == number).collect();
        assert_eq!(mine.len(), 1, "one collection for {number}: {mine:?}");
        assert_eq!(mine[0]["status"], "confirmed", "{}", mine[0]);
        let debits = debits_of(&s, mine[0]["id"].as_str().unwrap());
        assert_eq!(debits.len(), 1, "one Saferpay debit for {number}: {debits:?}");
        assert_eq!(debits[0]["Status"], "CAPTURED");
        let payments = xero_payments_of(&s, &tenant, invoice);
        assert_eq!(payments.len(), 1, "one Xero payment for {number}: {payments:?}");
        assert_eq!((&payments[0]["Status"], &payments[0]["Account"]["Code"]), (&"AUTHORISED".into(), &"091".into()));
    }
}
