//! Cancelling a collection while GoCardless still lets it: only a payment that has not gone to
//! the bank (`pending_submission`; gocardless.md §4, "Only in pending_submission; afterwards
//! InvalidState `cancellation_failed`").
//!
//! [`GoCardlessService::cancel`] queues a `gocardless.payment.cancel` outbox item keyed
//! `cancel:<collection id>`, so asking twice queues it once. GoCardless's actions carry no
//! idempotency key, so the [`CancelHandler`] reads the payment before every try: already
//! cancelled is done, anything past `pending_submission` is refused for good. The `cancelled`
//! event then moves the collection with the next sync, as every other status does.

use crate::collect::{handler_error, handler_token};
use crate::{Error, GoCardlessService, Result};
use serde::{Deserialize, Serialize};
use xp_context::outbox::{BoxFuture, Handler, HandlerError, Item};
use xp_core::ids::{CollectionId, OutboxId};
use xp_gocardless::{Metadata, PaymentStatus};
use xp_store::collections::{self, Status};

pub const PAYMENT_CANCEL: &str = "gocardless.payment.cancel";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelPayload {
    pub collection_id: String,
    pub payment_id: String,
}

impl GoCardlessService {
    /// Queues the cancellation of a collection's payment; refused, with nothing queued, unless
    /// the payment is still waiting to go to the bank.
    pub async fn cancel(&self, id: CollectionId) -> Result<OutboxId> {
        let ctx = self.ctx();
        let c = collections::get(&ctx.store, id).await?;
        if c.provider != crate::PROVIDER {
            return Err(Error::Invalid(format!("collection {id} is not a GoCardless payment")));
        }
        let payment_id = match (c.status, c.provider_payment_id.as_deref()) {
            (Status::PendingSubmission, Some(p)) => p.to_owned(),
            (Status::Intent, _) => {
                return Err(Error::Invalid(
                    "the payment is not at GoCardless yet; cancel it once it shows Pending submission".into(),
                ))
            }
            (other, _) => {
                return Err(Error::Invalid(format!(
                    "GoCardless cancels a payment only before it goes to the bank; this one is {}",
                    other.as_str()
                )))
            }
        };
        let payload = CancelPayload { collection_id: id.to_string(), payment_id };
        let payload = serde_json::to_value(&payload).map_err(|e| Error::Invalid(e.to_string()))?;
        let target = c.organisation_id.to_string();
        let key = format!("cancel:{id}");
        let item = xp_store::outbox::NewItem {
            kind: PAYMENT_CANCEL,
            target: &target,
            payload: &payload,
            idempotency_key: &key,
        };
        let queued = xp_store::outbox::enqueue(&ctx.store, item, ctx.clock.now()).await?;
        let subject = c.invoice_number.as_deref().unwrap_or(&c.invoice_id);
        let detail = serde_json::json!({"collection": id.to_string(), "item": queued.to_string()});
        let entry = xp_store::audit::NewEntry { actor: &ctx.actor(), action: "gocardless.cancel", subject, detail };
        xp_store::audit::append(&ctx.store, entry, ctx.clock.now()).await?;
        Ok(queued)
    }
}

/// Sends `gocardless.payment.cancel` items.
pub struct CancelHandler {
    service: GoCardlessService,
}

impl CancelHandler {
    pub fn new(service: GoCardlessService) -> Self {
        Self { service }
    }

    async fn send_item(&self, item: &Item) -> std::result::Result<serde_json::Value, HandlerError> {
        let payload: CancelPayload = serde_json::from_value(item.payload.clone())
            .map_err(|e| HandlerError::permanent(format!("the cancellation's payload is unreadable: {e}")))?;
        let token = handler_token(&self.service)?;
        let client = self.service.client();
        let failed = handler_error(self.service.ctx().clock.now());
        // Read first: a cancel sent before a lost answer may have been carried out.
        let payment = client.payment(&token, &payload.payment_id).await.map_err(|e| failed(&e))?;
        let done = |status: &str| serde_json::json!({"paymentId": payload.payment_id, "status": status});
        match payment.status {
            PaymentStatus::Cancelled => return Ok(done("cancelled")),
            PaymentStatus::PendingSubmission => {}
            other => {
                return Err(HandlerError::permanent(format!(
                    "GoCardless no longer cancels payment {}: it is {other:?}",
                    payload.payment_id
                )))
            }
        }
        let metadata = Metadata::from([("collection_id".to_owned(), payload.collection_id.clone())]);
        let cancelled = client.cancel_payment(&token, &payload.payment_id, &metadata).await.map_err(|e| failed(&e))?;
        Ok(done(if cancelled.status == PaymentStatus::Cancelled { "cancelled" } else { "requested" }))
    }
}

impl Handler for CancelHandler {
    fn kind(&self) -> &str {
        PAYMENT_CANCEL
    }

    fn send<'a>(&'a self, item: &'a Item) -> BoxFuture<'a, std::result::Result<serde_json::Value, HandlerError>> {
        Box::pin(self.send_item(item))
    }
}
