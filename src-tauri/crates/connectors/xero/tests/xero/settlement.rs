//! Direct-debit settlement booked in the sandbox's Xero the way accountants book it: a
//! confirmed payment into the clearing account, the payout's fees as spend money and its net as
//! a transfer to the bank, a charge-back undoing the payment; each write once, through lost
//! answers and repeated bookings.

use super::outbox::{dispatcher, now, open_invoice, world_behind_gate};
use time::macros::date;
use xp_context::outbox::RunReport;
use xp_core::{Currency, Money};
use xp_ledger::settlement::{
    book_confirmed, book_payout, book_reversal, Accounts, Booked, Confirmed, Invoice, ItemKind, Payout, PayoutItem,
    Reversal,
};

fn accounts() -> Accounts {
    // The demo chart: 090 the business bank, 092 GoCardless Clearing, 404 Bank Fees.
    Accounts { clearing: "092".into(), bank: "090".into(), fees: "404".into(), suspense: "429".into() }
}

#[tokio::test]
async fn a_collected_invoice_is_paid_into_clearing_paid_out_net_of_fees_and_undone_by_a_charge_back() {
    let (w, _gate, orgs) = world_behind_gate().await;
    let (org, tenant, invoice) = open_invoice(&w, &orgs, 1);
    let invoice_id = invoice["InvoiceID"].as_str().unwrap().to_owned();
    let currency = Currency::parse(invoice["CurrencyCode"].as_str().unwrap()).unwrap();
    let due = Money::new(xp_xero::decimal(&invoice["AmountDue"]).unwrap(), currency);
    let d = dispatcher(&w.services, &w.xero);
    let payments = |w: &super::World| {
        w.emu
            .records(&tenant, "Payments")
            .into_iter()
            .filter(|p| p["Invoice"]["InvoiceID"].as_str() == Some(invoice_id.as_str()))
            .collect::<Vec<_>>()
    };

    // 1. Confirmed: one Xero payment into the clearing account; the first answer is lost.
    let confirmed = Confirmed {
        provider: "gocardless".into(),
        payment_id: "PM0001".into(),
        invoice_id: Some(invoice_id.clone()),
        amount: due,
        on: date!(2026 - 11 - 20),
        reference: "SEPA DD PM0001".into(),
    };
    let booked = book_confirmed(&confirmed, Some(&Invoice::Open { amount_due: due }), &accounts()).unwrap();
    let ids = w.xero.queue_ledger_writes(org, &booked.writes, "GoCardless").await.unwrap();
    assert_eq!(ids.len(), 1);
    let tries = xp_http::RetryPolicy::default().max_attempts;
    w.ctx.faults.add(xp_sandbox_kit::Fault::parse_spec(&format!("xero:lost_response*{tries}")).unwrap());
    let t = now();
    assert_eq!(d.run_once(t).await.unwrap(), RunReport { waiting: 1, ..Default::default() });
    let t = t + time::Duration::minutes(1);
    assert_eq!(d.run_once(t).await.unwrap(), RunReport { sent: 1, ..Default::default() });
    let paid = payments(&w);
    assert_eq!(paid.len(), 1, "one payment although the first answer was lost: {paid:?}");
    assert_eq!(paid[0]["Account"]["Code"], "092", "into the clearing account");
    // Booking the same fact again queues nothing new.
    let again = w.xero.queue_ledger_writes(org, &booked.writes, "GoCardless").await.unwrap();
    assert_eq!(again, ids);
    assert!(d.run_once(t).await.unwrap().is_empty());

    // 2. Paid out: fees as spend money from clearing, the net as a transfer to the bank.
    let fee = Money::parse("-1.50", currency.code()).unwrap();
    let net = due.checked_add(fee).unwrap();
    let payout = Payout {
        provider: "gocardless".into(),
        payout_id: "PO0001".into(),
        amount: net,
        arrives_on: date!(2026 - 11 - 24),
        reference: "GoCardless payout PO0001".into(),
        items: vec![
            PayoutItem { kind: ItemKind::PaidOut { payment_id: "PM0001".into() }, amount: due },
            PayoutItem { kind: ItemKind::Fee, amount: fee },
        ],
    };
    let settled = book_payout(&payout, |_| Booked::Confirmed, &accounts()).unwrap();
    w.xero.queue_ledger_writes(org, &settled.writes, "GoCardless").await.unwrap();
    assert_eq!(d.run_once(t).await.unwrap(), RunReport { sent: 2, ..Default::default() });
    let fees: Vec<_> = w
        .emu
        .records(&tenant, "BankTransactions")
        .into_iter()
        .filter(|b| b["Type"] == "SPEND" && b["BankAccount"]["Code"] == "092")
        .collect();
    assert_eq!(fees.len(), 1, "{fees:?}");
    assert_eq!(fees[0]["LineItems"][0]["AccountCode"], "404");
    assert_eq!(xp_xero::decimal(&fees[0]["Total"]).unwrap(), rust_decimal::Decimal::new(150, 2));
    let transfers = w.emu.records(&tenant, "BankTransfers");
    assert_eq!(transfers.len(), 1);
    assert_eq!(transfers[0]["FromBankAccount"]["Code"], "092");
    assert_eq!(transfers[0]["ToBankAccount"]["Code"], "090");
    assert_eq!(xp_xero::decimal(&transfers[0]["Amount"]).unwrap(), net.amount);

    // 3. Charged back: the payment is deleted and the invoice owes again.
    let back = book_reversal("gocardless", "PM0001", Some(&invoice_id), Reversal::ChargedBack, &booked.writes);
    w.xero.queue_ledger_writes(org, &back.writes, "GoCardless").await.unwrap();
    assert_eq!(d.run_once(t).await.unwrap(), RunReport { sent: 1, ..Default::default() });
    let after = payments(&w);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["Status"], "DELETED");
    let reopened =
        w.emu.records(&tenant, "Invoices").into_iter().find(|i| i["InvoiceID"] == invoice_id.as_str()).unwrap();
    assert_eq!(reopened["Status"], "AUTHORISED");
    assert_eq!(xp_xero::decimal(&reopened["AmountDue"]).unwrap(), due.amount);
}
