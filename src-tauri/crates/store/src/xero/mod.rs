//! Xero records, cached for offline work: the sync engine writes pages of raw records (Xero's
//! own JSON, shared/providers/xero.md §5) with [`upsert`] inside its own transaction, and the UI
//! reads every list and detail view through the queries in [`query`].
//!
//! Each table keeps the raw JSON plus typed columns for filtering and sorting; see
//! migrations/20261123000002_xero_records.sql for the schema and its indexes.

pub mod export;
mod parse;
pub mod query;
mod write;

pub use query::*;
pub use write::{clear_organisation, delete_missing, upsert};

use serde::Serialize;

/// The Xero resources the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    Invoices,
    Contacts,
    Payments,
    BankTransactions,
    CreditNotes,
    Accounts,
    Organisation,
    Currencies,
    TaxRates,
}

impl Resource {
    pub const ALL: [Resource; 9] = [
        Resource::Invoices,
        Resource::Contacts,
        Resource::Payments,
        Resource::BankTransactions,
        Resource::CreditNotes,
        Resource::Accounts,
        Resource::Organisation,
        Resource::Currencies,
        Resource::TaxRates,
    ];

    /// A stable name, e.g. for `sync_cursors.resource`.
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Invoices => "invoices",
            Resource::Contacts => "contacts",
            Resource::Payments => "payments",
            Resource::BankTransactions => "bank_transactions",
            Resource::CreditNotes => "credit_notes",
            Resource::Accounts => "accounts",
            Resource::Organisation => "organisation",
            Resource::Currencies => "currencies",
            Resource::TaxRates => "tax_rates",
        }
    }

    /// The field holding the record's Xero id; None for the small lists stored whole.
    pub fn id_field(self) -> Option<&'static str> {
        match self {
            Resource::Invoices => Some("InvoiceID"),
            Resource::Contacts => Some("ContactID"),
            Resource::Payments => Some("PaymentID"),
            Resource::BankTransactions => Some("BankTransactionID"),
            Resource::CreditNotes => Some("CreditNoteID"),
            Resource::Accounts => Some("AccountID"),
            Resource::Organisation | Resource::Currencies | Resource::TaxRates => None,
        }
    }
}

impl std::fmt::Display for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Resource {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        Resource::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| crate::Error::InvalidQuery(format!("unknown Xero resource {s:?}")))
    }
}
