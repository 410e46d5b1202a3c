use crate::{t0, Fixture};
use serde_json::json;
use xp_store::audit::{self, NewEntry};
use xp_store::Error;

async fn seed(store: &xp_store::Store, n: usize) {
    for i in 0..n {
        let detail = json!({"n": i});
        audit::append(
            store,
            NewEntry { actor: "owner@example.com", action: "connection.add", subject: "xero", detail },
            t0(),
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn the_chain_verifies_and_lists_newest_first() {
    let fx = Fixture::new();
    let store = fx.open().await;
    seed(&store, 5).await;
    assert_eq!(audit::verify(&store).await.unwrap(), 5);
    let list = audit::list(&store, 2).await.unwrap();
    assert_eq!(list.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![5, 4]);
    assert_eq!(list[0].detail, json!({"n": 4}));
}

#[tokio::test]
async fn the_log_is_append_only() {
    let fx = Fixture::new();
    let store = fx.open().await;
    seed(&store, 1).await;
    let upd = sqlx::query("UPDATE audit_log SET actor = 'mallory'").execute(store.pool()).await;
    assert!(upd.unwrap_err().to_string().contains("append-only"));
    let del = sqlx::query("DELETE FROM audit_log").execute(store.pool()).await;
    assert!(del.is_err(), "deleting audit entries must be refused");
}

#[tokio::test]
async fn tampering_is_detected_at_the_edited_entry() {
    let fx = Fixture::new();
    let store = fx.open().await;
    seed(&store, 4).await;
    // Someone with the key edits a row behind the app's back.
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(store.pool()).await.unwrap();
    sqlx::query("UPDATE audit_log SET detail = '{\"n\":99}' WHERE seq = 3").execute(store.pool()).await.unwrap();
    match audit::verify(&store).await {
        Err(Error::AuditChain { seq, .. }) => assert_eq!(seq, 3),
        other => panic!("tampering not detected: {other:?}"),
    }
}

#[tokio::test]
async fn concurrent_appends_keep_one_chain() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            audit::append(&s, NewEntry { actor: "a", action: "x", subject: "s", detail: json!({"i": i}) }, crate::t0())
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(audit::verify(&store).await.unwrap(), 16, "concurrent appends must not fork the chain");
}

#[test]
fn hash_depends_on_field_boundaries() {
    let a = audit::entry_hash(audit::GENESIS, "t", "ab", "c", "s", "{}");
    let b = audit::entry_hash(audit::GENESIS, "t", "a", "bc", "s", "{}");
    assert_ne!(a, b);
}
