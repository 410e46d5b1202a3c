//! The command table (`src-tauri/src/commands/table.rs`) is the one list of commands. This test
//! generates the two files derived from it, `capabilities/default.json` and
//! `ui/src/lib/bindings/commands.ts`, and fails naming each place that disagrees with it: the
//! `#[tauri::command]` functions, what tauri-build got from `build.rs`, the handler list, the
//! capability file, the roles test's arguments and the generated TypeScript. The UI wrappers and
//! the fake backend are checked against `commands.ts` by Vitest (`ui/src/lib/ipc/commands.test.ts`).
//!
//! Regenerate the two files with: UPDATE_COMMANDS=1 cargo nextest run -p xero-partner commands

use crate::roles::arguments;
use serde_json::json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use xero_partner_lib::{Need, COMMANDS};

const TABLE: &str = "src-tauri/src/commands/table.rs";
const CAPABILITY: &str = "src-tauri/capabilities/default.json";
const TYPESCRIPT: &str = "ui/src/lib/bindings/commands.ts";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One place that lists commands, and the names it lists.
struct Place {
    name: String,
    commands: BTreeSet<String>,
}

impl Place {
    fn new(name: impl Into<String>, commands: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Place { name: name.into(), commands: commands.into_iter().map(Into::into).collect() }
    }
}

/// Every disagreement between the table and the places, one sentence each naming the place.
fn disagreements(table: &[&str], places: &[Place]) -> Vec<String> {
    let table: BTreeSet<String> = table.iter().map(|c| c.to_string()).collect();
    let mut found = Vec::new();
    for place in places {
        for missing in table.difference(&place.commands) {
            found.push(format!("{} lacks `{missing}`, which {TABLE} declares", place.name));
        }
        for extra in place.commands.difference(&table) {
            found.push(format!("{} has `{extra}`, which {TABLE} does not declare", place.name));
        }
    }
    found
}

/// The `#[tauri::command]` functions in one area file, and the problems of each: a command must
/// take its services from `Access` and never name a permission (the table does that).
fn scan_commands(file: &str, source: &str) -> (Vec<String>, Vec<String>) {
    let mut names = Vec::new();
    let mut problems = Vec::new();
    for chunk in source.split("#[tauri::command]").skip(1) {
        let Some(after) = chunk.split_once("fn ").map(|(_, rest)| rest) else { continue };
        let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let signature = after.split_once('{').map_or(after, |(sig, _)| sig);
        // The body runs until the next item; for a few-line command that is the next attribute.
        let body = chunk.split("\n#[").next().unwrap_or(chunk);
        if !signature.contains("Access<R>") {
            problems.push(format!("{file}: `{name}` does not take `Access<R>`, so the table cannot check it"));
        }
        if body.contains("Permission::") {
            problems.push(format!("{file}: `{name}` names a permission; the table in {TABLE} says what it needs"));
        }
        names.push(name);
    }
    (names, problems)
}

/// What every `src-tauri/src/commands/<area>.rs` declares, as a place, and its problems.
fn command_functions() -> (Place, Vec<String>) {
    let dir = repo().join("src-tauri/src/commands");
    let mut names = Vec::new();
    let mut problems = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        if matches!(file.as_str(), "mod.rs" | "table.rs") {
            continue;
        }
        let (found, wrong) =
            scan_commands(&format!("src-tauri/src/commands/{file}"), &std::fs::read_to_string(&path).unwrap());
        let area = file.trim_end_matches(".rs");
        for name in &found {
            if let Some(row) = COMMANDS.iter().find(|c| c.name == name) {
                if row.area != area {
                    problems.push(format!("{TABLE} puts `{name}` in `{}`, but it is in {file}", row.area));
                }
            }
        }
        names.extend(found);
        problems.extend(wrong);
    }
    (Place::new("the #[tauri::command] functions in src-tauri/src/commands/", names), problems)
}

fn capability() -> String {
    let permissions: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.name.replace('_', "-")))
        .chain(["core:event:allow-listen".into(), "core:event:allow-unlisten".into()])
        .map(|p| format!("    \"{p}\""))
        .collect();
    format!(
        r#"{{
  "$schema": "../../gen/schemas/desktop-schema.json",
  "identifier": "default",
  "description": "The main window: only the app's own commands and event listening. Everything else is denied. Generated from src-tauri/src/commands/table.rs by the shell's commands test; do not edit.",
  "windows": ["main"],
  "permissions": [
{}
  ]
}}
"#,
        permissions.join(",\n")
    )
}

/// The commands a capability file allows, by command name.
fn capability_commands(json: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    value["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|c| c.replace('-', "_")))
        .collect()
}

fn typescript() -> String {
    let rows: String = COMMANDS
        .iter()
        .map(|c| {
            let need = match c.need {
                Need::Public => "public".to_string(),
                Need::Permission(p) => serde_json::to_value(p).unwrap().as_str().unwrap().to_string(),
            };
            format!("  {}: \"{need}\",\n", c.name)
        })
        .collect();
    format!(
        r#"// Generated from src-tauri/src/commands/table.rs by the shell's commands test. Do not edit.
// Regenerate with: UPDATE_COMMANDS=1 cargo nextest run -p xero-partner commands
import type {{ Permission }} from "./session/Permission";

/** Who may call a command: "public" works signed out; otherwise Rust checks this permission first. */
export type Need = Permission | "public";

/** Every command the window may call, with what it needs, in the table's order. */
export const COMMANDS = {{
{rows}}} as const satisfies Record<string, Need>;

export type CommandName = keyof typeof COMMANDS;
"#
    )
}

/// The commands a generated `commands.ts` lists.
fn typescript_commands(ts: &str) -> Vec<String> {
    let Some((_, rows)) = ts.split_once("export const COMMANDS = {") else { return Vec::new() };
    let rows = rows.split("}").next().unwrap_or_default();
    rows.lines().filter_map(|l| l.trim().split_once(':')).map(|(name, _)| name.to_string()).collect()
}

/// Checks (or, with UPDATE_COMMANDS set, writes) a generated file; the drift message names it.
fn generated(path: &str, content: &str) -> Option<String> {
    let file = repo().join(path);
    if std::env::var_os("UPDATE_COMMANDS").is_some() {
        std::fs::write(&file, content).unwrap();
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    (committed != content).then(|| format!("{path} is not what {TABLE} generates"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(&repo()).join(path)).unwrap_or_default()
}

#[test]
fn every_place_that_lists_commands_agrees_with_the_command_table() {
    let mut problems: Vec<String> =
        [generated(CAPABILITY, &capability()), generated(TYPESCRIPT, &typescript())].into_iter().flatten().collect();
    let (functions, wrong) = command_functions();
    problems.extend(wrong);
    let table: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    problems.extend(disagreements(
        &table,
        &[
            functions,
            Place::new("src-tauri/build.rs (the COMMANDS tauri-build got)", env!("XP_BUILD_COMMANDS").split(',')),
            Place::new(CAPABILITY, capability_commands(&read(CAPABILITY))),
            Place::new("src-tauri/tests/shell/roles.rs (arguments())", arguments().into_keys()),
            Place::new(TYPESCRIPT, typescript_commands(&read(TYPESCRIPT))),
        ],
    ));
    assert!(
        problems.is_empty(),
        "the command table and the places that list commands disagree:\n  {}\n(regenerate the capability file and commands.ts with UPDATE_COMMANDS=1 cargo nextest run -p xero-partner commands)",
        problems.join("\n  ")
    );
}

#[test]
fn every_command_in_the_table_is_answered_by_its_handler_and_nothing_else_is() {
    // Signed out in Okta mode: commands that need a permission stop at `Access`, public ones run
    // (sign-in fails fast on the unreachable issuer). Either way the answer is the shell's
    // {code, message}; Tauri answers an unknown command with a bare string.
    let config = "[providers]\nokta_issuer = \"https://127.0.0.1:1/oauth2/default\"\n[okta]\nclient_id = \"0oaTEST\"";
    let h = crate::Harness::with_config(config, |_| {});
    let args = arguments();
    let answered: Vec<&str> = COMMANDS
        .iter()
        .map(|c| c.name)
        .filter(|name| match h.invoke(name, args.get(name).cloned().unwrap_or(json!({}))) {
            Ok(_) => true,
            Err(e) => e.get("code").is_some(),
        })
        .collect();
    let table: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    let problems = disagreements(&table, &[Place::new("the handler list (commands that answer over IPC)", answered)]);
    assert!(problems.is_empty(), "{problems:?}");
    let unknown = h.invoke("not_in_the_table", json!({})).unwrap_err();
    assert!(unknown.is_string(), "a name outside the table reaches no handler: {unknown}");
}

#[test]
fn the_checker_names_the_place_that_lacks_a_command_and_the_one_that_has_an_extra() {
    let table = ["app_info", "db_info", "sync_now"];
    let problems = disagreements(
        &table,
        &[
            Place::new("src-tauri/capabilities/default.json", ["app_info", "sync_now"]),
            Place::new("src-tauri/build.rs", ["app_info", "db_info", "sync_now", "export_ledger"]),
            Place::new("src-tauri/tests/shell/roles.rs", ["app_info", "db_info", "sync_now"]),
        ],
    );
    assert_eq!(
        problems,
        [
            format!("src-tauri/capabilities/default.json lacks `db_info`, which {TABLE} declares"),
            format!("src-tauri/build.rs has `export_ledger`, which {TABLE} does not declare"),
        ],
        "one sentence per disagreement, naming the place; the place that agrees is silent"
    );
}

#[test]
fn the_source_scan_finds_commands_and_catches_one_that_restates_its_permission_or_skips_access() {
    let source = r#"
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn db_info<R: Runtime>(access: Access<R>) -> Result<DbInfo, CmdError> {
    Ok(access.services().await?.db_info().await?)
}

#[tauri::command]
pub async fn export_ledger<R: Runtime>(app: AppHandle<R>) -> Result<(), CmdError> {
    app.services(Permission::Export).await?;
    Ok(())
}
"#;
    let (names, problems) = scan_commands("commands/doctored.rs", source);
    assert_eq!(names, ["db_info", "export_ledger"], "both commands are found");
    assert_eq!(
        problems,
        [
            "commands/doctored.rs: `export_ledger` does not take `Access<R>`, so the table cannot check it".to_string(),
            format!(
                "commands/doctored.rs: `export_ledger` names a permission; the table in {TABLE} says what it needs"
            ),
        ],
        "the well-formed command passes; the other is named for each fault"
    );
}

#[test]
fn the_generated_files_list_each_command_with_what_the_table_says_it_needs() {
    let ts = typescript();
    assert!(ts.contains("  app_info: \"public\",\n"), "public commands are marked so: {ts}");
    assert!(ts.contains("  update_session_settings: \"manage_sign_in\",\n"), "the wire name of the permission: {ts}");
    assert_eq!(typescript_commands(&ts).len(), COMMANDS.len(), "every row is parsed back");
    let allowed = capability_commands(&capability());
    assert_eq!(allowed.len(), COMMANDS.len(), "one allow-* per command, plus the event permissions");
    assert!(capability().contains("\"allow-list-bank-transactions\""), "kebab-case, as tauri-build names them");
}
