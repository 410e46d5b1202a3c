//! xp-auth against the real Xero sandbox emulator over HTTP: the whole loopback sign-in, state
//! checks, single-flight refresh with rotation, lost refresh answers and revoked grants.
#![allow(clippy::unwrap_used)]

mod flow;
mod refresh;
mod sandbox;
