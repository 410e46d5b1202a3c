//! GoCardless records, cached per creditor for offline work: the connector maps the client's
//! typed resources into [`rows`], and the sync engine writes pages of them with [`upsert`]
//! inside its own transaction; an event of the feed arrives as a [`rows::Record::Event`] with
//! the resources it changed, and is applied once. See
//! migrations/20261205000001_gocardless_records.sql for the schema.

mod query;
pub mod rows;
pub mod setups;
mod write;

pub use query::{
    counts, feed_since, ids, mandate, mandates, mandates_by_email, mandates_by_name, mandates_of_customer, payment,
    payments, payouts, record_full_load, Counts, FeedState, MandateView,
};
pub use rows::Record;
pub use write::{delete_missing, upsert, Written};

/// The GoCardless lists the store keeps, each a table keyed by the provider's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Customers,
    BankAccounts,
    Mandates,
    Payments,
    Refunds,
    Payouts,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::Customers, Kind::BankAccounts, Kind::Mandates, Kind::Payments, Kind::Refunds, Kind::Payouts];

    /// The table and its id column (constants: never built from input).
    pub(crate) fn table(self) -> (&'static str, &'static str) {
        match self {
            Kind::Customers => ("gocardless_customers", "customer_id"),
            Kind::BankAccounts => ("gocardless_bank_accounts", "bank_account_id"),
            Kind::Mandates => ("gocardless_mandates", "mandate_id"),
            Kind::Payments => ("gocardless_payments", "payment_id"),
            Kind::Refunds => ("gocardless_refunds", "refund_id"),
            Kind::Payouts => ("gocardless_payouts", "payout_id"),
        }
    }
}
