//! Collecting a Xero invoice by SEPA direct debit through GoCardless, exactly once.
//!
//! [`GoCardlessService::collect`] writes the collection and its `gocardless.payment.create`
//! outbox item in one transaction (`xp_store::collections::create`, which refuses a second live
//! collection of the invoice). The [`PaymentHandler`] then creates the payment under the
//! collection's key (`collect:<collection id>`) as GoCardless's Idempotency-Key. GoCardless
//! deduplicates by that key: a resend after a lost answer or a crash is answered 409
//! `idempotent_creation_conflict`, which `xp-gocardless` resolves to the payment the first
//! request created, so the invoice is never debited twice.
//!
//! Afterwards the events feed moves the collection: [`event_status`] says what each payment
//! event means for it, and the sync applies it in the page's transaction.

use crate::{Error, GoCardlessService, Result};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use time::Date;
use xp_context::outbox::{collection_of, refuse_collection, BoxFuture, Handler, HandlerError, Item};
use xp_core::{Currency, Money};
use xp_gocardless::{Metadata, NewPayment, PaymentStatus};
pub use xp_store::collections::Collect;
use xp_store::collections::{self, Collection, NewCollection, Send, Status};

pub const PAYMENT_CREATE: &str = "gocardless.payment.create";

/// How long a payment waits when GoCardless refuses the token: not the payment's fault, and a
/// new token entered in Settings lets the next try through.
const RECONNECT_WAIT: Duration = Duration::from_secs(60 * 60);

/// The SEPA payment reference's limit (gocardless.md §4, gocardless-nodejs `Types.ts`).
const MAX_REFERENCE: usize = 140;

/// The outbox item's payload: what the payment is made of. The Idempotency-Key is the item's
/// own (`collect:<collection id>`); the handler finds the collection by its outbox item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentPayload {
    pub mandate_id: String,
    pub amount: Money,
    pub invoice_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_date: Option<Date>,
}

/// The token an outbox handler sends with. Missing, the item waits uncounted, like one whose
/// connector did not open, until a token is entered.
pub(crate) fn handler_token(
    service: &GoCardlessService,
) -> std::result::Result<xp_core::Sensitive<String>, HandlerError> {
    match service.token() {
        Ok(Some(t)) => Ok(t),
        Ok(None) => Err(HandlerError::offline("the GoCardless access token is missing")),
        Err(e) => Err(HandlerError::retryable(None, e)),
    }
}

/// The dispatcher's error for a GoCardless failure of a request that moves no collection (a
/// cancellation, retry, refund): a refusal fails the item, as a wrong request does.
pub(crate) fn handler_error(now: time::OffsetDateTime) -> impl Fn(&xp_gocardless::Error) -> HandlerError {
    move |e| match verdict(e, now) {
        Verdict::Retry(after) => HandlerError::retryable(after, e),
        Verdict::Offline => HandlerError::offline(e),
        Verdict::Refused | Verdict::Stop => HandlerError::permanent(e),
    }
}

/// Mandate statuses a SEPA payment can be created on: a SEPA mandate stays
/// `pending_submission` until it goes to the bank with its first payment (review D3), so it
/// is usable before `active`.
pub fn mandate_usable(status: &str) -> bool {
    matches!(status, "pending_submission" | "submitted" | "active")
}

impl GoCardlessService {
    /// Writes the collection with its outbox item. Refused, with nothing written, while the
    /// invoice has a live collection, or when the amount, mandate or date cannot be collected.
    pub async fn collect(&self, c: Collect<'_>) -> Result<Collection> {
        let ctx = self.ctx();
        let now = ctx.clock.now();
        if c.amount.currency != Currency::EUR || c.amount.amount <= rust_decimal::Decimal::ZERO {
            return Err(Error::Invalid(format!("a SEPA direct debit collects more than zero euros, not {}", c.amount)));
        }
        let mandate = xp_store::gocardless::mandate(&ctx.store, c.mandate_id).await?.ok_or_else(|| {
            Error::Invalid(format!(
                "no GoCardless mandate {} is synced: run `xpartner sync gocardless` (or Sync now) first",
                c.mandate_id
            ))
        })?;
        if !mandate_usable(&mandate.status) {
            let why = mandate.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
            return Err(Error::Invalid(format!(
                "mandate {} is {}{why}: it takes no payments; set up a new mandate",
                mandate.id, mandate.status
            )));
        }
        if let Some(d) = c.charge_date {
            let earliest = mandate.next_possible_charge_date.as_deref().and_then(ymd).map_or(now.date(), |e| {
                // A stored date from an older sync may have passed.
                e.max(now.date())
            });
            if d < earliest {
                return Err(Error::Invalid(format!("the charge date {d} is before the earliest possible, {earliest}")));
            }
        }
        let payload = PaymentPayload {
            mandate_id: mandate.id.clone(),
            amount: c.amount,
            invoice_id: c.invoice_id.to_owned(),
            invoice_number: c.invoice_number.map(str::to_owned),
            charge_date: c.charge_date,
        };
        let payload = serde_json::to_value(&payload).map_err(|e| Error::Invalid(e.to_string()))?;
        let new = NewCollection {
            organisation_id: c.organisation_id,
            invoice_id: c.invoice_id,
            invoice_number: c.invoice_number,
            provider: crate::PROVIDER,
            mandate_id: &mandate.id,
            amount: c.amount,
            charge_date: c.charge_date,
        };
        let send = Send { kind: PAYMENT_CREATE, payload: &payload };
        let collection = collections::create(&ctx.store, new, send, now).await?;
        let detail = serde_json::json!({
            "collection": collection.id.to_string(), "amount": c.amount.to_string(), "mandate": mandate.id,
        });
        let subject = c.invoice_number.unwrap_or(c.invoice_id);
        let entry = xp_store::audit::NewEntry { actor: &ctx.actor(), action: "gocardless.collect", subject, detail };
        xp_store::audit::append(&ctx.store, entry, now).await?;
        Ok(collection)
    }
}

fn ymd(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// The payment as GoCardless is asked to create it. Its metadata links the invoice and the
/// collection (3 keys at most, gocardless.md §3), so the payment explains itself in
/// GoCardless's dashboard and a lost link can be found again.
pub fn new_payment(p: &PaymentPayload, collection: &Collection) -> NewPayment {
    let mut metadata = Metadata::new();
    metadata.insert("invoice_id".into(), p.invoice_id.clone());
    if let Some(n) = &p.invoice_number {
        metadata.insert("invoice_number".into(), n.chars().take(500).collect());
    }
    metadata.insert("collection_id".into(), collection.id.to_string());
    NewPayment {
        mandate: p.mandate_id.clone(),
        amount: p.amount,
        charge_date: p.charge_date,
        reference: p.invoice_number.as_deref().filter(|n| sepa_reference(n)).map(str::to_owned),
        description: Some(format!("Invoice {}", p.invoice_number.as_deref().unwrap_or(&p.invoice_id))),
        metadata,
        // GoCardless's default, said out loud: a failed debit fails the collection, and the
        // user decides about a retry (review D15).
        retry_if_possible: Some(false),
    }
}

/// An invoice number that can be the payer's statement reference: at most 140 characters of
/// the SEPA character set (EPC "SEPA Requirements for an Extended Character Set", the basic
/// Latin set: a-z A-Z 0-9 / - ? : ( ) . , ' + and space). Anything else is left to GoCardless's
/// own reference rather than sent and refused.
fn sepa_reference(n: &str) -> bool {
    !n.trim().is_empty()
        && n.chars().count() <= MAX_REFERENCE
        && n.chars().all(|c| c.is_ascii_alphanumeric() || "/-?:().,'+ ".contains(c))
}

/// A payment's status as the collection's.
pub fn collection_status(s: PaymentStatus) -> Status {
    match s {
        PaymentStatus::PendingCustomerApproval | PaymentStatus::PendingSubmission | PaymentStatus::Unknown => {
            Status::PendingSubmission
        }
        PaymentStatus::Submitted => Status::Submitted,
        PaymentStatus::Confirmed => Status::Confirmed,
        PaymentStatus::PaidOut => Status::PaidOut,
        PaymentStatus::Cancelled => Status::Cancelled,
        PaymentStatus::CustomerApprovalDenied | PaymentStatus::Failed => Status::Failed,
        PaymentStatus::ChargedBack => Status::ChargedBack,
    }
}

/// What a `payments` event (its `action`) does to the collection of that payment, now at
/// `current`. `None`: nothing the timeline shows (`created` is the acceptance the handler
/// recorded; fee and surcharge notices move no money of the invoice).
///
/// A `failed` after `confirmed` or `paid_out` is a late failure: the money GoCardless
/// confirmed comes back out of a payout (gocardless.md §5: "`confirmed` and `paid_out` are not
/// final"). A failure GoCardless will retry itself (`details.will_attempt_retry`) is not the
/// end of the collection: it stays live as `pending_submission`, so nobody starts a second
/// debit of the invoice while GoCardless resubmits the first.
pub fn event_status(action: &str, will_attempt_retry: bool, current: Status) -> Option<Status> {
    Some(match action {
        "submitted" => Status::Submitted,
        "confirmed" => Status::Confirmed,
        "paid_out" => Status::PaidOut,
        "cancelled" => Status::Cancelled,
        "customer_approval_denied" => Status::Failed,
        "failed" if will_attempt_retry => Status::PendingSubmission,
        "failed" if matches!(current, Status::Confirmed | Status::PaidOut | Status::LateFailure) => Status::LateFailure,
        "failed" => Status::Failed,
        "late_failure_settled" => Status::LateFailure,
        "charged_back" | "chargeback_settled" => Status::ChargedBack,
        // A chargeback the payer withdrew: the payment is `paid_out` again.
        "chargeback_cancelled" => Status::PaidOut,
        "resubmission_requested" => Status::PendingSubmission,
        _ => return None,
    })
}

/// Sends `gocardless.payment.create` items.
pub struct PaymentHandler {
    service: GoCardlessService,
}

impl PaymentHandler {
    pub fn new(service: GoCardlessService) -> Self {
        Self { service }
    }

    async fn send_item(&self, item: &Item) -> std::result::Result<serde_json::Value, HandlerError> {
        let collection = collection_of(&self.service.ctx().store, item).await?;
        match collection.status {
            Status::Intent => {}
            // Recorded by a try whose end was not (a crash between the record and the outbox's
            // "sent"): that record is the answer.
            _ if collection.provider_payment_id.is_some() => return Ok(answer(&collection, None)),
            other => return Err(HandlerError::permanent(format!("the collection is {} already", other.as_str()))),
        }
        let payload: PaymentPayload = serde_json::from_value(item.payload.clone())
            .map_err(|e| HandlerError::permanent(format!("the collection's outbox payload is unreadable: {e}")))?;
        let token = handler_token(&self.service)?;
        let payment = new_payment(&payload, &collection);
        // The key the collection was written with: every try of this collection sends the same.
        let created = self.service.client().create_payment(&token, &payment, &item.idempotency_key).await;
        let created = match created {
            Ok(p) => p,
            Err(e) => return Err(self.failure(item, &collection, &e).await),
        };
        let status = collection_status(created.status);
        let store = &self.service.ctx().store;
        collections::record_accepted(store, collection.id, &created.id, status, self.service.ctx().clock.now())
            .await
            .map_err(|e| HandlerError::retryable(None, e))?;
        Ok(answer(&collection, Some((&created.id, status))))
    }

    /// The dispatcher's error for a GoCardless failure; a refusal also fails the collection.
    async fn failure(&self, item: &Item, collection: &Collection, e: &xp_gocardless::Error) -> HandlerError {
        let now = self.service.ctx().clock.now();
        match verdict(e, now) {
            Verdict::Retry(after) => HandlerError::retryable(after, e),
            Verdict::Offline => HandlerError::offline(e),
            Verdict::Refused => self.fail(item, collection, &e.to_string()).await,
            // Our request is wrong, not the payment: a person has to look. The collection stays
            // live, so nobody starts a second debit of the invoice meanwhile.
            Verdict::Stop => HandlerError::permanent(e),
        }
    }

    /// Marks the collection failed with `reason` in its timeline; the item fails for good.
    async fn fail(&self, item: &Item, collection: &Collection, reason: &str) -> HandlerError {
        let ctx = self.service.ctx();
        refuse_collection(&ctx.store, collection, item, reason, ctx.clock.now()).await
    }
}

impl Handler for PaymentHandler {
    fn kind(&self) -> &str {
        PAYMENT_CREATE
    }

    fn send<'a>(&'a self, item: &'a Item) -> BoxFuture<'a, std::result::Result<serde_json::Value, HandlerError>> {
        Box::pin(self.send_item(item))
    }
}

#[derive(Debug)]
pub(crate) enum Verdict {
    Retry(Option<Duration>),
    Offline,
    /// GoCardless refused the payment for good: the collection failed.
    Refused,
    Stop,
}

/// What a failed create means. Every resend carries the same Idempotency-Key, so whatever may
/// have been executed is safe to send again (gocardless.md §3).
pub(crate) fn verdict(e: &xp_gocardless::Error, now: time::OffsetDateTime) -> Verdict {
    use xp_gocardless::Error as E;
    match e {
        // `validation_failed` (amount, charge date) and `invalid_state` (`mandate_is_inactive`,
        // …): this payment will never be created.
        E::Validation(_) | E::InvalidState(_) | E::NotFound(_) => Verdict::Refused,
        E::Unauthorized(_) | E::Forbidden(_) => Verdict::Retry(Some(RECONNECT_WAIT)),
        E::RateLimited { rate, .. } => Verdict::Retry(rate.reset_in(now)),
        E::Internal(_) | E::Malformed { .. } | E::Unexpected { .. } => Verdict::Retry(None),
        E::Http(xp_http::Error::Connect { .. }) => Verdict::Offline,
        E::Http(xp_http::Error::RateLimited { retry_after, .. }) => Verdict::Retry(*retry_after),
        E::Http(xp_http::Error::Request(_)) | E::Request(_) | E::InvalidApiUsage(_) => Verdict::Stop,
        E::Http(_) => Verdict::Retry(None),
    }
}

fn answer(c: &Collection, created: Option<(&str, Status)>) -> serde_json::Value {
    serde_json::json!({
        "collectionId": c.id.to_string(),
        "paymentId": created.map_or(c.provider_payment_id.as_deref(), |(id, _)| Some(id)),
        "status": created.map_or(c.status, |(_, s)| s).as_str(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use xp_gocardless::Problem;

    #[test]
    fn payment_events_move_the_collection_the_way_the_money_moves() {
        assert_eq!(event_status("confirmed", false, Status::Submitted), Some(Status::Confirmed));
        assert_eq!(event_status("paid_out", false, Status::Confirmed), Some(Status::PaidOut));
        assert_eq!(event_status("failed", false, Status::Submitted), Some(Status::Failed), "failed before confirmed");
        assert_eq!(
            event_status("failed", false, Status::PaidOut),
            Some(Status::LateFailure),
            "failed after the money was confirmed: a late failure"
        );
        assert_eq!(
            event_status("failed", true, Status::Submitted),
            Some(Status::PendingSubmission),
            "GoCardless retries it: the collection stays live"
        );
        assert_eq!(event_status("chargeback_settled", false, Status::PaidOut), Some(Status::ChargedBack));
        assert_eq!(event_status("created", false, Status::PendingSubmission), None, "the acceptance is recorded");
        assert_eq!(event_status("surcharge_fee_debited", false, Status::PaidOut), None);
        assert!(event_status("failed", false, Status::Submitted).is_some_and(|s| !s.is_live()));
    }

    #[test]
    fn a_refusal_fails_the_collection_and_everything_else_is_sent_again_under_the_same_key() {
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let p = Problem::default;
        assert!(matches!(verdict(&xp_gocardless::Error::InvalidState(p()), now), Verdict::Refused));
        assert!(matches!(verdict(&xp_gocardless::Error::Validation(p()), now), Verdict::Refused));
        assert!(matches!(verdict(&xp_gocardless::Error::Internal(p()), now), Verdict::Retry(None)));
        assert!(matches!(verdict(&xp_gocardless::Error::InvalidApiUsage(p()), now), Verdict::Stop));
        let offline = xp_gocardless::Error::Http(xp_http::Error::Connect { host: "h".into(), reason: "r".into() });
        assert!(matches!(verdict(&offline, now), Verdict::Offline));
        let timeout =
            xp_gocardless::Error::Http(xp_http::Error::Timeout { host: "h".into(), after: Duration::from_secs(30) });
        assert!(matches!(verdict(&timeout, now), Verdict::Retry(None)), "maybe created: the key makes a resend safe");
    }

    #[test]
    fn only_sepa_characters_make_a_statement_reference() {
        assert!(sepa_reference("INV-0042"));
        assert!(!sepa_reference("Rechnung Nr. 4€"), "the euro sign is outside the basic SEPA set");
        assert!(!sepa_reference(&"9".repeat(141)));
        assert!(!sepa_reference(" "));
    }
}
