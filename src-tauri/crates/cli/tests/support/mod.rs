//! What the CLI's integration tests share.

use std::process::Command;

/// True when an OS keychain answers (the store's key and the tokens live there); otherwise the
/// calling test skips, unless `XP_REQUIRE_KEYCHAIN` says a keychain must be there.
pub fn keychain_or_skip() -> bool {
    let dir = tempfile::tempdir().unwrap();
    let ok = Command::new(env!("CARGO_BIN_EXE_xpartner"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["db", "check"])
        .output()
        .unwrap()
        .status
        .success();
    if !ok {
        assert!(
            std::env::var_os("XP_REQUIRE_KEYCHAIN").is_none(),
            "XP_REQUIRE_KEYCHAIN is set but no keychain is reachable"
        );
        eprintln!("skipping: no OS keychain here");
    }
    ok
}
