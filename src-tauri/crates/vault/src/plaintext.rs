use crate::{validate_key, Error, Result, SecretStore, VaultKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use xp_core::Sensitive;

/// Secrets in a JSON file readable only by the user. Used only when the user explicitly opted
/// in because no keychain is available; the app warns about it at every start.
#[derive(Debug)]
pub struct PlaintextFileStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl PlaintextFileStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), lock: Mutex::new(()) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load(&self) -> Result<BTreeMap<String, String>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| self.file_error(e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(self.file_error(e)),
        }
    }

    fn save(&self, map: &BTreeMap<String, String>) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(map).map_err(|e| self.file_error(e))?;
        // Write to a sibling and rename, so a crash never leaves half a file of secrets.
        let tmp = self.path.with_extension("tmp");
        // A leftover (or a planted symlink) is removed, never written through: the new file is
        // created exclusively, and O_CREAT|O_EXCL does not follow a symlink.
        match std::fs::remove_file(&tmp) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(self.file_error(e)),
        }
        write_private(&tmp, &bytes).map_err(|e| self.file_error(e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| self.file_error(e))
    }

    fn file_error(&self, e: impl std::fmt::Display) -> Error {
        Error::PlaintextFile { path: self.path.display().to_string(), reason: e.to_string() }
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

impl SecretStore for PlaintextFileStore {
    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        validate_key(key)?;
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        Ok(self.load()?.remove(key).map(Sensitive::new))
    }

    fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()> {
        validate_key(key)?;
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut map = self.load()?;
        map.insert(key.to_owned(), value.expose().clone());
        self.save(&map)
    }

    fn delete(&self, key: &str) -> Result<()> {
        validate_key(key)?;
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut map = self.load()?;
        if map.remove(key).is_some() {
            self.save(&map)?;
        }
        Ok(())
    }

    fn kind(&self) -> VaultKind {
        VaultKind::PlaintextFile
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persists_across_instances_with_private_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        PlaintextFileStore::new(&path).set("k", &Sensitive::new("v".into())).unwrap();
        let again = PlaintextFileStore::new(&path);
        assert_eq!(again.get("k").unwrap().unwrap().expose(), "v");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "secrets file must be readable by the owner only");
        }
    }

    /// Security review 2026-12 #13: the temporary file was opened with create+truncate, so a
    /// symlink planted at its name made the vault write secrets through it.
    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_temporary_name_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let elsewhere = dir.path().join("elsewhere.txt");
        std::fs::write(&elsewhere, b"untouched").unwrap();
        std::os::unix::fs::symlink(&elsewhere, path.with_extension("tmp")).unwrap();
        PlaintextFileStore::new(&path).set("k", &Sensitive::new("v".into())).unwrap();
        assert_eq!(std::fs::read(&elsewhere).unwrap(), b"untouched", "the link's target was written");
        assert_eq!(PlaintextFileStore::new(&path).get("k").unwrap().unwrap().expose(), "v");
    }

    #[test]
    fn a_corrupt_file_is_an_error_not_an_empty_vault() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        std::fs::write(&path, b"{not json").unwrap();
        let store = PlaintextFileStore::new(&path);
        assert!(store.get("k").is_err());
        assert!(store.set("k", &Sensitive::new("v".into())).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"{not json", "must not overwrite what it cannot read");
    }
}
