//! Runs against the real OS keychain. CI provides one (gnome-keyring under dbus-run-session);
//! set XP_REQUIRE_KEYCHAIN=1 to turn "no keychain here" into a failure instead of a skip.
#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

use xp_core::Sensitive;
use xp_vault::{KeychainStore, SecretStore, VaultKind};

fn keychain() -> Option<KeychainStore> {
    let service = format!("com.xeropartner.test.{}", uuid::Uuid::new_v4());
    match KeychainStore::open_with_service(&service) {
        Ok(k) => Some(k),
        Err(e) if std::env::var_os("XP_REQUIRE_KEYCHAIN").is_none() => {
            eprintln!("skipping: no keychain here: {e}");
            None
        }
        Err(e) => panic!("XP_REQUIRE_KEYCHAIN is set but the keychain failed: {e}"),
    }
}

#[test]
fn real_keychain_round_trip() {
    let Some(k) = keychain() else { return };
    assert_eq!(k.kind(), VaultKind::Keychain);
    let key = "xero/refresh/test";
    assert!(k.get(key).unwrap().is_none());
    k.set(key, &Sensitive::new("refresh-123".into())).unwrap();
    assert_eq!(k.get(key).unwrap().unwrap().expose(), "refresh-123");
    k.set(key, &Sensitive::new("refresh-456".into())).unwrap();
    assert_eq!(k.get(key).unwrap().unwrap().expose(), "refresh-456", "set must replace");
    k.delete(key).unwrap();
    assert!(k.get(key).unwrap().is_none());
    k.delete(key).unwrap();
}

#[test]
fn keychain_unavailable_is_a_clear_error() {
    // With no session bus at all, Secret Service cannot be reached: the error must say what to do.
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "probe_without_bus", "--nocapture", "--ignored"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .env("XP_PROBE_CHILD", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "probe child failed: {text}");
    #[cfg(target_os = "linux")]
    assert!(text.contains("keychain is not available"), "unexpected probe output: {text}");
}

#[test]
#[ignore = "run as a child of keychain_unavailable_is_a_clear_error"]
fn probe_without_bus() {
    if std::env::var_os("XP_PROBE_CHILD").is_none() {
        return;
    }
    match KeychainStore::open_with_service("com.xeropartner.test.nobus") {
        Ok(_) => println!("opened"),
        Err(e) => println!("{e}"),
    }
}
