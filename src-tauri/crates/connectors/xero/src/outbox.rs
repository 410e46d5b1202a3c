//! Xero writes through the outbox: a payment to create or delete is queued with its idempotency
//! key, and the handlers registered here send it with that key as Xero's `Idempotency-Key`, so
//! a resend after a lost answer returns the first payment instead of paying twice (xero.md §11).
//!
//! An item's target is the app's organisation id; its token comes from the organisation's
//! connection at send time, so an item queued before a token refresh is sent with the new one.

use crate::service::XeroService;
use crate::{Error, Result, PROVIDER};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use time::Date;
use xp_context::outbox::{BoxFuture, Failure, Handler, HandlerError, Item, NewItem};
use xp_core::ids::{OrganisationId, OutboxId};
use xp_core::{ErrorCode, Money, Sensitive};
use xp_xero::NewPayment;

pub const PAYMENT_CREATE: &str = "xero.payment.create";
pub const PAYMENT_DELETE: &str = "xero.payment.delete";

/// How long an item waits when Xero refuses the organisation's sign-in: long enough not to
/// burn its attempts, short enough that it goes soon after the user reconnects.
const RECONNECT_WAIT: Duration = Duration::from_secs(60 * 60);

time::serde::format_description!(ymd, Date, "[year]-[month]-[day]");

/// A payment to record in Xero against an AUTHORISED invoice (xero.md §5), as queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentToCreate {
    pub invoice_id: String,
    /// A BANK account's code, or one with `EnablePaymentsToAccount`.
    pub account_code: String,
    #[serde(with = "ymd")]
    pub date: Date,
    /// In the invoice's currency. Xero takes the amount alone; the currency stays with it so
    /// the queue never holds a bare number.
    pub amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PaymentToDelete {
    payment_id: String,
}

impl XeroService {
    /// Queues a payment for the dispatcher. The same `idempotency_key` queues it once (a double
    /// click or a replayed command) and is the key Xero sees on every send.
    pub async fn queue_payment(
        &self,
        organisation_id: OrganisationId,
        payment: &PaymentToCreate,
        idempotency_key: &str,
    ) -> Result<OutboxId> {
        if payment.amount.amount <= rust_decimal::Decimal::ZERO {
            return Err(Error::Invalid(format!("a payment must be more than zero, not {}", payment.amount)));
        }
        let payload = serde_json::to_value(payment).map_err(|e| Error::Invalid(e.to_string()))?;
        self.queue(organisation_id, PAYMENT_CREATE, &payload, idempotency_key).await
    }

    /// Queues the deletion of a payment Xero holds (`PaymentID`).
    pub async fn queue_payment_deletion(
        &self,
        organisation_id: OrganisationId,
        payment_id: &str,
        idempotency_key: &str,
    ) -> Result<OutboxId> {
        let payload = serde_json::to_value(PaymentToDelete { payment_id: payment_id.to_owned() })
            .map_err(|e| Error::Invalid(e.to_string()))?;
        self.queue(organisation_id, PAYMENT_DELETE, &payload, idempotency_key).await
    }

    pub(crate) async fn queue(
        &self,
        organisation_id: OrganisationId,
        kind: &str,
        payload: &serde_json::Value,
        idempotency_key: &str,
    ) -> Result<OutboxId> {
        if idempotency_key.trim().is_empty() {
            return Err(Error::Invalid("an outbox item needs an idempotency key".into()));
        }
        let org = xp_store::organisations::find(&self.ctx().store, PROVIDER, organisation_id)
            .await?
            .ok_or_else(|| Error::Invalid(format!("no Xero organisation {organisation_id}")))?;
        let target = organisation_id.to_string();
        let item = NewItem { kind, target: &target, payload, idempotency_key };
        let id = xp_store::outbox::enqueue(&self.ctx().store, item, self.ctx().clock.now()).await?;
        self.audit("outbox.queue", &org.name, serde_json::json!({"kind": kind, "item": id.to_string()})).await?;
        Ok(id)
    }

    /// Runs one Xero call for an item's organisation with its connection's access token,
    /// refreshing once on a 401 like the sync does.
    pub(crate) async fn with_token<T, F, Fut>(&self, item: &Item, call: F) -> std::result::Result<T, HandlerError>
    where
        F: Fn(Sensitive<String>, String) -> Fut,
        Fut: Future<Output = std::result::Result<T, xp_xero::Error>>,
    {
        let organisation_id = OrganisationId::from_str(&item.target).map_err(|_| {
            HandlerError::permanent(format!("the item's target {:?} is not an organisation", item.target))
        })?;
        let org = xp_store::organisations::find(&self.ctx().store, PROVIDER, organisation_id)
            .await
            .map_err(|e| HandlerError::retryable(None, e))?
            .ok_or_else(|| {
                HandlerError::permanent(format!("Xero organisation {organisation_id} is not kept any more"))
            })?;
        let key = org.connection_id.to_string();
        let refresher = self.refresher();
        let token = refresher.access_token(&key).await.map_err(auth_failure)?;
        match call(token.clone(), org.external_id.clone()).await {
            Err(xp_xero::Error::Unauthorized { .. }) => {
                let token = refresher.refresh_rejected(&key, &token).await.map_err(auth_failure)?;
                call(token, org.external_id).await.map_err(xero_failure)
            }
            other => other.map_err(xero_failure),
        }
    }
}

/// Xero's failures as the dispatcher acts on them.
fn xero_failure(e: xp_xero::Error) -> HandlerError {
    use xp_xero::Error as X;
    let failure = match &e {
        X::Http(h) if h.code() == ErrorCode::Offline => Failure::Offline,
        X::Http(xp_http::Error::RateLimited { retry_after, .. }) | X::RateLimited { retry_after, .. } => {
            Failure::Retryable { after: *retry_after }
        }
        X::Http(xp_http::Error::Request(_)) => Failure::Permanent,
        // A 2xx cut short or not JSON may have been applied: the resend with the same key
        // returns the payment Xero made.
        X::Http(_) | X::Server { .. } | X::Malformed { .. } | X::Unexpected { .. } => {
            Failure::Retryable { after: None }
        }
        X::Unauthorized { .. } | X::Forbidden { .. } => Failure::Retryable { after: Some(RECONNECT_WAIT) },
        X::Validation { .. } | X::NotFound { .. } | X::Request(_) | X::InvalidRecord { .. } => Failure::Permanent,
    };
    HandlerError::new(failure, e)
}

fn auth_failure(e: xp_auth::Error) -> HandlerError {
    match e.code() {
        ErrorCode::Offline => HandlerError::offline(e),
        ErrorCode::ReconnectNeeded => HandlerError::retryable(Some(RECONNECT_WAIT), e),
        _ => HandlerError::retryable(None, e),
    }
}

pub(crate) fn payload<T: serde::de::DeserializeOwned>(item: &Item) -> std::result::Result<T, HandlerError> {
    serde_json::from_value(item.payload.clone())
        .map_err(|e| HandlerError::permanent(format!("the queued {} cannot be read: {e}", item.kind)))
}

fn answer(p: &xp_xero::Payment) -> std::result::Result<serde_json::Value, HandlerError> {
    serde_json::to_value(p).map_err(|e| HandlerError::permanent(format!("Xero's payment cannot be kept: {e}")))
}

struct CreatePayment(XeroService);

impl Handler for CreatePayment {
    fn kind(&self) -> &str {
        PAYMENT_CREATE
    }

    fn send<'a>(&'a self, item: &'a Item) -> BoxFuture<'a, std::result::Result<serde_json::Value, HandlerError>> {
        Box::pin(async move {
            let p: PaymentToCreate = payload(item)?;
            let new = NewPayment {
                invoice_id: p.invoice_id,
                account_code: p.account_code,
                date: p.date,
                amount: p.amount.amount,
                reference: p.reference,
            };
            let client = self.0.client();
            let paid = self
                .0
                .with_token(item, |token, tenant| {
                    let new = &new;
                    async move { client.create_payment(&token, &tenant, new, &item.idempotency_key).await }
                })
                .await?;
            answer(&paid)
        })
    }
}

struct DeletePayment(XeroService);

impl Handler for DeletePayment {
    fn kind(&self) -> &str {
        PAYMENT_DELETE
    }

    fn send<'a>(&'a self, item: &'a Item) -> BoxFuture<'a, std::result::Result<serde_json::Value, HandlerError>> {
        Box::pin(async move {
            let p: PaymentToDelete = payload(item)?;
            let client = self.0.client();
            let deleted = self
                .0
                .with_token(item, |token, tenant| {
                    let id = &p.payment_id;
                    async move { client.delete_payment(&token, &tenant, id, &item.idempotency_key).await }
                })
                .await?;
            answer(&deleted)
        })
    }
}

/// The handlers the Xero connector registers with the dispatcher.
pub(crate) fn handlers(xero: &XeroService) -> Vec<Arc<dyn Handler>> {
    vec![Arc::new(CreatePayment(xero.clone())), Arc::new(DeletePayment(xero.clone())), crate::ledger::handler(xero)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queued_payment_keeps_its_exact_amount_currency_and_date() {
        let p = PaymentToCreate {
            invoice_id: "046d8a6d-1ae1-4b4d-9340-5601bdf41b87".into(),
            account_code: "090".into(),
            date: time::macros::date!(2026 - 01 - 20),
            amount: Money::parse("1200.10", "CHF").unwrap(),
            reference: None,
        };
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"invoiceId": "046d8a6d-1ae1-4b4d-9340-5601bdf41b87", "accountCode": "090",
                "date": "2026-01-20", "amount": {"amount": "1200.10", "currency": "CHF"}}),
            "the amount is decimal text, never a float"
        );
        assert_eq!(serde_json::from_value::<PaymentToCreate>(json).unwrap(), p);
    }

    #[test]
    fn xero_failures_map_to_what_the_dispatcher_does() {
        let offline =
            xp_xero::Error::Http(xp_http::Error::Connect { host: "api.xero.com".into(), reason: "refused".into() });
        assert_eq!(xero_failure(offline).failure, Failure::Offline);
        let lost = xp_xero::Error::Http(xp_http::Error::Body { host: "api.xero.com".into(), reason: "reset".into() });
        assert_eq!(xero_failure(lost).failure, Failure::Retryable { after: None }, "a lost answer is resent, same key");
        let limited = xp_xero::Error::RateLimited {
            problem: xp_xero::RateProblem::Minute,
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(xero_failure(limited).failure, Failure::Retryable { after: Some(Duration::from_secs(7)) });
        let refused = xp_xero::Error::Validation { messages: vec!["Payment amount exceeds the amount due".into()] };
        let e = xero_failure(refused);
        assert_eq!(e.failure, Failure::Permanent);
        assert!(e.message().contains("Payment amount exceeds the amount due"), "Xero's message is kept: {e}");
    }
}
