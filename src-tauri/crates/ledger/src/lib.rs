//! The ledger's rules, free of I/O and of any provider: what a movement of money means in the
//! organisation's books. A connector turns its provider's records into the neutral facts here
//! (a payment confirmed, reversed, paid out with its items); these modules answer with the
//! Xero writes to make, each with the idempotency key the outbox sends it under, and with what
//! needs a person.
//!
//! - [`settlement`]: direct debit the way accountants book it — every collected payment into a
//!   clearing bank account, the provider's fees as spend money, the net payout as a transfer
//!   to the real bank account, a reversal when a payment comes back.

pub mod settlement;
