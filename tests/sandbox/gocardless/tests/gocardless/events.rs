//! The events feed as a desktop client uses it: poll with a persisted cursor, apply each event
//! once.

use super::*;

#[tokio::test]
async fn polling_with_a_persisted_cursor_sees_every_new_event_exactly_once() {
    let sb = start(Seed::Demo).await;
    // The newest event now is the cursor the client persists.
    let (_, _, v) = sb.get("/events?limit=1").await;
    let mut cursor = v["events"][0]["id"].as_str().unwrap().to_owned();
    let known: HashSet<String> = sb.events("").await.iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();

    sb.advance_days(5);
    let mut seen: Vec<Value> = Vec::new();
    loop {
        // `before` a cursor lists what is newer than it, the page nearest to it first.
        let (s, _, v) = sb.get(&format!("/events?before={cursor}&limit=7")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let page = v["events"].as_array().unwrap();
        if page.is_empty() {
            break;
        }
        for e in page.iter().rev() {
            seen.push(e.clone());
        }
        cursor = page[0]["id"].as_str().unwrap().to_owned();
    }
    assert!(seen.len() > 20, "five days of the demo bring new events: {}", seen.len());
    let ids: Vec<&str> = seen.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len(), "no event twice");
    assert!(ids.iter().all(|id| !known.contains(*id)), "nothing seen before");
    let all_new: Vec<String> = sb
        .events("")
        .await
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .filter(|id| !known.contains(id))
        .collect();
    assert_eq!(ids, all_new.iter().map(String::as_str).collect::<Vec<_>>(), "every new event, oldest first");
    assert!(seen.windows(2).all(|w| w[0]["created_at"].as_str() <= w[1]["created_at"].as_str()));
    for e in &seen {
        assert!(e["resource_metadata"].is_object() && e["metadata"].is_object(), "{e}");
        assert!(e["details"]["cause"].is_string() && e["details"]["description"].is_string(), "{e}");
    }
    let (s, _, v) = sb.get("/events?after=EVnot-a-cursor").await;
    assert_eq!((s, v["error"]["type"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")));
}

#[tokio::test]
async fn events_carry_their_resource_metadata_and_the_request_metadata() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    let body = json!({"payments": {"amount": 100, "currency": "EUR", "metadata": {"invoice": "INV-7"}, "links": {"mandate": md}}});
    let (_, p) = sb.post("/payments", body, None).await;
    let pm = p["payments"]["id"].as_str().unwrap();
    let cancel = json!({"data": {"metadata": {"why": "duplicate"}}});
    let (s, _) = sb.post(&format!("/payments/{pm}/actions/cancel"), cancel, None).await;
    assert_eq!(s, StatusCode::OK);
    let events = sb.events(&format!("payment={pm}")).await;
    assert_eq!(events[0]["metadata"], json!({}), "created: no request metadata");
    let cancelled = &events[1];
    assert_eq!(cancelled["action"], "cancelled");
    assert_eq!(cancelled["metadata"], json!({"why": "duplicate"}));
    assert_eq!(cancelled["resource_metadata"], json!({"invoice": "INV-7", "why": "duplicate"}));
}
