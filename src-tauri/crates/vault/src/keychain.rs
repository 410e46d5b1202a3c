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

/// Runs a keychain call, once more after a short wait when the platform failed it. A Secret
/// Service daemon that went away (gnome-keyring can abort, GNOME/gnome-keyring#196; a desktop
/// session restarts it, D-Bus activates a new one) fails the call it was answering; the next
/// reaches the new daemon. Each call reads, writes or deletes one key, so doing it again is safe.
fn again_if_the_platform_failed<T>(call: impl Fn() -> keyring::Result<T>) -> keyring::Result<T> {
    match call() {
        Err(keyring::Error::PlatformFailure(_)) => {
            std::thread::sleep(std::time::Duration::from_millis(250));
            call()
        }
        other => other,
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
        let entry = self.entry(key)?;
        match again_if_the_platform_failed(|| entry.get_password()) {
            Ok(v) => Ok(Some(Sensitive::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()> {
        let entry = self.entry(key)?;
        again_if_the_platform_failed(|| entry.set_password(value.expose())).map_err(map_err)
    }

    fn delete(&self, key: &str) -> Result<()> {
        let entry = self.entry(key)?;
        match again_if_the_platform_failed(|| entry.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }

    fn kind(&self) -> VaultKind {
        VaultKind::Keychain
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn platform_failure() -> keyring::Error {
        keyring::Error::PlatformFailure("Message recipient disconnected from message bus without replying".into())
    }

    #[test]
    fn a_call_the_platform_failed_is_made_once_more_and_only_once() {
        let calls = Cell::new(0);
        let answer = again_if_the_platform_failed(|| {
            calls.set(calls.get() + 1);
            if calls.get() == 1 {
                Err(platform_failure())
            } else {
                Ok("kept")
            }
        });
        assert_eq!((answer.ok(), calls.get()), (Some("kept"), 2), "the daemon came back");

        let calls = Cell::new(0);
        let answer: keyring::Result<()> = again_if_the_platform_failed(|| {
            calls.set(calls.get() + 1);
            Err(platform_failure())
        });
        assert!(matches!(answer, Err(keyring::Error::PlatformFailure(_))));
        assert_eq!(calls.get(), 2, "no keychain: the failure is reported after one more try");

        let calls = Cell::new(0);
        let answer: keyring::Result<String> = again_if_the_platform_failed(|| {
            calls.set(calls.get() + 1);
            Err(keyring::Error::NoEntry)
        });
        assert!(matches!(answer, Err(keyring::Error::NoEntry)));
        assert_eq!(calls.get(), 1, "an answer is not asked for again");
    }
}
