//! Collecting a Xero invoice by SEPA direct debit through Saferpay, exactly once.
//!
//! [`SaferpayService::collect`] writes the collection and its `saferpay.collect` outbox item in
//! one transaction (`xp_store::collections::create`, which refuses a second live collection of
//! the invoice). The [`CollectHandler`] then debits (`AuthorizeDirect`) and captures, with the
//! collection's id as the debit's OrderId. Saferpay does not deduplicate (review D1), so every
//! try after the first starts with Transaction/Inquire under that OrderId (`xp-saferpay`'s
//! `*_once` helpers): an answer lost on the way, a crash before the result was recorded, or an
//! earlier try that captured are all found, never debited twice.

use crate::service::refused;
use crate::{Error, Result, SaferpayService, PROVIDER};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use xp_context::outbox::{collection_of, refuse_collection, BoxFuture, Handler, HandlerError, Item};
use xp_core::{Currency, Money};
use xp_saferpay::{Attempt, Behavior, DirectDebit, SaferpayClient, TransactionStatus, MAX_RETRY_INDICATOR};
pub use xp_store::collections::Collect;
use xp_store::collections::{self, Collection, NewCollection, Send, Status};
use xp_store::saferpay::MandateStatus;

pub const COLLECT: &str = "saferpay.collect";

/// The floor of the wait after Saferpay's `RETRY_LATER` ("can be retried later after a certain
/// state/error condition has been changed", `texts/ErrorResponse.md`): the dispatcher's first
/// backoff of seconds would only meet the same condition.
const RETRY_LATER_WAIT: Duration = Duration::from_secs(5 * 60);
/// How long a debit waits when Saferpay refuses the credentials: not the collection's fault,
/// and saving new credentials lets the next try through.
const RECONNECT_WAIT: Duration = Duration::from_secs(60 * 60);

/// The outbox item's payload. The OrderId Saferpay sees is the collection's id, which the store
/// makes inside `collections::create`; the handler finds the collection by its outbox item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectPayload {
    pub mandate_id: String,
    pub amount: Money,
    pub invoice_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
}

impl SaferpayService {
    /// Writes the collection with its outbox item. Refused, with nothing written, while the
    /// invoice has a live collection. Saferpay's AuthorizeDirect takes no collection date
    /// (`Payment_Models_Data_Payment` has none): the debit is made when sent, so a charge date
    /// after today is refused instead of ignored.
    pub async fn collect(&self, c: Collect<'_>) -> Result<Collection> {
        let ctx = self.ctx();
        let now = ctx.clock.now();
        if c.amount.currency != Currency::EUR || c.amount.amount <= rust_decimal::Decimal::ZERO {
            return Err(Error::Invalid(format!("a SEPA direct debit collects more than zero euros, not {}", c.amount)));
        }
        if c.charge_date.is_some_and(|d| d > now.date()) {
            return Err(Error::Invalid("Saferpay debits when the collection is sent; it takes no later date".into()));
        }
        let mandate = xp_store::saferpay::mandate(&ctx.store, c.mandate_id)
            .await?
            .ok_or_else(|| Error::Invalid(format!("no Saferpay mandate {}", c.mandate_id)))?;
        if mandate.status != MandateStatus::Active {
            return Err(Error::Invalid(format!("mandate {} is {}", mandate.id, mandate.status.as_str())));
        }
        self.mandate_iban(&mandate.id)?;
        let payload = CollectPayload {
            mandate_id: mandate.id.clone(),
            amount: c.amount,
            invoice_id: c.invoice_id.to_owned(),
            invoice_number: c.invoice_number.map(str::to_owned),
        };
        let payload = serde_json::to_value(&payload).map_err(|e| Error::Invalid(e.to_string()))?;
        let new = NewCollection {
            organisation_id: c.organisation_id,
            invoice_id: c.invoice_id,
            invoice_number: c.invoice_number,
            provider: PROVIDER,
            mandate_id: &mandate.id,
            amount: c.amount,
            charge_date: c.charge_date,
        };
        let collection = collections::create(&ctx.store, new, Send { kind: COLLECT, payload: &payload }, now).await?;
        let detail = serde_json::json!({"collection": collection.id.to_string(), "amount": c.amount.to_string()});
        let subject = c.invoice_number.unwrap_or(c.invoice_id);
        let entry = xp_store::audit::NewEntry { actor: &ctx.actor(), action: "saferpay.collect", subject, detail };
        xp_store::audit::append(&ctx.store, entry, now).await?;
        Ok(collection)
    }
}

/// What Saferpay holds for a collection once debited and captured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debited {
    pub transaction_id: String,
    pub capture_id: String,
}

/// Sends `saferpay.collect` items.
pub struct CollectHandler {
    service: SaferpayService,
}

impl CollectHandler {
    pub fn new(service: SaferpayService) -> Self {
        Self { service }
    }

    async fn send_item(&self, item: &Item) -> std::result::Result<serde_json::Value, HandlerError> {
        let collection = self.collection(item).await?;
        match collection.status {
            Status::Intent => {}
            // Recorded by a try whose end was not (a crash between the record and the outbox's
            // "sent"): that record is the answer.
            _ if collection.provider_payment_id.is_some() => return Ok(answer(&collection, None)),
            other => {
                return Err(HandlerError::permanent(format!("the collection is {} already", other.as_str())));
            }
        }
        let debited = self.debit(item).await?;
        let store = &self.service.ctx().store;
        // A captured SEPA debit is `confirmed`: the ledger books a payment into clearing on it
        // (xp_ledger::settlement::Confirmed names "Saferpay a captured direct debit"). Capture
        // is the last state Saferpay's API reports for SEPA; a return comes later as a
        // chargeback (review D12) and moves the collection on from here.
        collections::record_accepted(store, collection.id, &debited.transaction_id, Status::Confirmed, now(self))
            .await
            .map_err(|e| HandlerError::retryable(None, e))?;
        Ok(answer(&collection, Some(&debited)))
    }

    /// The provider half of a send: debit and capture, each at most once, without recording
    /// the result. Public so a test can stop between it and the record, as a crash would.
    pub async fn debit(&self, item: &Item) -> std::result::Result<Debited, HandlerError> {
        let collection = self.collection(item).await?;
        let payload: CollectPayload = serde_json::from_value(item.payload.clone())
            .map_err(|e| HandlerError::permanent(format!("the collection's outbox payload is unreadable: {e}")))?;
        let client = handler_client(&self.service)?;
        let iban = self.service.mandate_iban(&payload.mandate_id);
        let mandate = xp_store::saferpay::mandate(&self.service.ctx().store, &payload.mandate_id).await;
        let (iban, mandate) = match (iban, mandate) {
            (Ok(iban), Ok(Some(m))) => (iban, m),
            (Err(e), _) => return Err(self.fail(item, &collection, &e.to_string()).await),
            (_, Ok(None)) => return Err(self.fail(item, &collection, "the mandate is not recorded").await),
            (_, Err(e)) => return Err(HandlerError::retryable(None, e)),
        };
        let order_id = collection.id.to_string();
        let debit = DirectDebit {
            amount: payload.amount,
            order_id: order_id.clone(),
            description: Some(format!("Invoice {}", payload.invoice_number.as_deref().unwrap_or(&payload.invoice_id))),
            mandate_id: payload.mandate_id.clone(),
            iban,
            holder_name: mandate.holder,
            bic: None,
        };
        let authorized = match client.authorize_direct_once(&debit, attempt(&format!("{order_id}-a"), item)?).await {
            Ok(a) => a,
            Err(e) => return Err(self.failure(item, &collection, &e).await),
        };
        let t = authorized.transaction;
        let capture_id = match (t.status, t.capture_id) {
            // An earlier try captured already: Inquire answered with the captured transaction.
            (TransactionStatus::Captured, Some(id)) => id,
            _ => match capture(&client, &t.id, item).await {
                Ok(id) => id,
                Err(e) => return Err(self.failure(item, &collection, &e).await),
            },
        };
        Ok(Debited { transaction_id: t.id, capture_id })
    }

    async fn collection(&self, item: &Item) -> std::result::Result<Collection, HandlerError> {
        collection_of(&self.service.ctx().store, item).await
    }

    /// The dispatcher's error for a Saferpay failure; a refusal also fails the collection.
    async fn failure(&self, item: &Item, collection: &Collection, e: &xp_saferpay::Error) -> HandlerError {
        match verdict(e) {
            Verdict::Refused => self.fail(item, collection, &e.to_string()).await,
            // Saferpay holds something else under this OrderId, or the request itself cannot be
            // sent: a person has to look. The collection stays live, so nobody starts a second
            // debit of the invoice meanwhile.
            other => other.into_error(e),
        }
    }

    /// Marks the collection failed with `reason` in its timeline; the item fails for good.
    async fn fail(&self, item: &Item, collection: &Collection, reason: &str) -> HandlerError {
        refuse_collection(&self.service.ctx().store, collection, item, reason, now(self)).await
    }
}

impl Handler for CollectHandler {
    fn kind(&self) -> &str {
        COLLECT
    }

    fn send<'a>(&'a self, item: &'a Item) -> BoxFuture<'a, std::result::Result<serde_json::Value, HandlerError>> {
        Box::pin(self.send_item(item))
    }
}

fn now(h: &CollectHandler) -> time::OffsetDateTime {
    h.service.ctx().clock.now()
}

async fn capture(client: &SaferpayClient, transaction_id: &str, item: &Item) -> xp_saferpay::Result<String> {
    // Capture is safe to send on a first try too: a repeat answers TRANSACTION_ALREADY_CAPTURED,
    // which `capture_once` confirms with Inquire (sheet §8).
    let attempt =
        attempt(&format!("{transaction_id}-c"), item).map_err(|e| xp_saferpay::Error::InvalidInput(e.to_string()))?;
    Ok(client.capture_once(transaction_id, attempt).await?.capture_id)
}

/// The attempt of this try: a fixed RequestId per call, and from the second try on a
/// RetryIndicator above 0, which makes the `*_once` helpers ask Inquire before sending. An item
/// that waited for the network was tried (its `last_error` says so) though not counted.
pub(crate) fn attempt(request_id: &str, item: &Item) -> std::result::Result<Attempt, HandlerError> {
    let tried_before = item.attempts > 1 || item.last_error.is_some();
    let indicator = if tried_before { (item.attempts - 1).clamp(1, i64::from(MAX_RETRY_INDICATOR)) } else { 0 };
    // RequestId is Id[1..50]; ours are an id and a suffix.
    let request_id: String = request_id.chars().take(50).collect();
    Attempt::resume(request_id, indicator as u8).map_err(HandlerError::permanent)
}

pub(crate) enum Verdict {
    Retry(Option<Duration>),
    Offline,
    /// Saferpay refused the debit for good: the collection failed.
    Refused,
    Stop,
}

impl Verdict {
    /// The dispatcher's error for this verdict; a refusal fails the item for good (what else it
    /// fails, the collection or the refund, is the caller's to record first).
    pub(crate) fn into_error(self, e: &xp_saferpay::Error) -> HandlerError {
        match self {
            Verdict::Retry(after) => HandlerError::retryable(after, e),
            Verdict::Offline => HandlerError::offline(e),
            Verdict::Refused | Verdict::Stop => HandlerError::permanent(e),
        }
    }
}

/// The Saferpay client an outbox handler sends with. Without credentials the item waits,
/// uncounted, as an item whose connector did not open does, until they are saved.
pub(crate) fn handler_client(service: &SaferpayService) -> std::result::Result<SaferpayClient, HandlerError> {
    service.client().map_err(|e| match e {
        Error::NotConfigured => HandlerError::offline(e),
        other => HandlerError::retryable(None, other),
    })
}

/// Saferpay's `Behavior` decides (`texts/ErrorResponse.md`); without an envelope, whether the
/// call may have been executed does.
pub(crate) fn verdict(e: &xp_saferpay::Error) -> Verdict {
    use xp_saferpay::Error as E;
    if refused(e) {
        return Verdict::Retry(Some(RECONNECT_WAIT));
    }
    match e {
        E::Api { error, .. } => by_behavior(&error.behavior),
        E::InvalidInput(_) => Verdict::Refused,
        E::Mismatch { .. } => Verdict::Stop,
        _ if unreachable(e) => Verdict::Offline,
        // Maybe executed, maybe not: the next try asks Inquire first.
        _ if e.outcome_unknown() => Verdict::Retry(None),
        E::Status { status: 429, .. } | E::Http(xp_http::Error::RateLimited { .. }) => {
            Verdict::Retry(Some(RETRY_LATER_WAIT))
        }
        _ => Verdict::Stop,
    }
}

fn by_behavior(behavior: &Behavior) -> Verdict {
    match behavior {
        Behavior::Retry => Verdict::Retry(None),
        Behavior::RetryLater => Verdict::Retry(Some(RETRY_LATER_WAIT)),
        Behavior::DoNotRetry | Behavior::OtherMeans | Behavior::Other(_) => Verdict::Refused,
    }
}

/// Saferpay could not be connected to (the last call reached nothing). The next try still asks
/// Inquire first (the item's `last_error` shows it was tried), as an earlier call of the same
/// try may have been executed.
fn unreachable(e: &xp_saferpay::Error) -> bool {
    match e {
        xp_saferpay::Error::Http(xp_http::Error::Connect { .. }) => true,
        xp_saferpay::Error::OutcomeUnknown { source, .. } => unreachable(source),
        _ => false,
    }
}

fn answer(c: &Collection, debited: Option<&Debited>) -> serde_json::Value {
    serde_json::json!({
        "collectionId": c.id.to_string(),
        "orderId": c.id.to_string(),
        "transactionId": debited.map_or(c.provider_payment_id.as_deref(), |d| Some(d.transaction_id.as_str())),
        "captureId": debited.map(|d| d.capture_id.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use xp_saferpay::Error as E;

    fn retry_after(v: Verdict) -> Option<Option<Duration>> {
        match v {
            Verdict::Retry(after) => Some(after),
            _ => None,
        }
    }

    #[test]
    fn saferpays_behavior_decides_what_becomes_of_the_collection() {
        assert_eq!(retry_after(by_behavior(&Behavior::Retry)), Some(None), "RETRY: the usual backoff");
        assert_eq!(
            retry_after(by_behavior(&Behavior::RetryLater)),
            Some(Some(RETRY_LATER_WAIT)),
            "RETRY_LATER: not before the condition can have changed"
        );
        for b in [Behavior::DoNotRetry, Behavior::OtherMeans, Behavior::Other("NEW".into())] {
            assert!(matches!(by_behavior(&b), Verdict::Refused), "{b:?} fails the collection");
        }
        assert!(matches!(verdict(&E::InvalidInput("not EUR".into())), Verdict::Refused));
        let mismatch = E::Mismatch { reference: "order o-1".into(), what: "another amount".into() };
        assert!(matches!(verdict(&mismatch), Verdict::Stop), "a person looks; the collection stays live");
    }

    #[test]
    fn refused_credentials_wait_and_unknown_outcomes_are_retried() {
        let login = E::Status { status: 401, body: String::new() };
        assert_eq!(retry_after(verdict(&login)), Some(Some(RECONNECT_WAIT)), "not the debit's fault: new credentials");
        let lost = E::Malformed { what: "cut short".into() };
        assert_eq!(retry_after(verdict(&lost)), Some(None), "maybe executed: the next try asks Inquire first");
        let offline = E::Http(xp_http::Error::Connect { host: "www.saferpay.com".into(), reason: "refused".into() });
        assert!(matches!(verdict(&offline), Verdict::Offline), "nothing reached Saferpay: wait, uncounted");
        let timeout =
            E::Http(xp_http::Error::Timeout { host: "www.saferpay.com".into(), after: Duration::from_secs(100) });
        assert_eq!(retry_after(verdict(&timeout)), Some(None), "a timeout may have been executed: a counted retry");
    }
}
