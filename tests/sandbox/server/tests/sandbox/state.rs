//! `sandbox --state FILE`: what the app relies on across a restart of the sandbox (same
//! credentials, tokens and records, on whatever port the new run gets), and that a broken FILE
//! stops the sandbox instead of being replaced.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

const REDIRECT: &str = "http://127.0.0.1:53682/callback";

/// A running `sandbox` whose stderr is kept for the end.
struct Run {
    child: Child,
    stderr: Option<ChildStderr>,
    info: Value,
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Run {
    fn start(state: &Path, args: &[&str]) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
            .args(args)
            .arg("--state")
            .arg(state)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let stderr = child.stderr.take();
        let info = serde_json::from_str(&line).unwrap_or_else(|e| panic!("no start-up line ({e}): {line:?}"));
        Run { child, stderr, info }
    }

    fn url(&self, key: &str) -> String {
        self.info[key].as_str().unwrap().trim_end_matches('/').to_owned()
    }

    fn origin(&self) -> String {
        let admin = self.url("admin");
        admin.strip_suffix("/admin").unwrap().to_owned()
    }

    /// Every emulator's origin (each has a port of its own) and the admin's.
    fn origins(&self) -> Vec<String> {
        ["xero_api", "okta_issuer", "gocardless", "saferpay", "okx", "openai", "admin"]
            .iter()
            .map(|k| url::Url::parse(&self.url(k)).unwrap().origin().ascii_serialization())
            .collect()
    }

    /// SIGTERM, as a supervisor stops it; returns the exit code and everything it wrote to stderr.
    fn terminate(mut self) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success(), "kill -TERM {pid}");
        let status = self.child.wait().unwrap();
        let mut err = String::new();
        if let Some(mut e) = self.stderr.take() {
            e.read_to_string(&mut err).unwrap();
        }
        (status.code(), err)
    }
}

/// A loopback port nothing listens on now, other than `not`.
fn free_port_other_than(not: u16) -> u16 {
    loop {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        if port != not {
            return port;
        }
    }
}

fn port_of(url: &str) -> u16 {
    url::Url::parse(url).unwrap().port().unwrap()
}

fn pkce() -> (String, String) {
    let verifier = B64.encode([7u8; 48]);
    let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn query_of(location: &str) -> HashMap<String, String> {
    url::Url::parse(location).unwrap().query_pairs().into_owned().collect()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Xero through the auto-consent app registration: the token response.
async fn xero_tokens(run: &Run) -> Value {
    let (verifier, challenge) = pkce();
    let client = run.info["credentials"]["xero"]["auto_consent_client_id"].as_str().unwrap();
    let mut u = url::Url::parse(&format!("{}/identity/connect/authorize", run.url("xero_login"))).unwrap();
    u.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", client)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("scope", "offline_access accounting.invoices accounting.payments")
        .append_pair("state", "s")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let r = http().get(u).send().await.unwrap();
    let code = query_of(r.headers()["location"].to_str().unwrap())["code"].clone();
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", client),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &verifier),
    ];
    let r = http().post(format!("{}/connect/token", run.url("xero_identity"))).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn xero_get(run: &Run, access: &str, tenant: &str, path: &str) -> reqwest::Response {
    http()
        .get(format!("{}/api.xro/2.0/{path}", run.url("xero_api")))
        .bearer_auth(access)
        .header("xero-tenant-id", tenant)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
}

/// Okta through the headless sign-in of the first demo user: the token response.
async fn okta_tokens(run: &Run) -> Value {
    let (verifier, challenge) = pkce();
    let okta = &run.info["credentials"]["okta"];
    let client = okta["client_id"].as_str().unwrap();
    let mut u = url::Url::parse(&format!("{}/v1/authorize", run.url("okta_issuer"))).unwrap();
    u.query_pairs_mut()
        .append_pair("client_id", client)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid profile email offline_access")
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("state", "s")
        .append_pair("nonce", "n")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("login_hint", okta["users"][0]["username"].as_str().unwrap())
        .append_pair("sandbox_auto", "1");
    let r = http().get(u).send().await.unwrap();
    let code = query_of(r.headers()["location"].to_str().unwrap())["code"].clone();
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", client),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &verifier),
    ];
    let r = http().post(format!("{}/v1/token", run.url("okta_issuer"))).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn kid_of(jwt: &str) -> String {
    let header: Value = serde_json::from_slice(&B64.decode(jwt.split('.').next().unwrap()).unwrap()).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

fn gocardless(run: &Run, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    http()
        .request(method, format!("{}{path}", run.url("gocardless")))
        .bearer_auth(run.info["credentials"]["gocardless"]["access_token"].as_str().unwrap())
        .header("GoCardless-Version", "2015-07-06")
}

async fn json_of(r: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let r = r.send().await.unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

#[cfg(unix)]
#[tokio::test]
async fn everything_the_app_holds_survives_a_restart_on_another_port() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sandbox-state.json");
    let run1 = Run::start(&file, &["--listen", "127.0.0.1:0", "--seed", "demo"]);
    assert!(file.exists(), "a new FILE is written before the start-up line");

    // Xero: a token and a payment that marks an invoice paid.
    let xero = xero_tokens(&run1).await;
    let access = xero["access_token"].as_str().unwrap().to_owned();
    let tenant = run1.info["credentials"]["xero"]["tenants"][0]["tenantId"].as_str().unwrap().to_owned();
    let invoices: Value = xero_get(&run1, &access, &tenant, "Invoices?page=1").await.json().await.unwrap();
    let invoice = invoices["Invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["Status"] == "AUTHORISED" && i["Type"] == "ACCREC")
        .unwrap()
        .clone();
    let invoice_id = invoice["InvoiceID"].as_str().unwrap().to_owned();
    let payment = json!({"Payments": [{"Invoice": {"InvoiceID": invoice_id}, "Account": {"Code": "092"},
        "Date": "2026-11-20", "Amount": invoice["AmountDue"], "Reference": "before the restart"}]});
    let r = http()
        .put(format!("{}/api.xro/2.0/Payments", run1.url("xero_api")))
        .bearer_auth(&access)
        .header("xero-tenant-id", &tenant)
        .json(&payment)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    // Okta: a sign-in whose refresh token the app would keep.
    let okta = okta_tokens(&run1).await;
    let okta_refresh = okta["refresh_token"].as_str().unwrap().to_owned();
    let old_kid = kid_of(okta["id_token"].as_str().unwrap());

    // GoCardless: a payment on a demo mandate, under an idempotency key.
    let (_, mandates) = json_of(gocardless(&run1, reqwest::Method::GET, "/mandates?status=active&limit=1")).await;
    let mandate = mandates["mandates"][0]["id"].as_str().unwrap().to_owned();
    let body = json!({"payments": {"amount": 4200, "currency": "EUR", "links": {"mandate": mandate}}});
    let create = |run: &Run| {
        gocardless(run, reqwest::Method::POST, "/payments").header("Idempotency-Key", "restart-1").json(&body)
    };
    let (status, created) = json_of(create(&run1)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let payment_id = created["payments"]["id"].as_str().unwrap().to_owned();

    // FILE catches up on its own, without waiting for the exit.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&file).unwrap().contains(&payment_id) {
        assert!(Instant::now() < deadline, "FILE is saved within a few seconds of a change");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Simulated time ten minutes on (less than an access token's life, so the old one can show
    // it still works), just before SIGTERM: only the save at exit can record it.
    let r =
        http().post(format!("{}/time/advance", run1.url("admin"))).json(&json!({"seconds": 600})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let (_, gc_before) = json_of(gocardless(&run1, reqwest::Method::GET, &format!("/payments/{payment_id}"))).await;
    let state_before: Value =
        http().get(format!("{}/state", run1.url("admin"))).send().await.unwrap().json().await.unwrap();
    let (origin1, origins1, creds1) = (run1.origin(), run1.origins(), run1.info["credentials"].clone());
    let port1 = port_of(&origin1);
    let (code, _) = run1.terminate();
    assert_eq!(code, Some(0), "SIGTERM stops the sandbox cleanly after the last save");
    assert!(!dir.path().join("sandbox-state.json.tmp").exists(), "no temporary file is left behind");

    // Again, on another port and with another --seed (ignored: FILE wins).
    let listen = format!("127.0.0.1:{}", free_port_other_than(port1));
    let run2 = Run::start(&file, &["--listen", &listen, "--seed", "empty"]);
    let origin2 = run2.origin();
    assert_ne!(origin2, origin1);
    // Through placeholders: a port of the second run may be one the first run used elsewhere.
    let mut moved = creds1.to_string();
    for (i, before) in origins1.iter().enumerate() {
        moved = moved
            .replace(&format!("{before}/"), &format!("@{i}@/"))
            .replace(&format!("{before}\""), &format!("@{i}@\""));
    }
    for (i, after) in run2.origins().iter().enumerate() {
        moved = moved.replace(&format!("@{i}@"), after);
    }
    let moved: Value = serde_json::from_str(&moved).unwrap();
    assert_eq!(
        run2.info["credentials"], moved,
        "the start-up line names the same client ids, keys and passwords (only the address moved)"
    );

    let t: Value = http().get(format!("{}/time", run2.url("admin"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(t["offset_seconds"], 600, "the simulated clock is where it was");

    let state_after: Value =
        http().get(format!("{}/state", run2.url("admin"))).send().await.unwrap().json().await.unwrap();
    for provider in ["xero", "saferpay", "openai"] {
        assert_eq!(state_after[provider], state_before[provider], "{provider}'s admin state survives");
    }
    assert_eq!(state_after["gocardless"]["state"], state_before["gocardless"]["state"]);
    assert_eq!(state_after["okta"]["grants"], state_before["okta"]["grants"]);
    assert_eq!(state_after["okx"]["deposits"], state_before["okx"]["deposits"]);

    // Xero: the old access token reads the paid invoice; the old refresh token refreshes.
    let r = xero_get(&run2, &access, &tenant, &format!("Invoices/{invoice_id}")).await;
    assert_eq!(r.status(), StatusCode::OK, "an access token issued before the restart still works");
    let inv: Value = r.json().await.unwrap();
    assert_eq!(inv["Invoices"][0]["Status"], "PAID", "the payment made before the restart is there");
    let client = run2.info["credentials"]["xero"]["auto_consent_client_id"].as_str().unwrap();
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", client),
        ("refresh_token", xero["refresh_token"].as_str().unwrap()),
    ];
    let r = http().post(format!("{}/connect/token", run2.url("xero_identity"))).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the Xero refresh token still works: {}", r.text().await.unwrap());

    // Okta: the JWKS still publishes the old kid, and the old refresh token refreshes.
    let jwks: Value =
        http().get(format!("{}/v1/keys", run2.url("okta_issuer"))).send().await.unwrap().json().await.unwrap();
    assert!(jwks["keys"].as_array().unwrap().iter().any(|k| k["kid"] == json!(old_kid)), "{jwks}");
    let okta_client = run2.info["credentials"]["okta"]["client_id"].as_str().unwrap();
    let form = [("grant_type", "refresh_token"), ("client_id", okta_client), ("refresh_token", &okta_refresh)];
    let r = http().post(format!("{}/v1/token", run2.url("okta_issuer"))).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the Okta refresh token still works");
    let refreshed: Value = r.json().await.unwrap();
    assert_eq!(kid_of(refreshed["id_token"].as_str().unwrap()), old_kid, "signed with the same key as before");

    // GoCardless: the payment is there, read with the same token, and the key still replays.
    let (status, gc_after) = json_of(gocardless(&run2, reqwest::Method::GET, &format!("/payments/{payment_id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(gc_after, gc_before);
    let (status, again) = json_of(create(&run2)).await;
    assert_eq!(status, StatusCode::CONFLICT, "an idempotency key used before the restart is still known: {again}");

    let (code, stderr) = run2.terminate();
    assert_eq!(code, Some(0));
    assert!(stderr.contains("seeded with demo") && stderr.contains("--seed empty is ignored"), "{stderr}");
}

fn run_to_exit(state: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(state)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.stdout.is_empty(), "no start-up line: the sandbox did not start");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_corrupt_state_file_stops_the_sandbox_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.json");
    for broken in [&b"{\"version\": 1, \"seed\": \"demo\", \"xero\": {"[..], b"", b"{\"version\": 99}"] {
        std::fs::write(&file, broken).unwrap();
        let (code, stderr) = run_to_exit(&file);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(&file.display().to_string()), "the error names the file: {stderr}");
        assert_eq!(std::fs::read(&file).unwrap(), broken, "the file is not replaced by a fresh seed");
        assert!(!dir.path().join("broken.json.tmp").exists());
    }
    let (code, stderr) = run_to_exit(dir.path());
    assert_eq!((code, stderr.contains("cannot read it")), (Some(2), true), "a directory is not a state file: {stderr}");
    let nowhere = dir.path().join("missing-dir").join("state.json");
    let (code, stderr) = run_to_exit(&nowhere);
    assert_eq!((code, stderr.contains("cannot write it")), (Some(2), true), "FILE must be creatable: {stderr}");
}
