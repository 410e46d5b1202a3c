//! Fails when the committed TypeScript bindings differ from what the Rust types generate, or
//! when a file there is no longer generated. Regenerate with:
//! UPDATE_BINDINGS=1 cargo test -p xp-ipc --test bindings
#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Written by the shell's command-table test (src-tauri/tests/shell/commands.rs), not by this crate.
const WRITTEN_ELSEWHERE: &[&str] = &["commands.ts"];

fn bindings_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../ui/src/lib/bindings")
}

/// Every file under `dir`, as a `/`-separated path relative to it.
fn files_under(dir: &Path, prefix: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .map(|e| e.unwrap())
        .flat_map(|e| {
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.file_type().unwrap().is_dir() {
                files_under(&e.path(), &format!("{name}/"))
            } else {
                vec![name]
            }
        })
        .collect()
}

/// What differs between the committed files and the generated ones, one entry per file.
fn drift(dir: &Path, expected: &BTreeMap<String, String>) -> Vec<String> {
    let mut drift: Vec<String> = expected
        .iter()
        .filter(|(path, content)| std::fs::read_to_string(dir.join(path)).ok().as_deref() != Some(content.as_str()))
        .map(|(path, _)| path.clone())
        .collect();
    let stale = files_under(dir, "")
        .into_iter()
        .filter(|f| !expected.contains_key(f) && !WRITTEN_ELSEWHERE.contains(&f.as_str()))
        .map(|f| format!("{f} (stale)"));
    drift.extend(stale);
    drift
}

fn write(dir: &Path, expected: &BTreeMap<String, String>) {
    for f in files_under(dir, "") {
        if !expected.contains_key(&f) && !WRITTEN_ELSEWHERE.contains(&f.as_str()) {
            std::fs::remove_file(dir.join(&f)).unwrap();
        }
    }
    for (path, content) in expected {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    // Folders emptied by a type moving to another area would otherwise linger.
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() && std::fs::read_dir(entry.path()).unwrap().next().is_none() {
            std::fs::remove_dir(entry.path()).unwrap();
        }
    }
}

fn expected() -> BTreeMap<String, String> {
    xp_ipc::bindings().into_iter().collect()
}

#[test]
fn committed_typescript_bindings_match_the_rust_types() {
    let dir = bindings_dir();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        write(&dir, &expected());
    }
    let drift = drift(&dir, &expected());
    assert!(
        drift.is_empty(),
        "TypeScript bindings drifted from the Rust types: {drift:?}. Run UPDATE_BINDINGS=1 cargo test -p xp-ipc --test bindings and commit ui/src/lib/bindings"
    );
}

#[test]
fn the_drift_check_names_a_changed_a_missing_and_a_stale_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let expected = expected();
    write(&dir, &expected);
    assert!(drift(&dir, &expected).is_empty(), "a freshly written folder has no drift");
    std::fs::write(dir.join("app/AppInfo.ts"), "export type AppInfo = {};\n").unwrap();
    std::fs::remove_file(dir.join("events.ts")).unwrap();
    std::fs::write(dir.join("xero/Gone.ts"), "export type Gone = {};\n").unwrap();
    std::fs::write(dir.join("commands.ts"), "// the shell's\n").unwrap();
    let found: BTreeSet<String> = drift(&dir, &expected).into_iter().collect();
    let want: BTreeSet<String> =
        ["app/AppInfo.ts", "events.ts", "xero/Gone.ts (stale)"].into_iter().map(String::from).collect();
    assert_eq!(found, want, "each kind of drift is named by file; the shell's commands.ts is not stale");
}

#[test]
fn every_type_lives_in_its_area_folder_and_the_index_reexports_it() {
    let files = expected();
    let types: Vec<&String> = files.keys().filter(|f| f.contains('/')).collect();
    assert!(types.len() > 40, "every IPC type is exported: {types:?}");
    for area in ["error", "app", "session", "connections", "audit", "sync", "xero"] {
        assert!(types.iter().any(|f| f.starts_with(&format!("{area}/"))), "{area}/ holds that area's types");
    }
    let index = &files["index.ts"];
    for f in types {
        assert!(index.contains(&format!("\"./{}\"", f.trim_end_matches(".ts"))), "index.ts re-exports {f}");
    }
    assert!(files.contains_key("ErrorCode.ts"), "xp-core's ErrorCode stays where its own export path puts it");
}

#[test]
fn events_ts_names_every_event_rust_emits_with_its_payload() {
    let events = &expected()["events.ts"];
    for (constant, name, payload) in [
        ("EVENT_NAVIGATE", xp_ipc::EVENT_NAVIGATE, "NavigateEvent"),
        ("EVENT_SYNC_PROGRESS", xp_ipc::EVENT_SYNC_PROGRESS, "SyncProgress"),
        ("EVENT_SESSION_CHANGED", xp_ipc::EVENT_SESSION_CHANGED, "SessionStatus"),
        ("EVENT_CONNECTIVITY_CHANGED", xp_ipc::EVENT_CONNECTIVITY_CHANGED, "Connectivity"),
    ] {
        assert!(events.contains(&format!("export const {constant} = \"{name}\";")), "{constant} is exported: {events}");
        assert!(events.contains(&format!("\"{name}\": {payload};")), "{name} carries {payload}: {events}");
    }
    assert_eq!(xp_ipc::events().len(), 4, "the four events above are all there is; add the new one to this test");
    assert!(events.contains("import type { SyncProgress } from \"./sync/SyncProgress\";"), "{events}");
}

#[test]
fn errors_serialise_as_code_and_message() {
    let e = xp_ipc::IpcError { code: xp_ipc::ErrorCode::StoreKeyMismatch, message: "m".into() };
    assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"code":"store_key_mismatch","message":"m"}"#);
}
