//! Direct debit into Xero, the way accountants book it.
//!
//! Collected money does not reach the bank one payment at a time: the provider pools it, takes
//! its fees and pays out a net sum days later, and a payment can come back weeks after that. So
//! each provider gets a clearing bank account in Xero:
//!
//! 1. a payment is `confirmed` → a Xero Payment against its invoice, into the clearing account;
//! 2. a payout arrives → the fees as spend money from the clearing account, and the net payout
//!    as a transfer from the clearing account to the real bank account (a negative payout is a
//!    transfer the other way);
//! 3. a payment fails late or is charged back → the booking of step 1 is undone (the invoice is
//!    open again and flagged), and the debit arrives in a later payout, whose transfer is smaller
//!    by that much.
//!
//! Over the life of a set of payments the clearing account returns to zero; in between it holds
//! exactly what is confirmed but not yet paid out, less what was reversed but not yet debited
//! ([`Clearing`] computes it). Every write carries the idempotency key the outbox sends it under:
//! the key is derived from the provider's ids, so booking the same fact twice is the same write.
//!
//! Partial and over-payments are explicit: a Payment never exceeds what the invoice still owes;
//! the excess is parked in the suspense account and reported for a person, as is money for an
//! invoice that is no longer open or for no invoice at all. Nothing here talks to Xero.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::Date;
use xp_core::{Currency, Money, MoneyError};

/// The Xero accounts one provider's money goes through, as mapped in Settings (account codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accounts {
    /// The provider's clearing bank account (a Xero BANK account).
    pub clearing: String,
    /// The bank account payouts arrive in.
    pub bank: String,
    /// The expense account code the provider's fees are booked to.
    pub fees: String,
    /// Where money the books cannot place yet waits for a person (overpayments, refunds,
    /// payments for no open invoice).
    pub suspense: String,
}

/// A payment the provider reports as confirmed (the money is collected; GoCardless `confirmed`,
/// Saferpay a captured direct debit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmed {
    pub provider: String,
    pub payment_id: String,
    /// The Xero invoice the collection was for; None for a payment created outside the app.
    pub invoice_id: Option<String>,
    pub amount: Money,
    pub on: Date,
    pub reference: String,
}

/// The invoice as Xero has it when the payment is booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invoice {
    /// AUTHORISED, with what it still owes.
    Open { amount_due: Money },
    /// PAID, VOIDED, DELETED, ...: a payment can no longer be applied.
    Closed { status: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reversal {
    /// SEPA R-transaction after the payment was confirmed (a return, a refusal).
    LateFailure,
    /// The payer disputed the debit with their bank (8 weeks authorised, 13 months not).
    ChargedBack,
}

/// One line of a payout. `amount` is signed from the merchant's side: + money received,
/// − money taken (fees, refunds, reversed payments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutItem {
    pub kind: ItemKind,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// A confirmed payment's money.
    PaidOut { payment_id: String },
    /// The provider's (or an app's) fee, or a fee credited back.
    Fee,
    /// Money returned to the payer at the merchant's request.
    Refund { payment_id: String },
    /// A payment that came back after it was paid out.
    Reversed { payment_id: String, reason: Reversal },
    /// Anything else the provider lists (adjustments); booked to suspense for a person.
    Other { description: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    pub provider: String,
    pub payout_id: String,
    /// The net sum that reaches (or, negative, leaves) the bank account.
    pub amount: Money,
    pub arrives_on: Date,
    pub reference: String,
    pub items: Vec<PayoutItem>,
}

/// One write to Xero. Amounts are positive; the direction is in the variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Write {
    /// A Payment against an invoice, into a bank account.
    Payment { key: String, invoice_id: String, account: String, amount: Money, date: Date, reference: String },
    /// Money into `bank_account` from `account_code` (a RECEIVE bank transaction).
    Receive { key: String, bank_account: String, account_code: String, amount: Money, date: Date, reference: String },
    /// Money out of `bank_account` to `account_code` (a SPEND bank transaction).
    Spend { key: String, bank_account: String, account_code: String, amount: Money, date: Date, reference: String },
    /// A bank transfer between two bank accounts.
    Transfer { key: String, from: String, to: String, amount: Money, date: Date, reference: String },
    /// Deletes what the write under `of` created (a Payment or a bank transaction).
    Undo { key: String, of: String },
}

impl Write {
    pub fn key(&self) -> &str {
        match self {
            Write::Payment { key, .. }
            | Write::Receive { key, .. }
            | Write::Spend { key, .. }
            | Write::Transfer { key, .. }
            | Write::Undo { key, .. } => key,
        }
    }
}

/// Something the books cannot settle alone; shown to a person with the invoice or payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attention {
    /// The payment was more than the invoice still owed; the excess waits in suspense.
    Overpaid { invoice_id: String, excess: Money },
    /// The invoice still owes `remaining` after this payment.
    PartlyPaid { invoice_id: String, remaining: Money },
    /// Money arrived for an invoice that is no longer open; it waits in suspense.
    InvoiceNotOpen { invoice_id: String, status: String, amount: Money },
    /// A payment for no invoice of the app's; it waits in suspense.
    NoInvoice { payment_id: String, amount: Money },
    /// The payment came back; its invoice is open again.
    Reversed { payment_id: String, invoice_id: Option<String>, reason: Reversal },
    /// A refund was paid out; the invoice needs a credit note.
    Refunded { payment_id: String, amount: Money },
    /// A payout line of a kind the books do not know; it waits in suspense.
    UnknownItem { payout_id: String, description: String, amount: Money },
}

impl Attention {
    /// A short name of what happened, for filtering and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            Attention::Overpaid { .. } => "overpaid",
            Attention::PartlyPaid { .. } => "partly_paid",
            Attention::InvoiceNotOpen { .. } => "invoice_not_open",
            Attention::NoInvoice { .. } => "no_invoice",
            Attention::Reversed { reason: Reversal::ChargedBack, .. } => "charged_back",
            Attention::Reversed { reason: Reversal::LateFailure, .. } => "late_failure",
            Attention::Refunded { .. } => "refunded",
            Attention::UnknownItem { .. } => "unknown_payout_item",
        }
    }

    /// The Xero invoice this concerns, when there is one.
    pub fn invoice_id(&self) -> Option<&str> {
        match self {
            Attention::Overpaid { invoice_id, .. }
            | Attention::PartlyPaid { invoice_id, .. }
            | Attention::InvoiceNotOpen { invoice_id, .. } => Some(invoice_id),
            Attention::Reversed { invoice_id, .. } => invoice_id.as_deref(),
            Attention::NoInvoice { .. } | Attention::Refunded { .. } | Attention::UnknownItem { .. } => None,
        }
    }

    /// What happened and what a person does about it, in a sentence.
    pub fn sentence(&self) -> String {
        match self {
            Attention::Overpaid { excess, .. } => format!(
                "Paid {excess} more than the invoice owed: the excess waits in the suspense account until it is refunded or applied to another invoice."
            ),
            Attention::PartlyPaid { remaining, .. } => {
                format!("Partly paid: the invoice still owes {remaining}.")
            }
            Attention::InvoiceNotOpen { status, amount, .. } => format!(
                "{amount} arrived for an invoice that is {status}, not open: it waits in the suspense account."
            ),
            Attention::NoInvoice { payment_id, amount } => format!(
                "{amount} (payment {payment_id}) belongs to no invoice of this app: it waits in the suspense account."
            ),
            Attention::Reversed { reason: Reversal::ChargedBack, .. } => "Charged back by the payer's bank: the Xero payment was undone and the invoice is open again. Ask the customer how they will pay.".to_owned(),
            Attention::Reversed { reason: Reversal::LateFailure, .. } => "The bank returned the payment after it was confirmed: the Xero payment was undone and the invoice is open again.".to_owned(),
            Attention::Refunded { amount, .. } => {
                format!("{amount} was refunded to the payer: record a credit note for the invoice in Xero.")
            }
            Attention::UnknownItem { description, amount, .. } => format!(
                "A payout line the books do not know ({description}, {amount}) waits in the suspense account."
            ),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub writes: Vec<Write>,
    pub attention: Vec<Attention>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettlementError {
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error("payout {payout_id}: its items add up to {items}, not to the payout's {amount}")]
    ItemsDoNotAddUp { payout_id: String, items: Money, amount: Money },
    #[error("payment {payment_id} is {amount}, but its invoice is in {invoice_currency}")]
    CurrencyMismatch { payment_id: String, amount: Money, invoice_currency: Currency },
    #[error("payout {payout_id} lists payments whose {what} is not booked yet: {}", payment_ids.join(", "))]
    NotBookedYet { payout_id: String, what: &'static str, payment_ids: Vec<String> },
    #[error("{what} must be positive, not {amount}")]
    NotPositive { what: &'static str, amount: Money },
}

fn key(provider: &str, id: &str, purpose: &str) -> String {
    format!("{provider}:{id}:{purpose}")
}

/// Step 1: a confirmed payment into the clearing account, against its invoice as far as the
/// invoice still owes.
pub fn book_confirmed(p: &Confirmed, invoice: Option<&Invoice>, acc: &Accounts) -> Result<Plan, SettlementError> {
    if !is_positive(&p.amount) {
        return Err(SettlementError::NotPositive { what: "a confirmed payment", amount: p.amount });
    }
    let mut plan = Plan::default();
    let suspense = |amount: Money, purpose: &str| Write::Receive {
        key: key(&p.provider, &p.payment_id, purpose),
        bank_account: acc.clearing.clone(),
        account_code: acc.suspense.clone(),
        amount,
        date: p.on,
        reference: p.reference.clone(),
    };
    let (Some(invoice_id), Some(invoice)) = (&p.invoice_id, invoice) else {
        plan.writes.push(suspense(p.amount, "unapplied"));
        plan.attention.push(Attention::NoInvoice { payment_id: p.payment_id.clone(), amount: p.amount });
        return Ok(plan);
    };
    let amount_due = match invoice {
        Invoice::Open { amount_due } => *amount_due,
        Invoice::Closed { status } => {
            plan.writes.push(suspense(p.amount, "unapplied"));
            plan.attention.push(Attention::InvoiceNotOpen {
                invoice_id: invoice_id.clone(),
                status: status.clone(),
                amount: p.amount,
            });
            return Ok(plan);
        }
    };
    if amount_due.currency != p.amount.currency {
        return Err(SettlementError::CurrencyMismatch {
            payment_id: p.payment_id.clone(),
            amount: p.amount,
            invoice_currency: amount_due.currency,
        });
    }
    let applied = if p.amount.amount > amount_due.amount { amount_due } else { p.amount };
    if is_positive(&applied) {
        plan.writes.push(Write::Payment {
            key: key(&p.provider, &p.payment_id, "payment"),
            invoice_id: invoice_id.clone(),
            account: acc.clearing.clone(),
            amount: applied,
            date: p.on,
            reference: p.reference.clone(),
        });
    }
    let excess = p.amount.checked_sub(applied)?;
    if is_positive(&excess) {
        plan.writes.push(suspense(excess, "excess"));
        plan.attention.push(Attention::Overpaid { invoice_id: invoice_id.clone(), excess });
    }
    let remaining = amount_due.checked_sub(applied)?;
    if is_positive(&remaining) {
        plan.attention.push(Attention::PartlyPaid { invoice_id: invoice_id.clone(), remaining });
    }
    Ok(plan)
}

/// Step 3: a payment came back. Undoes what its confirmation booked (`booked`: the writes
/// [`book_confirmed`] returned for it; empty when it failed before it was confirmed).
pub fn book_reversal(
    provider: &str,
    payment_id: &str,
    invoice_id: Option<&str>,
    reason: Reversal,
    booked: &[Write],
) -> Plan {
    let writes = booked
        .iter()
        .filter(|w| !matches!(w, Write::Undo { .. } | Write::Transfer { .. }))
        .map(|w| Write::Undo { key: key(provider, payment_id, &format!("undo:{}", w.key())), of: w.key().to_owned() })
        .collect::<Vec<_>>();
    let attention = if writes.is_empty() {
        Vec::new()
    } else {
        vec![Attention::Reversed {
            payment_id: payment_id.to_owned(),
            invoice_id: invoice_id.map(str::to_owned),
            reason,
        }]
    };
    Plan { writes, attention }
}

/// Money a provider gave back to a payer straight from what it holds for the merchant (Saferpay
/// refunds a captured debit; it pays the merchant that much less). The confirmed payment stays
/// on the invoice: the refund is spent from the clearing account into suspense, where it waits
/// for the credit note a person raises against the invoice (as a GoCardless refund does when its
/// payout line arrives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refunded {
    pub provider: String,
    pub refund_id: String,
    /// The payment refunded.
    pub payment_id: String,
    pub amount: Money,
    pub on: Date,
    pub reference: String,
}

/// Step 4 (providers that refund from what they hold): one spend from clearing into suspense.
pub fn book_refund(r: &Refunded, acc: &Accounts) -> Result<Plan, SettlementError> {
    if !is_positive(&r.amount) {
        return Err(SettlementError::NotPositive { what: "a refund", amount: r.amount });
    }
    Ok(Plan {
        writes: vec![Write::Spend {
            key: key(&r.provider, &r.refund_id, "refund"),
            bank_account: acc.clearing.clone(),
            account_code: acc.suspense.clone(),
            amount: r.amount,
            date: r.on,
            reference: r.reference.clone(),
        }],
        attention: vec![Attention::Refunded { payment_id: r.payment_id.clone(), amount: r.amount }],
    })
}

/// Where the app stands with a payment a payout lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Booked {
    /// Its confirmation is booked and stands.
    Confirmed,
    /// Its confirmation was booked and then undone.
    Reversed,
    /// Nothing is booked for it yet.
    Nothing,
    /// The books do not follow it: not collected through the app, or confirmed before the books
    /// used the clearing account. Its payout line goes to suspense for a person.
    Foreign,
}

/// Step 2: a payout. Its payments' money is already in the clearing account (step 1), and a
/// reversed payment's already out of it (step 3): the payout books its fees, refunds and
/// unknown lines, and moves the net sum to the bank. `booked` says where each payment stands;
/// a payout listing a payment whose confirmation (or reversal) is not booked yet is refused, so
/// the caller books those facts first, in the order they happened.
pub fn book_payout(p: &Payout, booked: impl Fn(&str) -> Booked, acc: &Accounts) -> Result<Plan, SettlementError> {
    let currency = p.amount.currency;
    let mut total = Money::zero(currency);
    for item in &p.items {
        total = total.checked_add(item.amount)?;
    }
    if total.amount != p.amount.amount {
        return Err(SettlementError::ItemsDoNotAddUp {
            payout_id: p.payout_id.clone(),
            items: total,
            amount: p.amount,
        });
    }
    let missing = |what: &'static str, ids: Vec<String>| SettlementError::NotBookedYet {
        payout_id: p.payout_id.clone(),
        what,
        payment_ids: ids,
    };
    let unconfirmed: Vec<String> = p
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::PaidOut { payment_id } if booked(payment_id) == Booked::Nothing => Some(payment_id.clone()),
            _ => None,
        })
        .collect();
    if !unconfirmed.is_empty() {
        return Err(missing("confirmation", unconfirmed));
    }
    let unreversed: Vec<String> = p
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::Reversed { payment_id, .. }
                if !matches!(booked(payment_id), Booked::Reversed | Booked::Foreign) =>
            {
                Some(payment_id.clone())
            }
            _ => None,
        })
        .collect();
    if !unreversed.is_empty() {
        return Err(missing("reversal", unreversed));
    }

    let mut plan = Plan::default();
    let k = |purpose: &str| key(&p.provider, &p.payout_id, purpose);
    let mut fees = Money::zero(currency);
    for (n, item) in p.items.iter().enumerate() {
        match &item.kind {
            ItemKind::PaidOut { payment_id } if booked(payment_id) == Booked::Foreign => {
                plan.writes.push(bank_line(&k(&format!("foreign:{n}")), &acc.clearing, &acc.suspense, item.amount, p)?);
                plan.attention.push(Attention::NoInvoice { payment_id: payment_id.clone(), amount: item.amount });
            }
            ItemKind::Reversed { payment_id, reason } if booked(payment_id) == Booked::Foreign => {
                plan.writes.push(bank_line(&k(&format!("foreign:{n}")), &acc.clearing, &acc.suspense, item.amount, p)?);
                plan.attention.push(Attention::Reversed {
                    payment_id: payment_id.clone(),
                    invoice_id: None,
                    reason: *reason,
                });
            }
            ItemKind::PaidOut { .. } | ItemKind::Reversed { .. } => {}
            ItemKind::Fee => fees = fees.checked_add(item.amount)?,
            ItemKind::Refund { payment_id } => {
                plan.writes.push(bank_line(&k(&format!("refund:{n}")), &acc.clearing, &acc.suspense, item.amount, p)?);
                plan.attention
                    .push(Attention::Refunded { payment_id: payment_id.clone(), amount: negate(item.amount) });
            }
            ItemKind::Other { description } => {
                plan.writes.push(bank_line(&k(&format!("other:{n}")), &acc.clearing, &acc.suspense, item.amount, p)?);
                plan.attention.push(Attention::UnknownItem {
                    payout_id: p.payout_id.clone(),
                    description: description.clone(),
                    amount: item.amount,
                });
            }
        }
    }
    if !fees.amount.is_zero() {
        plan.writes.push(bank_line(&k("fees"), &acc.clearing, &acc.fees, fees, p)?);
    }
    if is_positive(&p.amount) {
        plan.writes.push(transfer(&k("transfer"), &acc.clearing, &acc.bank, p.amount, p));
    } else if p.amount.is_negative() {
        plan.writes.push(transfer(&k("transfer"), &acc.bank, &acc.clearing, negate(p.amount), p));
    }
    Ok(plan)
}

/// A signed amount in or out of `bank`: + received from `code`, − spent to it.
fn bank_line(key: &str, bank: &str, code: &str, signed: Money, p: &Payout) -> Result<Write, SettlementError> {
    let (key, bank_account, account_code, date, reference) =
        (key.to_owned(), bank.to_owned(), code.to_owned(), p.arrives_on, p.reference.clone());
    Ok(if signed.is_negative() {
        Write::Spend { key, bank_account, account_code, amount: negate(signed), date, reference }
    } else {
        Write::Receive { key, bank_account, account_code, amount: signed, date, reference }
    })
}

fn transfer(key: &str, from: &str, to: &str, amount: Money, p: &Payout) -> Write {
    Write::Transfer {
        key: key.to_owned(),
        from: from.to_owned(),
        to: to.to_owned(),
        amount,
        date: p.arrives_on,
        reference: p.reference.clone(),
    }
}

fn negate(m: Money) -> Money {
    Money::new(-m.amount, m.currency)
}

fn is_positive(m: &Money) -> bool {
    m.amount > Decimal::ZERO
}

/// What a sequence of writes leaves in one bank account (the clearing account, normally):
/// the check that a plan balances, and the figure Settings shows beside the account.
#[derive(Debug, Clone)]
pub struct Clearing {
    account: String,
    balance: Money,
    /// Each write's effect on the account, by key, so an Undo takes back exactly that.
    effects: HashMap<String, Money>,
}

impl Clearing {
    pub fn new(account: &str, currency: Currency) -> Self {
        Self { account: account.to_owned(), balance: Money::zero(currency), effects: HashMap::new() }
    }

    pub fn balance(&self) -> Money {
        self.balance
    }

    /// Applies a write once (a key seen before changes nothing, as the outbox guarantees).
    pub fn apply(&mut self, w: &Write) -> Result<(), MoneyError> {
        if self.effects.contains_key(w.key()) {
            return Ok(());
        }
        let zero = Money::zero(self.balance.currency);
        let effect = match w {
            Write::Payment { account, amount, .. } | Write::Receive { bank_account: account, amount, .. } => {
                if *account == self.account {
                    *amount
                } else {
                    zero
                }
            }
            Write::Spend { bank_account, amount, .. } => {
                if *bank_account == self.account {
                    negate(*amount)
                } else {
                    zero
                }
            }
            Write::Transfer { from, to, amount, .. } => match (from == &self.account, to == &self.account) {
                (true, false) => negate(*amount),
                (false, true) => *amount,
                _ => zero,
            },
            Write::Undo { of, .. } => negate(self.effects.get(of).copied().unwrap_or(zero)),
        };
        self.balance = self.balance.checked_add(effect)?;
        self.effects.insert(w.key().to_owned(), effect);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
