//! After a collection: trying a failed payment again, and giving money back (owner only; the
//! command's permission says so). Both are outbox items, so they wait offline and go once.
//!
//! - **Retry** (`gocardless.payment.retry`, key `retry:<collection>:<failures so far>`): GoCardless
//!   collects a failed payment again on an active mandate, at most 3 times (gocardless.md §4,
//!   `POST /payments/{id}/actions/retry`). An action carries no Idempotency-Key, so the handler
//!   reads the payment first: no longer failed means the retry was made (a lost answer).
//! - **Refund** (`gocardless.refund.create`, key `refund:<collection>:<refunded before>`):
//!   `POST /refunds` under that key, with `total_amount_confirmation` fixed when the refund was
//!   asked for (what was refunded then plus this refund). GoCardless refuses a total that does
//!   not match what it has refunded, so a refund asked twice, or on stale data, is refused
//!   rather than paid twice (review D4); a lost answer is found again by its key.
//!
//! The events (`resubmission_requested`, `refunded`) then move the collection with the next
//! sync, as every other status does.

use crate::collect::{handler_error, handler_token};
use crate::{Error, GoCardlessService, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use xp_context::outbox::{BoxFuture, Handler, HandlerError, Item};
use xp_core::ids::{CollectionId, OutboxId};
use xp_core::Money;
use xp_gocardless::{Metadata, NewRefund, PaymentStatus};
use xp_store::collections::{self, Collection, Status};

pub const PAYMENT_RETRY: &str = "gocardless.payment.retry";
pub const REFUND_CREATE: &str = "gocardless.refund.create";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryPayload {
    pub collection_id: String,
    pub payment_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundPayload {
    pub collection_id: String,
    pub payment_id: String,
    pub amount: Money,
    /// Everything refunded on the payment once this refund is made.
    pub total_amount_confirmation: Money,
}

impl GoCardlessService {
    /// Queues a retry of a failed collection's payment.
    pub async fn retry(&self, id: CollectionId) -> Result<OutboxId> {
        let (c, payment_id) = self.own(id).await?;
        if c.status != Status::Failed {
            return Err(Error::Invalid(format!(
                "only a failed payment is tried again; this one is {}",
                c.status.as_str()
            )));
        }
        let failures =
            collections::timeline(&self.ctx().store, id).await?.iter().filter(|e| e.status == Status::Failed).count();
        let payload = RetryPayload { collection_id: id.to_string(), payment_id };
        self.queue(&c, PAYMENT_RETRY, &payload, &format!("retry:{id}:{failures}"), "gocardless.retry").await
    }

    /// Queues a refund of `amount` (everything not refunded yet when `None`) of a collected
    /// payment.
    pub async fn refund(&self, id: CollectionId, amount: Option<Money>) -> Result<OutboxId> {
        let (c, payment_id) = self.own(id).await?;
        if !matches!(c.status, Status::Confirmed | Status::PaidOut | Status::Refunded) {
            return Err(Error::Invalid(format!(
                "only collected money is refunded; this payment is {}",
                c.status.as_str()
            )));
        }
        let synced = xp_store::gocardless::payment(&self.ctx().store, &payment_id).await?.ok_or_else(|| {
            Error::Invalid(format!("payment {payment_id} is not synced yet: sync GoCardless, then refund"))
        })?;
        let left = synced.amount.amount - synced.amount_refunded.amount;
        let amount = amount.unwrap_or(Money { amount: left, currency: synced.amount.currency });
        if amount.currency != synced.amount.currency {
            return Err(Error::Invalid(format!(
                "the payment is in {}, not {}",
                synced.amount.currency, amount.currency
            )));
        }
        if amount.amount <= Decimal::ZERO || amount.amount > left {
            return Err(Error::Invalid(format!(
                "a refund is more than 0 and at most what is not refunded yet ({} {})",
                left, synced.amount.currency
            )));
        }
        let total = Money { amount: synced.amount_refunded.amount + amount.amount, currency: amount.currency };
        let payload =
            RefundPayload { collection_id: id.to_string(), payment_id, amount, total_amount_confirmation: total };
        let key = format!("refund:{id}:{}", synced.amount_refunded.amount.normalize());
        self.queue(&c, REFUND_CREATE, &payload, &key, "gocardless.refund").await
    }

    /// A GoCardless collection that reached GoCardless, with its payment id.
    async fn own(&self, id: CollectionId) -> Result<(Collection, String)> {
        let c = collections::get(&self.ctx().store, id).await?;
        if c.provider != crate::PROVIDER {
            return Err(Error::Invalid(format!("collection {id} is not a GoCardless payment")));
        }
        let payment = c
            .provider_payment_id
            .clone()
            .ok_or_else(|| Error::Invalid("the payment is not at GoCardless yet".into()))?;
        Ok((c, payment))
    }

    async fn queue(
        &self,
        c: &Collection,
        kind: &str,
        payload: &impl Serialize,
        key: &str,
        action: &str,
    ) -> Result<OutboxId> {
        let ctx = self.ctx();
        let payload = serde_json::to_value(payload).map_err(|e| Error::Invalid(e.to_string()))?;
        let target = c.organisation_id.to_string();
        let item = xp_store::outbox::NewItem { kind, target: &target, payload: &payload, idempotency_key: key };
        let queued = xp_store::outbox::enqueue(&ctx.store, item, ctx.clock.now()).await?;
        // The same key is the same request (a double click): its first item stands. A different
        // request under it (another amount before the first refund was synced) is refused.
        let kept = xp_store::outbox::get(&ctx.store, queued).await?;
        if kept.payload != payload {
            let stands = match kept.status {
                xp_store::outbox::Status::Sent => "was sent, and GoCardless's answer is not synced yet",
                xp_store::outbox::Status::Failed => "failed (see the outbox)",
                _ => "is waiting to be sent",
            };
            return Err(Error::Invalid(format!(
                "another request like this for this payment {stands}; sync GoCardless after it, then ask again"
            )));
        }
        let subject = c.invoice_number.as_deref().unwrap_or(&c.invoice_id);
        let detail =
            serde_json::json!({"collection": c.id.to_string(), "item": queued.to_string(), "payload": payload});
        let entry = xp_store::audit::NewEntry { actor: &ctx.actor(), action, subject, detail };
        xp_store::audit::append(&ctx.store, entry, ctx.clock.now()).await?;
        Ok(queued)
    }
}

fn payload<T: serde::de::DeserializeOwned>(item: &Item) -> std::result::Result<T, HandlerError> {
    serde_json::from_value(item.payload.clone())
        .map_err(|e| HandlerError::permanent(format!("the {} payload is unreadable: {e}", item.kind)))
}

/// Sends `gocardless.payment.retry` items.
pub struct RetryHandler {
    service: GoCardlessService,
}

impl RetryHandler {
    pub fn new(service: GoCardlessService) -> Self {
        Self { service }
    }

    async fn send_item(&self, item: &Item) -> std::result::Result<serde_json::Value, HandlerError> {
        let p: RetryPayload = payload(item)?;
        let token = handler_token(&self.service)?;
        let client = self.service.client();
        let failed = handler_error(self.service.ctx().clock.now());
        // Read first: a retry sent before a lost answer may have been made.
        let payment = client.payment(&token, &p.payment_id).await.map_err(|e| failed(&e))?;
        let done =
            |status: PaymentStatus| serde_json::json!({"paymentId": p.payment_id, "status": format!("{status:?}")});
        if payment.status != PaymentStatus::Failed {
            return Ok(done(payment.status));
        }
        let metadata = Metadata::from([("collection_id".to_owned(), p.collection_id.clone())]);
        let retried = client.retry_payment(&token, &p.payment_id, None, &metadata).await.map_err(|e| failed(&e))?;
        Ok(done(retried.status))
    }
}

impl Handler for RetryHandler {
    fn kind(&self) -> &str {
        PAYMENT_RETRY
    }

    fn send<'a>(&'a self, item: &'a Item) -> BoxFuture<'a, std::result::Result<serde_json::Value, HandlerError>> {
        Box::pin(self.send_item(item))
    }
}

/// Sends `gocardless.refund.create` items under their key.
pub struct RefundHandler {
    service: GoCardlessService,
}

impl RefundHandler {
    pub fn new(service: GoCardlessService) -> Self {
        Self { service }
    }

    async fn send_item(&self, item: &Item) -> std::result::Result<serde_json::Value, HandlerError> {
        let p: RefundPayload = payload(item)?;
        let token = handler_token(&self.service)?;
        let failed = handler_error(self.service.ctx().clock.now());
        let refund = NewRefund {
            payment: p.payment_id.clone(),
            amount: p.amount,
            total_amount_confirmation: p.total_amount_confirmation,
            reference: None,
            metadata: Metadata::from([("collection_id".to_owned(), p.collection_id.clone())]),
        };
        let made = self
            .service
            .client()
            .create_refund(&token, &refund, &item.idempotency_key)
            .await
            .map_err(|e| failed(&e))?;
        Ok(serde_json::json!({"paymentId": p.payment_id, "refundId": made.id}))
    }
}

impl Handler for RefundHandler {
    fn kind(&self) -> &str {
        REFUND_CREATE
    }

    fn send<'a>(&'a self, item: &'a Item) -> BoxFuture<'a, std::result::Result<serde_json::Value, HandlerError>> {
        Box::pin(self.send_item(item))
    }
}
