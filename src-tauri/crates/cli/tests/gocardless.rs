//! `xpartner sync gocardless` and `xpartner mandates --json` against the GoCardless emulator,
//! its access token coming from the sandbox's start-up line. Needs an OS keychain (the store's
//! key and the token live there).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use xp_sandbox_gocardless::Emulator;
use xp_sandbox_kit::{Ctx, Seed};

mod support;
use support::{gocardless_emulator, keychain_or_skip};

struct Sandbox {
    file: PathBuf,
    emu: Emulator,
    _dir: tempfile::TempDir,
}

async fn sandbox(seed: Seed) -> Sandbox {
    let ctx = Ctx::new(Duration::from_secs(60));
    let (emu, base) = gocardless_emulator(ctx, seed).await;
    let dir = tempfile::tempdir().unwrap();
    let file = support::startup_line(
        dir.path(),
        serde_json::json!({"gocardless": format!("{base}/"), "credentials": {"gocardless": emu.credentials()}}),
    );
    Sandbox { file, emu, _dir: dir }
}

fn xpartner(s: &Sandbox, data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xpartner"));
    c.arg("--data-dir").arg(data).arg("--sandbox").arg(&s.file);
    c
}

/// `gocardless: N events applied, M records` → (N, M).
fn summary(stdout: &str) -> (u64, u64) {
    let line = stdout.lines().find(|l| l.starts_with("gocardless: ")).unwrap_or_else(|| panic!("{stdout}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!((words.get(2), words.get(3), words.get(5)), (Some(&"events"), Some(&"applied,"), Some(&"records")));
    (words[1].parse().unwrap(), words[4].parse().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_then_list_the_mandates_as_json() {
    if !keychain_or_skip() {
        return;
    }
    let s = sandbox(Seed::Demo).await;
    let data = tempfile::tempdir().unwrap();
    let out = xpartner(&s, data.path()).args(["sync", "gocardless"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let (_, records) = summary(&stdout);
    assert!(records >= 40 + 300, "the first sync lists every mandate and payment: {stdout}");
    let token = s.emu.access_token();
    assert!(!stdout.contains(&token) && !String::from_utf8_lossy(&out.stderr).contains(&token), "never the token");

    let out = xpartner(&s, data.path()).args(["mandates", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 40, "the demo's mandates");
    for m in &list {
        assert!(m["id"].as_str().unwrap().starts_with("MD"), "{m}");
        assert_eq!(m["scheme"], "sepa_core", "{m}");
        assert!(m["status"].is_string() && m["customer_name"].is_string() && m["bank_name"].is_string(), "{m}");
        assert!(m["account_number_ending"].as_str().unwrap().len() <= 4, "{m}");
    }

    // A second sync reads only the feed.
    let out = xpartner(&s, data.path()).args(["sync", "gocardless"]).output().unwrap();
    assert!(out.status.success());
    let (_, again) = summary(&String::from_utf8(out.stdout).unwrap());
    assert!(again < records, "no full load the second time: {again} records");
}
