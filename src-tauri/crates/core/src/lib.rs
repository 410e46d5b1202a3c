//! Vocabulary shared by every crate of Xero Partner: identifiers, exact money, an injectable
//! clock, a wrapper that keeps secrets out of logs, and the error codes the UI may branch on.

pub mod clock;
pub mod error_code;
pub mod ids;
pub mod money;
pub mod redact;
pub mod sensitive;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error_code::ErrorCode;
pub use money::{Currency, Money, MoneyError};
pub use sensitive::Sensitive;
