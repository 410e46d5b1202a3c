//! Tauri's build step. The app's commands come from the one command table
//! (`src/commands/table.rs`): tauri-build generates an `allow-<command>` permission for each and
//! denies any command a capability file does not grant.

/// Reads the table's names; the shell's own `command_table!` reads the same file for the handlers.
macro_rules! command_table {
    ($($area:ident :: $name:ident => $need:ident),* $(,)?) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}
include!("src/commands/table.rs");
include!("build/release_guard.rs");

/// Stops a release build that would ship the development updater key or no bundled front end.
fn guard_release() {
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-env-changed=TAURI_CONFIG");
    println!("cargo:rerun-if-env-changed=XP_ALLOW_DEV_UPDATER_KEY");
    let base: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tauri.conf.json").expect("tauri.conf.json"))
            .expect("tauri.conf.json is JSON");
    let overlay = std::env::var("TAURI_CONFIG").ok().and_then(|c| serde_json::from_str(&c).ok());
    let pubkey = updater_pubkey(&base, overlay.as_ref());
    let release = std::env::var("PROFILE").as_deref() == Ok("release");
    let allow = std::env::var("XP_ALLOW_DEV_UPDATER_KEY").as_deref() == Ok("1");
    if let Err(e) = check_release(release, tauri_build::is_dev(), pubkey.as_deref(), allow) {
        panic!("{e}");
    }
}

fn main() {
    guard_release();
    println!("cargo:rerun-if-changed=src-tauri/src/commands/table.rs");
    // What tauri-build was given, so the shell's tests can compare it with the shell's table.
    println!("cargo:rustc-env=XP_BUILD_COMMANDS={}", COMMANDS.join(","));
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}
