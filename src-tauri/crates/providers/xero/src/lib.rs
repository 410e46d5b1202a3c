//! The Xero client the sync engine and the app use: `/connections` and the Accounting API
//! (shared/providers/xero.md). Every call goes through the shared `xp_http::HttpClient`, whose
//! governor is booked per organisation and app-wide, and fed Xero's remaining-budget headers,
//! so pacing comes from the governor rather than from 429s.
//!
//! Tokens come in as `Sensitive<String>`; refreshing them is the caller's job
//! (`xp_auth::Refresher`): on `Error::Unauthorized`, refresh once and retry, then ask the user
//! to reconnect.

pub mod bank_writes;
mod client;
mod config;
pub mod dates;
mod error;
mod rate;
pub mod records;
mod resources;
mod types;

pub use bank_writes::{BankTransactionType, NewBankAccount, NewBankTransaction, NewBankTransfer};
pub use client::{Page, PageRequest, Pagination, XeroClient, MAX_PAGE_SIZE};
pub use config::{XeroConfig, PRODUCTION_API, PRODUCTION_IDENTITY, PRODUCTION_LOGIN};
pub use error::{Error, Result};
pub use rate::{RateBudget, RateProblem};
pub use resources::Resource;
pub use types::{decimal, Connection, NewPayment, OrganisationSummary, Payment};
