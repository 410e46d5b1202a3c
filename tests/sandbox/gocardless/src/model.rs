//! The emulator's state and the lifecycles driven by simulated time.
//!
//! Every mandate, payment and refund carries a timeline of steps (when, which status, which
//! event), planned when it is created or acted on. Its status is a pure function of that
//! timeline and `now`; [`State::sync`] turns the steps that have come due into events (in time
//! order, so event ids sort like their `created_at`) and files paid-out payments into payouts.
//! Nothing runs in the background: advancing the simulated clock and reading is enough.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use time::macros::{format_description, time};
use time::{Date, Duration, OffsetDateTime, Weekday};
use xp_sandbox_kit::persist::{opt_static_str, static_str, Word};

pub const SCHEME: &str = "sepa_core";
pub const CURRENCY: &str = "EUR";

pub type Ts = OffsetDateTime;

/// Timestamps are ISO 8601 UTC with milliseconds (sheet §3).
pub fn ts(t: Ts) -> String {
    t.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"))
        .unwrap_or_default()
}

pub fn ymd(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

pub fn parse_ymd(s: &str) -> Option<Date> {
    Date::parse(s, format_description!("[year]-[month]-[day]")).ok()
}

pub fn parse_ts(s: &str) -> Option<Ts> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

/// Drops sub-millisecond precision so a stored time equals its rendering.
pub fn to_ms(t: Ts) -> Ts {
    t.replace_millisecond(t.millisecond()).unwrap_or(t)
}

/// 10:00 UTC on `d`: when the emulated bank runs process.
pub fn at10(d: Date) -> Ts {
    d.with_time(time!(10:00)).assume_utc()
}

/// Charge dates roll forward to a working day (sheet §11; gocardless-nodejs types doc).
pub fn working_day(mut d: Date) -> Date {
    while matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
        d = d.next_day().unwrap_or(d);
    }
    d
}

/// GoCardless's fee as the emulator charges it: 1% + €0.20, capped at €4.00 (a plausible
/// SEPA price; the real tariff depends on the merchant's plan).
pub fn fee(amount: i64) -> i64 {
    (20 + amount / 100).min(400)
}

/// One planned transition. `status: None` is an event without a status change
/// (e.g. `late_failure_settled`); `action: None` a status change without an event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    #[serde(with = "time::serde::rfc3339")]
    pub at: Ts,
    #[serde(default, deserialize_with = "opt_static_str")]
    pub status: Option<Word>,
    #[serde(default, deserialize_with = "opt_static_str")]
    pub action: Option<Word>,
    pub details: Value,
    pub emitted: bool,
}

impl Step {
    fn new(at: Ts, status: &'static str, action: &'static str, details: Value) -> Self {
        Self { at, status: Some(status), action: Some(action), details, emitted: false }
    }
}

fn status_at(timeline: &[Step], now: Ts) -> &'static str {
    timeline.iter().rev().filter(|s| s.at <= now).find_map(|s| s.status).unwrap_or("pending_submission")
}

/// How a payment's collection will end: the default is a normal payout; the others are
/// scripted by the seed or by `POST /_sandbox/payments/{id}/outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    PaidOut,
    /// Fails when the bank answers the submission (submitted → failed).
    Failed,
    /// Fails after `confirmed` (or after `paid_out`, with `late_failure_settled`) — sheet §5, §11.
    LateFailure,
    /// Charged back by the payer after being paid out.
    ChargedBack,
    /// Cancelled while still `pending_submission`.
    Cancelled,
    /// Starts in `pending_customer_approval` and the payer refuses.
    CustomerApprovalDenied,
}

fn d(origin: &str, cause: &str, description: &str) -> Value {
    json!({"origin": origin, "cause": cause, "description": description})
}

fn bank_d(cause: &str, description: &str, reason_code: &str) -> Value {
    json!({"origin": "bank", "cause": cause, "description": description, "scheme": SCHEME, "reason_code": reason_code})
}

/// Payment timeline from `from` (the current status) onwards, no step before `not_before`.
/// Transitions follow sheet §5: pending_customer_approval → pending_submission | denied;
/// pending_submission → submitted | cancelled; submitted → confirmed | failed;
/// confirmed → paid_out | failed (late); paid_out → charged_back | failed (late).
pub fn plan_payment(from: &str, not_before: Ts, created: Ts, charge: Date, outcome: Outcome) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut cur = from;
    let mut last = not_before;
    let mut push = |steps: &mut Vec<Step>, natural: Ts, status, action, details| {
        let at = to_ms(natural.max(last));
        last = at + Duration::milliseconds(1);
        steps.push(Step::new(at, status, action, details));
    };
    loop {
        cur = match (cur, outcome) {
            ("pending_customer_approval", Outcome::CustomerApprovalDenied) => {
                let det = d("customer", "customer_approval_denied", "The customer denied approval for this payment");
                push(
                    &mut steps,
                    not_before + Duration::hours(20),
                    "customer_approval_denied",
                    "customer_approval_denied",
                    det,
                );
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
                let natural = at10(charge - Duration::days(2)).max(created + Duration::hours(1));
                push(&mut steps, natural, "submitted", "submitted", det);
                "submitted"
            }
            ("submitted", Outcome::Failed) => {
                let det = bank_d(
                    "insufficient_funds",
                    "The customer's account had insufficient funds to make this payment.",
                    "AM04",
                );
                push(&mut steps, at10(charge + Duration::days(1)), "failed", "failed", det);
                break;
            }
            ("submitted", _) => {
                let det = d("gocardless", "payment_confirmed", "Enough time has passed since the payment was submitted for the banks to return an error, so this payment is now confirmed.");
                push(&mut steps, at10(charge + Duration::days(1)), "confirmed", "confirmed", det);
                "confirmed"
            }
            ("confirmed", Outcome::LateFailure | Outcome::Failed) => {
                let det = bank_d(
                    "insufficient_funds",
                    "The customer's account had insufficient funds to make this payment.",
                    "AM04",
                );
                push(&mut steps, at10(charge + Duration::days(1)) + Duration::hours(6), "failed", "failed", det);
                break;
            }
            ("confirmed", _) => {
                let det = d("gocardless", "payment_paid_out", "The payment has been paid out by GoCardless.");
                push(&mut steps, at10(charge + Duration::days(2)), "paid_out", "paid_out", det);
                "paid_out"
            }
            ("paid_out", Outcome::ChargedBack) => {
                let det = bank_d(
                    "authorisation_disputed",
                    "The customer has disputed having authorised you to take this payment.",
                    "MD01",
                );
                push(&mut steps, at10(charge + Duration::days(8)), "charged_back", "charged_back", det);
                break;
            }
            ("paid_out", Outcome::LateFailure | Outcome::Failed) => {
                let det = bank_d(
                    "insufficient_funds",
                    "The customer's account had insufficient funds to make this payment.",
                    "AM04",
                );
                push(&mut steps, at10(charge + Duration::days(4)), "failed", "failed", det);
                let det = d("gocardless", "late_failure_settled", "The payment was a late failure which had already been paid out, and has been debited from a payout.");
                let natural = at10(charge + Duration::days(5));
                push(&mut steps, natural, "failed", "late_failure_settled", det);
                if let Some(s) = steps.last_mut() {
                    s.status = None;
                }
                break;
            }
            _ => break,
        };
    }
    steps
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mandate {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Ts,
    pub reference: String,
    pub customer: String,
    pub bank_account: String,
    pub metadata: Value,
    pub timeline: Vec<Step>,
}

impl Mandate {
    pub fn status(&self, now: Ts) -> &'static str {
        status_at(&self.timeline, now)
    }

    /// SEPA: the first collection needs the mandate submitted; afterwards two working days.
    pub fn next_possible_charge_date(&self, now: Ts) -> Option<Date> {
        let status = self.status(now);
        if !matches!(status, "pending_customer_approval" | "pending_submission" | "submitted" | "active") {
            return None;
        }
        let active_at = self.timeline.iter().find(|s| s.status == Some("active")).map(|s| s.at.date());
        let earliest = now.date() + Duration::days(2);
        Some(working_day(active_at.map_or(earliest, |a| a.max(earliest))))
    }
}

pub fn plan_mandate(created: Ts) -> Vec<Step> {
    let submitted = to_ms(at10(created.date() + Duration::days(1)).max(created + Duration::hours(1)));
    vec![
        Step::new(to_ms(created), "pending_submission", "created", d("api", "mandate_created", "Mandate created via the API.")),
        Step::new(submitted, "submitted", "submitted", d("gocardless", "mandate_submitted", "The mandate has been submitted to the banks.")),
        Step::new(
            submitted + Duration::days(1),
            "active",
            "active",
            d("gocardless", "mandate_activated", "The time window after submission for the banks to refuse a mandate has ended without any errors being received, so this mandate is now active."),
        ),
    ]
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payment {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Ts,
    pub charge_date: Date,
    pub amount: i64,
    pub amount_refunded: i64,
    pub currency: String,
    pub description: Option<String>,
    pub reference: Option<String>,
    pub metadata: Value,
    pub retry_if_possible: bool,
    pub mandate: String,
    pub outcome: Outcome,
    pub payout: Option<String>,
    pub timeline: Vec<Step>,
}

impl Payment {
    pub fn status(&self, now: Ts) -> &'static str {
        status_at(&self.timeline, now)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Refund {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Ts,
    pub amount: i64,
    pub currency: String,
    pub payment: String,
    pub mandate: String,
    pub reference: Option<String>,
    pub metadata: Value,
    pub timeline: Vec<Step>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payout {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Ts,
    /// The day whose paid-out payments this payout collects.
    pub day: Date,
    pub currency: String,
    pub amount: i64,
    pub deducted_fees: i64,
    pub reference: String,
    #[serde(with = "time::serde::rfc3339")]
    pub close_at: Ts,
    pub closed: bool,
    pub items: Vec<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BillingRequest {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Ts,
    #[serde(deserialize_with = "static_str")]
    pub status: Word,
    pub customer: String,
    pub currency: String,
    pub scheme: String,
    pub metadata: Value,
    pub mandate_request_id: String,
    pub bank_account: Option<String>,
    pub mandate: Option<String>,
    pub details_collected: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flow {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Ts,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: Ts,
    pub billing_request: String,
    pub redirect_uri: Option<String>,
    pub exit_uri: Option<String>,
    pub auto_fulfil: bool,
    pub lock_customer_details: bool,
    pub lock_bank_account: bool,
    pub prefilled_customer: Value,
    /// Details typed into the hosted page, awaiting the payer's confirmation.
    pub pending: Option<PayerDetails>,
    pub completed: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PayerDetails {
    pub given_name: String,
    pub family_name: String,
    pub company_name: String,
    pub email: String,
    pub address_line1: String,
    pub city: String,
    pub postal_code: String,
    pub country_code: String,
    pub account_holder_name: String,
    pub iban: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Ts,
    pub action: String,
    #[serde(deserialize_with = "static_str")]
    pub resource_type: Word,
    pub links: Map<String, Value>,
    pub details: Value,
}

impl Event {
    pub fn render(&self) -> Value {
        json!({
            "id": self.id, "created_at": ts(self.created_at), "action": self.action,
            "resource_type": self.resource_type, "links": self.links, "details": self.details, "metadata": {},
        })
    }
}

/// Serialised whole for the admin dump and `--state`; the skipped fields are indexes
/// ([`State::reindex`]) or saved beside it by `persist.rs`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    seq: u64,
    pub creditor_id: String,
    pub creditor_bank_account: String,
    #[serde(skip)]
    pub creditor_created_at: Option<Ts>,
    pub customers: BTreeMap<String, Value>,
    pub bank_accounts: BTreeMap<String, Value>,
    pub mandates: BTreeMap<String, Mandate>,
    pub payments: BTreeMap<String, Payment>,
    pub refunds: BTreeMap<String, Refund>,
    pub payouts: BTreeMap<String, Payout>,
    pub billing_requests: BTreeMap<String, BillingRequest>,
    pub flows: BTreeMap<String, Flow>,
    pub events: Vec<Event>,
    #[serde(skip)]
    pub event_index: HashMap<String, usize>,
    /// (resource, Idempotency-Key) → id created with it.
    #[serde(skip)]
    pub idempotency: HashMap<(String, String), String>,
    /// (customer, IBAN) → bank account, for `bank_account_exists`.
    #[serde(skip)]
    pub ibans: HashMap<(String, String), String>,
    #[serde(skip)]
    open_payouts: Vec<String>,
    #[serde(skip)]
    next_due: Option<Ts>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Mandate,
    Payment,
    Refund,
}

const B36: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

impl State {
    pub fn new(now: Ts) -> Self {
        let mut s = State { seq: 1_700_000_000, ..Default::default() };
        s.creditor_id = s.next_id("CR");
        s.creditor_bank_account = s.next_id("BA");
        s.creditor_created_at = Some(to_ms(now - Duration::days(400)));
        s
    }

    /// Prefix + 12 base-36 characters (`PM00001078ZJJN` in the fixtures). A single increasing
    /// sequence, so ids sort like creation order and cursors can compare them.
    pub fn next_id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        let mut n = self.seq;
        let mut buf = [b'0'; 12];
        for slot in buf.iter_mut().rev() {
            *slot = B36[(n % 36) as usize];
            n /= 36;
        }
        format!("{prefix}{}", String::from_utf8_lossy(&buf))
    }

    /// Rebuilds what is derived from the records after they were read back from a state
    /// file: the event index, the open payouts, and a sync due at once (it finds the next
    /// step itself).
    pub fn reindex(&mut self) {
        self.event_index = self.events.iter().enumerate().map(|(i, e)| (e.id.clone(), i)).collect();
        self.open_payouts = self.payouts.values().filter(|p| !p.closed).map(|p| p.id.clone()).collect();
        self.next_due = Some(OffsetDateTime::UNIX_EPOCH);
    }

    /// Something new is planned at `at`: make sure the next sync looks.
    pub fn touch(&mut self, at: Ts) {
        self.next_due = Some(self.next_due.map_or(at, |d| d.min(at)));
    }

    pub fn touch_all(&mut self, steps: &[Step]) {
        if let Some(min) = steps.iter().filter(|s| !s.emitted).map(|s| s.at).min() {
            self.touch(min);
        }
    }

    pub fn emit(&mut self, at: Ts, resource_type: &'static str, action: &str, links: Value, details: Value) -> String {
        let id = self.next_id("EV");
        let links = match links {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        self.event_index.insert(id.clone(), self.events.len());
        self.events.push(Event {
            id: id.clone(),
            created_at: to_ms(at),
            action: action.to_owned(),
            resource_type,
            links,
            details,
        });
        id
    }

    /// Emits every step that has come due, in time order, and files payouts.
    pub fn sync(&mut self, now: Ts) {
        match self.next_due {
            Some(d) if d <= now => {}
            _ => return,
        }
        let mut due: Vec<(Ts, Kind, String, usize)> = Vec::new();
        let mut next: Option<Ts> = None;
        let mut scan = |kind: Kind, id: &String, tl: &[Step], due: &mut Vec<_>| {
            for (i, s) in tl.iter().enumerate().filter(|(_, s)| !s.emitted) {
                if s.at <= now {
                    due.push((s.at, kind, id.clone(), i));
                } else {
                    next = Some(next.map_or(s.at, |n: Ts| n.min(s.at)));
                }
            }
        };
        for (id, m) in &self.mandates {
            scan(Kind::Mandate, id, &m.timeline, &mut due);
        }
        for (id, p) in &self.payments {
            scan(Kind::Payment, id, &p.timeline, &mut due);
        }
        for (id, r) in &self.refunds {
            scan(Kind::Refund, id, &r.timeline, &mut due);
        }
        due.sort();
        for (at, kind, id, i) in due {
            self.close_payouts(at);
            self.apply(kind, &id, i);
        }
        self.close_payouts(now);
        for po in &self.open_payouts {
            if let Some(p) = self.payouts.get(po) {
                next = Some(next.map_or(p.close_at, |n| n.min(p.close_at)));
            }
        }
        self.next_due = next;
    }

    fn apply(&mut self, kind: Kind, id: &str, i: usize) {
        let (step, links, rt) = match kind {
            Kind::Mandate => {
                let Some(m) = self.mandates.get_mut(id) else { return };
                m.timeline[i].emitted = true;
                (m.timeline[i].clone(), json!({"mandate": id}), "mandates")
            }
            Kind::Refund => {
                let Some(r) = self.refunds.get_mut(id) else { return };
                r.timeline[i].emitted = true;
                (r.timeline[i].clone(), json!({"refund": id, "payment": r.payment, "mandate": r.mandate}), "refunds")
            }
            Kind::Payment => {
                let Some(p) = self.payments.get_mut(id) else { return };
                p.timeline[i].emitted = true;
                let step = p.timeline[i].clone();
                let mut links = json!({"payment": id});
                if step.action == Some("paid_out") {
                    let (amount, currency, mandate) = (p.amount, p.currency.clone(), p.mandate.clone());
                    let po = self.file_in_payout(step.at, id, &mandate, amount, &currency);
                    if let Some(p) = self.payments.get_mut(id) {
                        p.payout = Some(po.clone());
                    }
                    links["payout"] = json!(po);
                }
                (step, links, "payments")
            }
        };
        if let Some(action) = step.action {
            self.emit(step.at, rt, action, links, step.details);
        }
    }

    /// Paid-out payments of one day go into that day's payout, net of GoCardless's fees; it is
    /// sent (status `paid`, event `paid`) at the end of the day.
    fn file_in_payout(&mut self, at: Ts, payment: &str, mandate: &str, amount: i64, currency: &str) -> String {
        let day = at.date();
        let open = self
            .open_payouts
            .iter()
            .find(|id| self.payouts.get(*id).is_some_and(|p| p.day == day && p.currency == currency))
            .cloned();
        let id = match open {
            Some(id) => id,
            None => {
                let id = self.next_id("PO");
                let close_at = day.next_day().unwrap_or(day).midnight().assume_utc();
                let reference = format!("XPSANDBOX-{}", &id[id.len() - 6..]);
                self.payouts.insert(
                    id.clone(),
                    Payout {
                        id: id.clone(),
                        created_at: to_ms(at),
                        day,
                        currency: currency.to_owned(),
                        amount: 0,
                        deducted_fees: 0,
                        reference,
                        close_at,
                        closed: false,
                        items: Vec::new(),
                    },
                );
                self.open_payouts.push(id.clone());
                id
            }
        };
        let f = fee(amount);
        if let Some(p) = self.payouts.get_mut(&id) {
            p.amount += amount - f;
            p.deducted_fees += f;
            // Payout item amounts are strings in minor units "to one decimal place"
            // (gocardless-pro-python fixture `payout_items.json`: "45.0").
            p.items.push(json!({"type": "payment_paid_out", "amount": format!("{amount}.0"),
                "links": {"payment": payment, "mandate": mandate}}));
            p.items.push(json!({"type": "gocardless_fee", "amount": format!("-{f}.0"), "taxes": [],
                "links": {"payment": payment, "mandate": mandate}}));
        }
        id
    }

    fn close_payouts(&mut self, upto: Ts) {
        let mut closing: Vec<(Ts, String)> = self
            .open_payouts
            .iter()
            .filter_map(|id| self.payouts.get(id).filter(|p| p.close_at <= upto).map(|p| (p.close_at, id.clone())))
            .collect();
        closing.sort();
        for (at, id) in closing {
            self.open_payouts.retain(|x| *x != id);
            if let Some(p) = self.payouts.get_mut(&id) {
                p.closed = true;
            }
            let det =
                d("gocardless", "payout_paid", "GoCardless has transferred the payout to the creditor's bank account.");
            self.emit(at, "payouts", "paid", json!({"payout": id}), det);
        }
    }

    // ---- rendering (field names from gocardless-pro-python fixtures and sheet §4) ----

    pub fn render(&self, resource: &str, id: &str, now: Ts) -> Option<Value> {
        match resource {
            "customers" => self.customers.get(id).cloned(),
            "customer_bank_accounts" => self.bank_accounts.get(id).cloned(),
            "mandates" => self.mandates.get(id).map(|m| self.render_mandate(m, now)),
            "payments" => self.payments.get(id).map(|p| self.render_payment(p, now)),
            "refunds" => self.refunds.get(id).map(|r| self.render_refund(r, now)),
            "payouts" => self.payouts.get(id).map(|p| self.render_payout(p)),
            "billing_requests" => self.billing_requests.get(id).map(|b| self.render_br(b)),
            "billing_request_flows" => self.flows.get(id).map(|f| self.render_flow(f, "")),
            "events" => self.event_index.get(id).map(|i| self.events[*i].render()),
            "creditors" => (id == self.creditor_id).then(|| self.render_creditor()),
            _ => None,
        }
    }

    pub fn render_creditor(&self) -> Value {
        json!({
            "id": self.creditor_id, "created_at": self.creditor_created_at.map(ts),
            "name": xp_sandbox_kit::demo::ORGS[0].0, "address_line1": "Seestrasse 1", "address_line2": null,
            "address_line3": null, "city": "Berlin", "region": null, "postal_code": "10115", "country_code": "DE",
            "logo_url": null, "verification_status": "successful", "can_create_refunds": true,
            "creditor_type": "company", "fx_payout_currency": null, "merchant_responsible_for_notifications": true,
            "scheme_identifiers": [{"scheme": SCHEME, "name": xp_sandbox_kit::demo::ORGS[0].0,
                "reference": "DE98ZZZ09999999999", "currency": CURRENCY, "minimum_advance_notice": 3,
                "can_specify_mandate_reference": true, "status": "active"}],
            "links": {"default_eur_payout_account": self.creditor_bank_account},
        })
    }

    pub fn render_mandate(&self, m: &Mandate, now: Ts) -> Value {
        json!({
            "id": m.id, "created_at": ts(m.created_at), "reference": m.reference, "status": m.status(now),
            "scheme": SCHEME, "next_possible_charge_date": m.next_possible_charge_date(now).map(ymd),
            "payments_require_approval": false, "authorisation_source": "web", "funds_settlement": "managed",
            "metadata": m.metadata,
            "links": {"customer_bank_account": m.bank_account, "creditor": self.creditor_id, "customer": m.customer},
        })
    }

    pub fn render_payment(&self, p: &Payment, now: Ts) -> Value {
        let mut links = json!({"mandate": p.mandate, "creditor": self.creditor_id});
        if let Some(po) = &p.payout {
            links["payout"] = json!(po);
        }
        json!({
            "id": p.id, "created_at": ts(p.created_at), "charge_date": ymd(p.charge_date), "amount": p.amount,
            "amount_refunded": p.amount_refunded, "currency": p.currency, "description": p.description,
            "reference": p.reference, "status": p.status(now), "retry_if_possible": p.retry_if_possible,
            "scheme": SCHEME, "faster_ach": false, "metadata": p.metadata, "links": links,
        })
    }

    pub fn render_refund(&self, r: &Refund, now: Ts) -> Value {
        json!({
            "id": r.id, "created_at": ts(r.created_at), "amount": r.amount, "currency": r.currency,
            "reference": r.reference, "status": status_at(&r.timeline, now), "metadata": r.metadata,
            "links": {"payment": r.payment, "mandate": r.mandate},
        })
    }

    pub fn render_payout(&self, p: &Payout) -> Value {
        json!({
            "id": p.id, "created_at": ts(p.created_at), "amount": p.amount, "deducted_fees": p.deducted_fees,
            "currency": p.currency, "status": if p.closed { "paid" } else { "pending" },
            "arrival_date": p.closed.then(|| ymd(working_day(p.day + Duration::days(1)))),
            "reference": p.reference, "payout_type": "merchant", "metadata": {}, "tax_currency": null,
            "fx": {"fx_currency": null, "fx_amount": null, "exchange_rate": null, "estimated_exchange_rate": null},
            "links": {"creditor": self.creditor_id, "creditor_bank_account": self.creditor_bank_account},
        })
    }

    pub fn render_br(&self, b: &BillingRequest) -> Value {
        let done = |c: bool| if c { "completed" } else { "pending" };
        let mut links = json!({"creditor": self.creditor_id, "customer": b.customer,
            "mandate_request": b.mandate_request_id});
        if let Some(ba) = &b.bank_account {
            links["customer_bank_account"] = json!(ba);
        }
        if let Some(md) = &b.mandate {
            links["mandate_request_mandate"] = json!(md);
        }
        json!({
            "id": b.id, "created_at": ts(b.created_at), "status": b.status, "metadata": b.metadata,
            "fallback_enabled": false,
            "mandate_request": {"currency": b.currency, "scheme": b.scheme, "verify": "recommended",
                "authorisation_source": "web", "metadata": {}, "links": b.mandate.as_ref().map_or(json!({}), |m| json!({"mandate": m}))},
            "payment_request": null,
            "actions": [
                {"type": "collect_customer_details", "required": true, "completes_actions": [], "requires_actions": [],
                 "status": done(b.details_collected)},
                {"type": "collect_bank_account", "required": true, "completes_actions": ["choose_currency"],
                 "requires_actions": [], "status": done(b.bank_account.is_some())},
                {"type": "confirm_payer_details", "required": true, "completes_actions": [],
                 "requires_actions": ["collect_customer_details", "collect_bank_account"], "status": done(b.bank_account.is_some())},
            ],
            "resources": {
                "customer": self.customers.get(&b.customer),
                "customer_bank_account": b.bank_account.as_ref().and_then(|ba| self.bank_accounts.get(ba)),
            },
            "links": links,
        })
    }

    /// `authorisation_url` points at the emulator's hosted page (`{base}/billing/static/flow?id=`)
    /// which stands for pay.gocardless.com (sheet §4: URL shape unconfirmed).
    pub fn render_flow(&self, f: &Flow, base: &str) -> Value {
        json!({
            "id": f.id, "created_at": ts(f.created_at), "expires_at": ts(f.expires_at),
            "authorisation_url": format!("{base}/billing/static/flow?id={}", f.id),
            "redirect_uri": f.redirect_uri, "exit_uri": f.exit_uri, "auto_fulfil": f.auto_fulfil,
            "lock_customer_details": f.lock_customer_details, "lock_bank_account": f.lock_bank_account,
            "lock_currency": false, "language": "en", "show_redirect_buttons": false,
            "prefilled_customer": f.prefilled_customer, "prefilled_bank_account": null,
            "links": {"billing_request": f.billing_request},
        })
    }
}

/// ISO 13616 mod-97 check of an IBAN (spaces allowed).
pub fn iban_valid(iban: &str) -> bool {
    let s: String = iban.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if s.len() < 15 || s.len() > 34 || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    if !s[..2].chars().all(|c| c.is_ascii_alphabetic()) || !s[2..4].chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    mod97(&format!("{}{}", &s[4..], &s[..4])) == 1
}

fn mod97(s: &str) -> u32 {
    let mut r: u32 = 0;
    for c in s.chars() {
        let v = c.to_digit(36).unwrap_or(0);
        r = if v >= 10 { (r * 100 + v) % 97 } else { (r * 10 + v) % 97 };
    }
    r
}

/// A valid German IBAN for a bank code and account number.
pub fn de_iban(blz: u64, account: u64) -> String {
    let bban = format!("{blz:08}{account:010}");
    let check = 98 - mod97(&format!("{bban}DE00"));
    format!("DE{check:02}{bban}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_check_and_generate() {
        assert!(iban_valid("DE89 3704 0044 0532 0130 00"), "the textbook German IBAN is valid");
        assert!(!iban_valid("DE88 3704 0044 0532 0130 00"), "a wrong check digit must fail");
        assert!(iban_valid(&de_iban(37040044, 532013000)));
        assert_eq!(de_iban(37040044, 532013000), "DE89370400440532013000");
    }

    #[test]
    fn ids_sort_like_creation_order() {
        let mut s = State::new(OffsetDateTime::now_utc());
        let a = s.next_id("PM");
        let b = s.next_id("PM");
        assert_eq!(a.len(), 14, "prefix + 12 characters like PM00001078ZJJN");
        assert!(a < b);
    }

    #[test]
    fn a_normal_payment_walks_every_status_in_order() {
        let created = OffsetDateTime::now_utc();
        let charge = working_day(created.date() + Duration::days(3));
        let steps = plan_payment("pending_submission", created, created, charge, Outcome::PaidOut);
        let statuses: Vec<_> = steps.iter().filter_map(|s| s.status).collect();
        assert_eq!(statuses, ["submitted", "confirmed", "paid_out"]);
        assert!(steps.windows(2).all(|w| w[0].at < w[1].at), "steps are strictly ordered in time");
        let late = plan_payment("confirmed", created, created, charge, Outcome::LateFailure);
        assert_eq!(late[0].status, Some("failed"));
    }
}
