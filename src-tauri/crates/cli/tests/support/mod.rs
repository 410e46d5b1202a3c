//! What the CLI's integration tests share: the keychain check, the sandbox's start-up line,
//! emulators served on their own loopback ports, and `connect xero` with the test as browser.
// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

/// Writes the sandbox's start-up line into `dir`: `served` gives the URLs (and `credentials`)
/// of the emulators a test runs; every other provider points at a closed port.
pub fn startup_line(dir: &Path, served: serde_json::Value) -> PathBuf {
    let closed = "http://127.0.0.1:9";
    let mut line = serde_json::json!({
        "xero_identity": format!("{closed}/"), "xero_login": format!("{closed}/"), "xero_api": format!("{closed}/"),
        "okta_issuer": format!("{closed}/oauth2/default"), "gocardless": format!("{closed}/"),
        "saferpay": format!("{closed}/api"), "okx": format!("{closed}/"), "openai": format!("{closed}/v1"),
        "admin": format!("{closed}/admin"), "minute_ms": 60000, "credentials": {}
    });
    for (k, v) in served.as_object().unwrap() {
        line[k] = v.clone();
    }
    let file = dir.join("sandbox.json");
    std::fs::write(&file, format!("{line}\n")).unwrap();
    file
}

/// Runs `connect xero --keep all` (`xpartner` is the prepared command), playing the browser
/// for the printed URL against the Xero emulator at `xero_base`; what the command printed after.
pub async fn connect_xero(mut xpartner: Command, xero_base: &str) -> String {
    let mut child = xpartner
        .args(["connect", "xero", "--keep", "all"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let url =
        first.trim().strip_prefix("open: ").unwrap_or_else(|| panic!("expected `open: URL`, got {first:?}")).to_owned();
    let authorize = url::Url::parse(&url).unwrap();
    let redirect = authorize.query_pairs().find(|(k, _)| k == "redirect_uri").unwrap().1.into_owned();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    http.post(format!("{xero_base}/_sandbox/redirect-uris")).body(redirect).send().await.unwrap();
    let r = http.get(url).send().await.unwrap();
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let page = http.get(to).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("close this window"), "{page}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "connect failed: {rest}");
    rest
}

/// The GoCardless emulator on its own port (its paths at the root, as the real API's), and
/// its origin.
pub async fn gocardless_emulator(
    ctx: xp_sandbox_kit::Ctx,
    seed: xp_sandbox_kit::Seed,
) -> (xp_sandbox_gocardless::Emulator, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let emu = xp_sandbox_gocardless::Emulator::new(ctx, seed, url::Url::parse(&base).unwrap());
    let router = emu.router();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (emu, base)
}

/// The Xero emulator on its own port, and its origin.
pub async fn xero_emulator(
    ctx: xp_sandbox_kit::Ctx,
    seed: xp_sandbox_kit::Seed,
) -> (std::sync::Arc<xp_sandbox_xero::Emulator>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let bases = xp_sandbox_xero::Bases::single(&url::Url::parse(&base).unwrap());
    let emu = std::sync::Arc::new(xp_sandbox_xero::Emulator::new(ctx, seed, bases));
    let router = emu.router();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (emu, base)
}

/// The start-up line's Xero part for the emulator at `base`: its URLs, and the demo
/// registration whose sign-ins the emulator consents at once (no person at a browser).
pub fn xero_line(emu: &xp_sandbox_xero::Emulator, base: &str) -> serde_json::Value {
    let mut xero = emu.credentials();
    xero["client_id"] = xero["auto_consent_client_id"].clone();
    let u = format!("{base}/");
    serde_json::json!({"xero_identity": u, "xero_login": u, "xero_api": u, "credentials": {"xero": xero}})
}

/// The configuration every Xero test runs with: the redirect listener on any free port.
pub fn xero_config(dir: &Path) -> PathBuf {
    let file = dir.join("config.toml");
    std::fs::write(&file, "[xero]\nloopback_ports = [0]\n").unwrap();
    file
}

/// The Saferpay emulator on its own port (its JSON API under `/api`, as the real host's), and
/// its origin.
pub async fn saferpay_emulator(
    ctx: xp_sandbox_kit::Ctx,
    seed: xp_sandbox_kit::Seed,
) -> (xp_sandbox_saferpay::Emulator, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let emu = xp_sandbox_saferpay::Emulator::new(ctx, seed, url::Url::parse(&base).unwrap());
    let router = emu.router();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (emu, base)
}

/// Runs `cmd` (output discarded) and kills it (SIGKILL on Unix) after `after`; answers whether
/// it was still running then (it may have finished).
pub fn kill_during(cmd: &mut Command, after: std::time::Duration) -> bool {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    std::thread::sleep(after);
    let running = matches!(child.try_wait(), Ok(None));
    let _ = child.kill();
    let _ = child.wait();
    running
}

/// xorshift64: the crash tests' "random" kill points, the same on every run (a failure repeats).
pub struct KillPoints(pub u64);

impl KillPoints {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
