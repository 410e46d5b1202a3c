//! xp-gocardless against the GoCardless emulator (tests/sandbox/gocardless) over loopback HTTP:
//! the mandate and payment lifecycle through the scenario simulators with exact amounts,
//! refunds, payouts with debits, the events feed across pages and restarts, idempotent creates
//! under lost answers and reused keys, 429s with `RateLimit-*` headers, and 5xx answers.
#![allow(clippy::unwrap_used)]

mod events;
mod faults;
mod idempotency;
mod lifecycle;
mod payouts;
mod sandbox;
