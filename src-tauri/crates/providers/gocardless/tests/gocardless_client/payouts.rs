//! Payouts and their items, exact to the cent in both directions: a chargeback settles as a
//! negative payout with the fee refunded (review D5).

use crate::sandbox::{eur, start, Sandbox};
use xp_core::Money;
use xp_gocardless::{ListParams, PaymentStatus, Payout, PayoutItem, PayoutItemType};

async fn items(s: &Sandbox, payout: &Payout) -> Vec<PayoutItem> {
    // Two items per page, so the items of a payout also cross a page boundary.
    let mut params = ListParams::new().limit(2);
    let mut all = Vec::new();
    loop {
        let page = s.gc.payout_items(&s.token, payout, &params).await.unwrap();
        all.extend(page.items.iter().cloned());
        match page.next(&params) {
            Some(next) => params = next,
            None => return all,
        }
    }
}

fn sum(items: &[PayoutItem]) -> Money {
    items.iter().fold(eur("0"), |acc, i| acc.checked_add(i.amount).unwrap())
}

fn of(items: &[PayoutItem], t: PayoutItemType) -> Vec<Money> {
    items.iter().filter(|i| i.item_type == t).map(|i| i.amount).collect()
}

#[tokio::test]
async fn a_paid_out_payment_and_its_chargeback_settle_exactly_including_a_negative_payout() {
    let s = start().await;
    let md = s.mandate("payouts").await;
    // Fees in the emulator: 1 % + €0.20, capped at €4.00 (tests/sandbox/gocardless model.rs).
    let big = s.gc.create_payment(&s.token, &s.new_payment(&md, "1234.56", "BIG"), "pay-big").await.unwrap();
    s.gc.run_scenario(&s.token, "payment_paid_out", &big.id).await.unwrap();
    let big = s.gc.payment(&s.token, &big.id).await.unwrap();
    assert_eq!(big.status, PaymentStatus::PaidOut);
    let payout =
        s.gc.payout(&s.token, big.links.payout.as_deref().expect("a paid-out payment names its payout")).await.unwrap();
    assert_eq!(payout.amount, eur("1230.56"));
    assert_eq!(payout.deducted_fees, eur("4.00"));
    let lines = items(&s, &payout).await;
    assert_eq!(of(&lines, PayoutItemType::PaymentPaidOut), [eur("1234.56")]);
    assert_eq!(of(&lines, PayoutItemType::GocardlessFee), [eur("-4.00")]);
    assert_eq!(sum(&lines), payout.amount, "the items add up to the payout to the cent");

    let small = s.gc.create_payment(&s.token, &s.new_payment(&md, "119.00", "SMALL"), "pay-small").await.unwrap();
    s.gc.run_scenario(&s.token, "payment_chargeback_settled", &small.id).await.unwrap();
    assert_eq!(s.gc.payment(&s.token, &small.id).await.unwrap().status, PaymentStatus::ChargedBack);

    // Newest first: the chargeback's payout, then the small payment's own, then the big one's.
    let payouts = s.gc.payouts(&s.token, &ListParams::new()).await.unwrap();
    assert_eq!(payouts.items.len(), 3, "{:?}", payouts.items);
    let debit = &payouts.items[0];
    assert_eq!(debit.amount, eur("-117.61"), "the payment back out, its €1.39 fee back in");
    assert!(debit.amount.is_negative());
    assert_eq!(debit.deducted_fees, eur("-1.39"), "refunded fees make deducted_fees negative");
    let lines = items(&s, debit).await;
    assert_eq!(of(&lines, PayoutItemType::PaymentChargedBack), [eur("-119.00")]);
    assert_eq!(of(&lines, PayoutItemType::GocardlessFee), [eur("1.39")]);
    assert_eq!(sum(&lines), debit.amount);
    assert!(lines.iter().all(|i| i.links.payment.as_deref() == Some(small.id.as_str())));
    let credit = &payouts.items[1];
    assert_eq!((credit.amount, credit.deducted_fees), (eur("117.61"), eur("1.39")));
}
