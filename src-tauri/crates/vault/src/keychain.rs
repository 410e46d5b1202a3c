use crate::{validate_key, Error, Result, SecretStore, VaultKind, SERVICE};
use xp_core::Sensitive;

/// The OS keychain: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows.
#[derive(Debug, Clone)]
pub struct KeychainStore {
    service: String,
}

impl KeychainStore {
    /// Opens the keychain and proves it works with a write/read/delete round trip, so that an
    /// unavailable keychain is reported at start-up and not at the first secret.
    pub fn open() -> Result<Self> {
        Self::open_with_service(SERVICE)
    }

    pub fn open_with_service(service: &str) -> Result<Self> {
        let store = Self { service: service.to_owned() };
        // Unique per process and call: parallel processes (the app and the CLI, or tests) must not
        // delete each other's probe between write and read.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let probe_key = format!("probe/{}-{nanos}", std::process::id());
        store.set(&probe_key, &Sensitive::new("ok".to_owned()))?;
        let read = store.get(&probe_key)?;
        store.delete(&probe_key)?;
        match read {
            Some(v) if v.expose() == "ok" => Ok(store),
            _ => Err(Error::Unavailable("the keychain did not return what was written".into())),
        }
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry> {
        validate_key(key)?;
        #[cfg(target_os = "linux")]
        let cred = keyring::secret_service::SsCredential::new_with_target(None, &self.service, key).map_err(map_err)?;
        #[cfg(target_os = "macos")]
        let cred =
            keyring::macos::MacCredential::new_with_target(keyring::macos::MacKeychainDomain::User, &self.service, key)
                .map_err(map_err)?;
        #[cfg(target_os = "windows")]
        let cred = keyring::windows::WinCredential::new_with_target(None, &self.service, key).map_err(map_err)?;
        // Constructing the platform credential directly (instead of keyring's default builder)
        // makes it impossible for this type to end up on keyring's mock store.
        Ok(keyring::Entry::new_with_credential(Box::new(cred)))
    }
}

fn map_err(e: keyring::Error) -> Error {
    match e {
        keyring::Error::PlatformFailure(inner) => Error::Unavailable(inner.to_string()),
        keyring::Error::NoStorageAccess(inner) => Error::Unavailable(inner.to_string()),
        other => Error::Denied(other.to_string()),
    }
}

impl SecretStore for KeychainStore {
    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        match self.entry(key)?.get_password() {
            Ok(v) => Ok(Some(Sensitive::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()> {
        self.entry(key)?.set_password(value.expose()).map_err(map_err)
    }

    fn delete(&self, key: &str) -> Result<()> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }

    fn kind(&self) -> VaultKind {
        VaultKind::Keychain
    }
}
