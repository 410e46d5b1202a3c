use crate::Fixture;
use xp_store::settings;

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Mode {
    mode: String,
    minutes: u32,
}

#[tokio::test]
async fn settings_round_trip_survive_reopen_and_report_corruption() {
    let f = Fixture::new();
    let store = f.open().await;
    assert_eq!(settings::get::<Mode>(&store, "session.mode").await.unwrap(), None);
    settings::set(&store, "session.mode", &Mode { mode: "okta".into(), minutes: 15 }).await.unwrap();
    settings::set(&store, "session.mode", &Mode { mode: "single_user".into(), minutes: 0 }).await.unwrap();
    store.close().await;

    let store = f.open().await;
    assert_eq!(
        settings::get::<Mode>(&store, "session.mode").await.unwrap(),
        Some(Mode { mode: "single_user".into(), minutes: 0 }),
        "the last write wins and is on disk"
    );
    let e = settings::get::<u32>(&store, "session.mode").await.unwrap_err().to_string();
    assert!(e.contains("session.mode"), "a value of the wrong shape names its key: {e}");
    settings::delete(&store, "session.mode").await.unwrap();
    assert_eq!(settings::get::<Mode>(&store, "session.mode").await.unwrap(), None);
}
