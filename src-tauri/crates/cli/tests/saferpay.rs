//! `xpartner sync saferpay` against the Saferpay emulator, its demo credentials coming from the
//! sandbox's start-up line: the transaction report read up to yesterday, each transaction kept
//! once, a charge-back read as a change of its debit. Needs an OS keychain (the store's key).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use xp_sandbox_kit::{Ctx, Seed};
use xp_sandbox_saferpay::Emulator;

mod support;
use support::keychain_or_skip;

struct Sandbox {
    file: PathBuf,
    emu: Emulator,
    base: String,
    _dir: tempfile::TempDir,
}

async fn sandbox(seed: Seed) -> Sandbox {
    let (emu, base) = support::saferpay_emulator(Ctx::new(Duration::from_secs(60)), seed).await;
    let dir = tempfile::tempdir().unwrap();
    let file = support::startup_line(
        dir.path(),
        serde_json::json!({"saferpay": format!("{base}/api"), "credentials": {"saferpay": emu.credentials()}}),
    );
    Sandbox { file, emu, base, _dir: dir }
}

fn xpartner(s: &Sandbox, data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xpartner"));
    c.arg("--data-dir").arg(data).arg("--sandbox").arg(&s.file);
    c
}

/// Runs `xpartner sync saferpay [extra]`; `saferpay: N transactions, M returns` → (N, M).
fn sync(s: &Sandbox, data: &Path, extra: &[&str]) -> (u64, u64) {
    let out = xpartner(s, data).args(["sync", "saferpay"]).args(extra).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let password = s.emu.credentials()["password"].as_str().unwrap().to_owned();
    assert!(!stdout.contains(&password) && !String::from_utf8_lossy(&out.stderr).contains(&password));
    let line = stdout.lines().find(|l| l.starts_with("saferpay: ")).unwrap_or_else(|| panic!("{stdout}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!((words.get(2), words.get(4)), (Some(&"transactions,"), Some(&"returns")), "{line}");
    (words[1].parse().unwrap(), words[3].parse().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_is_kept_once_and_a_charge_back_is_read_as_a_change_of_its_debit() {
    if !keychain_or_skip() {
        return;
    }
    let s = sandbox(Seed::Demo).await;
    let data = tempfile::tempdir().unwrap();
    // The demo's successful transactions of the last 12 days (a failed debit is not listed).
    let (first, returns) = sync(&s, data.path(), &[]);
    assert_eq!((first, returns), (6, 0));
    assert_eq!(sync(&s, data.path(), &[]), (0, 0), "read again, nothing changes");

    // The demo's captured SEPA debit, charged back by the payer's bank today.
    let dump = s.emu.dump();
    let debit = dump["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["Status"] == "CAPTURED" && t["PaymentMeans"]["Brand"]["PaymentMethod"] == "DIRECTDEBIT")
        .unwrap_or_else(|| panic!("no captured debit in {dump}"));
    let id = debit["Id"].as_str().unwrap();
    let url = format!("{}/_sandbox/transactions/{id}/chargeback", s.base);
    let answer =
        reqwest::Client::new().post(url).json(&serde_json::json!({"kind": "authorised"})).send().await.unwrap();
    assert!(answer.status().is_success(), "{}", answer.text().await.unwrap());
    // Today's charge-back is in tomorrow's report; a full read lists the debit, captured eight
    // days ago, as it is now, with its charge-back. No collection of the app is behind it, so
    // nothing is returned in the books.
    assert_eq!(sync(&s, data.path(), &[]), (0, 0), "the report ends yesterday");
    assert_eq!(sync(&s, data.path(), &["--full"]), (1, 0));

    let out = xpartner(&s, data.path()).args(["--json", "sync", "saferpay"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (json["ok"].as_bool(), json["transactions"].as_u64(), json["returns"].as_u64()),
        (Some(true), Some(0), Some(0))
    );
}
