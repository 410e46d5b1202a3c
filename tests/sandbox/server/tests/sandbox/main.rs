//! The `sandbox` binary as the app and the demo use it: start, read the one JSON line, reach
//! every emulator through the URLs it names.
#![allow(clippy::unwrap_used)]

mod state;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (Proc, serde_json::Value, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let took = started.elapsed();
    let info: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"));
    (Proc(child), info, took)
}

#[tokio::test]
async fn prints_one_line_with_every_emulator_and_serves_them() {
    let (_p, info, took) = start(&["--listen", "127.0.0.1:0", "--seed", "demo"]);
    eprintln!("sandbox --seed demo printed its line after {took:?}");
    for key in
        ["xero_identity", "xero_login", "xero_api", "okta_issuer", "gocardless", "saferpay", "okx", "openai", "admin"]
    {
        let url = info[key].as_str().unwrap_or_else(|| panic!("{key} missing from {info}"));
        assert!(url.starts_with("http://127.0.0.1:"), "{key}: {url}");
    }
    for provider in ["xero", "okta", "gocardless", "saferpay", "okx", "openai"] {
        assert!(info["credentials"][provider].is_object(), "credentials for {provider}");
    }
    // Each provider on its own port with its real paths at the root: an official client works
    // by changing only the host (gocardless-pro, xero-python, the Saferpay and OpenAI SDKs).
    let url = |k: &str| url::Url::parse(info[k].as_str().unwrap()).unwrap();
    let ports: std::collections::BTreeSet<u16> =
        ["xero_api", "okta_issuer", "gocardless", "saferpay", "okx", "openai", "admin"]
            .iter()
            .map(|k| url(k).port().unwrap())
            .collect();
    assert_eq!(ports.len(), 7, "one port each: {info}");
    assert_eq!(url("xero_api").port(), url("xero_identity").port(), "Xero's three hosts share one origin");
    assert_eq!(url("xero_api").port(), url("xero_login").port());
    for (key, path) in [
        ("xero_api", "/"),
        ("okta_issuer", "/oauth2/default"),
        ("gocardless", "/"),
        ("saferpay", "/api"),
        ("okx", "/"),
        ("openai", "/v1"),
    ] {
        assert_eq!(url(key).path(), path, "{key}");
    }
    let http = reqwest::Client::new();
    let admin = info["admin"].as_str().unwrap().trim_end_matches('/');
    let health: serde_json::Value = http.get(format!("{admin}/health")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["ok"], true);
    // The admin's view of Xero's records: what a test checks the app wrote.
    let tenant = info["credentials"]["xero"]["tenants"][0]["tenantId"].as_str().unwrap();
    let invoices: serde_json::Value =
        http.get(format!("{admin}/xero/{tenant}/Invoices")).send().await.unwrap().json().await.unwrap();
    assert!(invoices["Invoices"].as_array().is_some_and(|i| !i.is_empty()), "the demo's invoices: {invoices}");
    let unknown = http.get(format!("{admin}/xero/{tenant}/Secrets")).send().await.unwrap();
    assert_eq!(unknown.status(), reqwest::StatusCode::NOT_FOUND);
    let discovery =
        format!("{}/.well-known/openid-configuration", info["okta_issuer"].as_str().unwrap().trim_end_matches('/'));
    let d: serde_json::Value = http.get(discovery).send().await.unwrap().json().await.unwrap();
    assert_eq!(d["issuer"], info["okta_issuer"].as_str().unwrap().trim_end_matches('/'));
    let conns = http
        .get(format!("{}/connections", info["xero_api"].as_str().unwrap().trim_end_matches('/')))
        .send()
        .await
        .unwrap();
    assert_eq!(conns.status(), 401, "Xero's connections need a token");

    // Admin: faults, time, counters, state.
    let r = http.post(format!("{admin}/faults")).json(&serde_json::json!({"spec": "xero:503*1"})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r =
        http.post(format!("{admin}/faults")).json(&serde_json::json!({"spec": "xero:teapot"})).send().await.unwrap();
    assert_eq!(r.status(), 400, "a bad fault spec is refused with a reason");
    let t: serde_json::Value = http
        .post(format!("{admin}/time/advance"))
        .json(&serde_json::json!({"days": 3}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(t["offset_seconds"], 3 * 86400);
    let counters: serde_json::Value = http.get(format!("{admin}/counters")).send().await.unwrap().json().await.unwrap();
    assert!(counters["requests"].as_object().unwrap().keys().any(|k| k.starts_with("okta ")), "{counters}");
    let state: serde_json::Value = http.get(format!("{admin}/state")).send().await.unwrap().json().await.unwrap();
    assert_eq!(state["xero"]["tenants"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_arguments_fail_with_a_clear_message() {
    for (args, needle) in [
        (vec!["--seed", "huge"], "unknown seed"),
        (vec!["--faults", "xero:teapot"], "unknown kind"),
        (vec!["--listen", "0.0.0.0:0"], "only listens on loopback"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_sandbox")).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
