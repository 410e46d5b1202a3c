//! No IPC response, log line or database row may contain a secret written to the vault.

use crate::Harness;
use sqlx::Row;
use xp_core::Sensitive;
use xp_vault::SecretStore;

#[test]
fn secrets_in_the_vault_never_reach_ipc_logs_or_the_database() {
    let logs = tempfile::tempdir().unwrap();
    // Everything at trace level, sqlx included, so a leaking statement log would be caught.
    std::env::set_var("RUST_LOG", "trace");
    let guard = xp_app::logging::init(logs.path(), "leak-test", false).unwrap();

    let h = Harness::new();
    let refresh = "xero-refresh-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    let api_secret = "okx-secret-0123456789abcdefABCDEF";
    h.vault.set("xero/refresh/test-connection", &Sensitive::new(refresh.into())).unwrap();
    h.vault.set("okx/secret/test", &Sensitive::new(api_secret.into())).unwrap();
    let okta_refresh = "okta-refresh-i6mapTIAVSp2oJkgUnCACKKfZxt_H5MBLiqcybBBd04";
    // JWT-shaped (three base64url parts, header and payload starting "eyJ"), random per run.
    let part = || xp_core::ids::ConnectionId::new_random().to_string().replace('-', "");
    let id_token = format!("eyJ{}.eyJ{}.{}", part(), part(), part());
    let id_token = id_token.as_str();
    h.vault.set("okta/refresh/session", &Sensitive::new(okta_refresh.into())).unwrap();
    h.vault.set("okta/id/session", &Sensitive::new(id_token.into())).unwrap();
    let store_key = h.vault.get(&h.services.paths.store_key_name()).unwrap().unwrap();
    let secrets = [
        refresh.to_owned(),
        api_secret.to_owned(),
        okta_refresh.to_owned(),
        id_token.to_owned(),
        store_key.expose().clone(),
        store_key.expose().to_uppercase(),
    ];

    // Do real work that logs: a connection, audit entries, every command.
    tauri::async_runtime::block_on(async {
        xp_store::connections::insert(
            &h.services.store,
            xp_core::ids::ConnectionId::new_random(),
            "okx",
            "OKX main",
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
        tracing::debug!(vault = ?h.vault, services = ?h.services, token = ?Sensitive::new(refresh.to_owned()), "state dump");
        // An authenticated request through reqwest/hyper with their own trace logging on.
        let url = one_shot_server();
        let client = xp_http::HttpClient::new(Default::default()).unwrap();
        let req = xp_http::Request::get(url).bearer(&Sensitive::new(refresh.to_owned())).unwrap();
        let resp = client.send(req).await.unwrap();
        assert_eq!(resp.status, 200);
    });
    let mut responses = String::new();
    for (cmd, args) in crate::all_commands() {
        let r = h.invoke(cmd, args).unwrap();
        responses.push_str(&r.to_string());
    }

    // Every cell of every table, as text.
    let rows = tauri::async_runtime::block_on(async {
        let pool = h.services.store.pool();
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type='table'").fetch_all(pool).await.unwrap();
        let mut all = String::new();
        for t in tables {
            for row in sqlx::query(&format!("SELECT * FROM \"{t}\"")).fetch_all(pool).await.unwrap() {
                for i in 0..row.len() {
                    if let Ok(Some(v)) = row.try_get::<Option<String>, _>(i) {
                        all.push_str(&v);
                    } else if let Ok(Some(v)) = row.try_get::<Option<Vec<u8>>, _>(i) {
                        all.push_str(&String::from_utf8_lossy(&v));
                    }
                    all.push('\n');
                }
            }
        }
        all
    });
    drop(h);
    drop(guard); // flushes the log writer
    let mut log_text = String::new();
    for entry in std::fs::read_dir(logs.path()).unwrap() {
        log_text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }

    assert!(log_text.contains("state dump"), "the test must actually have logged something");
    assert!(log_text.contains("http{method=GET"), "the HTTP request must have been traced");
    assert!(!rows.is_empty() && !responses.is_empty());
    for secret in &secrets {
        assert!(!responses.contains(secret.as_str()), "an IPC response contains a vault secret");
        assert!(!log_text.contains(secret.as_str()), "the log contains a vault secret");
        assert!(!rows.contains(secret.as_str()), "a database row contains a vault secret");
    }
}

/// Answers one request with 200 on a loopback port.
fn one_shot_server() -> url::Url {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 8192];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}");
        }
    });
    format!("http://{addr}/api.xro/2.0/Organisation").parse().unwrap()
}

/// Credentials typed into the window travel to Rust and stop there: a refused token or password
/// appears in no answer and no log line, and the vault keeps nothing that was not verified. (The
/// commands keep the secrets out of their spans; the log layer also redacts a field named
/// `token`, so this guards the whole path rather than one `skip`.)
#[test]
fn typed_credentials_reach_no_answer_or_log_line() {
    let logs = tempfile::tempdir().unwrap();
    std::env::set_var("RUST_LOG", "trace");
    let guard = xp_app::logging::init(logs.path(), "typed-credentials", false).unwrap();
    // Nothing listens on port 1: the verifying call fails after the secret went through the command.
    let config = "[providers]\ngocardless = \"http://127.0.0.1:1/\"\nsaferpay = \"http://127.0.0.1:1/api\"";
    let h = Harness::with_config(config, |_| {});
    let token = "gc-token-live-5e4d3c2b1a09f8e7d6c5b4a3";
    let password = "saferpay-pass-0f1e2d3c4b5a69788796a5b4";
    let answers = [
        h.invoke("connect_gocardless", serde_json::json!({"token": token})),
        h.invoke(
            "connect_saferpay",
            serde_json::json!({"credentials": {
                "apiUser": "API_401860_80003225", "password": password, "customerId": "401860", "terminalId": "17795278"
            }}),
        ),
    ];
    assert!(h.vault.get(xp_connect_gocardless::TOKEN_KEY).unwrap().is_none(), "an unverified token was kept");
    drop(h);
    drop(guard);
    let mut log_text = String::new();
    for entry in std::fs::read_dir(logs.path()).unwrap() {
        log_text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(log_text.contains("connect_gocardless"), "the command's span must have been logged: {log_text}");
    for answer in &answers {
        let e = answer.as_ref().expect_err("nothing listens there, so nothing is verified");
        for secret in [token, password] {
            assert!(!e.to_string().contains(secret), "an answer carries a typed secret: {e}");
        }
    }
    for secret in [token, password] {
        assert!(!log_text.contains(secret), "the log contains a typed secret");
    }
}
