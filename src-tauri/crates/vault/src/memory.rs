use crate::{validate_key, Result, SecretStore, VaultKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use xp_core::Sensitive;

/// Secrets in process memory: for unit tests and for nothing else.
#[derive(Clone, Default)]
pub struct MemoryStore(Arc<Mutex<HashMap<String, String>>>);

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map(|m| m.len()).unwrap_or_default();
        write!(f, "MemoryStore({n} secrets)")
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        validate_key(key)?;
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map.get(key).cloned().map(Sensitive::new))
    }

    fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()> {
        validate_key(key)?;
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(key.to_owned(), value.expose().clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<()> {
        validate_key(key)?;
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
        Ok(())
    }

    fn kind(&self) -> VaultKind {
        VaultKind::Memory
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_delete_round_trip() {
        let v = MemoryStore::new();
        assert!(v.get("a/b").unwrap().is_none());
        v.set("a/b", &Sensitive::new("s3cret".into())).unwrap();
        assert_eq!(v.get("a/b").unwrap().unwrap().expose(), "s3cret");
        v.delete("a/b").unwrap();
        v.delete("a/b").unwrap();
        assert!(v.get("a/b").unwrap().is_none());
    }

    #[test]
    fn debug_shows_no_values() {
        let v = MemoryStore::new();
        v.set("k", &Sensitive::new("s3cret".into())).unwrap();
        assert_eq!(format!("{v:?}"), "MemoryStore(1 secrets)");
    }

    #[test]
    fn refuses_odd_key_names() {
        let v = MemoryStore::new();
        for bad in ["", "a b", "a\nb", "ä"] {
            assert!(v.set(bad, &Sensitive::new("x".into())).is_err(), "{bad:?} accepted");
        }
    }
}
