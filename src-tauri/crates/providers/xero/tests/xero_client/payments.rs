//! Payments: one per idempotency key, validation errors with Xero's messages, deletion.

use crate::sandbox::start;
use std::time::Duration;
use xp_xero::{decimal, Error, NewPayment};

#[tokio::test]
async fn a_payment_is_created_once_per_idempotency_key_then_paying_again_is_a_validation_error() {
    let s = start(Duration::from_secs(60)).await;
    let tenant = &s.tenants[0];
    let (org, i) = xp_sandbox_kit::demo::direct_debit_invoice(0);
    let invoice = s.emu.records(&s.tenants[org], "Invoices")[i].clone();
    let total = decimal(&invoice["Total"]).unwrap();
    let new = NewPayment {
        invoice_id: invoice["InvoiceID"].as_str().unwrap().to_owned(),
        account_code: "092".into(),
        date: time::macros::date!(2026 - 11 - 20),
        amount: total,
        reference: Some("SEPA DD PM01".into()),
    };
    let first = s.xero.create_payment(&s.token, tenant, &new, "pay-inv-1").await.unwrap();
    let second = s.xero.create_payment(&s.token, tenant, &new, "pay-inv-1").await.unwrap();
    assert_eq!(first.payment_id, second.payment_id, "a resent write returns the first result");
    assert_eq!(
        s.ctx.counters.snapshot().created_by_key.get("xero pay-inv-1"),
        Some(&1),
        "the emulator created exactly one payment for the key"
    );
    assert_eq!(first.amount, total, "the amount round-trips exactly");
    assert_eq!(first.status, "AUTHORISED");
    assert_eq!(first.invoice_id.as_deref(), Some(new.invoice_id.as_str()));
    assert_eq!(first.invoice_amount_due, Some(rust_decimal::Decimal::ZERO), "paid in full");
    assert_eq!(first.date, Some(time::macros::date!(2026 - 11 - 20)));

    let again = s.xero.create_payment(&s.token, tenant, &new, "pay-inv-2").await;
    match again {
        Err(Error::Validation { messages }) => {
            assert!(messages.iter().any(|m| m.contains("status PAID")), "Xero's element message is kept: {messages:?}")
        }
        other => panic!("paying a PAID invoice is a validation error, got {other:?}"),
    }

    let deleted = s.xero.delete_payment(&s.token, tenant, &first.payment_id, "del-pay-1").await.unwrap();
    assert_eq!(deleted.status, "DELETED");
    let invoice_now = s.emu.records(tenant, "Invoices")[i].clone();
    assert_eq!(invoice_now["Status"], "AUTHORISED", "deleting the payment reopens the invoice");
    let missing = s.xero.delete_payment(&s.token, tenant, "00000000-0000-0000-0000-000000000000", "del-pay-2").await;
    assert!(matches!(missing, Err(Error::NotFound { .. })), "{missing:?}");
}

#[tokio::test]
async fn a_clearing_bank_account_is_created_once_per_key_and_a_taken_code_is_xeros_validation_error() {
    let s = start(Duration::from_secs(60)).await;
    let tenant = &s.tenants[0];
    let new = xp_xero::NewBankAccount {
        code: "093".into(),
        name: "Saferpay Clearing".into(),
        bank_account_number: "SAFERPAY-CLEARING".into(),
        currency: s.emu.credentials()["tenants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["tenantId"] == tenant.as_str())
            .unwrap()["currency"]
            .as_str()
            .unwrap()
            .to_owned(),
    };
    let (first, raw) = s.xero.create_bank_account(&s.token, tenant, &new, "acct-1").await.unwrap();
    let (again, _) = s.xero.create_bank_account(&s.token, tenant, &new, "acct-1").await.unwrap();
    assert_eq!(raw["BankAccountNumber"], "SAFERPAY-CLEARING");
    assert_eq!(first, again, "a resent create returns the first account");
    assert_eq!(
        (first.code.as_deref(), first.name.as_deref(), first.type_.as_deref(), first.status.as_deref()),
        (Some("093"), Some("Saferpay Clearing"), Some("BANK"), Some("ACTIVE"))
    );
    let chart = s.emu.records(tenant, "Accounts");
    assert_eq!(chart.iter().filter(|a| a["Code"] == "093").count(), 1, "one account in the chart");

    let taken = xp_xero::NewBankAccount { name: "Another Clearing".into(), ..new };
    match s.xero.create_bank_account(&s.token, tenant, &taken, "acct-2").await {
        Err(Error::Validation { messages }) => {
            assert!(messages.iter().any(|m| m.contains("unique Code")), "{messages:?}")
        }
        other => panic!("a code in use is a validation error, got {other:?}"),
    }
}
