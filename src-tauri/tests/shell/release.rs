//! The release guard `build.rs` applies (security review 2026-12 #15, #19): a shipped binary
//! never trusts the development updater key and always has its front end bundled.

mod guard {
    include!("../../build/release_guard.rs");
}
use guard::*;

fn config() -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tauri.conf.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_repository_carries_the_development_key_so_a_plain_release_build_is_refused() {
    let key = updater_pubkey(&config(), None);
    assert_eq!(key.as_deref(), Some(DEV_UPDATER_PUBKEY), "tauri.conf.json's key is the one the guard knows");
    let e = check_release(true, false, key.as_deref(), false).unwrap_err();
    assert!(e.contains("development key"), "{e}");
    assert!(check_release(false, false, key.as_deref(), false).is_ok(), "debug builds (CI, demo) are not shipped");
    assert!(check_release(true, false, key.as_deref(), true).is_ok(), "an explicit local override");
}

#[test]
fn the_production_key_comes_from_the_build_overlay() {
    let overlay = serde_json::json!({"plugins": {"updater": {"pubkey": "cHJvZHVjdGlvbiBrZXk="}}});
    let key = updater_pubkey(&config(), Some(&overlay));
    assert_eq!(key.as_deref(), Some("cHJvZHVjdGlvbiBrZXk="));
    assert!(check_release(true, false, key.as_deref(), false).is_ok());
    let unrelated = serde_json::json!({"version": "9.9.9"});
    assert_eq!(updater_pubkey(&config(), Some(&unrelated)).as_deref(), Some(DEV_UPDATER_PUBKEY));
    assert!(check_release(true, false, Some(" "), false).is_err(), "an empty key");
}

#[test]
fn a_release_without_the_bundled_front_end_is_refused() {
    let e = check_release(true, true, Some("cHJvZHVjdGlvbiBrZXk="), true).unwrap_err();
    assert!(e.contains("127.0.0.1:5173"), "{e}");
}
