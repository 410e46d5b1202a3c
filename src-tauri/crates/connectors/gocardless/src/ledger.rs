//! GoCardless payouts in the ledger's terms (`xp_ledger::settlement::Payout`), for the app's
//! settlement to book in Xero. Only paid payouts: a pending one has not reached the bank.
//!
//! Payout item types and signs as the emulator documents them from gocardless-nodejs `Types.ts`
//! (`PayoutItem.type`): credits `payment_paid_out`, `refund_funds_returned` and fee credits;
//! debits `payment_failed` (a late failure), `payment_charged_back`, `payment_refunded`,
//! `refund` and fees (`gocardless_fee`, `app_fee`, `surcharge_fee`; `revenue_share` is a fee
//! shared back, a credit).

use crate::service::GoCardlessService;
use crate::{Error, Result, PROVIDER};
use xp_ledger::settlement::{ItemKind, Payout, PayoutItem, Reversal};
use xp_store::gocardless::{self as db};
use xp_store::organisations as orgs;

/// One payout line in the ledger's terms.
pub fn item_kind(i: &db::rows::PayoutItem) -> ItemKind {
    let payment = || i.payment_id.clone();
    match (i.item_type.as_str(), payment()) {
        ("payment_paid_out", Some(payment_id)) => ItemKind::PaidOut { payment_id },
        ("payment_failed", Some(payment_id)) => ItemKind::Reversed { payment_id, reason: Reversal::LateFailure },
        ("payment_charged_back", Some(payment_id)) => ItemKind::Reversed { payment_id, reason: Reversal::ChargedBack },
        ("payment_refunded" | "refund", Some(payment_id)) => ItemKind::Refund { payment_id },
        ("gocardless_fee" | "app_fee" | "surcharge_fee" | "revenue_share", _) => ItemKind::Fee,
        (other, _) => ItemKind::Other { description: other.to_owned() },
    }
}

/// A paid payout in the ledger's terms; None while it is not paid.
pub fn payout(p: &db::rows::Payout) -> Result<Option<Payout>> {
    if p.status != "paid" {
        return Ok(None);
    }
    let day = p.arrival_date.as_deref().unwrap_or(p.created_at.get(..10).unwrap_or_default());
    let arrives_on = xp_core::ymd(day)
        .ok_or_else(|| Error::Invalid(format!("payout {} arrival date {day:?} is not YYYY-MM-DD", p.id)))?;
    Ok(Some(Payout {
        provider: PROVIDER.to_owned(),
        payout_id: p.id.clone(),
        amount: p.amount,
        arrives_on,
        reference: format!("GoCardless payout {} {}", p.id, p.reference).trim_end().to_owned(),
        items: p.items.iter().map(|i| PayoutItem { kind: item_kind(i), amount: i.amount }).collect(),
    }))
}

impl GoCardlessService {
    /// Every paid payout of every kept creditor, oldest first.
    pub async fn paid_payouts(&self) -> Result<Vec<Payout>> {
        let store = &self.ctx.store;
        let mut all = Vec::new();
        for org in orgs::syncable(store, PROVIDER).await? {
            for p in db::payouts(store, org.id).await? {
                if let Some(p) = payout(&p)? {
                    all.push((p.arrives_on, p));
                }
            }
        }
        all.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.payout_id.cmp(&b.1.payout_id)));
        Ok(all.into_iter().map(|(_, p)| p).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xp_core::Money;

    fn item(kind: &str, amount: &str, payment: Option<&str>) -> db::rows::PayoutItem {
        db::rows::PayoutItem {
            item_type: kind.into(),
            amount: Money::parse(amount, "EUR").unwrap(),
            payment_id: payment.map(str::to_owned),
            mandate_id: None,
            refund_id: None,
        }
    }

    fn paid(status: &str, items: Vec<db::rows::PayoutItem>) -> db::rows::Payout {
        db::rows::Payout {
            id: "PO0001".into(),
            created_at: "2026-11-24T11:00:00.000Z".into(),
            amount: Money::parse("98.50", "EUR").unwrap(),
            deducted_fees: Money::parse("1.50", "EUR").unwrap(),
            status: status.into(),
            arrival_date: Some("2026-11-25".into()),
            reference: "REF-1".into(),
            payout_type: "merchant".into(),
            items,
        }
    }

    #[test]
    fn payout_lines_become_the_ledgers_kinds() {
        assert_eq!(
            item_kind(&item("payment_paid_out", "100", Some("PM1"))),
            ItemKind::PaidOut { payment_id: "PM1".into() }
        );
        assert_eq!(
            item_kind(&item("payment_charged_back", "-100", Some("PM1"))),
            ItemKind::Reversed { payment_id: "PM1".into(), reason: Reversal::ChargedBack }
        );
        assert_eq!(
            item_kind(&item("payment_failed", "-100", Some("PM1"))),
            ItemKind::Reversed { payment_id: "PM1".into(), reason: Reversal::LateFailure }
        );
        assert_eq!(item_kind(&item("gocardless_fee", "-1.50", Some("PM1"))), ItemKind::Fee);
        assert_eq!(item_kind(&item("refund", "-10", Some("PM1"))), ItemKind::Refund { payment_id: "PM1".into() });
        // A payment line without its payment cannot be placed: a person looks at it.
        assert_eq!(
            item_kind(&item("payment_paid_out", "100", None)),
            ItemKind::Other { description: "payment_paid_out".into() }
        );
        assert_eq!(
            item_kind(&item("refund_funds_returned", "10", None)),
            ItemKind::Other { description: "refund_funds_returned".into() }
        );
    }

    #[test]
    fn only_a_paid_payout_is_booked_on_its_arrival_date() {
        let items = vec![item("payment_paid_out", "100", Some("PM1")), item("gocardless_fee", "-1.50", Some("PM1"))];
        assert_eq!(payout(&paid("pending", items.clone())).unwrap(), None);
        let p = payout(&paid("paid", items)).unwrap().unwrap();
        assert_eq!(p.arrives_on, time::macros::date!(2026 - 11 - 25));
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.amount, Money::parse("98.50", "EUR").unwrap());
        assert_eq!(p.reference, "GoCardless payout PO0001 REF-1");
    }
}
