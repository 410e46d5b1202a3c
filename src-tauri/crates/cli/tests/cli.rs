//! Runs the real `xpartner` binary against fresh data folders. Needs an OS keychain (CI runs
//! these under dbus-run-session with an unlocked gnome-keyring).
#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

use std::path::Path;
use std::process::{Command, Output};

fn xpartner(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xpartner"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("xpartner runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn keychain_or_skip() -> bool {
    if xp_vault_available() {
        return true;
    }
    assert!(
        std::env::var_os("XP_REQUIRE_KEYCHAIN").is_none(),
        "XP_REQUIRE_KEYCHAIN is set but no keychain is reachable"
    );
    eprintln!("skipping: no OS keychain here");
    false
}

fn xp_vault_available() -> bool {
    let dir = tempfile::tempdir().unwrap();
    xpartner(dir.path(), &["db", "check"]).status.success()
}

#[test]
fn db_check_creates_an_encrypted_store_and_reports_ok() {
    if !keychain_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = xpartner(dir.path(), &["db", "check"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).starts_with("ok: "), "{}", text(&out));

    let db = dir.path().join("xero-partner.db");
    let bytes = std::fs::read(&db).unwrap();
    assert_ne!(&bytes[..16], b"SQLite format 3\0", "the database must be encrypted");

    let info = xpartner(dir.path(), &["db", "info", "--json"]);
    assert!(info.status.success(), "{}", text(&info));
    let v: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert!(v["cipher_version"].as_str().unwrap().starts_with('4'));
    let tables: Vec<&str> = v["tables"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    for t in ["audit_log", "connections", "organisations", "outbox", "settings", "sync_cursors"] {
        assert!(tables.contains(&t), "{t} missing from {tables:?}");
    }

    let audit = xpartner(dir.path(), &["audit", "verify"]);
    assert!(audit.status.success(), "{}", text(&audit));
    assert!(text(&audit).contains("1 entries"), "store creation is the first audit entry: {}", text(&audit));
}

#[test]
fn a_wrong_key_fails_clearly_and_leaves_the_file_unchanged() {
    if !keychain_or_skip() {
        return;
    }
    // Two data folders, each with its own key; put A's database where B's key will try to open it.
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    assert!(xpartner(a.path(), &["db", "check"]).status.success());
    assert!(xpartner(b.path(), &["db", "check"]).status.success());
    let db_b = b.path().join("xero-partner.db");
    std::fs::copy(a.path().join("xero-partner.db"), &db_b).unwrap();
    let _ = std::fs::remove_file(b.path().join("xero-partner.db-wal"));
    let _ = std::fs::remove_file(b.path().join("xero-partner.db-shm"));
    let before = std::fs::read(&db_b).unwrap();

    let out = xpartner(b.path(), &["db", "check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let msg = text(&out);
    assert!(msg.contains("store_key_mismatch") && msg.contains("left untouched"), "unclear message: {msg}");
    assert!(std::fs::read(&db_b).unwrap() == before, "the file must be byte-for-byte unchanged");
}

#[test]
fn a_database_without_its_key_is_refused() {
    if !keychain_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xero-partner.db");
    std::fs::write(&db, b"precious bytes").unwrap();
    let out = xpartner(dir.path(), &["db", "check", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "store_key_missing", "{v}");
    assert_eq!(std::fs::read(&db).unwrap(), b"precious bytes");
}

#[test]
fn bad_usage_exits_2_with_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = xpartner(dir.path(), &["db", "explode"]);
    assert_eq!(out.status.code(), Some(2));
    let out = xpartner(dir.path(), &["--profile", "staging", "db", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("unknown profile"), "{}", text(&out));
}

#[test]
fn export_files_are_new_private_never_followed_links_and_audited() {
    if !keychain_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("invoices.csv");
    let out = xpartner(&data, &["export", "invoices", "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim_end(), "exported 0 records", "the output line is unchanged");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "exports hold emails and amounts: owner only, whatever the umask");
    }
    let audit = xpartner(&data, &["audit", "verify"]);
    assert!(text(&audit).contains("2 entries"), "store creation, then the export: {}", text(&audit));
    // Security review #4: the CLI signs nobody in, so it names the OS account, never "owner".
    let list = Command::new(env!("CARGO_BIN_EXE_xpartner"))
        .args(["--data-dir", data.to_str().unwrap(), "--json", "audit", "list", "--limit", "1"])
        .output()
        .unwrap();
    let entries: serde_json::Value = serde_json::from_slice(&list.stdout).expect("audit list --json");
    assert_eq!(entries[0]["action"], "export", "{entries}");
    let actor = entries[0]["actor"].as_str().unwrap();
    assert!(actor.starts_with("cli:") && actor != "cli:", "{actor}");

    // An existing file (it could be the live database) is never truncated.
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let again = xpartner(&data, &["export", "invoices", "--out", victim.to_str().unwrap()]);
    assert!(!again.status.success(), "an existing file is refused: {}", text(&again));
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    #[cfg(unix)]
    {
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let linked = xpartner(&data, &["export", "invoices", "--out", link.to_str().unwrap()]);
        assert!(!linked.status.success(), "a link planted at the path is not followed: {}", text(&linked));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me", "the link's target is untouched");
        let dangling = dir.path().join("dangling.csv");
        std::os::unix::fs::symlink(dir.path().join("nowhere.csv"), &dangling).unwrap();
        assert!(!xpartner(&data, &["export", "invoices", "--out", dangling.to_str().unwrap()]).status.success());
        assert!(!dir.path().join("nowhere.csv").exists(), "a dangling link does not create its target");
    }
    let audit = xpartner(&data, &["audit", "verify"]);
    assert!(text(&audit).contains("2 entries"), "refused exports wrote nothing: {}", text(&audit));
}

#[test]
fn outbox_send_and_collections_report_an_empty_queue_in_their_contract_lines() {
    if !keychain_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = xpartner(&data, &["outbox", "send"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), "outbox: 0 sent, 0 retrying, 0 waiting, 0 failed");
    let out = xpartner(&data, &["--json", "collections"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), "[]");
}

/// Security review 2026-12 #10: with its newest entries removed from the table, the log fails
/// `xpartner audit verify`, which names the entry the signed head says should be there.
#[test]
fn audit_verify_names_the_first_bad_entry() {
    if !keychain_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for n in 1..=3 {
        let file = dir.path().join(format!("invoices-{n}.csv"));
        let out = xpartner(&data, &["export", "invoices", "--out", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let audit = xpartner(&data, &["audit", "verify"]);
    assert!(text(&audit).contains("4 entries"), "store creation, then three exports: {}", text(&audit));

    // Someone with the database (not the audit key) removes the two newest entries.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let opts = xp_app::StartOptions { data_dir: Some(data.clone()), config: None, overrides: Default::default() };
        let app = xp_app::App::start(&opts).await.unwrap();
        let pool = app.ctx.store.pool();
        let triggers: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
                .fetch_all(pool)
                .await
                .unwrap();
        for t in triggers {
            sqlx::query(&format!("DROP TRIGGER \"{t}\"")).execute(pool).await.unwrap();
        }
        sqlx::query("DELETE FROM audit_log WHERE seq > 2").execute(pool).await.unwrap();
        app.ctx.store.close().await;
    });

    let audit = xpartner(&data, &["audit", "verify"]);
    assert!(!audit.status.success(), "a truncated log must fail: {}", text(&audit));
    assert!(
        text(&audit).contains("entry 4") && text(&audit).contains("newest entries were removed"),
        "the first missing entry is named: {}",
        text(&audit)
    );
}
