//! xp-saferpay against the Saferpay emulator (tests/sandbox/saferpay) over loopback HTTP: SEPA
//! debits, captures, refunds, cancellations, the hosted mandate page, the transaction report,
//! Saferpay's error behaviours, and exactly one transaction after lost answers and injected
//! errors.
#![allow(clippy::unwrap_used)]

mod direct_debit;
mod exactly_once;
mod failures;
mod payment_page;
mod report;
mod sandbox;
