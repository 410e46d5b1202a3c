//! The layering guard: arrows point down (README, "Architecture"), checked over `cargo metadata`
//! so a new provider cannot quietly reach upwards. Dev-dependencies are free (a provider's tests
//! may start the sandbox); normal and build dependencies are what ships.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::collections::BTreeMap;

/// Where a workspace crate sits, from its folder (so a new `providers/<p>` or `connectors/<p>`
/// is classified without editing this file) or, for the named layers, from its package name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    /// The Tauri app package at the repository root: commands and the window.
    Shell,
    Cli,
    /// The composition root.
    App,
    Connector,
    Context,
    Ledger,
    Provider,
    Store,
    Sync,
    /// ipc, auth, http, vault, core: shared below everything that uses them.
    Foundation,
    Core,
    Sandbox,
}

fn layer(name: &str, manifest: &str) -> Layer {
    let path = manifest.replace('\\', "/");
    if path.contains("/crates/providers/") {
        return Layer::Provider;
    }
    if path.contains("/crates/connectors/") {
        return Layer::Connector;
    }
    if path.contains("/tests/sandbox/") {
        return Layer::Sandbox;
    }
    match name {
        "xero-partner" => Layer::Shell,
        "xp-cli" => Layer::Cli,
        "xp-app" => Layer::App,
        "xp-context" => Layer::Context,
        "xp-ledger" => Layer::Ledger,
        "xp-store" => Layer::Store,
        "xp-sync" => Layer::Sync,
        "xp-core" => Layer::Core,
        _ => Layer::Foundation,
    }
}

/// Why `from` may not depend on `to`, or `None` when the arrow points down.
fn forbidden(from: Layer, to: Layer) -> Option<&'static str> {
    use Layer::*;
    match (from, to) {
        (_, Sandbox) if from != Sandbox => Some("product code never links an emulator"),
        (Provider, Store | Sync | Ledger | Connector | Context | App | Cli | Shell) => {
            Some("a provider crate is an HTTP client only: it knows no store, sync, ledger or connector")
        }
        (Ledger, Provider | Connector) => Some("the ledger is provider-neutral"),
        (Connector, Connector) => Some("connectors do not know each other; the app composes them"),
        (Connector | Context | Store | Sync | Ledger, App | Cli | Shell) => {
            Some("a feature does not reach up into the composition root")
        }
        (Context, Connector | Provider) => Some("the shared runtime knows no provider"),
        (Store | Sync, Connector | Provider | Context) => {
            Some("store and sync take typed rows; they know no provider or runtime")
        }
        (Core, _) => Some("core depends on no other crate of the workspace"),
        (Foundation, Store | Sync | Ledger | Connector | Context | App | Cli | Shell | Provider) => {
            Some("foundation crates sit below every feature")
        }
        _ => None,
    }
}

/// Every arrow that points the wrong way, and every crate but the app package that links Tauri.
fn violations(metadata: &Value) -> Vec<String> {
    let packages = metadata["packages"].as_array().unwrap();
    let members: BTreeMap<&str, Layer> = packages
        .iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap();
            (name, layer(name, p["manifest_path"].as_str().unwrap()))
        })
        .collect();
    let mut found = Vec::new();
    for p in packages {
        let from = p["name"].as_str().unwrap();
        for d in p["dependencies"].as_array().unwrap() {
            if d["kind"].as_str() == Some("dev") {
                continue;
            }
            let to = d["name"].as_str().unwrap();
            if (to == "tauri" || to.starts_with("tauri-")) && members[from] != Layer::Shell {
                found.push(format!("{from} → {to}: only the app package at the root depends on Tauri"));
            }
            if let Some(&target) = members.get(to) {
                if let Some(why) = forbidden(members[from], target) {
                    found.push(format!("{from} → {to}: {why}"));
                }
            }
        }
    }
    found
}

fn workspace_metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline", "--manifest-path"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_dependency_of_the_workspace_points_down() {
    let metadata = workspace_metadata();
    let names: Vec<&str> =
        metadata["packages"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    // The guard must see the crates it guards (a moved manifest would make it vacuous).
    for expected in ["xero-partner", "xp-app", "xp-context", "xp-connect-xero", "xp-xero", "xp-store", "xp-sync"] {
        assert!(names.contains(&expected), "{expected} is not in the workspace: {names:?}");
    }
    let v = violations(&metadata);
    assert!(v.is_empty(), "dependencies that point the wrong way:\n{}", v.join("\n"));
}

fn package(name: &str, manifest: &str, deps: &[(&str, Option<&str>)]) -> Value {
    serde_json::json!({
        "name": name,
        "manifest_path": manifest,
        "dependencies": deps.iter().map(|(n, k)| serde_json::json!({"name": n, "kind": k})).collect::<Vec<_>>(),
    })
}

#[test]
fn the_guard_catches_each_kind_of_wrong_arrow() {
    let w = "/w/src-tauri/crates";
    let doctored = serde_json::json!({"packages": [
        package("xero-partner", "/w/Cargo.toml", &[("tauri", None), ("xp-app", None)]),
        package("xp-app", &format!("{w}/app/Cargo.toml"), &[("xp-connect-gocardless", None)]),
        package("xp-store", &format!("{w}/store/Cargo.toml"), &[("xp-core", None), ("xp-sandbox-kit", Some("dev"))]),
        package("xp-sync", &format!("{w}/sync/Cargo.toml"), &[("xp-store", None)]),
        package("xp-context", &format!("{w}/context/Cargo.toml"), &[]),
        package("xp-core", &format!("{w}/core/Cargo.toml"), &[]),
        package("xp-ledger", &format!("{w}/ledger/Cargo.toml"), &[("xp-okx", None)]),
        package("xp-okx", &format!("{w}/providers/okx/Cargo.toml"), &[("xp-store", None), ("xp-sandbox-kit", Some("dev"))]),
        package("xp-gocardless", &format!("{w}/providers/gocardless/Cargo.toml"), &[("xp-sync", Some("build"))]),
        package(
            "xp-connect-gocardless",
            &format!("{w}/connectors/gocardless/Cargo.toml"),
            &[("xp-connect-okx", None), ("tauri-plugin-updater", None), ("xp-app", None)],
        ),
        package("xp-connect-okx", &format!("{w}/connectors/okx/Cargo.toml"), &[("xp-sandbox-kit", None)]),
        package("xp-sandbox-kit", "/w/tests/sandbox/kit/Cargo.toml", &[]),
    ]});
    let v = violations(&doctored);
    let expect = [
        "xp-ledger → xp-okx: the ledger is provider-neutral",
        "xp-okx → xp-store: a provider crate is an HTTP client only",
        "xp-gocardless → xp-sync: a provider crate is an HTTP client only",
        "xp-connect-gocardless → xp-connect-okx: connectors do not know each other",
        "xp-connect-gocardless → tauri-plugin-updater: only the app package at the root depends on Tauri",
        "xp-connect-gocardless → xp-app: a feature does not reach up into the composition root",
        "xp-connect-okx → xp-sandbox-kit: product code never links an emulator",
    ];
    for e in expect {
        assert!(v.iter().any(|f| f.starts_with(e)), "not caught: {e}\nfound:\n{}", v.join("\n"));
    }
    assert_eq!(
        v.len(),
        expect.len(),
        "nothing else is flagged (root → tauri, app → connector, dev → sandbox are fine):\n{}",
        v.join("\n")
    );
}
