//! The ledger's writes to Xero (`xp_ledger::settlement::Write`) through the outbox: each is
//! queued under its own key (derived from the provider's ids, so booking a fact twice queues it
//! once) and sent with that key as Xero's `Idempotency-Key`. An undo finds what the write it
//! undoes created from that write's stored answer, and deletes it.

use crate::outbox::payload;
use crate::service::XeroService;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use xp_context::outbox::{BoxFuture, Handler, HandlerError, Item};
use xp_core::ids::{OrganisationId, OutboxId};
use xp_ledger::settlement::{Plan, Write};
use xp_store::outbox::NewItem;
use xp_store::settlement::{Fact, NewBooking};
use xp_xero::{BankTransactionType, NewBankTransaction, NewBankTransfer, NewPayment};

pub const LEDGER_WRITE: &str = "xero.ledger.write";

/// Which fact a booking is for.
#[derive(Debug, Clone, Copy)]
pub struct SettlementFact<'a> {
    pub provider: &'a str,
    pub fact: Fact,
    /// The provider's payment or payout id.
    pub fact_id: &'a str,
}

/// One ledger write as queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerWrite {
    pub write: Write,
    /// The contact Xero books spend and receive money against: the provider, by name.
    pub contact: String,
}

/// What a sent write created in Xero, kept as the item's answer for a later undo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "object", content = "id", rename_all = "snake_case")]
pub enum Created {
    Payment(String),
    BankTransaction(String),
    BankTransfer(String),
    /// An undo: what it deleted.
    Deleted(Box<Created>),
    /// An undo of a write Xero refused: nothing was there to delete.
    Nothing,
}

impl XeroService {
    /// Queues a plan's writes for an organisation, in order; answers the items' ids.
    pub async fn queue_ledger_writes(
        &self,
        organisation_id: OrganisationId,
        writes: &[Write],
        contact: &str,
    ) -> Result<Vec<OutboxId>> {
        let mut ids = Vec::with_capacity(writes.len());
        for w in writes {
            let item = LedgerWrite { write: w.clone(), contact: contact.to_owned() };
            let payload = serde_json::to_value(&item).map_err(|e| Error::Invalid(e.to_string()))?;
            ids.push(self.queue(organisation_id, LEDGER_WRITE, &payload, w.key()).await?);
        }
        Ok(ids)
    }

    /// Books one settlement fact (a confirmed payment, its reversal, a payout): the fact and
    /// its plan's writes are recorded with their outbox items in one transaction, so a fact is
    /// booked once whatever crashes or runs twice. Answers None when it was booked already.
    pub async fn book_settlement(
        &self,
        organisation_id: OrganisationId,
        fact: SettlementFact<'_>,
        plan: &Plan,
        contact: &str,
    ) -> Result<Option<Vec<OutboxId>>> {
        let ctx = self.ctx();
        let org = xp_store::organisations::find(&ctx.store, crate::PROVIDER, organisation_id)
            .await?
            .ok_or_else(|| Error::Invalid(format!("no Xero organisation {organisation_id}")))?;
        let target = organisation_id.to_string();
        let payloads = plan
            .writes
            .iter()
            .map(|w| serde_json::to_value(LedgerWrite { write: w.clone(), contact: contact.to_owned() }))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::Invalid(e.to_string()))?;
        let items: Vec<NewItem<'_>> = plan
            .writes
            .iter()
            .zip(&payloads)
            .map(|(w, payload)| NewItem { kind: LEDGER_WRITE, target: &target, payload, idempotency_key: w.key() })
            .collect();
        let writes = serde_json::to_value(&plan.writes).map_err(|e| Error::Invalid(e.to_string()))?;
        let attention = serde_json::to_value(&plan.attention).map_err(|e| Error::Invalid(e.to_string()))?;
        let booking = NewBooking {
            provider: fact.provider,
            fact: fact.fact,
            fact_id: fact.fact_id,
            organisation_id,
            writes: &writes,
            attention: &attention,
        };
        let booked = xp_store::settlement::book(&ctx.store, booking, &items, ctx.clock.now()).await?;
        if let Some(ids) = &booked {
            let detail = serde_json::json!({
                "provider": fact.provider, "fact": fact.fact.as_str(), "id": fact.fact_id, "writes": ids.len(),
            });
            self.audit("ledger.book", &org.name, detail).await?;
        }
        Ok(booked)
    }

    async fn send_ledger_write(&self, item: &Item) -> std::result::Result<Created, HandlerError> {
        let w: LedgerWrite = payload(item)?;
        let client = self.client();
        let key = item.idempotency_key.as_str();
        match &w.write {
            Write::Payment { invoice_id, account, amount, date, reference, .. } => {
                let new = NewPayment {
                    invoice_id: invoice_id.clone(),
                    account_code: account.clone(),
                    date: *date,
                    amount: amount.amount,
                    reference: Some(reference.clone()),
                };
                let paid = self
                    .with_token(item, |token, tenant| {
                        let new = &new;
                        async move { client.create_payment(&token, &tenant, new, key).await }
                    })
                    .await?;
                Ok(Created::Payment(paid.payment_id))
            }
            Write::Receive { bank_account, account_code, amount, date, reference, .. }
            | Write::Spend { bank_account, account_code, amount, date, reference, .. } => {
                let kind = if matches!(w.write, Write::Spend { .. }) {
                    BankTransactionType::Spend
                } else {
                    BankTransactionType::Receive
                };
                let new = NewBankTransaction {
                    kind,
                    bank_account_code: bank_account.clone(),
                    contact_name: w.contact.clone(),
                    account_code: account_code.clone(),
                    description: reference.clone(),
                    amount: amount.amount,
                    date: *date,
                    reference: Some(reference.clone()),
                };
                let id = self
                    .with_token(item, |token, tenant| {
                        let new = &new;
                        async move { client.create_bank_transaction(&token, &tenant, new, key).await }
                    })
                    .await?;
                Ok(Created::BankTransaction(id))
            }
            Write::Transfer { from, to, amount, date, reference, .. } => {
                let new = NewBankTransfer {
                    from_account_code: from.clone(),
                    to_account_code: to.clone(),
                    amount: amount.amount,
                    date: *date,
                    reference: Some(reference.clone()),
                };
                let id = self
                    .with_token(item, |token, tenant| {
                        let new = &new;
                        async move { client.create_bank_transfer(&token, &tenant, new, key).await }
                    })
                    .await?;
                Ok(Created::BankTransfer(id))
            }
            Write::Undo { of, .. } => self.undo(item, of).await,
        }
    }

    /// Deletes what the write queued under `of` created. That write must have been sent first:
    /// while it waits, so does its undo.
    async fn undo(&self, item: &Item, of: &str) -> std::result::Result<Created, HandlerError> {
        let original = xp_store::outbox::by_key(&self.ctx().store, of)
            .await
            .map_err(|e| HandlerError::retryable(None, e))?
            .ok_or_else(|| HandlerError::permanent(format!("nothing was queued under {of:?} to undo")))?;
        let created: Created = match (&original.status, &original.result) {
            (xp_store::outbox::Status::Sent, Some(result)) => serde_json::from_value(result.clone())
                .map_err(|e| HandlerError::permanent(format!("the answer to {of:?} cannot be read: {e}")))?,
            (xp_store::outbox::Status::Failed, _) => return Ok(Created::Nothing),
            _ => return Err(HandlerError::retryable(None, format!("{of:?} is not sent yet; its undo waits for it"))),
        };
        let client = self.client();
        let key = item.idempotency_key.as_str();
        match &created {
            Created::Payment(id) => {
                self.with_token(item, |token, tenant| async move {
                    client.delete_payment(&token, &tenant, id, key).await.map(drop)
                })
                .await?
            }
            Created::BankTransaction(id) => {
                self.with_token(item, |token, tenant| async move {
                    client.delete_bank_transaction(&token, &tenant, id, key).await.map(drop)
                })
                .await?
            }
            Created::BankTransfer(_) | Created::Deleted(_) | Created::Nothing => {
                return Err(HandlerError::permanent(format!("{of:?} is not a write the ledger undoes")))
            }
        }
        Ok(Created::Deleted(Box::new(created)))
    }
}

pub(crate) struct SendLedgerWrite(pub(crate) XeroService);

impl Handler for SendLedgerWrite {
    fn kind(&self) -> &str {
        LEDGER_WRITE
    }

    fn send<'a>(&'a self, item: &'a Item) -> BoxFuture<'a, std::result::Result<serde_json::Value, HandlerError>> {
        Box::pin(async move {
            let created = self.0.send_ledger_write(item).await?;
            serde_json::to_value(created)
                .map_err(|e| HandlerError::permanent(format!("Xero's answer cannot be kept: {e}")))
        })
    }
}

pub(crate) fn handler(xero: &XeroService) -> Arc<dyn Handler> {
    Arc::new(SendLedgerWrite(xero.clone()))
}
