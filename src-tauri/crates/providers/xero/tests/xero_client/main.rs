//! xp-xero against the real Xero sandbox emulator over loopback HTTP: connections, every
//! resource of both demo organisations, paging, If-Modified-Since, idempotent payments,
//! validation, expired tokens, disconnected tenants, injected faults and governor pacing.
#![allow(clippy::unwrap_used)]

mod failures;
mod pacing;
mod payments;
mod reads;
mod sandbox;
