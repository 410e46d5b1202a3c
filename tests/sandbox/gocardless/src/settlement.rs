//! Money into payouts (review D5). Every movement of the creditor's money waits here as payout
//! items until a payout carries it:
//! - a confirmed payment: `payment_paid_out` (credit) and its `gocardless_fee` (debit);
//! - a late failure or a chargeback of money already collected: `payment_failed` /
//!   `payment_charged_back` (debit) and the fee back as a `gocardless_fee` credit;
//! - a refund: `payment_refunded` (debit); a refund that bounced: `refund_funds_returned`.
//!
//! Item types, signs and the fee credits are gocardless-nodejs `Types.ts` (`PayoutItem.type`;
//! the contract sheet's §4 calls the type list unconfirmed and shows no debits at all);
//! `Payout.amount` is the sum of the items and `deducted_fees` the fees less refunded fees, so
//! it can be negative ("For each `late_failure_settled` or `chargeback_settled` action, we
//! refund the transaction fees in a payout. This means that a payout can have a negative
//! `deducted_fees` value", `Payout.deducted_fees`).
//!
//! A payout run happens at 11:00 UTC on each working day. A run whose items sum to zero or
//! less sends nothing: "A negative balance on your account is always balanced out by your
//! collected funds until the balance is recovered. Whilst we are recovering these funds, any
//! collected payments will remain in a confirmed status"
//! (support.gocardless.com/hc/en-us/articles/115002830265). The settling scenario simulators
//! ("generates a payout that includes the refund", `Types.ts` `ScenarioSimulator.id`) make their
//! payout at once, whatever its sign.

use crate::calendar::{add_working_days, working_day};
use crate::lifecycle::PAYOUT_AFTER_CHARGE;
use crate::model::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::macros::time;
use time::{Date, Duration};

/// Items waiting for a payout, and what their settlement means for their resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    #[serde(with = "time::serde::rfc3339")]
    pub eligible_at: Ts,
    pub items: Vec<Value>,
    /// Sum of the items, minor units.
    pub net: i64,
    /// Fees charged (positive) or refunded (negative).
    pub fees: i64,
    pub settles: Settles,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Settles {
    PaidOut { payment: String },
    LateFailure { payment: String },
    Chargeback { payment: String },
    Refund { refund: String },
    RefundFundsReturned { refund: String },
}

impl Settles {
    pub fn late_failure(pm: &str) -> Self {
        Self::LateFailure { payment: pm.to_owned() }
    }

    pub fn chargeback(pm: &str) -> Self {
        Self::Chargeback { payment: pm.to_owned() }
    }

    pub fn payment(&self) -> Option<&str> {
        match self {
            Self::PaidOut { payment } | Self::LateFailure { payment } | Self::Chargeback { payment } => Some(payment),
            _ => None,
        }
    }

    pub fn refund(&self) -> Option<&str> {
        match self {
            Self::Refund { refund } | Self::RefundFundsReturned { refund } => Some(refund),
            _ => None,
        }
    }
}

/// 11:00 UTC: the daily payout run, after the banks' 10:00 reports.
fn at11(d: Date) -> Ts {
    d.with_time(time!(11:00)).assume_utc()
}

/// The first payout run at or after `t`.
fn run_slot(t: Ts) -> Ts {
    let mut d = working_day(t.date());
    if at11(d) < t {
        d = add_working_days(d, 1);
    }
    at11(d)
}

fn item(kind: &str, minor: i64, links: Value) -> Value {
    json!({"type": kind, "amount": item_amount(minor), "taxes": [], "links": links})
}

impl State {
    pub(crate) fn compute_run_due(&mut self) {
        let earliest = self.pending.iter().map(|p| p.eligible_at).min();
        self.run_due = earliest.map(|e| self.slot_after(e));
    }

    fn slot_after(&self, eligible: Ts) -> Ts {
        let after = self.last_run.map_or(eligible, |l| eligible.max(l + Duration::milliseconds(1)));
        run_slot(after)
    }

    fn queue(&mut self, p: Pending) {
        let slot = self.slot_after(p.eligible_at);
        self.run_due = Some(self.run_due.map_or(slot, |r| r.min(slot)));
        self.touch(slot);
        self.pending.push(p);
    }

    /// Whether the payment's money reached the creditor's balance (queued or paid out), so a
    /// failure or chargeback must take it back.
    pub(crate) fn has_credit(&self, pm: &str) -> bool {
        self.payments.get(pm).is_some_and(|p| p.credited)
    }

    /// A confirmed payment is paid out `PAYOUT_AFTER_CHARGE` working days after its charge date.
    pub(crate) fn queue_credit(&mut self, pm: &str, at: Ts) {
        let Some(p) = self.payments.get_mut(pm) else { return };
        p.credited = true;
        let f = fee(p.amount);
        let links = json!({"payment": pm, "mandate": p.mandate});
        let eligible = at11(add_working_days(p.charge_date, PAYOUT_AFTER_CHARGE)).max(at);
        let items = vec![item("payment_paid_out", p.amount, links.clone()), item("gocardless_fee", -f, links)];
        let pending = Pending {
            eligible_at: eligible,
            items,
            net: p.amount - f,
            fees: f,
            settles: Settles::PaidOut { payment: pm.to_owned() },
        };
        self.queue(pending);
    }

    /// The payment's amount back out, and GoCardless's fee back in ("In the case of a payment
    /// failure or chargeback, these will appear as credits", `PayoutItem.type`).
    pub(crate) fn queue_payment_debit(&mut self, pm: &str, at: Ts, kind: &str, settles: Settles) {
        let Some(p) = self.payments.get(pm) else { return };
        let f = fee(p.amount);
        let links = json!({"payment": pm, "mandate": p.mandate});
        let items = vec![item(kind, -p.amount, links.clone()), item("gocardless_fee", f, links)];
        self.queue(Pending { eligible_at: at, items, net: f - p.amount, fees: -f, settles });
    }

    /// A refund leaves the balance (`payment_refunded`); a returned one comes back
    /// (`refund_funds_returned`). Their links carry the refund and mandate
    /// (`PayoutItemLinks`: "Present only for the items of type `payment_refunded`, `refund` and
    /// `refund_funds_returned`").
    pub(crate) fn queue_refund(&mut self, rf: &str, at: Ts, returned: bool) {
        let Some(r) = self.refunds.get(rf) else { return };
        let links = json!({"payment": r.payment, "mandate": r.mandate, "refund": rf});
        let (kind, net, settles) = if returned {
            ("refund_funds_returned", r.amount, Settles::RefundFundsReturned { refund: rf.to_owned() })
        } else {
            ("payment_refunded", -r.amount, Settles::Refund { refund: rf.to_owned() })
        };
        self.queue(Pending { eligible_at: at, items: vec![item(kind, net, links)], net, fees: 0, settles });
    }

    /// The creditor's balance not yet paid out (may be negative).
    pub(crate) fn balance(&self) -> i64 {
        self.pending.iter().map(|p| p.net).sum()
    }

    /// The daily run: pays out everything eligible if it sums to more than zero.
    pub(crate) fn payout_run(&mut self, at: Ts) {
        self.last_run = Some(at);
        let (take, keep): (Vec<Pending>, Vec<Pending>) =
            std::mem::take(&mut self.pending).into_iter().partition(|p| p.eligible_at <= at);
        let net: i64 = take.iter().map(|p| p.net).sum();
        if take.is_empty() || net <= 0 {
            let mut all = take;
            all.extend(keep);
            all.sort_by_key(|p| p.eligible_at);
            self.pending = all;
        } else {
            self.pending = keep;
            self.make_payout(at, take);
        }
        self.compute_run_due();
    }

    /// A payout made at once of the waiting items `pick` chooses (the settling simulators).
    pub(crate) fn settle_now(&mut self, at: Ts, pick: impl Fn(&Settles) -> bool) -> Option<String> {
        let (take, keep): (Vec<Pending>, Vec<Pending>) =
            std::mem::take(&mut self.pending).into_iter().partition(|p| pick(&p.settles));
        self.pending = keep;
        let id = (!take.is_empty()).then(|| self.make_payout(at, take));
        self.compute_run_due();
        id
    }

    fn make_payout(&mut self, at: Ts, take: Vec<Pending>) -> String {
        let id = self.next_id("PO");
        let reference = format!("XPSANDBOX-{}", &id[id.len() - 6..]);
        let payout = Payout {
            id: id.clone(),
            created_at: to_ms(at),
            currency: CURRENCY.to_owned(),
            amount: take.iter().map(|p| p.net).sum(),
            deducted_fees: take.iter().map(|p| p.fees).sum(),
            reference,
            status: "pending",
            paid_at: to_ms(at + Duration::hours(4)),
            items: take.iter().flat_map(|p| p.items.iter().cloned()).collect(),
        };
        let paid_at = payout.paid_at;
        self.payouts.insert(id.clone(), payout);
        self.open_payouts.push(id.clone());
        self.touch(paid_at);
        let link = json!({"payout": id});
        for p in take {
            let (kind, rid, step) = match &p.settles {
                Settles::PaidOut { payment } => {
                    // A payment that failed before its payout keeps `failed`: its credit and
                    // debit cancel out in this payout (support.gocardless.com/hc/en-gb/articles
                    // /17143453091868, "The deduction happened before the payment was paid out").
                    if self.payments.get(payment).is_none_or(|x| x.status(at) != "confirmed") {
                        continue;
                    }
                    if let Some(x) = self.payments.get_mut(payment) {
                        x.payout = Some(id.clone());
                    }
                    let det = d("gocardless", "payment_paid_out", "The payment has been paid out by GoCardless.");
                    (Kind::Payment, payment, Step::new(at, "paid_out", "paid_out", det))
                }
                Settles::LateFailure { payment } => {
                    let det = d("gocardless", "late_failure_settled", "The payment was a late failure which had already been paid out, and has been debited from a payout.");
                    (Kind::Payment, payment, Step::event(at, None, "late_failure_settled", det))
                }
                Settles::Chargeback { payment } => {
                    let det = d(
                        "gocardless",
                        "chargeback_settled",
                        "This charged back payment has been settled against a payout.",
                    );
                    (Kind::Payment, payment, Step::event(at, None, "chargeback_settled", det))
                }
                Settles::Refund { refund } => {
                    let det = d("gocardless", "refund_settled", "This refund has been settled against a payout.");
                    (Kind::Refund, refund, Step::event(at, None, "refund_settled", det))
                }
                Settles::RefundFundsReturned { .. } => continue,
            };
            let rid = rid.clone();
            let mut step = step;
            step.links = link.clone();
            self.record(kind, &rid, step);
        }
        id
    }

    pub(crate) fn next_send(&self) -> Option<Ts> {
        self.open_payouts.iter().filter_map(|id| self.payouts.get(id)).map(|p| p.paid_at).min()
    }

    /// Pending payouts whose time has come are sent (status `paid`, event `paid`).
    pub(crate) fn send_payouts(&mut self, upto: Ts) {
        let mut due: Vec<(Ts, String)> = self
            .open_payouts
            .iter()
            .filter_map(|id| self.payouts.get(id).filter(|p| p.paid_at <= upto).map(|p| (p.paid_at, id.clone())))
            .collect();
        due.sort();
        for (at, id) in due {
            self.open_payouts.retain(|x| *x != id);
            if let Some(p) = self.payouts.get_mut(&id) {
                p.status = "paid";
            }
            let det =
                d("gocardless", "payout_paid", "GoCardless has transferred the payout to the creditor's bank account.");
            self.emit(at, "payouts", "paid", json!({"payout": id}), det);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn payout_runs_are_at_eleven_on_working_days() {
        assert_eq!(run_slot(datetime!(2026-12-24 09:00 UTC)), datetime!(2026-12-24 11:00 UTC));
        assert_eq!(run_slot(datetime!(2026-12-24 11:00:00.001 UTC)), datetime!(2026-12-28 11:00 UTC));
        assert_eq!(run_slot(datetime!(2026-12-25 08:00 UTC)), datetime!(2026-12-28 11:00 UTC), "Christmas");
    }
}
