//! GoCardless's sandbox scenario simulators: `POST /scenario_simulators/{id}/actions/run` with
//! `{"data": {"links": {"resource": "PM…"}}}`, answered with `{"scenario_simulators": {"id"}}`.
//!
//! Ids, starting states and compatibility limits are those of gocardless-nodejs `Types.ts`
//! (`ScenarioSimulator.id`) and gocardless-pro-python `scenario_simulators_service.py`. Both
//! clients send the body under `data` (pro-python `run`: `params = {'data': params}`;
//! nodejs `api.ts` `getRequestBody` without a payload key): the contract sheet's §4 calls the
//! top-level `links` form possible, which no official client sends.
//!
//! The emulator's only scheme is SEPA Core, so simulators GoCardless documents as not
//! compatible with SEPA (`mandate_activated`, `mandate_failed`, …) or as needing a billing
//! request with a `payment_request` (which this sandbox does not create) are refused the way
//! the dashboard describes: "If there's any problem, for example we can't find the resource
//! or it isn't compatible with the scenario you've chosen, we'll let you know"
//! (developer.gocardless.com/developer-tools/scenario-simulators). The error reasons are
//! unconfirmed.
//!
//! Each simulator moves its resource through every intermediate status now, with the same
//! events (and the same effects on mandates and payouts) as the natural lifecycle.

use crate::api::{one, parse_data, Res};
use crate::error::ApiError;
use crate::lifecycle::{insufficient_funds, plan_payment};
use crate::model::*;
use crate::settlement::Settles;
use crate::App;
use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::StatusCode;
use serde_json::{json, Value};
use time::Duration;

const PAYMENT: [&str; 8] = [
    "payment_submitted",
    "payment_confirmed",
    "payment_paid_out",
    "payment_failed",
    "payment_charged_back",
    "payment_chargeback_settled",
    "payment_late_failure",
    "payment_late_failure_settled",
];
const MANDATE: [&str; 8] = [
    "mandate_activated",
    "mandate_customer_approval_granted",
    "mandate_customer_approval_skipped",
    "mandate_failed",
    "mandate_expired",
    "mandate_transferred",
    "mandate_transferred_with_resubmission",
    "mandate_suspended_by_payer",
];
const REFUND: [&str; 4] = ["refund_paid", "refund_settled", "refund_bounced", "refund_returned"];
const CREDITOR: [&str; 3] = [
    "creditor_verification_status_action_required",
    "creditor_verification_status_in_review",
    "creditor_verification_status_successful",
];
const BILLING_REQUEST: [&str; 4] = [
    "billing_request_fulfilled",
    "billing_request_fulfilled_and_payment_failed",
    "billing_request_fulfilled_and_payment_confirmed_to_failed",
    "billing_request_fulfilled_and_payment_paid_out",
];

fn incompatible(message: &str) -> ApiError {
    ApiError::state(StatusCode::UNPROCESSABLE_ENTITY, "scenario_not_compatible", message, None)
}

fn wrong_state(kind: &str, status: &str, wanted: &str) -> ApiError {
    ApiError::state(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_resource_state",
        &format!("The {kind} is {status}; this scenario must start in {wanted}"),
        None,
    )
}

fn no_resource() -> ApiError {
    ApiError::field("scenario_simulators", "links/resource", "not found")
}

pub(crate) async fn run(AxState(app): AxState<App>, Path(id): Path<String>, body: Bytes) -> Res {
    let data = parse_data(&body)?;
    let known = |list: &[&str]| list.contains(&id.as_str());
    if !(known(&PAYMENT) || known(&MANDATE) || known(&REFUND) || known(&CREDITOR) || known(&BILLING_REQUEST))
        && id != "payout_bounced"
    {
        return Err(ApiError::not_found());
    }
    let resource = data
        .get("links")
        .and_then(|l| l.get("resource"))
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::field("scenario_simulators", "links/resource", "can't be blank"))?
        .to_owned();
    let (mut st, now) = app.state();
    if known(&PAYMENT) {
        payment(&mut st, now, &id, &resource)?;
    } else if known(&MANDATE) {
        mandate(&mut st, now, &id, &resource)?;
    } else if known(&REFUND) {
        refund(&mut st, now, &id, &resource)?;
    } else if known(&CREDITOR) {
        if resource != st.creditor_id {
            return Err(no_resource());
        }
        let status = id.trim_start_matches("creditor_verification_status_").to_owned();
        st.verification_status = Some(status);
    } else if known(&BILLING_REQUEST) {
        st.billing_requests.get(&resource).ok_or_else(no_resource)?;
        return Err(incompatible("Only billing requests with a payment_request are supported"));
    } else {
        payout_bounced(&mut st, now, &resource)?;
    }
    st.sync(now);
    Ok(one("scenario_simulators", json!({"id": id}), StatusCode::OK))
}

fn submitted(at: Ts) -> Step {
    let det = d(
        "gocardless",
        "payment_submitted",
        "Payment submitted to the banks. As a result, it can no longer be cancelled.",
    );
    Step::new(at, "submitted", "submitted", det)
}

fn confirmed(at: Ts) -> Step {
    let det = d("gocardless", "payment_confirmed", "Enough time has passed since the payment was submitted for the banks to return an error, so this payment is now confirmed.");
    Step::new(at, "confirmed", "confirmed", det)
}

/// Replaces the payment's future with `steps` (all now) and plays them.
fn walk(st: &mut State, now: Ts, pm: &str, steps: Vec<Step>) {
    if let Some(p) = st.payments.get_mut(pm) {
        crate::model::void_future(&mut p.timeline);
    }
    st.plan(Kind::Payment, pm, steps);
    st.sync(now);
}

fn payment(st: &mut State, now: Ts, sim: &str, pm: &str) -> Result<(), ApiError> {
    let p = st.payments.get(pm).ok_or_else(no_resource)?;
    let (status, md, created, charge) = (p.status(now), p.mandate.clone(), p.created_at, p.charge_date);
    // "its mandate must be in the `activated` state (unless it is a payment for … SEPA, in
    // which cases the mandate may be `pending_submission`, since their mandates are submitted
    // with their first payment)".
    let m_status = st.mandates.get(&md).map_or("", |m| m.status(now));
    if sim != "payment_submitted" && !matches!(m_status, "active" | "pending_submission" | "submitted") {
        return Err(wrong_state("mandate", m_status, "active or pending_submission"));
    }
    let late = matches!(sim, "payment_late_failure" | "payment_late_failure_settled");
    match (late, status) {
        (_, "pending_submission") => {}
        (true, "paid_out") => {
            walk(st, now, pm, vec![Step::new(now, "failed", "failed", insufficient_funds())]);
            if sim == "payment_late_failure_settled" {
                st.settle_now(now, |s| s.payment() == Some(pm));
            }
            return Ok(());
        }
        (true, _) => return Err(wrong_state("payment", status, "pending_submission or paid_out")),
        (false, _) => return Err(wrong_state("payment", status, "pending_submission")),
    }
    match sim {
        "payment_submitted" => {
            // Only submitted; the banks then answer in their own time.
            let mut steps = vec![submitted(now)];
            steps.extend(plan_payment("submitted", now + Duration::milliseconds(1), created, charge, Outcome::PaidOut));
            walk(st, now, pm, steps);
        }
        "payment_confirmed" => walk(st, now, pm, vec![submitted(now), confirmed(now)]),
        "payment_failed" => {
            walk(st, now, pm, vec![submitted(now), Step::new(now, "failed", "failed", insufficient_funds())])
        }
        "payment_late_failure" | "payment_late_failure_settled" => {
            let failed = Step::new(now, "failed", "failed", insufficient_funds());
            walk(st, now, pm, vec![submitted(now), confirmed(now), failed]);
            if sim == "payment_late_failure_settled" {
                st.settle_now(now, |s| s.payment() == Some(pm));
            }
        }
        _ => {
            // payment_paid_out, payment_charged_back, payment_chargeback_settled: collected and
            // paid out in a payout of their own.
            walk(st, now, pm, vec![submitted(now), confirmed(now)]);
            st.settle_now(now, |s| matches!(s, Settles::PaidOut { payment } if payment == pm));
            if sim != "payment_paid_out" && st.payments.get(pm).is_some_and(|p| p.status(now) == "paid_out") {
                let det = bank_d(
                    "authorisation_disputed",
                    "The customer has disputed having authorised you to take this payment.",
                    "MD01",
                );
                st.plan(Kind::Payment, pm, vec![Step::new(now, "charged_back", "charged_back", det)]);
                st.sync(now);
                if sim == "payment_chargeback_settled" {
                    st.settle_now(now, |s| matches!(s, Settles::Chargeback { payment } if payment == pm));
                }
            }
        }
    }
    Ok(())
}

fn mandate(st: &mut State, now: Ts, sim: &str, md: &str) -> Result<(), ApiError> {
    let m = st.mandates.get(md).ok_or_else(no_resource)?;
    let status = m.status(now);
    match sim {
        "mandate_activated" => {
            return Err(incompatible(
                "Not compatible with SEPA mandates, which are submitted and activated with their first payment",
            ))
        }
        "mandate_failed" => {
            return Err(incompatible("Not compatible with SEPA mandates, which are submitted with their first payment"))
        }
        "mandate_transferred_with_resubmission" => return Err(incompatible("Only compatible with Bacs mandates")),
        "mandate_suspended_by_payer" => return Err(incompatible("Only compatible with PAY_TO mandates")),
        "mandate_customer_approval_granted" | "mandate_customer_approval_skipped" => {
            return Err(wrong_state("mandate", status, "pending_customer_approval"))
        }
        _ => {}
    }
    if status != "pending_submission" {
        return Err(wrong_state("mandate", status, "pending_submission"));
    }
    let (customer, old_account) = (m.customer.clone(), m.bank_account.clone());
    let submitted = d("gocardless", "mandate_submitted", "The mandate has been submitted to the banks.");
    st.record(Kind::Mandate, md, Step::new(now, "submitted", "submitted", submitted));
    let active = d("gocardless", "mandate_activated", "The time window after submission for the banks to refuse a mandate has ended without any errors being received, so this mandate is now active.");
    st.record(Kind::Mandate, md, Step::new(now, "active", "active", active));
    if sim == "mandate_expired" {
        // "no collection attempts were made against it for longer than the scheme's dormancy
        // period (… 3 years for SEPA …)".
        let det = d("gocardless", "mandate_expired", "The mandate expired because no collection attempts were made against it for longer than the scheme's dormancy period.");
        let event = st.record(Kind::Mandate, md, Step::new(now, "expired", "expired", det));
        let det =
            d("gocardless", "mandate_expired", "The mandate for this payment expired, so the payment was cancelled.");
        st.cancel_pending_payments(md, now, &det, event.as_deref());
        return Ok(());
    }
    // mandate_transferred: the mandate moves to a new bank account of the same customer; the
    // event names both (gocardless-nodejs `Types.ts`, `EventLinks.new_customer_bank_account`).
    let holder = st.bank_accounts.get(&old_account).and_then(|b| b["account_holder_name"].as_str()).unwrap_or("");
    let holder = holder.to_owned();
    let new_account = st.next_id("BA");
    let n = State::order_of(&new_account).unwrap_or(0);
    let iban = de_iban(50010517, n % 10_000_000_000);
    st.bank_accounts
        .insert(new_account.clone(), crate::seed::bank_account_json(&new_account, now, &customer, &holder, &iban));
    st.ibans.insert((customer, iban), new_account.clone());
    if let Some(m) = st.mandates.get_mut(md) {
        m.bank_account = new_account.clone();
    }
    let det = d(
        "bank",
        "bank_account_transferred",
        "The customer's bank account was transferred to a different bank or building society.",
    );
    let mut step = Step::event(now, None, "transferred", det);
    step.links = json!({"previous_customer_bank_account": old_account, "new_customer_bank_account": new_account});
    st.record(Kind::Mandate, md, step);
    Ok(())
}

fn refund(st: &mut State, now: Ts, sim: &str, rf: &str) -> Result<(), ApiError> {
    let r = st.refunds.get(rf).ok_or_else(no_resource)?;
    let status = r.status(now);
    let wanted: &[&str] = match sim {
        "refund_paid" => &["pending_submission", "submitted"],
        "refund_returned" => &["pending_submission"],
        _ => &["pending_submission", "submitted", "paid"],
    };
    if !wanted.contains(&status) {
        return Err(wrong_state("refund", status, &wanted.join(" or ")));
    }
    if let Some(r) = st.refunds.get_mut(rf) {
        void_future(&mut r.timeline);
    }
    let paid = || {
        let det = json!({"origin": "gocardless", "cause": "refund_paid", "description": "The refund has been paid to the customer."});
        Step::new(now, "paid", "paid", det)
    };
    let steps = match sim {
        "refund_paid" => vec![paid()],
        "refund_settled" if status == "paid" => vec![],
        "refund_settled" => vec![paid()],
        "refund_bounced" => {
            let det = d(
                "bank",
                "refund_bounced",
                "The refund could not be paid to the customer, and the funds have been returned to you.",
            );
            vec![Step::new(now, "bounced", "bounced", det)]
        }
        _ => {
            let det = d("gocardless", "refund_funds_returned", "The refund funds have been returned to you.");
            vec![Step::new(now, "funds_returned", "funds_returned", det)]
        }
    };
    st.plan(Kind::Refund, rf, steps);
    st.sync(now);
    if sim == "refund_settled" {
        st.settle_now(now, |s| matches!(s, Settles::Refund { refund } if refund == rf));
    }
    Ok(())
}

/// "Transitions a payout to `bounced`. It must start in the `paid` state." The event's action
/// `bounced` is unconfirmed (the documented payout actions are `paid`, `fx_rate_confirmed` and
/// `tax_exchange_rates_confirmed`).
fn payout_bounced(st: &mut State, now: Ts, po: &str) -> Result<(), ApiError> {
    let p = st.payouts.get_mut(po).ok_or_else(no_resource)?;
    if p.status != "paid" {
        return Err(wrong_state("payout", p.status, "paid"));
    }
    p.status = "bounced";
    let det = d("gocardless", "payout_bounced", "The payout bounced when it was sent to the creditor's bank account.");
    st.emit(now, "payouts", "bounced", json!({"payout": po}), det);
    Ok(())
}

/// `POST /_sandbox/payments/{id}/charge_back`: the payer's bank takes back money already
/// collected (confirmed or paid out), as SEPA lets a payer do for 8 weeks (13 months when the
/// debit was not authorised). GoCardless's own `payment_charged_back` simulator starts from
/// `pending_submission` and walks the payment to its payout first (gocardless-nodejs
/// `Types.ts`, `ScenarioSimulator.id`), so it cannot charge back a payment whose payout a test
/// has already followed and booked; this hook is that later charge-back. The payment ends
/// `charged_back` with the bank's `authorisation_disputed` (MD01), and its money and the fee
/// refund wait for the next payout, as with a late failure.
pub(crate) async fn sandbox_charge_back(AxState(app): AxState<App>, Path(id): Path<String>) -> Res {
    let (mut st, now) = app.state();
    let status = st.payments.get(&id).map(|p| p.status(now)).ok_or_else(crate::error::ApiError::not_found)?;
    if !matches!(status, "confirmed" | "paid_out") {
        return Err(ApiError::state(
            StatusCode::CONFLICT,
            "payment_not_collected",
            &format!("The bank can only charge back a collected payment, not one {status}"),
            None,
        ));
    }
    let det = bank_d(
        "authorisation_disputed",
        "The customer has disputed having authorised you to take this payment.",
        "MD01",
    );
    st.plan(Kind::Payment, &id, vec![Step::new(now, "charged_back", "charged_back", det)]);
    st.sync(now);
    Ok(one("payments", crate::api::render(&app, &st, "payments", &id, now)?, StatusCode::OK))
}
