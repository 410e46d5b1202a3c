//! The emulator's records and how they render.
//!
//! Every mandate, payment and refund carries a timeline of steps (when, which status, which
//! event). Its status is a pure function of that timeline and `now`; `lifecycle.rs` plans the
//! steps and turns those that have come due into events, `settlement.rs` files money movements
//! into payouts. Nothing runs in the background: advancing the simulated clock and reading is
//! enough.

use crate::settlement::Pending;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use time::macros::{format_description, time};
use time::{Date, Duration, OffsetDateTime};
use xp_sandbox_kit::persist::{opt_static_str, static_str, Word};

pub use crate::calendar::{add_working_days, working_day};

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

/// 10:00 UTC on `d`: when the emulated banks process submissions and report outcomes.
pub fn at10(d: Date) -> Ts {
    d.with_time(time!(10:00)).assume_utc()
}

/// GoCardless's fee as the emulator charges it: 1% + €0.20, capped at €4.00 (a plausible
/// SEPA price; the real tariff depends on the merchant's plan).
pub fn fee(amount: i64) -> i64 {
    (20 + amount / 100).min(400)
}

/// Payout item amounts are strings in minor units "to one decimal place" (gocardless-pro-python
/// fixture `payout_items.json`: "45.0"; gocardless-nodejs `Types.ts`, `PayoutItem.amount`).
pub fn item_amount(minor: i64) -> String {
    format!("{minor}.0")
}

/// One planned transition. `status: None` is an event without a status change
/// (e.g. `late_failure_settled`); `action: None` a status change without an event. A step
/// whose plan was abandoned (the payment was cancelled, the mandate failed) is voided: it keeps
/// its place, so indexes into the timeline stay valid, but has neither status nor action.
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
    /// Links the event carries besides the resource's own (a transfer's bank accounts, the
    /// parent event of a cascade).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub links: Value,
    /// The metadata sent with the API request that caused the step (`Event.metadata`).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub metadata: Value,
}

impl Step {
    pub fn new(at: Ts, status: &'static str, action: &'static str, details: Value) -> Self {
        Self::event(at, Some(status), action, details)
    }

    pub fn event(at: Ts, status: Option<&'static str>, action: &'static str, details: Value) -> Self {
        Self {
            at: to_ms(at),
            status,
            action: Some(action),
            details,
            emitted: false,
            links: Value::Null,
            metadata: Value::Null,
        }
    }
}

/// The status of the latest step due by `now`. Steps recorded as consequences (a payout's
/// `paid_out`) are appended after steps planned for later, so order is by time, then position.
pub fn status_at(timeline: &[Step], now: Ts) -> &'static str {
    timeline
        .iter()
        .enumerate()
        .filter(|(_, s)| s.at <= now && s.status.is_some())
        .max_by_key(|(i, s)| (s.at, *i))
        .and_then(|(_, s)| s.status)
        .unwrap_or("pending_submission")
}

/// Voids every step not yet emitted: from now on only what is planned anew happens.
pub fn void_future(timeline: &mut [Step]) {
    for s in timeline.iter_mut().filter(|s| !s.emitted) {
        s.status = None;
        s.action = None;
        s.emitted = true;
    }
}

/// How the seed lets a payment's collection end as time passes; the API's own payments end
/// `PaidOut` unless a scenario simulator says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    PaidOut,
    /// Fails when the bank answers the submission (submitted → failed).
    Failed,
    /// Fails after `confirmed`, once paid out (then `late_failure_settled`) — sheet §5, §11.
    LateFailure,
    /// Charged back by the payer after being paid out.
    ChargedBack,
    /// Cancelled while still `pending_submission`.
    Cancelled,
    /// Starts in `pending_customer_approval` and the payer refuses.
    CustomerApprovalDenied,
}

pub fn d(origin: &str, cause: &str, description: &str) -> Value {
    json!({"origin": origin, "cause": cause, "description": description})
}

pub fn bank_d(cause: &str, description: &str, reason_code: &str) -> Value {
    json!({"origin": "bank", "cause": cause, "description": description, "scheme": SCHEME, "reason_code": reason_code})
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
    /// The payment the mandate was submitted with (SEPA mandates go to the banks with their
    /// first payment; review D3).
    #[serde(default)]
    pub first_payment: Option<String>,
    /// Set by `/_sandbox/mandates/{id}/fail_with_first_payment`: the bank rejects the mandate
    /// when it answers the first payment, with this cause.
    #[serde(default)]
    pub fail_cause: Option<String>,
    #[serde(default)]
    pub reinstatements: u8,
}

impl Mandate {
    pub fn status(&self, now: Ts) -> &'static str {
        status_at(&self.timeline, now)
    }
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
    /// Retries so far, by the API or by GoCardless (at most 3).
    #[serde(default)]
    pub retries: u8,
    /// The collected amount reached the creditor's balance (queued for or in a payout), so a
    /// late failure or chargeback must take it back.
    #[serde(default)]
    pub credited: bool,
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

impl Refund {
    pub fn status(&self, now: Ts) -> &'static str {
        status_at(&self.timeline, now)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payout {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Ts,
    pub currency: String,
    /// Sum of the items (may be negative only for a payout a settling simulator forces).
    pub amount: i64,
    /// Fees charged less fees refunded: negative when more fees came back than were charged.
    pub deducted_fees: i64,
    pub reference: String,
    #[serde(deserialize_with = "static_str")]
    pub status: Word,
    /// When the pending payout is sent (status `paid`, event `paid`).
    #[serde(with = "time::serde::rfc3339")]
    pub paid_at: Ts,
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
    #[serde(default)]
    pub metadata: Value,
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
    /// Set by the `creditor_verification_status_*` scenario simulators.
    #[serde(default)]
    pub verification_status: Option<String>,
    pub customers: BTreeMap<String, Value>,
    pub bank_accounts: BTreeMap<String, Value>,
    pub mandates: BTreeMap<String, Mandate>,
    pub payments: BTreeMap<String, Payment>,
    pub refunds: BTreeMap<String, Refund>,
    pub payouts: BTreeMap<String, Payout>,
    pub billing_requests: BTreeMap<String, BillingRequest>,
    pub flows: BTreeMap<String, Flow>,
    pub events: Vec<Event>,
    /// Credits and debits not yet in a payout (`settlement.rs`).
    #[serde(default)]
    pub pending: Vec<Pending>,
    /// The last payout run, so a run that could not pay out waits for the next working day.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_run: Option<Ts>,
    #[serde(skip)]
    pub event_index: HashMap<String, usize>,
    /// (resource, Idempotency-Key) → id created with it.
    #[serde(skip)]
    pub idempotency: HashMap<(String, String), String>,
    /// (customer, IBAN) → bank account, for `bank_account_exists`.
    #[serde(skip)]
    pub ibans: HashMap<(String, String), String>,
    #[serde(skip)]
    pub(crate) open_payouts: Vec<String>,
    #[serde(skip)]
    pub(crate) next_due: Option<Ts>,
    /// When the next payout run is due (derived from `pending` and `last_run`).
    #[serde(skip)]
    pub(crate) run_due: Option<Ts>,
    /// Steps planned while a sync is running, for it to pick up.
    #[serde(skip)]
    pub(crate) fresh: Vec<(Ts, Kind, String, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Mandate,
    Payment,
    Refund,
}

const B36: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// 36^12: the space of the 12 characters after an id's prefix.
const ID_SPACE: u128 = 4_738_381_338_321_616_896;
/// Ids are an affine permutation of one sequence number (review D20: real ids are not
/// documented to sort like creation order, so a client must not be able to rely on it here
/// either). The inverse gives back the sequence, which orders lists and resolves cursors.
const ID_MUL: u128 = 1_923_952_142_679_964_693;
const ID_MUL_INV: u128 = 2_072_461_517_381_923_645;
const ID_ADD: u128 = 1_652_483_943_109_172;

impl State {
    pub fn new(now: Ts) -> Self {
        let mut s = State { seq: 1_700_000_000, ..Default::default() };
        s.creditor_id = s.next_id("CR");
        s.creditor_bank_account = s.next_id("BA");
        s.creditor_created_at = Some(to_ms(now - Duration::days(400)));
        s
    }

    /// Prefix + 12 base-36 characters (`PM00001078ZJJN` in the fixtures).
    pub fn next_id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        let mut n = (u128::from(self.seq) * ID_MUL + ID_ADD) % ID_SPACE;
        let mut buf = [b'0'; 12];
        for slot in buf.iter_mut().rev() {
            *slot = B36[(n % 36) as usize];
            n /= 36;
        }
        format!("{prefix}{}", String::from_utf8_lossy(&buf))
    }

    /// Creation order of an id this state issued (`None` for anything else).
    pub fn order_of(id: &str) -> Option<u64> {
        let tail = id.get(id.len().checked_sub(12)?..)?;
        let mut n: u128 = 0;
        for c in tail.bytes() {
            n = n * 36 + B36.iter().position(|b| *b == c)? as u128;
        }
        let seq = ((n + ID_SPACE - ID_ADD % ID_SPACE) % ID_SPACE * ID_MUL_INV) % ID_SPACE;
        u64::try_from(seq).ok()
    }

    /// Rebuilds what is derived from the records after they were read back from a state
    /// file: the event index, the open payouts, the next payout run, and a sync due at once
    /// (it finds the next step itself).
    pub fn reindex(&mut self) {
        self.event_index = self.events.iter().enumerate().map(|(i, e)| (e.id.clone(), i)).collect();
        self.open_payouts = self.payouts.values().filter(|p| p.status == "pending").map(|p| p.id.clone()).collect();
        self.open_payouts.sort_by_key(|id| Self::order_of(id));
        self.compute_run_due();
        self.next_due = Some(OffsetDateTime::UNIX_EPOCH);
    }

    /// Something new is planned at `at`: make sure the next sync looks.
    pub fn touch(&mut self, at: Ts) {
        self.next_due = Some(self.next_due.map_or(at, |d| d.min(at)));
    }

    /// Appends planned steps to a timeline, for the next sync to play.
    pub fn plan(&mut self, kind: Kind, id: &str, steps: Vec<Step>) {
        let timeline = match kind {
            Kind::Mandate => self.mandates.get_mut(id).map(|m| &mut m.timeline),
            Kind::Payment => self.payments.get_mut(id).map(|p| &mut p.timeline),
            Kind::Refund => self.refunds.get_mut(id).map(|r| &mut r.timeline),
        };
        let Some(timeline) = timeline else { return };
        let mut added = Vec::with_capacity(steps.len());
        for s in steps {
            added.push((s.at, kind, id.to_owned(), timeline.len()));
            timeline.push(s);
        }
        if let Some(min) = added.iter().map(|a| a.0).min() {
            self.touch(min);
        }
        self.fresh.extend(added);
    }

    pub fn emit(&mut self, at: Ts, resource_type: &'static str, action: &str, links: Value, details: Value) -> String {
        self.emit_with(at, resource_type, action, links, details, Value::Null)
    }

    pub fn emit_with(
        &mut self,
        at: Ts,
        resource_type: &'static str,
        action: &str,
        links: Value,
        details: Value,
        metadata: Value,
    ) -> String {
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
            metadata: if metadata.is_object() { metadata } else { json!({}) },
        });
        id
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
            "events" => self.event_index.get(id).map(|i| self.render_event(&self.events[*i])),
            "creditors" => (id == self.creditor_id).then(|| self.render_creditor()),
            _ => None,
        }
    }

    /// `resource_metadata` is the resource's metadata as a GET would show it now
    /// (gocardless-nodejs `Types.ts`, `Event.resource_metadata`); `metadata` is what the API
    /// request that caused the event carried, `{}` for any other origin (`Event.metadata`).
    pub fn render_event(&self, e: &Event) -> Value {
        let own = |k: &str| e.links.get(k).and_then(Value::as_str).unwrap_or("");
        let resource_metadata = match e.resource_type {
            "payments" => self.payments.get(own("payment")).map(|p| p.metadata.clone()),
            "mandates" => self.mandates.get(own("mandate")).map(|m| m.metadata.clone()),
            "refunds" => self.refunds.get(own("refund")).map(|r| r.metadata.clone()),
            "billing_requests" => self.billing_requests.get(own("billing_request")).map(|b| b.metadata.clone()),
            _ => None,
        };
        json!({
            "id": e.id, "created_at": ts(e.created_at), "action": e.action,
            "resource_type": e.resource_type, "links": e.links, "details": e.details,
            "metadata": if e.metadata.is_object() { e.metadata.clone() } else { json!({}) },
            "resource_metadata": resource_metadata.unwrap_or_else(|| json!({})),
        })
    }

    pub fn render_creditor(&self) -> Value {
        json!({
            "id": self.creditor_id, "created_at": self.creditor_created_at.map(ts),
            "name": xp_sandbox_kit::demo::ORGS[0].0, "address_line1": "Seestrasse 1", "address_line2": null,
            "address_line3": null, "city": "Berlin", "region": null, "postal_code": "10115", "country_code": "DE",
            "logo_url": null, "verification_status": self.verification_status.as_deref().unwrap_or("successful"),
            "can_create_refunds": true,
            "creditor_type": "company", "fx_payout_currency": null, "merchant_responsible_for_notifications": true,
            "scheme_identifiers": [{"scheme": SCHEME, "name": xp_sandbox_kit::demo::ORGS[0].0,
                "reference": "DE98ZZZ09999999999", "currency": CURRENCY,
                "minimum_advance_notice": crate::lifecycle::LEAD_WORKING_DAYS,
                "can_specify_mandate_reference": true, "status": "active"}],
            "links": {"default_eur_payout_account": self.creditor_bank_account},
        })
    }

    pub fn render_mandate(&self, m: &Mandate, now: Ts) -> Value {
        json!({
            "id": m.id, "created_at": ts(m.created_at), "reference": m.reference, "status": m.status(now),
            "scheme": SCHEME,
            "next_possible_charge_date": crate::lifecycle::next_possible_charge_date(m, now).map(ymd),
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
            "reference": r.reference, "status": r.status(now), "metadata": r.metadata,
            "links": {"payment": r.payment, "mandate": r.mandate},
        })
    }

    /// `arrival_date` is null until the payout is paid (gocardless-nodejs `Types.ts`,
    /// `Payout.arrival_date`).
    pub fn render_payout(&self, p: &Payout) -> Value {
        json!({
            "id": p.id, "created_at": ts(p.created_at), "amount": p.amount, "deducted_fees": p.deducted_fees,
            "currency": p.currency, "status": p.status,
            "arrival_date": (p.status != "pending").then(|| ymd(p.paid_at.date())),
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
    fn ids_do_not_sort_like_creation_order_but_decode_to_it() {
        let mut s = State::new(OffsetDateTime::now_utc());
        let ids: Vec<String> = (0..50).map(|_| s.next_id("PM")).collect();
        assert!(ids.iter().all(|id| id.len() == 14), "prefix + 12 characters like PM00001078ZJJN");
        assert!(!ids.windows(2).all(|w| w[0] < w[1]), "ids must not reveal creation order (review D20)");
        let order: Vec<u64> = ids.iter().map(|id| State::order_of(id).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] + 1 == w[1]), "the state can still order them: {order:?}");
        assert_eq!(State::order_of("PMnot-an-id!"), None);
    }
}
