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

fn main() {
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
