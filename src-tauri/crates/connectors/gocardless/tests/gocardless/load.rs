//! The first sync: everything the emulator holds, and nothing of an IBAN beyond its last digits.

use crate::{ibans, world};
use std::collections::BTreeMap;
use xp_connect_gocardless::rows::spelled;
use xp_sandbox_kit::Seed;
use xp_store::gocardless::{self as db, Kind};

#[tokio::test]
async fn a_first_sync_holds_exactly_what_gocardless_holds_and_no_iban() {
    let w = world(Seed::Demo).await;
    let org = w.connected().await;
    let summary = w.sync(false).await;
    assert!(summary.full_load, "the first sync lists everything");

    let (gc, t) = (&w.gc, &w.token);
    let customers = w.all(|p| async move { gc.customers(t, &p).await }).await;
    let accounts = w.all(|p| async move { gc.customer_bank_accounts(t, &p).await }).await;
    let mandates = w.all(|p| async move { gc.mandates(t, &p).await }).await;
    let payments = w.all(|p| async move { gc.payments(t, &p).await }).await;
    let refunds = w.all(|p| async move { gc.refunds(t, &p).await }).await;
    let payouts = w.all(|p| async move { gc.payouts(t, &p).await }).await;
    assert!(mandates.len() >= 40 && payments.len() >= 300, "the demo seed is what this test compares");

    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let ids = |kind| db::ids(&w.services.store, org, kind);
    assert_eq!(ids(Kind::Customers).await.unwrap(), sorted(customers.iter().map(|c| c.id.clone()).collect()));
    assert_eq!(ids(Kind::BankAccounts).await.unwrap(), sorted(accounts.iter().map(|c| c.id.clone()).collect()));
    assert_eq!(ids(Kind::Mandates).await.unwrap(), sorted(mandates.iter().map(|c| c.id.clone()).collect()));
    assert_eq!(ids(Kind::Refunds).await.unwrap(), sorted(refunds.iter().map(|c| c.id.clone()).collect()));
    assert_eq!(ids(Kind::Payouts).await.unwrap(), sorted(payouts.iter().map(|c| c.id.clone()).collect()));

    // Each payment with its status and exact amounts, as GoCardless reports them.
    let stored: BTreeMap<String, (String, String, String)> = db::payments(&w.services.store, org)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, (p.status, p.amount.to_string(), p.amount_refunded.to_string())))
        .collect();
    let upstream: BTreeMap<String, (String, String, String)> = payments
        .iter()
        .map(|p| (p.id.clone(), (spelled(p.status), p.amount.to_string(), p.amount_refunded.to_string())))
        .collect();
    assert_eq!(stored, upstream);
    assert!(stored.values().any(|(s, ..)| s == "failed") && stored.values().any(|(s, ..)| s == "paid_out"));

    // Payouts to the cent, each with lines that add up to it.
    let kept_payouts = db::payouts(&w.services.store, org).await.unwrap();
    for p in &payouts {
        let k = kept_payouts.iter().find(|k| k.id == p.id).unwrap();
        assert_eq!((k.amount, k.deducted_fees), (p.amount, p.deducted_fees), "payout {}", p.id);
        let sum = k.items.iter().try_fold(xp_core::Money::zero(p.amount.currency), |a, i| a.checked_add(i.amount));
        assert_eq!(sum.unwrap(), p.amount, "payout {}'s lines add up to it", p.id);
    }

    // The mandates list joins payer and bank.
    let list = w.connector.mandates().await.unwrap();
    assert_eq!(list.len(), mandates.len());
    assert!(list.iter().all(|m| m.customer_name.is_some() && m.bank_name.is_some()), "{:?}", list.first());
    assert!(list.iter().all(|m| m.account_number_ending.as_ref().is_some_and(|e| e.len() <= 4)));

    // No IBAN the emulator holds, nor its account number, anywhere in the decrypted tables.
    let mut known = Vec::new();
    // The emulator's saved state is the only place it shows them (its API never does).
    let saved = xp_sandbox_kit::Persist::save_into(&w.emu, serde_json::value::Serializer).unwrap();
    ibans(&saved, &mut known);
    assert!(!known.is_empty(), "the emulator's payers have IBANs to look for");
    let text = w.stored_text().await;
    for iban in &known {
        assert!(!text.contains(iban.as_str()), "the IBAN {iban} is stored");
        assert!(!text.contains(&iban[4..]), "the BBAN of {iban} is stored");
        assert!(!text.contains(&iban[iban.len() - 10..]), "the account number of {iban} is stored");
    }
}
