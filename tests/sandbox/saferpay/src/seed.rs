//! Seeded history. Demo: a handful of transactions paying the demo invoices — card payments in
//! CHF for "Seeblick Treuhand AG" (org 1: captured, captured + refunded, authorized) and SEPA
//! direct debits in EUR for "Alpenrad Velo GmbH" (org 0: captured, and a failed one). Empty:
//! the terminal only. Large(n): n captured card payments, cheap to build.

use rand::Rng;
use time::{Duration, OffsetDateTime};
use xp_sandbox_kit::{demo, Seed};

use crate::model::{self, Capture, Means, Status, Tx};
use crate::Data;

pub fn populate(d: &mut Data, seed: Seed, terminal_id: &str, now: OffsetDateTime) {
    match seed {
        Seed::Empty => {}
        Seed::Demo => demo_history(d, terminal_id, now),
        Seed::Large(n) => {
            for i in 0..n as usize {
                let org = i % 2;
                let inv = i / 2;
                let date = now - Duration::minutes(i as i64 * 7 + 60);
                let mut t = card_tx(d, terminal_id, org, inv, date);
                captured(&mut t, Duration::minutes(1));
                d.txs.insert(t.id.clone(), t);
            }
        }
    }
}

fn currency(org: usize) -> &'static str {
    demo::ORGS[org].1
}

fn card_tx(d: &mut Data, terminal_id: &str, org: usize, inv: usize, date: OffsetDateTime) -> Tx {
    let id = model::transaction_id(&mut d.rng);
    // Saferpay test card numbers start with 9 (Assert example `9123 45xx xxxx 1234`); the last
    // digit makes each Luhn-valid.
    let number = luhn_complete(&format!("912345{:09}", d.rng.gen_range(0..1_000_000_000u64)));
    Tx {
        id,
        kind: "PAYMENT",
        status: Status::Authorized,
        date,
        amount: demo::invoice_total_minor(org, inv),
        currency: currency(org).to_owned(),
        order_id: Some(demo::invoice_number(org, inv)),
        description: Some(format!("Invoice {}", demo::invoice_number(org, inv))),
        means: Means::Card {
            brand: "VISA",
            number,
            exp_year: date.year() + 3,
            exp_month: 1 + (inv % 12) as u8,
            holder: demo::contact_name(org, inv),
        },
        mandate_id: None,
        approval_code: Some(model::approval_code(&mut d.rng)),
        capture: None,
        refund_of: None,
        terminal_id: terminal_id.to_owned(),
        via_page: true,
        canceled_at: None,
        chargeback: None,
        sepa_export: None,
    }
}

fn dd_tx(d: &mut Data, terminal_id: &str, k: usize, date: OffsetDateTime) -> Tx {
    let (org, inv) = demo::direct_debit_invoice(k);
    let id = model::transaction_id(&mut d.rng);
    let order = demo::invoice_number(org, inv);
    Tx {
        id,
        kind: "PAYMENT",
        status: Status::Authorized,
        date,
        amount: demo::invoice_total_minor(org, inv),
        currency: "EUR".into(),
        order_id: Some(order.clone()),
        description: Some(format!("Invoice {order}")),
        means: Means::BankAccount {
            // Well-known documentation IBAN (also the sheet's example), valid check digits.
            iban: "DE89370400440532013000".into(),
            holder: demo::contact_name(org, inv),
            bic: None,
        },
        mandate_id: Some(format!("LDG-{order}-01")),
        approval_code: None,
        capture: None,
        refund_of: None,
        terminal_id: terminal_id.to_owned(),
        via_page: true,
        canceled_at: None,
        chargeback: None,
        sepa_export: None,
    }
}

/// Captured `after` the authorization.
fn captured(t: &mut Tx, after: Duration) {
    t.status = Status::Captured;
    t.capture = Some(Capture { id: format!("{}_c", t.id), date: t.date + after, amount: t.amount });
}

fn demo_history(d: &mut Data, terminal_id: &str, now: OffsetDateTime) {
    let day = Duration::days(1);
    let mut out = Vec::new();

    // Org 1 (CHF): captured, captured and half refunded (refund captured too), authorized only.
    let mut a = card_tx(d, terminal_id, 1, 0, now - day * 12);
    captured(&mut a, Duration::minutes(5));
    let mut b = card_tx(d, terminal_id, 1, 1, now - day * 9);
    captured(&mut b, Duration::minutes(3));
    let mut r = Tx {
        id: model::transaction_id(&mut d.rng),
        kind: "REFUND",
        date: now - day * 6,
        amount: b.amount / 2,
        refund_of: b.capture.as_ref().map(|c| c.id.clone()),
        approval_code: None,
        description: Some("Partial refund".into()),
        // A refund's OrderId of its own, so the payment's stays unambiguous (`transaction::reference`).
        order_id: b.order_id.as_ref().map(|o| format!("{o}-R1")),
        via_page: false,
        ..b.clone()
    };
    r.status = Status::Authorized;
    r.capture = None;
    captured(&mut r, Duration::minutes(1));
    let c = card_tx(d, terminal_id, 1, 2, now - day);
    out.extend([a, b, r, c]);

    // Org 0 (EUR): one card payment and SEPA direct debits.
    let mut e = card_tx(d, terminal_id, 0, 3, now - day * 10);
    captured(&mut e, Duration::minutes(2));
    let mut dd1 = dd_tx(d, terminal_id, 0, now - day * 8);
    captured(&mut dd1, Duration::minutes(1));
    let mut dd2 = dd_tx(d, terminal_id, 1, now - day * 4);
    dd2.status = Status::Failed;
    out.extend([e, dd1, dd2]);

    for t in out {
        d.txs.insert(t.id.clone(), t);
    }
}

fn luhn_complete(prefix: &str) -> String {
    (0..10).map(|c| format!("{prefix}{c}")).find(|n| model::luhn_ok(n)).unwrap_or_else(|| format!("{prefix}0"))
}
