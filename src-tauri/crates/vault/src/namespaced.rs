//! A profile's own corner of a vault: every key is filed under a prefix, so the sandbox profile
//! can never read (and so never send to an emulator) a secret the production profile saved,
//! even on the same keychain and the same data folder.

use crate::{Result, SecretStore, VaultKind};
use std::sync::Arc;
use xp_core::Sensitive;

#[derive(Debug, Clone)]
pub struct Namespaced {
    inner: Arc<dyn SecretStore>,
    prefix: String,
    namespace: String,
}

impl Namespaced {
    /// Keys become `<namespace>/<key>` in `inner`.
    pub fn new(inner: Arc<dyn SecretStore>, namespace: &str) -> Self {
        Self { inner, prefix: format!("{namespace}/"), namespace: namespace.to_owned() }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

impl SecretStore for Namespaced {
    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        self.inner.get(&self.key(key))
    }

    fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()> {
        self.inner.set(&self.key(key), value)
    }

    fn delete(&self, key: &str) -> Result<()> {
        self.inner.delete(&self.key(key))
    }

    fn kind(&self) -> VaultKind {
        self.inner.kind()
    }

    fn namespace(&self) -> Option<&str> {
        Some(&self.namespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryStore;

    #[test]
    fn a_namespace_sees_only_its_own_keys() {
        let shared = MemoryStore::new();
        shared.set("xero/refresh/c1", &Sensitive::new("production-token".into())).unwrap();
        let sandbox = Namespaced::new(Arc::new(shared.clone()), "sandbox");
        assert!(sandbox.get("xero/refresh/c1").unwrap().is_none(), "the production token is out of reach");
        sandbox.set("xero/refresh/c1", &Sensitive::new("sandbox-token".into())).unwrap();
        assert_eq!(shared.get("xero/refresh/c1").unwrap().unwrap().expose(), "production-token", "and untouched");
        assert_eq!(shared.get("sandbox/xero/refresh/c1").unwrap().unwrap().expose(), "sandbox-token");
        sandbox.delete("xero/refresh/c1").unwrap();
        assert!(shared.get("sandbox/xero/refresh/c1").unwrap().is_none());
        assert!(shared.get("xero/refresh/c1").unwrap().is_some());
    }
}
