//! After the first load: the events feed from its persisted cursor, each event applied once,
//! changes made by GoCardless's scenario simulators arriving with the next sync.

use crate::{eur, world};
use xp_sandbox_kit::Seed;
use xp_store::gocardless as db;

#[tokio::test]
async fn events_are_applied_once_across_syncs_and_a_restart() {
    let mut w = world(Seed::Empty).await;
    let org = w.connected().await;
    let md = w.mandate("once").await;
    let first = w.sync(false).await;
    assert!(first.full_load);
    let pm = w.payment(&md, "49.90", "ONCE-1").await;
    w.gc.run_scenario(&w.token, "payment_confirmed", &pm).await.unwrap();

    let second = w.sync(false).await;
    assert!(!second.full_load, "a week has not passed: only the feed is read");
    assert!(second.events_applied >= 3, "created, submitted, confirmed: {second:?}");
    let applied = db::counts(&w.services.store, org).await.unwrap().applied_events;
    let payment = db::payments(&w.services.store, org).await.unwrap().into_iter().find(|p| p.id == pm).unwrap();
    assert_eq!((payment.status.as_str(), payment.amount), ("confirmed", eur("49.90")), "learnt from the feed alone");

    let third = w.sync(false).await;
    assert_eq!((third.events_applied, third.records), (0, 0), "nothing new: nothing applied again");
    w.restart().await;
    let events_before = w.served("GET /events");
    let after_restart = w.sync(false).await;
    assert_eq!(after_restart.events_applied, 0, "the cursor survived the restart");
    assert!(!after_restart.full_load, "so did the full load's date");
    // One feed per resource type (each brings its events' resources along), each one call.
    assert_eq!(w.served("GET /events") - events_before, 4, "one call per feed from its cursor, no walk from the start");
    assert_eq!(db::counts(&w.services.store, org).await.unwrap().applied_events, applied);

    // New events after the restart are applied, once.
    let pm2 = w.payment(&md, "10.00", "ONCE-2").await;
    w.gc.run_scenario(&w.token, "payment_paid_out", &pm2).await.unwrap();
    let later = w.sync(false).await;
    assert!(later.events_applied >= 1, "{later:?}");
    let payment = db::payments(&w.services.store, org).await.unwrap().into_iter().find(|p| p.id == pm2).unwrap();
    assert_eq!(payment.status, "paid_out");
    assert!(payment.payout_id.is_some(), "a paid-out payment names its payout");
    assert_eq!(w.sync(false).await.events_applied, 0);
}

#[tokio::test]
async fn a_chargeback_settles_as_a_negative_payout_stored_to_the_cent() {
    let w = world(Seed::Empty).await;
    let org = w.connected().await;
    let md = w.mandate("payouts").await;
    w.sync(false).await;
    let small = w.payment(&md, "119.00", "SMALL").await;
    w.gc.run_scenario(&w.token, "payment_chargeback_settled", &small).await.unwrap();
    // A payout reaches the store with its own `paid` event, a few hours after it is made.
    w.ctx.clock.advance(time::Duration::hours(5));
    w.sync(false).await;

    let payment = db::payments(&w.services.store, org).await.unwrap().into_iter().find(|p| p.id == small).unwrap();
    assert_eq!(payment.status, "charged_back", "the scenario's outcome arrives with the next sync");
    let payouts = db::payouts(&w.services.store, org).await.unwrap();
    // Fees in the emulator: 1 % + €0.20 (tests/sandbox/gocardless model.rs): €1.39 on €119.00.
    let debit = payouts.iter().find(|p| p.amount.is_negative()).expect("the chargeback's payout");
    assert_eq!(debit.amount, eur("-117.61"), "the payment back out, its fee back in");
    assert_eq!(debit.amount.amount.to_string(), "-117.61", "kept as exact decimal text");
    assert_eq!(debit.deducted_fees, eur("-1.39"));
    let lines: Vec<(String, String)> =
        debit.items.iter().map(|i| (i.item_type.clone(), i.amount.to_string())).collect();
    assert!(lines.contains(&("payment_charged_back".into(), eur("-119.00").to_string())), "{lines:?}");
    assert!(lines.contains(&("gocardless_fee".into(), eur("1.39").to_string())), "{lines:?}");

    // A full reconciliation reads the same: nothing moves, nothing is lost.
    let full = w.sync(true).await;
    assert!(full.full_load);
    assert_eq!(db::payouts(&w.services.store, org).await.unwrap(), payouts);
}

#[tokio::test]
async fn a_cancelled_mandate_keeps_the_reason_its_event_gave_through_a_full_reconciliation() {
    let w = world(Seed::Empty).await;
    w.connected().await;
    w.sync(false).await;
    // Set up after the first load: the payer and bank account arrive with the mandate's events.
    let md = w.mandate("ends").await;
    w.gc.cancel_mandate(&w.token, &md, &Default::default()).await.unwrap();
    w.sync(false).await;
    let failed = |list: Vec<db::MandateView>| list.into_iter().find(|m| m.id == md).unwrap();
    let m = failed(w.connector.mandates().await.unwrap());
    assert_eq!(m.status, "cancelled");
    assert!(m.reason.is_some(), "the cancellation event's cause is kept: {m:?}");
    let customer = w.gc.customer(&w.token, &w.gc.mandate(&w.token, &md).await.unwrap().links.customer).await.unwrap();
    assert_eq!(m.customer_email, customer.email, "the payer came with the mandate's event");
    assert!(m.customer_email.is_some());
    assert!(m.bank_name.is_some() && m.account_number_ending.is_some(), "and the bank account: {m:?}");

    w.sync(true).await;
    let again = failed(w.connector.mandates().await.unwrap());
    assert_eq!(again.reason, m.reason, "a list carries no reason; the event's stays");
}

/// The feed is read every time; a full reconciliation of everything GoCardless holds once a week,
/// counted from the start of the last complete one. (The app runs on the system clock here, so
/// the last load's time is moved back instead.)
#[tokio::test]
async fn a_full_reconciliation_comes_once_a_week() {
    let w = world(Seed::Empty).await;
    let org = w.connected().await;
    assert!(w.sync(false).await.full_load, "the first sync loads everything");
    let store = &w.services.store;
    let loaded_ago = |ago: time::Duration| async move {
        let state = db::feed_since(store, org).await.unwrap().expect("a full load was recorded");
        let at = xp_core::rfc3339(time::OffsetDateTime::now_utc() - ago);
        db::record_full_load(store, org, &state.since, &at).await.unwrap();
    };
    loaded_ago(time::Duration::days(6) + time::Duration::hours(23)).await;
    assert!(!w.sync(false).await.full_load, "six days and 23 hours after it: the feed only");
    loaded_ago(time::Duration::days(7) + time::Duration::minutes(1)).await;
    assert!(w.sync(false).await.full_load, "a week after the last full load: everything again");
    assert!(!w.sync(false).await.full_load, "and the week starts over");
}
