//! Xero records, cached for offline work: the sync engine writes pages of typed rows
//! ([`rows`], read from the wire by the provider crate and mapped by the connector) with
//! [`upsert`] inside its own transaction, and the UI reads every list and detail view through
//! the queries in [`query`].
//!
//! Each table keeps typed columns for filtering and sorting plus the record as received; see
//! migrations/20261123000002_xero_records.sql for the schema and its indexes, and
//! 20261213000001_xero_records_by_org_key.sql for the organisation key they are stored under.

pub mod accounts;
pub mod export;
mod packed;
pub mod query;
pub mod rows;
mod write;

pub use accounts::{list_accounts, AccountRow};

/// The condition for one organisation's rows, its id bound as the parameter: the Xero tables
/// refer to an organisation by `organisations.org_key` (migration 20261213000001).
const OF_ORG: &str = "org_key = (SELECT org_key FROM organisations WHERE id = ?)";
pub use query::*;
pub use rows::Page;
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
