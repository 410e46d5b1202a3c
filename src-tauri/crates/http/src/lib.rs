//! The one HTTP client every provider uses: rustls, timeouts, retries with exponential backoff
//! and full jitter for connect errors, timeouts and 5xx, `Retry-After` honoured on 429/503, a
//! per-key (host + tenant) rate governor, and tracing that never records headers or bodies.
//!
//! The decisions (retry or not, how long to wait, whether a window has room) are pure functions
//! in `retry` and `governor`; `client` only does the I/O.

mod client;
mod error;
pub mod governor;
pub mod reachability;
pub mod retry;

pub use client::{HttpClient, HttpConfig, Request, Response, DEFAULT_MAX_BODY};
pub use error::{Error, Result};
pub use governor::{Governor, Limits, Permit};
pub use reachability::Reachability;
pub use retry::RetryPolicy;
