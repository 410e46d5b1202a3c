//! The GoCardless Pro API client for SEPA Direct Debit (contract: shared/providers/gocardless.md,
//! as corrected by shared/reviews/sandbox-fidelity-2026-12.md). An HTTP client only: it knows no
//! store, sync engine or ledger.
//!
//! Every call goes through the shared `xp_http::HttpClient`: `Authorization: Bearer`,
//! `GoCardless-Version: 2015-07-06`, JSON envelopes keyed by the resource's plural name. Tokens
//! come in as `Sensitive<String>`; amounts go out and come back as exact [`xp_core::Money`]
//! (integer minor units on the wire, converted by the currency's exponent).
//!
//! Covered:
//! - creditors; customers; customer bank accounts (read only: last digits and bank name);
//!   mandates with cancel and reinstate; mandate setup through a billing request and its hosted
//!   flow ([`GoCardlessClient::start_mandate_setup`] → `authorisation_url`); payments (create,
//!   get, list, cancel, retry); refunds (`total_amount_confirmation` required); payouts and
//!   their items (signed, exact); events, one page at a time or as an exactly-once
//!   [`EventFeed`]; the sandbox's scenario simulators.
//! - Cursor pages ([`Page`], [`ListParams`]).
//! - Idempotent creates: each takes the caller's key (the app keeps it in its outbox intent).
//!   A 409 `idempotent_creation_conflict` returns the resource the key created, so a lost
//!   answer, xp-http's resend and the outbox's later resend all end with one resource.
//! - Typed errors ([`Error`], [`Problem`]) with [`Error::code`]; rate limits: the governor books
//!   1,000 calls a minute per account and follows `RateLimit-Remaining`; a 429 is waited out
//!   until `RateLimit-Reset` when that is within xp-http's cap, else [`Error::RateLimited`].
//! - Retries only where safe: GETs and keyed creates are resent after 5xx, timeouts and resets;
//!   actions (cancel, retry, reinstate) and scenario runs are sent once.
//!
//! Not covered yet: subscriptions and instalment schedules; payment requests inside billing
//! requests (instant bank pay); custom payer pages (`collect_customer_details`, …); creating
//! bank accounts or mandates from an IBAN (the hosted flow does that, so no IBAN passes through
//! the app); updates by PUT (metadata); webhooks (a desktop app cannot receive them); partner
//! OAuth ("connect your users"), which needs a client secret a desktop binary cannot keep;
//! payout item `taxes`; request signing.

mod client;
mod config;
mod error;
mod events;
mod money;
mod pages;
mod rate;
mod requests;
mod types;

pub use client::{GoCardlessClient, MandateSetup};
pub use config::{GoCardlessConfig, API_VERSION, LIVE_API, RATE_LIMIT_PER_MINUTE, SANDBOX_API};
pub use error::{Error, ErrorDetail, Problem, Result};
pub use events::{Batch, Event, EventDetails, EventFeed, EventLinks, FeedStart, Linked, ResourceType};
pub use pages::{ListParams, Page, MAX_LIMIT};
pub use rate::RateLimit;
pub use requests::{NewCustomer, NewFlow, NewMandateRequest, NewPayment, NewRefund, SEPA_CORE};
pub use types::{
    BillingRequest, BillingRequestFlow, BillingRequestFlowLinks, BillingRequestLinks, BillingRequestStatus, Creditor,
    Customer, CustomerBankAccount, CustomerLinks, Mandate, MandateLinks, MandateRequest, MandateStatus, Metadata,
    Payment, PaymentLinks, PaymentStatus, Payout, PayoutItem, PayoutItemLinks, PayoutItemType, PayoutLinks,
    PayoutStatus, Refund, RefundLinks, RefundStatus, SchemeIdentifier,
};
