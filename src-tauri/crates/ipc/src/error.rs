//! The error every command returns. `ErrorCode` comes from `xp-core`, which every crate's error maps to.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
pub use xp_core::ErrorCode;

/// The error every command returns: a code the UI may branch on, a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "error/")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

/// This area's TypeScript bindings: `(path under ui/src/lib/bindings, content)`. `ErrorCode` is
/// exported beside the root, where `xp-core` puts it.
pub(crate) fn bindings(cfg: &ts_rs::Config) -> Vec<(String, String)> {
    crate::bindings_of![cfg; ErrorCode, IpcError]
}
