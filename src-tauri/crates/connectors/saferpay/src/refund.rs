//! Giving back a collected Saferpay debit, in whole or in part, exactly once.
//!
//! [`SaferpayService::refund`] writes the refund with its `saferpay.refund.create` outbox item
//! (`xp_store::saferpay::refunds::queue`, which checks what is left to refund in the same
//! transaction). The [`RefundHandler`] sends Transaction/Refund of the debit's capture with the
//! refund's own OrderId, then captures the refund; every try after the first asks
//! Transaction/Inquire under that OrderId first (`refund_once`), so a lost answer never makes
//! a second refund. Saferpay is also told to refuse more than was captured
//! (`RestrictRefundAmountToCapturedAmount`, always set by the client).

use crate::collect::{attempt, handler_client, verdict, Verdict};
use crate::{Error, Result, SaferpayService, PROVIDER};
use serde::{Deserialize, Serialize};
use xp_context::outbox::{BoxFuture, Handler, HandlerError, Item};
use xp_core::ids::CollectionId;
use xp_core::Money;
use xp_saferpay::TransactionRef;
use xp_store::collections::{self, Status};
use xp_store::saferpay::refunds::{self, Refund, Refused};

pub const REFUND: &str = "saferpay.refund.create";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundPayload {
    pub refund_id: String,
}

impl SaferpayService {
    /// Queues a refund of a collected debit: `amount`, or all that is not refunded yet. Refused,
    /// with nothing written, for a debit not collected, another currency, or more than is left.
    pub async fn refund(&self, id: CollectionId, amount: Option<Money>) -> Result<Refund> {
        let ctx = self.ctx();
        let c = collections::get(&ctx.store, id).await?;
        if c.provider != PROVIDER {
            return Err(Error::Invalid(format!("collection {id} is not a Saferpay debit")));
        }
        if c.provider_payment_id.is_none() || !matches!(c.status, Status::Confirmed | Status::PaidOut) {
            return Err(Error::Invalid(format!(
                "only a collected debit is refunded; this one is {}",
                c.status.as_str()
            )));
        }
        let payload = |refund_id: &str| {
            serde_json::to_value(RefundPayload { refund_id: refund_id.to_owned() }).unwrap_or_default()
        };
        let refund = match refunds::queue(&ctx.store, &c, amount, REFUND, payload, ctx.clock.now()).await? {
            Ok(r) => r,
            Err(Refused::Currency) => {
                return Err(Error::Invalid(format!("the debit is in {}", c.amount.currency)));
            }
            Err(Refused::TooMuch { left }) => {
                return Err(Error::Invalid(format!(
                    "a refund is more than 0 and at most what is not refunded yet ({left})"
                )));
            }
        };
        let detail =
            serde_json::json!({"collection": id.to_string(), "refund": refund.id, "amount": refund.amount.to_string()});
        let subject = c.invoice_number.as_deref().unwrap_or(&c.invoice_id);
        let entry = xp_store::audit::NewEntry { actor: &ctx.actor(), action: "saferpay.refund", subject, detail };
        xp_store::audit::append(&ctx.store, entry, ctx.clock.now()).await?;
        Ok(refund)
    }
}

/// Sends `saferpay.refund.create` items.
pub struct RefundHandler {
    service: SaferpayService,
}

impl RefundHandler {
    pub fn new(service: SaferpayService) -> Self {
        Self { service }
    }

    async fn send_item(&self, item: &Item) -> std::result::Result<serde_json::Value, HandlerError> {
        let store = &self.service.ctx().store;
        let payload: RefundPayload = serde_json::from_value(item.payload.clone())
            .map_err(|e| HandlerError::permanent(format!("the refund's outbox payload is unreadable: {e}")))?;
        let refund = refunds::get(store, &payload.refund_id)
            .await
            .map_err(|e| HandlerError::retryable(None, e))?
            .ok_or_else(|| HandlerError::permanent(format!("no refund {} was written", payload.refund_id)))?;
        if refund.status == refunds::RefundStatus::Failed {
            // Refused and recorded by an earlier try whose item was not marked failed (a crash in
            // between puts it back in the queue): sending it now would make a refund the app
            // holds as failed.
            let reason = refund.reason.as_deref().unwrap_or("Saferpay refused it");
            return Err(HandlerError::permanent(format!("the refund failed: {reason}")));
        }
        let collection =
            collections::get(store, refund.collection_id).await.map_err(|e| HandlerError::retryable(None, e))?;
        if let (refunds::RefundStatus::Refunded, Some(t)) = (refund.status, &refund.transaction_id) {
            // Recorded by a try whose end was not: that record is the answer, and the timeline
            // entry it may not have reached is written now (once: it carries the refund's id).
            let now = self.service.ctx().clock.now();
            self.move_collection(&collection, &refund, now).await.map_err(|e| HandlerError::retryable(None, e))?;
            return Ok(serde_json::json!({"refundId": refund.id, "transactionId": t}));
        }
        let payment = collection
            .provider_payment_id
            .clone()
            .ok_or_else(|| HandlerError::permanent("the debit was never made: nothing to refund"))?;
        let client = handler_client(&self.service)?;
        // The capture to refund, as the debit's send recorded it; asked of Saferpay only when
        // that record lacks it (Saferpay asks clients not to call Inquire without need).
        let recorded = xp_store::outbox::get(store, collection.outbox_id)
            .await
            .ok()
            .and_then(|sent| sent.result)
            .and_then(|r| r["captureId"].as_str().map(str::to_owned));
        let capture_id = match recorded {
            Some(id) => id,
            None => client
                .inquire(
                    &TransactionRef::Id(payment.clone()),
                    &client.first_attempt().map_err(HandlerError::permanent)?,
                )
                .await
                .map_err(|e| verdict(&e).into_error(&e))?
                .transaction
                .capture_id
                .ok_or_else(|| HandlerError::permanent(format!("Saferpay holds no capture of {payment}")))?,
        };
        let request = xp_saferpay::Refund {
            amount: refund.amount,
            order_id: refund.id.clone(),
            description: Some(format!(
                "Refund of invoice {}",
                collection.invoice_number.as_deref().unwrap_or(&collection.invoice_id)
            )),
        };
        let done = match client.refund_once(&capture_id, &request, attempt(&format!("{}-r", refund.id), item)?).await {
            Ok(done) => done,
            Err(e) => {
                let v = verdict(&e);
                if matches!(v, Verdict::Refused) {
                    let now = self.service.ctx().clock.now();
                    if let Err(record) = refunds::record_failed(store, &refund.id, &e.to_string(), now).await {
                        return Err(HandlerError::retryable(
                            None,
                            format!("{e}; the failure could not be recorded: {record}"),
                        ));
                    }
                }
                return Err(v.into_error(&e));
            }
        };
        let transaction = done.refund.transaction.id;
        let now = self.service.ctx().clock.now();
        refunds::record_refunded(store, &refund.id, &transaction, now)
            .await
            .map_err(|e| HandlerError::retryable(None, e))?;
        self.move_collection(&collection, &refund, now).await.map_err(|e| HandlerError::retryable(None, e))?;
        Ok(
            serde_json::json!({"refundId": refund.id, "transactionId": transaction, "captureId": done.capture.capture_id}),
        )
    }

    /// The refund on the collection's timeline; all of it refunded, the collection is refunded.
    async fn move_collection(
        &self,
        c: &collections::Collection,
        refund: &Refund,
        at: time::OffsetDateTime,
    ) -> xp_store::Result<()> {
        let store = &self.service.ctx().store;
        let mut given_back = rust_decimal::Decimal::ZERO;
        for r in refunds::of_collection(store, c.id).await? {
            if r.status == refunds::RefundStatus::Refunded {
                given_back += r.amount.amount;
            }
        }
        let (status, reason) = if given_back >= c.amount.amount {
            (Status::Refunded, format!("Refunded {} to the payer", refund.amount))
        } else {
            let current = collections::get(store, c.id).await?.status;
            (current, format!("Partly refunded: {} to the payer", refund.amount))
        };
        collections::apply_event(store, c.id, status, Some(&reason), &format!("saferpay:refund:{}", refund.id), at)
            .await?;
        Ok(())
    }
}

impl Handler for RefundHandler {
    fn kind(&self) -> &str {
        REFUND
    }

    fn send<'a>(&'a self, item: &'a Item) -> BoxFuture<'a, std::result::Result<serde_json::Value, HandlerError>> {
        Box::pin(self.send_item(item))
    }
}
