//! Where data, logs and configuration live: the OS conventions, overridable per run.

use std::path::{Path, PathBuf};
use xp_ipc::Profile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub data_dir: PathBuf,
}

impl Paths {
    /// `override_dir` (from `--data-dir` or `XP_DATA_DIR`) wins; otherwise the platform's data
    /// folder: `~/.local/share/xero-partner` on Linux,
    /// `~/Library/Application Support/com.xeropartner.xero-partner` on macOS,
    /// `%APPDATA%\xeropartner\xero-partner\data` on Windows.
    pub fn resolve(override_dir: Option<&Path>) -> Paths {
        Self::for_profile(override_dir, Profile::Production)
    }

    /// As [`Paths::resolve`], with the sandbox profile's default folder beside production's
    /// (`xero-partner-sandbox`): a sandbox run never opens the production database by default.
    pub fn for_profile(override_dir: Option<&Path>, profile: Profile) -> Paths {
        let app = match profile {
            Profile::Production => "xero-partner",
            Profile::Sandbox => "xero-partner-sandbox",
        };
        let data_dir = override_dir
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("XP_DATA_DIR").map(PathBuf::from))
            .or_else(|| directories::ProjectDirs::from("com", "xeropartner", app).map(|d| d.data_dir().to_path_buf()))
            .unwrap_or_else(|| PathBuf::from(format!(".{app}")));
        Paths { data_dir }
    }

    pub fn db_file(&self) -> PathBuf {
        self.data_dir.join("xero-partner.db")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    pub fn plaintext_secrets_file(&self) -> PathBuf {
        self.data_dir.join("secrets.plaintext.json")
    }

    /// The default configuration file when `--config` is not given.
    pub fn default_config_file() -> Option<PathBuf> {
        directories::ProjectDirs::from("com", "xeropartner", "xero-partner").map(|d| d.config_dir().join("config.toml"))
    }

    /// The vault entry holding this data folder's database key. Derived from the folder so two
    /// data folders (a second company file, a test) never share or overwrite one key.
    pub fn store_key_name(&self) -> String {
        use sha2::Digest;
        let canonical = std::fs::canonicalize(&self.data_dir).unwrap_or_else(|_| self.data_dir.clone());
        let digest = sha2::Sha256::digest(canonical.to_string_lossy().as_bytes());
        format!("store-key/{}", &hex::encode(digest)[..32])
    }

    /// The vault entry holding the key of this data folder's audit chain.
    pub fn audit_key_name(&self) -> String {
        self.store_key_name().replacen("store-key/", "audit-key/", 1)
    }

    /// The vault entry holding this data folder's signed audit head.
    pub fn audit_head_name(&self) -> String {
        self.store_key_name().replacen("store-key/", "audit-head/", 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_wins_and_files_live_inside_the_data_dir() {
        let p = Paths::resolve(Some(Path::new("/tmp/xp-test")));
        assert_eq!(p.db_file(), PathBuf::from("/tmp/xp-test/xero-partner.db"));
        assert_eq!(p.log_dir(), PathBuf::from("/tmp/xp-test/logs"));
    }

    #[test]
    fn the_sandbox_profile_has_its_own_default_folder() {
        if std::env::var_os("XP_DATA_DIR").is_some() {
            return; // an explicit folder wins for both profiles
        }
        let prod = Paths::for_profile(None, Profile::Production).data_dir;
        let sandbox = Paths::for_profile(None, Profile::Sandbox).data_dir;
        assert_ne!(prod, sandbox);
        assert!(!sandbox.starts_with(&prod), "{} must not be inside {}", sandbox.display(), prod.display());
    }

    #[test]
    fn each_data_dir_has_its_own_key_name() {
        let a = Paths::resolve(Some(Path::new("/tmp/xp-a"))).store_key_name();
        let b = Paths::resolve(Some(Path::new("/tmp/xp-b"))).store_key_name();
        assert_ne!(a, b);
        assert!(a.starts_with("store-key/") && a.len() == "store-key/".len() + 32);
    }
}
