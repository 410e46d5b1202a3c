//! Typed rows in: what the connector read from GoCardless, as the store keeps it. They travel
//! from the engine's source to its sink as JSON, so they (de)serialise; amounts stay [`Money`]
//! (exact decimal text on the way).

use serde::{Deserialize, Serialize};
use xp_core::Money;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: String,
    pub created_at: String,
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub company_name: Option<String>,
    pub country_code: Option<String>,
}

/// A payer's bank account: its last digits and its bank, never the account number or IBAN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    pub id: String,
    pub customer_id: String,
    pub created_at: String,
    pub account_number_ending: String,
    pub bank_name: Option<String>,
    pub currency: Option<String>,
    pub country_code: Option<String>,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mandate {
    pub id: String,
    pub customer_id: String,
    pub bank_account_id: String,
    pub created_at: String,
    pub reference: String,
    pub status: String,
    pub scheme: String,
    pub next_possible_charge_date: Option<String>,
    /// Why it was cancelled, failed or expired (an event's cause); None from a list, which
    /// then keeps the reason stored before while the status stays final.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub id: String,
    pub mandate_id: String,
    pub created_at: String,
    pub charge_date: String,
    pub amount: Money,
    pub amount_refunded: Money,
    pub status: String,
    pub reference: Option<String>,
    pub description: Option<String>,
    pub payout_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub id: String,
    pub payment_id: String,
    pub created_at: String,
    pub amount: Money,
    pub status: String,
    pub reference: Option<String>,
}

/// A payout with its lines; the amount is negative when more went out than came in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payout {
    pub id: String,
    pub created_at: String,
    pub amount: Money,
    pub deducted_fees: Money,
    pub status: String,
    pub arrival_date: Option<String>,
    pub reference: String,
    pub payout_type: String,
    pub items: Vec<PayoutItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutItem {
    pub item_type: String,
    pub amount: Money,
    pub payment_id: Option<String>,
    pub mandate_id: Option<String>,
    pub refund_id: Option<String>,
}

/// One event of the feed and the resources it changed, as re-read after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub created_at: String,
    pub resource_type: String,
    pub action: String,
    pub changed: Vec<Record>,
    /// A payment event's payment (`links.payment`): the collection it moves, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// Why, as the event's details say it (description, else cause), for the timeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A failed payment GoCardless will submit again itself (`details.will_attempt_retry`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub will_attempt_retry: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    Customer(Customer),
    BankAccount(BankAccount),
    Mandate(Mandate),
    Payment(Payment),
    Refund(Refund),
    Payout(Payout),
    Event(Event),
}
