//! Lifecycles driven by simulated time: payment timelines planned in SEPA working days,
//! [`State::sync`] playing the steps that have come due in time order, and what one resource's
//! step does to another (a SEPA mandate goes to the banks with its first payment; a bank
//! rejecting the mandate fails that payment and cancels the others; money moves into payouts).

use crate::calendar::{add_working_days, sub_working_days};
use crate::model::*;
use crate::settlement::Settles;
use serde_json::{json, Value};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use time::{Date, Duration};

/// SEPA timings in working days (support.gocardless.com/hc/en-us/articles/360001018705,
/// "Payment timings comparison chart"; review D16): created on day 0, submitted +1, charged
/// +3, confirmed +4, paid out +6. So the earliest charge date is 3 working days ahead. (The
/// contract sheet gives no timings; its §11 only says charge dates roll to a working day.)
pub const LEAD_WORKING_DAYS: u32 = 3;
const SUBMIT_BEFORE_CHARGE: u32 = 2;
const CONFIRM_AFTER_CHARGE: u32 = 1;
/// Working days from the charge date to the payout that carries the payment.
pub const PAYOUT_AFTER_CHARGE: u32 = 3;
/// GoCardless retries a payment at most 3 times (gocardless-pro-python
/// `payments_service.py`, `retry`: "Payments can be retried up to 3 times"; the contract
/// sheet's §4/§5 describe retry without a limit or the active-mandate condition).
pub const MAX_RETRIES: u8 = 3;
/// Failures worth retrying: "insufficient funds" and "refer to payer"; the others fail the
/// mandate or are disputes (support.gocardless.com/hc/en-ca/articles/115002900765).
const RETRYABLE: [&str; 2] = ["insufficient_funds", "refer_to_payer"];

/// Sheet §5: payments (and so charge dates) only on these mandate statuses.
pub fn mandate_takes_payments(status: &str) -> bool {
    matches!(status, "pending_customer_approval" | "pending_submission" | "submitted" | "active")
}

/// Today + 3 working days, whatever the mandate's status: a SEPA mandate is submitted with its
/// first payment, so its first charge date is no further away than later ones.
pub fn next_possible_charge_date(m: &Mandate, now: Ts) -> Option<Date> {
    mandate_takes_payments(m.status(now)).then(|| add_working_days(now.date(), LEAD_WORKING_DAYS))
}

pub fn insufficient_funds() -> Value {
    bank_d("insufficient_funds", "The customer's account had insufficient funds to make this payment.", "AM04")
}

fn chargeback() -> Value {
    bank_d("authorisation_disputed", "The customer has disputed having authorised you to take this payment.", "MD01")
}

/// Causes with which the bank rejects the mandate when it answers the first payment; the
/// payment fails and the mandate is failed or cancelled with it (support.gocardless.com
/// /hc/en-ca/articles/115002900765, "Retrying a failed payment": bank account closed, Direct
/// Debit not enabled, invalid bank details).
pub fn mandate_failure(cause: &str) -> Option<Value> {
    let (description, code) = match cause {
        "invalid_bank_details" => {
            ("The bank account details used to set up the mandate for this payment were incorrect.", "AC01")
        }
        "bank_account_closed" => ("The customer's bank account was closed before the payment could be taken.", "AC04"),
        "direct_debit_not_enabled" => {
            ("The customer's bank account does not allow Direct Debit payments to be taken.", "AG01")
        }
        _ => return None,
    };
    Some(bank_d(cause, description, code))
}

pub fn mandate_created(at: Ts) -> Step {
    Step::new(at, "pending_submission", "created", d("api", "mandate_created", "Mandate created via the API."))
}

/// Payment timeline from `from` (the current status) onwards, no step before `not_before`.
/// Transitions follow sheet §5: pending_customer_approval → pending_submission | denied;
/// pending_submission → submitted | cancelled; submitted → confirmed | failed;
/// confirmed → failed (late) | charged_back. `paid_out` is not planned: the payout run that
/// carries the payment sets it (`settlement.rs`).
pub fn plan_payment(from: &str, not_before: Ts, created: Ts, charge: Date, outcome: Outcome) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut cur = from;
    let mut last = not_before;
    let mut push = |steps: &mut Vec<Step>, natural: Ts, status, action, details| {
        let at = to_ms(natural.max(last));
        last = at + Duration::milliseconds(1);
        steps.push(Step::new(at, status, action, details));
    };
    let after_charge = |n| at10(add_working_days(charge, n));
    loop {
        cur = match (cur, outcome) {
            ("pending_customer_approval", Outcome::CustomerApprovalDenied) => {
                let det = d("customer", "customer_approval_denied", "The customer denied approval for this payment");
                let at = not_before + Duration::hours(20);
                push(&mut steps, at, "customer_approval_denied", "customer_approval_denied", det);
                break;
            }
            ("pending_customer_approval", _) => {
                let det = d("customer", "customer_approval_granted", "The customer granted approval for this payment");
                push(
                    &mut steps,
                    not_before + Duration::hours(2),
                    "pending_submission",
                    "customer_approval_granted",
                    det,
                );
                "pending_submission"
            }
            ("pending_submission", Outcome::Cancelled) => {
                let det = d("api", "payment_cancelled", "The payment was cancelled.");
                push(&mut steps, not_before + Duration::minutes(30), "cancelled", "cancelled", det);
                break;
            }
            ("pending_submission", _) => {
                let det = d(
                    "gocardless",
                    "payment_submitted",
                    "Payment submitted to the banks. As a result, it can no longer be cancelled.",
                );
                let natural = at10(sub_working_days(charge, SUBMIT_BEFORE_CHARGE)).max(created + Duration::hours(1));
                push(&mut steps, natural, "submitted", "submitted", det);
                "submitted"
            }
            ("submitted", Outcome::Failed) => {
                push(&mut steps, after_charge(CONFIRM_AFTER_CHARGE), "failed", "failed", insufficient_funds());
                break;
            }
            ("submitted", _) => {
                let det = d("gocardless", "payment_confirmed", "Enough time has passed since the payment was submitted for the banks to return an error, so this payment is now confirmed.");
                push(&mut steps, after_charge(CONFIRM_AFTER_CHARGE), "confirmed", "confirmed", det);
                "confirmed"
            }
            ("confirmed" | "paid_out", Outcome::LateFailure | Outcome::Failed) => {
                // Two working days after the payout: a late failure of money already paid out.
                push(&mut steps, after_charge(PAYOUT_AFTER_CHARGE + 2), "failed", "failed", insufficient_funds());
                break;
            }
            ("confirmed" | "paid_out", Outcome::ChargedBack) => {
                push(&mut steps, after_charge(PAYOUT_AFTER_CHARGE + 3), "charged_back", "charged_back", chargeback());
                break;
            }
            _ => break,
        };
    }
    steps
}

type Due = Reverse<(Ts, Kind, String, usize)>;

impl State {
    /// Plays every step that has come due, in time order, interleaved with the daily payout
    /// runs and the sending of payouts. Steps planned while playing are picked up too.
    pub fn sync(&mut self, now: Ts) {
        match self.next_due {
            Some(d) if d <= now => {}
            _ => return,
        }
        self.fresh.clear();
        let mut heap: BinaryHeap<Due> = BinaryHeap::new();
        let mut later: Option<Ts> = None;
        let mut scan = |kind: Kind, id: &String, tl: &[Step], heap: &mut BinaryHeap<Due>| {
            for (i, s) in tl.iter().enumerate().filter(|(_, s)| !s.emitted) {
                if s.at <= now {
                    heap.push(Reverse((s.at, kind, id.clone(), i)));
                } else {
                    later = Some(later.map_or(s.at, |n: Ts| n.min(s.at)));
                }
            }
        };
        for (id, m) in &self.mandates {
            scan(Kind::Mandate, id, &m.timeline, &mut heap);
        }
        for (id, p) in &self.payments {
            scan(Kind::Payment, id, &p.timeline, &mut heap);
        }
        for (id, r) in &self.refunds {
            scan(Kind::Refund, id, &r.timeline, &mut heap);
        }
        loop {
            let step_at = heap.peek().map(|Reverse(s)| s.0);
            let run_at = self.run_due.filter(|t| *t <= now);
            let send_at = self.next_send().filter(|t| *t <= now);
            // At equal times: payouts are sent, then the run, then the steps.
            let not_after = |a: Ts, b: Option<Ts>| b.is_none_or(|b| a <= b);
            if let Some(t) = send_at.filter(|t| not_after(*t, run_at) && not_after(*t, step_at)) {
                self.send_payouts(t);
            } else if let Some(t) = run_at.filter(|t| not_after(*t, step_at)) {
                self.payout_run(t);
            } else if let Some(Reverse((_, kind, id, i))) = heap.pop() {
                self.apply(kind, &id, i);
            } else {
                break;
            }
            for f in std::mem::take(&mut self.fresh) {
                if f.0 <= now {
                    heap.push(Reverse(f));
                } else {
                    later = Some(later.map_or(f.0, |n| n.min(f.0)));
                }
            }
        }
        let mut next = later;
        for t in [self.run_due, self.next_send()].into_iter().flatten() {
            next = Some(next.map_or(t, |n| n.min(t)));
        }
        self.next_due = next;
    }

    fn timeline_mut(&mut self, kind: Kind, id: &str) -> Option<&mut Vec<Step>> {
        match kind {
            Kind::Mandate => self.mandates.get_mut(id).map(|m| &mut m.timeline),
            Kind::Payment => self.payments.get_mut(id).map(|p| &mut p.timeline),
            Kind::Refund => self.refunds.get_mut(id).map(|r| &mut r.timeline),
        }
    }

    fn apply(&mut self, kind: Kind, id: &str, i: usize) {
        let Some(s) = self.timeline_mut(kind, id).and_then(|t| t.get_mut(i)) else { return };
        if s.emitted {
            return;
        }
        s.emitted = true;
        let step = s.clone();
        match kind {
            Kind::Mandate => {
                self.emit_step(kind, id, &step);
            }
            Kind::Payment => self.payment_step(id, step),
            Kind::Refund => self.refund_step(id, &step),
        }
    }

    /// The event of a step, with the links every event of its resource carries.
    fn emit_step(&mut self, kind: Kind, id: &str, step: &Step) -> Option<String> {
        let action = step.action?;
        let (rt, mut links) = match kind {
            Kind::Mandate => ("mandates", json!({"mandate": id})),
            Kind::Payment => ("payments", json!({"payment": id})),
            Kind::Refund => {
                let r = self.refunds.get(id)?;
                ("refunds", json!({"refund": id, "payment": r.payment, "mandate": r.mandate}))
            }
        };
        if let Value::Object(extra) = &step.links {
            for (k, v) in extra {
                links[k] = v.clone();
            }
        }
        Some(self.emit_with(step.at, rt, action, links, step.details.clone(), step.metadata.clone()))
    }

    /// A transition that happens as a consequence of another, at once: the step is recorded as
    /// played and its event emitted. Returns the event id.
    pub(crate) fn record(&mut self, kind: Kind, id: &str, mut step: Step) -> Option<String> {
        step.emitted = true;
        self.timeline_mut(kind, id)?.push(step.clone());
        self.emit_step(kind, id, &step)
    }

    fn payment_step(&mut self, id: &str, mut step: Step) {
        let Some(p) = self.payments.get(id) else { return };
        let md = p.mandate.clone();
        if step.action == Some("failed") {
            step.details = self.failure_details(id, step.details.clone());
        }
        let event = self.emit_step(Kind::Payment, id, &step);
        match step.action {
            Some("submitted") => self.submit_mandate_with(&md, id, step.at),
            Some("confirmed") => {
                self.activate_mandate_with(&md, id, step.at);
                self.queue_credit(id, step.at);
            }
            Some("failed") => self.payment_failed(id, &md, &step, event.as_deref()),
            Some("charged_back") if self.has_credit(id) => {
                self.queue_payment_debit(id, step.at, "payment_charged_back", Settles::chargeback(id));
            }
            _ => {}
        }
    }

    /// `will_attempt_retry` and `not_retried_reason` on a failed event (gocardless-nodejs
    /// `Types.ts`, `EventDetails`): GoCardless retries only with `retry_if_possible` (off by
    /// default, `Payment.retry_if_possible`), only failures worth retrying, at most 3 times.
    fn failure_details(&self, id: &str, mut details: Value) -> Value {
        let Some(p) = self.payments.get(id) else { return details };
        let cause = details["cause"].as_str().unwrap_or("");
        let retryable = RETRYABLE.contains(&cause);
        let retry = p.retry_if_possible && retryable && p.retries < MAX_RETRIES;
        details["will_attempt_retry"] = json!(retry);
        if !retry {
            // `failure_filter_applied`: "a high likelihood of failure on retry".
            let reason = if p.retry_if_possible && !retryable { "failure_filter_applied" } else { "other" };
            details["not_retried_reason"] = json!(reason);
        }
        details
    }

    fn payment_failed(&mut self, id: &str, md: &str, step: &Step, event: Option<&str>) {
        if self.has_credit(id) {
            self.queue_payment_debit(id, step.at, "payment_failed", Settles::late_failure(id));
        }
        let cause = step.details["cause"].as_str().unwrap_or("").to_owned();
        if mandate_failure(&cause).is_some() {
            let mut det = step.details.clone();
            if let Value::Object(m) = &mut det {
                m.remove("will_attempt_retry");
                m.remove("not_retried_reason");
            }
            self.end_mandate(md, step.at, det, event, Value::Null);
        } else {
            self.activate_mandate_with(md, id, step.at);
        }
        if step.details["will_attempt_retry"] == json!(true) {
            self.schedule_retry(id, step.at);
        }
    }

    /// GoCardless's own retry: `resubmission_requested` on the next working day, then the
    /// payment is collected again like a new one.
    fn schedule_retry(&mut self, id: &str, failed_at: Ts) {
        let day = add_working_days(failed_at.date(), 1);
        let at = at10(day);
        let charge = add_working_days(day, LEAD_WORKING_DAYS);
        let Some(p) = self.payments.get_mut(id) else { return };
        p.retries += 1;
        p.charge_date = charge;
        p.outcome = Outcome::PaidOut;
        let created = p.created_at;
        let det = d("gocardless", "payment_retried", "The payment is being retried by GoCardless.");
        let mut steps = vec![Step::new(at, "pending_submission", "resubmission_requested", det)];
        steps.extend(plan_payment(
            "pending_submission",
            at + Duration::milliseconds(1),
            created,
            charge,
            Outcome::PaidOut,
        ));
        self.plan(Kind::Payment, id, steps);
    }

    fn refund_step(&mut self, id: &str, step: &Step) {
        self.emit_step(Kind::Refund, id, step);
        match step.action {
            Some("created") => self.queue_refund(id, step.at, false),
            Some("bounced" | "funds_returned") => {
                let (pm, amount) = match self.refunds.get(id) {
                    Some(r) => (r.payment.clone(), r.amount),
                    None => return,
                };
                if let Some(p) = self.payments.get_mut(&pm) {
                    p.amount_refunded -= amount;
                }
                self.queue_refund(id, step.at, true);
            }
            _ => {}
        }
    }

    /// SEPA mandates are submitted with their first payment (gocardless-nodejs `Types.ts`,
    /// `ScenarioSimulator.id`, `mandate_activated`: "Not compatible with ACH, BECS, BECS_NZ and
    /// SEPA mandates, which are submitted and activated with their first payment"). The
    /// contract sheet's §5 "pending_submission → submitted → active" on its own, without a
    /// payment, does not happen for SEPA (review D3).
    fn submit_mandate_with(&mut self, md: &str, pm: &str, at: Ts) {
        let Some(m) = self.mandates.get_mut(md) else { return };
        if m.status(at) != "pending_submission" {
            return;
        }
        m.first_payment = Some(pm.to_owned());
        let fail = m.fail_cause.clone();
        let det = d("gocardless", "mandate_submitted", "The mandate has been submitted to the banks.");
        self.record(Kind::Mandate, md, Step::new(at, "submitted", "submitted", det));
        if let Some(cause) = fail {
            self.plan_rejection(pm, &cause);
        }
    }

    /// The bank's answer to a first payment whose mandate it rejects: the payment fails when it
    /// would have been confirmed.
    pub(crate) fn plan_rejection(&mut self, pm: &str, cause: &str) {
        let Some(p) = self.payments.get_mut(pm) else { return };
        let at =
            p.timeline.iter().find(|s| !s.emitted && matches!(s.status, Some("confirmed" | "failed"))).map(|s| s.at);
        let Some(at) = at else { return };
        void_future(&mut p.timeline);
        p.outcome = Outcome::Failed;
        let det = mandate_failure(cause).unwrap_or_else(insufficient_funds);
        self.plan(Kind::Payment, pm, vec![Step::new(at, "failed", "failed", det)]);
    }

    /// The first payment's outcome is known and the bank did not reject the mandate.
    fn activate_mandate_with(&mut self, md: &str, pm: &str, at: Ts) {
        let Some(m) = self.mandates.get(md) else { return };
        if m.status(at) != "submitted" || m.first_payment.as_deref() != Some(pm) {
            return;
        }
        let det = d("gocardless", "mandate_activated", "The time window after submission for the banks to refuse a mandate has ended without any errors being received, so this mandate is now active.");
        self.record(Kind::Mandate, md, Step::new(at, "active", "active", det));
    }

    /// A bank rejection ends the mandate: `failed` before it was active, `cancelled` after;
    /// payments not yet submitted are cancelled with it, naming the mandate's event as their
    /// parent (gocardless-nodejs `Types.ts`, `EventLinks.parent_event`).
    pub(crate) fn end_mandate(&mut self, md: &str, at: Ts, details: Value, parent: Option<&str>, metadata: Value) {
        let Some(m) = self.mandates.get(md) else { return };
        let (status, action) = match m.status(at) {
            "pending_customer_approval" | "pending_submission" | "submitted" => ("failed", "failed"),
            "active" | "suspended_by_payer" => ("cancelled", "cancelled"),
            _ => return,
        };
        if let Some(m) = self.mandates.get_mut(md) {
            void_future(&mut m.timeline);
        }
        let mut step = Step::new(at, status, action, details);
        if let Some(pe) = parent {
            step.links = json!({"parent_event": pe});
        }
        step.metadata = metadata;
        let event = self.record(Kind::Mandate, md, step);
        let cause = if status == "failed" { "mandate_failed" } else { "mandate_cancelled" };
        let det = d(
            "gocardless",
            cause,
            "The mandate for this payment was cancelled or failed, so the payment was cancelled.",
        );
        self.cancel_pending_payments(md, at, &det, event.as_deref());
    }

    pub(crate) fn cancel_pending_payments(&mut self, md: &str, at: Ts, details: &Value, parent: Option<&str>) {
        let ids: Vec<String> = self
            .payments
            .values()
            .filter(|p| p.mandate == md && matches!(p.status(at), "pending_submission" | "pending_customer_approval"))
            .map(|p| p.id.clone())
            .collect();
        for pm in ids {
            if let Some(p) = self.payments.get_mut(&pm) {
                void_future(&mut p.timeline);
                p.outcome = Outcome::Cancelled;
            }
            let mut step = Step::new(at, "cancelled", "cancelled", details.clone());
            if let Some(pe) = parent {
                step.links = json!({"parent_event": pe});
            }
            self.record(Kind::Payment, &pm, step);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_normal_payment_is_planned_in_sepa_working_days() {
        // Created Wednesday 1 April 2026: Good Friday and Easter Monday are not working days.
        let created = datetime!(2026-04-01 09:00 UTC);
        let charge = add_working_days(created.date(), LEAD_WORKING_DAYS);
        assert_eq!(charge, time::macros::date!(2026 - 04 - 08));
        let steps = plan_payment("pending_submission", created, created, charge, Outcome::PaidOut);
        let got: Vec<_> = steps.iter().map(|s| (s.status.unwrap_or(""), s.at.date().to_string())).collect();
        assert_eq!(
            got,
            [("submitted", "2026-04-02".to_owned()), ("confirmed", "2026-04-09".to_owned())],
            "submitted +1 working day, confirmed +4 (the day after the charge date)"
        );
        let late = plan_payment("confirmed", created, created, charge, Outcome::LateFailure);
        assert_eq!(late[0].status, Some("failed"));
        assert!(late[0].at.date() > add_working_days(charge, PAYOUT_AFTER_CHARGE), "after the payout");
    }
}
