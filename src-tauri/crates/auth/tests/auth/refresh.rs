//! Refresh against the emulator: one refresh for many callers, rotation saved before use, a
//! lost answer retried within Xero's grace window, and dead grants reported as such.

use crate::sandbox::{start, Sandbox};
use reqwest::StatusCode;
use std::sync::Arc;
use time::Duration;
use xp_auth::{refresh, Error, Refresher, TokenSet, TokenVault};
use xp_core::{Clock, ErrorCode, Sensitive};
use xp_sandbox_kit::Fault;
use xp_vault::{MemoryStore, SecretStore};

const KEY: &str = "conn-1";

fn refresher(s: &Sandbox, store: &Arc<MemoryStore>) -> Refresher {
    let vault = TokenVault::new(store.clone() as Arc<dyn SecretStore>, "xero");
    Refresher::new(s.http.clone(), Arc::new(s.clock.clone()), s.token_url(), s.auto_client(), vault)
}

fn stored_refresh(store: &MemoryStore) -> String {
    store.get(&format!("xero/refresh/{KEY}")).unwrap().unwrap().expose().clone()
}

async fn concurrent_access_tokens(r: &Refresher, n: usize) -> Vec<xp_auth::Result<Sensitive<String>>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let r = r.clone();
            tokio::spawn(async move { r.access_token(KEY).await })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_callers_share_one_refresh_and_the_rotated_token_is_saved() {
    let s = start().await;
    let tokens = s.connect().await;
    let first_refresh = tokens.refresh_token.clone().unwrap();
    let store = Arc::new(MemoryStore::new());
    let r = refresher(&s, &store);
    r.vault().save(KEY, &tokens).unwrap();

    let fresh = r.access_token(KEY).await.unwrap();
    assert_eq!(fresh, tokens.access_token, "a token valid for 30 more minutes is handed out as is");
    assert_eq!(s.refresh_calls(), 0);

    s.clock.advance(Duration::minutes(29) + Duration::seconds(30));
    // Slow the one refresh down so that all ten callers are certainly waiting at once.
    s.ctx.faults.add(Fault::parse_spec("xero:latency=300*1").unwrap());
    let results = concurrent_access_tokens(&r, 10).await;
    let tokens: Vec<Sensitive<String>> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(s.refresh_calls(), 1, "a token with under 60 s left is refreshed exactly once for ten callers");
    assert!(tokens.iter().all(|t| *t == tokens[0]), "every caller gets the one refresh's result");
    assert_ne!(tokens[0], fresh, "a new access token");

    let saved = stored_refresh(&store);
    assert_ne!(&saved, first_refresh.expose(), "Xero rotated the refresh token and the vault holds the new one");
    assert_eq!(s.connections(&tokens[0]).await.0, StatusCode::OK, "the refreshed token works");
    // The saved token is the live one: it refreshes (and the used one would not, after grace).
    s.clock.advance(Duration::minutes(31));
    r.access_token(KEY).await.unwrap();
    assert_eq!(s.refresh_calls(), 2);
}

#[tokio::test]
async fn a_lost_refresh_answer_is_retried_with_the_same_token_within_grace() {
    let s = start().await;
    let tokens = s.connect().await;
    let r0 = tokens.refresh_token.clone().unwrap();
    let store = Arc::new(MemoryStore::new());
    let r = refresher(&s, &store);
    r.vault().save(KEY, &tokens).unwrap();

    // Xero rotates r0 but its answer never reaches the app (the emulator's reset fault cuts the
    // connection before the handler runs, so the rotation itself is done here)...
    let lost: TokenSet = refresh(&s.http, &s.clock, &s.token_url(), &s.auto_client(), &r0).await.unwrap();
    let r1 = lost.refresh_token.unwrap();
    // ...and the refresher's own first attempt loses its answer on the wire as well.
    s.ctx.faults.add(Fault::parse_spec("xero:reset*1").unwrap());
    s.clock.advance(Duration::minutes(31));

    let access = r.access_token(KEY).await.unwrap();
    assert_eq!(s.ctx.counters.snapshot().faults_injected.get("xero"), Some(&1), "the first attempt was cut off");
    assert_eq!(s.refresh_calls(), 2, "the lost rotation and the retry with the same token reached Xero");
    assert_eq!(&stored_refresh(&store), r1.expose(), "the vault ends with the newest refresh token");
    assert_eq!(s.connections(&access).await.0, StatusCode::OK);

    // After the grace window the old token is dead, and the saved one still works.
    s.ctx.clock.advance(Duration::minutes(31));
    let late = refresh(&s.http, &s.clock, &s.token_url(), &s.auto_client(), &r0).await.unwrap_err();
    assert!(matches!(late, Error::InvalidGrant { .. }), "{late:?}");
    s.clock.advance(Duration::minutes(31));
    let later = r.access_token(KEY).await.unwrap();
    assert_eq!(s.connections(&later).await.0, StatusCode::OK);
    assert_ne!(&stored_refresh(&store), r1.expose(), "rotated again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unknown_or_revoked_refresh_token_means_reconnect() {
    let s = start().await;
    let store = Arc::new(MemoryStore::new());
    let r = refresher(&s, &store);
    let expired = |refresh: &str| TokenSet {
        access_token: Sensitive::new("stale".into()),
        refresh_token: Some(Sensitive::new(refresh.to_owned())),
        id_token: None,
        expires_at: s.clock.now() - Duration::minutes(1),
        scope: String::new(),
    };
    r.vault().save(KEY, &expired("0123456789abcdef-unknown")).unwrap();
    let err = r.access_token(KEY).await.unwrap_err();
    assert!(matches!(&err, Error::ReconnectNeeded { key, .. } if key == KEY), "{err:?}");
    assert_eq!(err.code(), ErrorCode::ReconnectNeeded);
    assert_eq!(s.refresh_calls(), 1, "invalid_grant is final: no retry");
    assert!(!err.to_string().contains("0123456789abcdef"), "messages never carry a token: {err}");

    // A revoked grant (the user disconnected the app), with ten callers at once.
    let tokens = s.connect().await;
    let revoked = s
        .browser
        .post(format!("{}/connect/revocation", s.base))
        .form(&[("token", tokens.refresh_token.as_ref().unwrap().expose().as_str()), ("client_id", &s.auto_client())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    r.vault().save(KEY, &TokenSet { expires_at: s.clock.now(), ..tokens }).unwrap();
    s.ctx.faults.add(Fault::parse_spec("xero:latency=300*1").unwrap());
    let results = concurrent_access_tokens(&r, 10).await;
    assert!(results.iter().all(|e| matches!(e, Err(Error::ReconnectNeeded { .. }))), "{results:?}");
    assert_eq!(s.refresh_calls(), 2, "the ten callers shared one refused refresh");

    // Nothing stored at all.
    r.vault().delete(KEY).unwrap();
    assert!(matches!(r.access_token(KEY).await, Err(Error::ReconnectNeeded { .. })));
}
