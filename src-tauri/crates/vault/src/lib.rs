//! Where every secret lives. The app reaches secrets only through [`SecretStore`]:
//! the OS keychain in production, memory in unit tests, and a plaintext file only when the user
//! explicitly opted in because their machine has no keychain.

mod error;
mod keychain;
mod memory;
mod namespaced;
mod plaintext;

pub use error::{Error, Result};
pub use keychain::KeychainStore;
pub use memory::MemoryStore;
pub use namespaced::Namespaced;
pub use plaintext::PlaintextFileStore;

use xp_core::Sensitive;

/// The keychain "service" under which all of the app's entries are filed.
pub const SERVICE: &str = "com.xeropartner.app";

/// A named place for secrets. Keys are plain names like `store-key/<hash>` or
/// `xero/refresh/<connection id>`; values are opaque strings.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>>;
    fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()>;
    /// Removing a key that is not there is not an error.
    fn delete(&self, key: &str) -> Result<()>;
    /// A short name for status screens: "keychain", "memory", "plaintext file".
    fn kind(&self) -> VaultKind;
    /// The namespace every key is filed under, if this is a [`Namespaced`] view: so opening a
    /// runtime again with a vault it handed out does not nest the namespace.
    fn namespace(&self) -> Option<&str> {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultKind {
    Keychain,
    Memory,
    PlaintextFile,
}

/// Checks that a key is a name we would write ourselves; refuses anything that could be
/// confused with a path or carry control characters into a keychain UI.
pub(crate) fn validate_key(key: &str) -> Result<()> {
    let ok =
        !key.is_empty() && key.len() <= 200 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidKey(key.to_owned()))
    }
}
