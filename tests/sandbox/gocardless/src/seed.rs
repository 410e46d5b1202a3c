//! Seed data. Demo: 40 SEPA mandates for the demo customers (each active once its first
//! payment went to the banks) and 300 payments collecting
//! the demo's EUR invoices, created over the last 90 days so that the clock has carried them
//! into every status (paid_out with fee-bearing payouts, failed, charged_back, cancelled,
//! customer_approval_denied, late failures) while the newest are still in flight.

use crate::lifecycle::{mandate_created, plan_payment, LEAD_WORKING_DAYS};
use crate::model::*;
use rand::Rng;
use serde_json::{json, Value};
use time::Duration;
use xp_sandbox_kit::{demo, Seed};

pub fn populate(st: &mut State, seed: Seed, now: Ts) {
    let (mandates, payments) = match seed {
        Seed::Empty => return,
        Seed::Demo => (demo::DEMO_MANDATES, demo::DEMO_DIRECT_DEBIT_PAYMENTS),
        // Proportional to the invoice count: one direct debit per five invoices.
        Seed::Large(n) => {
            let p = (n as usize / 5).max(1);
            ((p / 8).max(1), p)
        }
    };
    let mut rng = seed.rng(0x6c);
    let start = now - Duration::days(120);
    let mut mandate_ids = Vec::with_capacity(mandates);
    for i in 0..mandates {
        let created = to_ms(start + Duration::minutes(37 * i as i64 + rng.gen_range(0..30)));
        let cu = st.next_id("CU");
        let customer = customer_json(&cu, created, i);
        st.customers.insert(cu.clone(), customer);
        let ba = st.next_id("BA");
        let iban = de_iban(10070000 + (i as u64 % 50) * 1000, 1_000_000 + i as u64 * 7919);
        let holder = demo::contact_name(0, i);
        st.bank_accounts.insert(ba.clone(), bank_account_json(&ba, created, &cu, &holder, &iban));
        st.ibans.insert((cu.clone(), iban), ba.clone());
        let md = st.next_id("MD");
        let reference = format!("XP-{}", &md[md.len() - 8..]);
        st.mandates.insert(
            md.clone(),
            Mandate {
                id: md.clone(),
                created_at: created,
                reference,
                customer: cu,
                bank_account: ba,
                metadata: json!({}),
                timeline: Vec::new(),
                first_payment: None,
                fail_cause: None,
                reinstatements: 0,
            },
        );
        st.plan(Kind::Mandate, &md, vec![mandate_created(created)]);
        mandate_ids.push(md);
    }
    // Payments from 90 days ago until a few hours ago, in creation order (ids follow time).
    let span = Duration::days(90).whole_minutes();
    for k in 0..payments {
        let offset = span - span * k as i64 / payments as i64 - 240;
        let created = to_ms(now - Duration::minutes(offset.max(60) + rng.gen_range(0..50)));
        add_payment(st, k, &mandate_ids[k % mandate_ids.len()], created);
    }
}

/// The `k`th payment of a seed, on mandate `md`, created at `created`: a demo invoice's number
/// and amount, and an outcome by `k` (mostly paid out; every twentieth kind of failure).
pub fn add_payment(st: &mut State, k: usize, md: &str, created: Ts) -> String {
    let (org, i) = demo::direct_debit_invoice(k % demo::DEMO_DIRECT_DEBIT_PAYMENTS);
    let i = i + 2 * demo::DEMO_DIRECT_DEBIT_PAYMENTS * (k / demo::DEMO_DIRECT_DEBIT_PAYMENTS);
    let outcome = match k % 20 {
        3 => Outcome::Failed,
        7 => Outcome::ChargedBack,
        11 => Outcome::Cancelled,
        13 => Outcome::CustomerApprovalDenied,
        17 => Outcome::LateFailure,
        _ => Outcome::PaidOut,
    };
    let md = md.to_owned();
    let charge = add_working_days(created.date(), LEAD_WORKING_DAYS);
    let number = demo::invoice_number(org, i);
    let first =
        if outcome == Outcome::CustomerApprovalDenied { "pending_customer_approval" } else { "pending_submission" };
    let created_step =
        json!({"origin": "api", "cause": "payment_created", "description": "Payment created via the API."});
    let mut timeline = vec![Step::new(created, first, "created", created_step)];
    timeline.extend(plan_payment(first, created, created, charge, outcome));
    let id = st.next_id("PM");
    st.payments.insert(
        id.clone(),
        Payment {
            id: id.clone(),
            created_at: created,
            charge_date: charge,
            amount: demo::invoice_total_minor(org, i),
            amount_refunded: 0,
            currency: CURRENCY.to_owned(),
            description: Some(number.clone()),
            reference: Some(number.clone()),
            metadata: json!({"invoice_number": number, "xero_org": demo::ORGS[org].0}),
            // Some failures are retried by GoCardless, most are not (the default is off).
            retry_if_possible: k % 40 == 3,
            mandate: md,
            outcome,
            payout: None,
            timeline: Vec::new(),
            retries: 0,
            credited: false,
        },
    );
    st.plan(Kind::Payment, &id, timeline);
    id
}

/// Companies (every third demo contact) fill `company_name`; people given and family names.
pub fn customer_json(id: &str, created: Ts, i: usize) -> Value {
    let name = demo::contact_name(0, i);
    let (given, family, company) = if i % 3 == 0 {
        (None, None, Some(name))
    } else {
        let (g, f) = name.split_once(' ').unwrap_or((name.as_str(), ""));
        (Some(g.to_owned()), Some(f.to_owned()), None)
    };
    json!({
        "id": id, "created_at": ts(created), "email": demo::contact_email(0, i), "given_name": given,
        "family_name": family, "company_name": company, "address_line1": format!("Hauptstrasse {}", i + 1),
        "address_line2": null, "address_line3": null, "city": "Berlin", "region": null,
        "postal_code": format!("{:05}", 10115 + i), "country_code": "DE", "language": "de", "phone_number": null,
        "swedish_identity_number": null, "danish_identity_number": null, "metadata": {},
    })
}

/// Only the last two characters of the account number are ever shown (`account_number_ending`).
pub fn bank_account_json(id: &str, created: Ts, customer: &str, holder: &str, iban: &str) -> Value {
    let compact: String = iban.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    json!({
        "id": id, "created_at": ts(created), "account_holder_name": holder,
        "account_number_ending": &compact[compact.len().saturating_sub(2)..], "account_type": null,
        "bank_name": "SANDBOX BANK AG", "country_code": &compact[..2], "currency": CURRENCY, "enabled": true,
        "metadata": {}, "links": {"customer": customer},
    })
}
