// What a release build must not ship (security review 2026-12, informational #15 and #19):
// the development updater key, and a binary without the bundled front end (which loads
// `devUrl`, 127.0.0.1:5173, so any local process on that port would get the app's IPC).
//
// Pure and free of dependencies beyond serde_json: `build.rs` includes this file to refuse such
// a build, and the shell's tests include it to check the rule.

/// The public half of the development key pair committed in `tauri.conf.json`. Its private half
/// is in no release pipeline; an update signed for it must never be accepted by a shipped app.
pub const DEV_UPDATER_PUBKEY: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IG1pbmlzaWduIHB1YmxpYyBrZXk6IEY3RkJFQzc2Rjc2RUJDOTIKUldTU3ZHNzNkdXo3OTdzTWlSNVVFUmU3L016V1E0bEZMSDJpT0NOckFOa1ZlakM5Zkl6NEFJN3QK";

/// The updater key the build will embed: `TAURI_CONFIG` (the overlay `tauri build --config`
/// passes) wins over `tauri.conf.json`, as tauri-build merges them.
pub fn updater_pubkey(base: &serde_json::Value, overlay: Option<&serde_json::Value>) -> Option<String> {
    let key = |v: &serde_json::Value| v.pointer("/plugins/updater/pubkey").and_then(|k| k.as_str()).map(str::to_owned);
    overlay.and_then(key).or_else(|| key(base))
}

/// Refuses a release build that would ship the development updater key or no bundled front end.
/// `allow_dev_key`: `XP_ALLOW_DEV_UPDATER_KEY=1`, for a local release build that is never shipped.
pub fn check_release(release: bool, dev_build: bool, pubkey: Option<&str>, allow_dev_key: bool) -> Result<(), String> {
    if !release {
        return Ok(());
    }
    if dev_build {
        return Err("a release build without the bundled front end would load the Vite dev server \
                    (127.0.0.1:5173) and give its IPC to whatever listens there: build releases with `tauri build`"
            .into());
    }
    if pubkey == Some(DEV_UPDATER_PUBKEY) && !allow_dev_key {
        return Err("this release would trust updates signed with the development key in tauri.conf.json: \
                    pass the production public key, e.g. `tauri build --config '{\"plugins\":{\"updater\":{\"pubkey\":\"…\"}}}'` \
                    (or set XP_ALLOW_DEV_UPDATER_KEY=1 for a local build that is never shipped)"
            .into());
    }
    if pubkey.is_none_or(|k| k.trim().is_empty()) {
        return Err("this release has no updater public key (plugins.updater.pubkey)".into());
    }
    Ok(())
}
