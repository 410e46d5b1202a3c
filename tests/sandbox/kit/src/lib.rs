//! The parts every provider emulator of the sandbox shares.
//!
//! An emulator is a crate that exposes `router(ctx, seed) -> axum::Router`, mounted by the
//! sandbox server under its prefix. It reads time from [`SimClock`] (so lifecycles can be
//! fast-forwarded from the admin API), records what it served in [`Counters`], and wraps its
//! router in [`faults::layer`] so tests can inject 429 storms, 5xx, latency, resets and broken
//! bodies, each rendered in the provider's own error envelope.

pub mod clock;
pub mod counters;
pub mod demo;
pub mod faults;
pub mod gate;
pub mod persist;
pub mod seed;

pub use clock::SimClock;
pub use counters::Counters;
pub use faults::{Fault, FaultKind, Faults};
pub use gate::Gate;
pub use persist::Persist;
pub use seed::Seed;

use std::time::Duration;

/// Handed to every emulator.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub clock: SimClock,
    pub counters: Counters,
    pub faults: Faults,
    /// Length of a rate-limit "minute" (`--minute-ms`); 60 s unless shrunk for benchmarks.
    pub minute: Duration,
}

impl Ctx {
    pub fn new(minute: Duration) -> Self {
        Self { clock: SimClock::new(), counters: Counters::default(), faults: Faults::default(), minute }
    }
}
