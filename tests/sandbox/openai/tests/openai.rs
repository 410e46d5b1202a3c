//! The OpenAI emulator over real loopback HTTP, checked against the official OpenAPI document
//! (`tests/sandbox/specs/openai.yaml`) with `xp-sandbox-conformance`.
#![allow(clippy::unwrap_used)]

use serde_json::{json, Value};
use std::sync::OnceLock;
use std::time::Duration;
use xp_sandbox_conformance::Spec;
use xp_sandbox_kit::{Ctx, Fault, Persist, Seed};
use xp_sandbox_openai::{Emulator, PROVIDER};

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| Spec::official("openai.yaml").unwrap())
}

#[track_caller]
fn conforms(component: &str, value: &Value) {
    if let Err(errors) = spec().validate_component(component, value) {
        panic!("not a valid {component}:\n{}\n{value:#}", errors.join("\n"));
    }
}

struct Sandbox {
    api: String,
    key: String,
    ctx: Ctx,
    emu: Emulator,
    http: reqwest::Client,
}

impl Sandbox {
    async fn start(minute: Duration, limits: Option<(u64, u64)>) -> Sandbox {
        Self::serve(minute, |ctx, base| {
            let emulator = Emulator::new(ctx, Seed::Demo, base);
            match limits {
                Some((r, t)) => emulator.with_limits(r, t),
                None => emulator,
            }
        })
        .await
    }

    /// Serves the emulator `make` builds on a fresh port (`base` names that port).
    async fn serve(minute: Duration, make: impl FnOnce(Ctx, url::Url) -> Emulator) -> Sandbox {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let ctx = Ctx::new(minute);
        let base: url::Url = format!("http://{addr}/openai").parse().unwrap();
        let emu = make(ctx.clone(), base);
        let key = emu.credentials()["api_key"].as_str().unwrap().to_owned();
        let app = axum::Router::new().nest("/openai", emu.router());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Sandbox { api: format!("http://{addr}/openai/v1"), key, ctx, emu, http: reqwest::Client::new() }
    }

    async fn default() -> Sandbox {
        Self::start(Duration::from_secs(3600), None).await
    }

    async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http.post(format!("{}{path}", self.api)).bearer_auth(&self.key).json(body).send().await.unwrap()
    }

    async fn post_json(&self, path: &str, body: &Value) -> (u16, reqwest::header::HeaderMap, Value) {
        let r = self.post(path, body).await;
        let (status, headers) = (r.status().as_u16(), r.headers().clone());
        (status, headers, r.json().await.unwrap())
    }
}

fn chat_request() -> Value {
    json!({"model": "gpt-5.4", "messages": [
        {"role": "developer", "content": "Suggest an expense account code for the bank line."},
        {"role": "user", "content": "Bank line: 2026-01-14, -89.90 EUR, 'ACME CLOUD HOSTING 01/26'."}
    ]})
}

fn responses_request() -> Value {
    json!({"model": "gpt-5.4", "store": false, "max_output_tokens": 800,
        "instructions": "Suggest an expense account code for the bank line.",
        "input": "Bank line: 2026-01-14, -89.90 EUR, 'ACME CLOUD HOSTING 01/26'. Accounts: 400 Advertising, 463 IT Software."})
}

/// The account-suggestion schema of sheet §3, plus a nested object, an array and bounds.
fn account_schema() -> Value {
    json!({"type": "object", "additionalProperties": false,
    "required": ["account_code", "confidence", "reason", "line", "tags"],
    "properties": {
        "account_code": {"type": "string", "enum": ["400", "463", "489"]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": ["string", "null"]},
        "line": {"type": "object", "additionalProperties": false, "required": ["date", "amount", "count"],
            "properties": {"date": {"type": "string", "format": "date"}, "amount": {"type": "number"},
                "count": {"type": "integer", "minimum": 1, "maximum": 9}}},
        "tags": {"type": "array", "items": {"type": "string", "enum": ["cloud", "software"]}}
    }})
}

/// Validates `doc` against a caller's schema with the same validator, by wrapping the schema
/// as the one component of a throwaway document.
fn validates_against(schema: &Value, doc: &Value) {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("xp-openai-schema-{}-{n}.json", std::process::id()));
    std::fs::write(&path, json!({"components": {"schemas": {"Answer": schema}}}).to_string()).unwrap();
    let wrapped = Spec::load(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    if let Err(e) = wrapped.validate_component("Answer", doc) {
        panic!("structured output does not match the request's schema:\n{}\n{doc:#}", e.join("\n"));
    }
}

/// `data:` payloads of an SSE body, with the `event:` name that preceded each (if any).
fn sse_events(body: &str) -> Vec<(Option<String>, String)> {
    body.split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .map(|block| {
            let mut event = None;
            let mut data = String::new();
            for line in block.lines() {
                if let Some(e) = line.strip_prefix("event: ") {
                    event = Some(e.to_owned());
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data.push_str(d);
                } else {
                    panic!("unexpected SSE line {line:?}");
                }
            }
            (event, data)
        })
        .collect()
}

fn responses_text(response: &Value) -> String {
    let message = response["output"].as_array().unwrap().iter().find(|i| i["type"] == "message").unwrap();
    message["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["type"] == "output_text")
        .map(|p| p["text"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn chat_completion_conforms_and_is_deterministic() {
    let sb = Sandbox::default().await;
    let (status, headers, first) = sb.post_json("/chat/completions", &chat_request()).await;
    assert_eq!(status, 200, "{first}");
    conforms("CreateChatCompletionResponse", &first);
    let (_, _, second) = sb.post_json("/chat/completions", &chat_request()).await;
    assert_eq!(first["choices"], second["choices"], "the same request must give byte-identical choices");
    assert_eq!(first["usage"], second["usage"]);
    assert_ne!(first["id"], second["id"], "every completion has its own id");
    assert!(first["id"].as_str().unwrap().starts_with("chatcmpl-"));
    let text = first["choices"][0]["message"]["content"].as_str().unwrap();
    assert_eq!(
        text,
        "Sandbox answer: you wrote 9 words (62 characters), beginning \"Bank line: 2026-01-14, -89.90 EUR, 'ACME…\". \
         This reply comes from the Xero Partner sandbox, not from a model.",
        "a readable summary of the last user message, the closing picked by the request hash"
    );
    assert_eq!(first["choices"][0]["finish_reason"], "stop");
    let usage = &first["usage"];
    assert_eq!(
        usage["total_tokens"].as_u64(),
        Some(usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap())
    );
    for h in [
        "x-request-id",
        "x-ratelimit-limit-requests",
        "x-ratelimit-remaining-requests",
        "x-ratelimit-reset-requests",
        "x-ratelimit-limit-tokens",
        "x-ratelimit-remaining-tokens",
        "x-ratelimit-reset-tokens",
    ] {
        assert!(headers.contains_key(h), "sheet §1/§6: every answer carries {h}");
    }
    assert_eq!(headers["x-ratelimit-remaining-requests"], "499", "one request spent of the default 500 per minute");

    // A different conversation is a different answer.
    let mut other = chat_request();
    other["messages"][1]["content"] = json!("Something else entirely");
    let (_, _, third) = sb.post_json("/chat/completions", &other).await;
    assert_ne!(third["choices"][0]["message"]["content"], first["choices"][0]["message"]["content"]);
    assert_eq!(sb.ctx.counters.requests(PROVIDER, "POST /v1/chat/completions"), 3);
}

#[tokio::test]
async fn chat_stream_chunks_conform_and_reassemble_to_the_plain_answer() {
    let sb = Sandbox::default().await;
    let (_, _, plain) = sb.post_json("/chat/completions", &chat_request()).await;
    let mut req = chat_request();
    req["stream"] = json!(true);
    req["stream_options"] = json!({"include_usage": true});
    let r = sb.post("/chat/completions", &req).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let events = sse_events(&r.text().await.unwrap());
    assert_eq!(events.last().unwrap(), &(None, "[DONE]".to_owned()), "chat streams end with data: [DONE] (sheet §4)");
    let mut text = String::new();
    let mut usage = None;
    for (event, data) in &events[..events.len() - 1] {
        assert!(event.is_none(), "chat chunks have no event: line");
        let chunk: Value = serde_json::from_str(data).unwrap();
        assert_eq!(chunk["id"], events_id(&events));
        // With include_usage every chunk but the last has `"usage": null`, as the spec's own
        // description of the field says (`$ref` + `nullable: true`).
        if !chunk["usage"].is_null() {
            usage = Some(chunk["usage"].clone());
            assert_eq!(chunk["choices"], json!([]), "the usage chunk has no choices");
        }
        conforms("CreateChatCompletionStreamResponse", &chunk);
        for c in chunk["choices"].as_array().unwrap() {
            text.push_str(c["delta"]["content"].as_str().unwrap_or(""));
        }
    }
    assert_eq!(text, plain["choices"][0]["message"]["content"].as_str().unwrap(), "stream and plain answers agree");
    assert_eq!(usage.unwrap(), plain["usage"], "the final usage chunk counts what the plain answer counts");
}

fn events_id(events: &[(Option<String>, String)]) -> Value {
    serde_json::from_str::<Value>(&events[0].1).unwrap()["id"].clone()
}

#[tokio::test]
async fn responses_object_conforms_and_streams_typed_events() {
    let sb = Sandbox::default().await;
    let (status, headers, response) = sb.post_json("/responses", &responses_request()).await;
    assert_eq!(status, 200, "{response}");
    conforms("Response", &response);
    assert!(response["id"].as_str().unwrap().starts_with("resp_"));
    assert_eq!((response["object"].as_str(), response["status"].as_str()), (Some("response"), Some("completed")));
    assert!(headers.contains_key("x-ratelimit-remaining-tokens"));
    let text = responses_text(&response);
    let (_, _, again) = sb.post_json("/responses", &responses_request()).await;
    assert_eq!(responses_text(&again), text, "deterministic");
    assert_eq!(again["usage"], response["usage"]);

    let mut req = responses_request();
    req["stream"] = json!(true);
    let r = sb.post("/responses", &req).await;
    assert_eq!(r.status(), 200);
    let events = sse_events(&r.text().await.unwrap());
    let components = [
        ("response.created", "ResponseCreatedEvent"),
        ("response.in_progress", "ResponseInProgressEvent"),
        ("response.output_item.added", "ResponseOutputItemAddedEvent"),
        ("response.content_part.added", "ResponseContentPartAddedEvent"),
        ("response.output_text.delta", "ResponseTextDeltaEvent"),
        ("response.output_text.done", "ResponseTextDoneEvent"),
        ("response.content_part.done", "ResponseContentPartDoneEvent"),
        ("response.output_item.done", "ResponseOutputItemDoneEvent"),
        ("response.completed", "ResponseCompletedEvent"),
    ];
    let mut order: Vec<String> = Vec::new();
    let mut streamed = String::new();
    for (i, (event, data)) in events.iter().enumerate() {
        let v: Value = serde_json::from_str(data).unwrap();
        let ty = v["type"].as_str().unwrap();
        assert_eq!(event.as_deref(), Some(ty), "the event: line names the JSON's type");
        assert_eq!(v["sequence_number"], json!(i), "sequence numbers count up from 0");
        let component = components.iter().find(|(t, _)| *t == ty).unwrap_or_else(|| panic!("unexpected event {ty}")).1;
        conforms(component, &v);
        conforms("ResponseStreamEvent", &v);
        if ty == "response.output_text.delta" {
            streamed.push_str(v["delta"].as_str().unwrap());
        }
        if order.last().map(String::as_str) != Some(ty) {
            order.push(ty.to_owned());
        }
        if ty == "response.completed" {
            conforms("Response", &v["response"]);
            assert_eq!(responses_text(&v["response"]), text);
        }
    }
    assert_eq!(order, components.iter().map(|(t, _)| t.to_string()).collect::<Vec<_>>(), "event order of sheet §3");
    assert_eq!(streamed, text, "deltas reassemble to the non-streamed text");
}

#[tokio::test]
async fn structured_outputs_validate_against_the_request_schema() {
    let sb = Sandbox::default().await;
    let mut req = responses_request();
    req["text"] = json!({"format": {"type": "json_schema", "name": "account_suggestion", "strict": true, "schema": account_schema()}});
    let (status, _, response) = sb.post_json("/responses", &req).await;
    assert_eq!(status, 200, "{response}");
    conforms("Response", &response);
    assert_eq!(response["text"]["format"]["name"], "account_suggestion", "the format is echoed");
    let doc: Value = serde_json::from_str(&responses_text(&response)).unwrap();
    validates_against(&account_schema(), &doc);
    let (_, _, again) = sb.post_json("/responses", &req).await;
    assert_eq!(responses_text(&again), responses_text(&response), "same schema and input, same document");

    let mut chat = chat_request();
    chat["response_format"] = json!({"type": "json_schema", "json_schema": {"name": "account_suggestion", "strict": true, "schema": account_schema()}});
    let (status, _, completion) = sb.post_json("/chat/completions", &chat).await;
    assert_eq!(status, 200, "{completion}");
    conforms("CreateChatCompletionResponse", &completion);
    let doc: Value = serde_json::from_str(completion["choices"][0]["message"]["content"].as_str().unwrap()).unwrap();
    validates_against(&account_schema(), &doc);
}

#[tokio::test]
async fn strict_schemas_that_break_the_rules_get_a_400() {
    let sb = Sandbox::default().await;
    let mut open = account_schema();
    open.as_object_mut().unwrap().remove("additionalProperties");
    let mut req = responses_request();
    req["text"] =
        json!({"format": {"type": "json_schema", "name": "account_suggestion", "strict": true, "schema": open}});
    let (status, _, body) = sb.post_json("/responses", &req).await;
    assert_eq!(status, 400);
    conforms("ErrorResponse", &body);
    assert_eq!(
        body["error"],
        json!({"message": "Invalid schema for response_format 'account_suggestion': In context=(), 'additionalProperties' is required to be supplied and to be false.",
            "type": "invalid_request_error", "param": "text.format.schema", "code": "invalid_json_schema"})
    );

    let mut partial = account_schema();
    partial["properties"]["line"]["required"] = json!(["date", "amount"]);
    let mut chat = chat_request();
    chat["response_format"] = json!({"type": "json_schema", "json_schema": {"name": "account_suggestion", "strict": true, "schema": partial.clone()}});
    let (status, _, body) = sb.post_json("/chat/completions", &chat).await;
    assert_eq!(status, 400);
    conforms("ErrorResponse", &body);
    assert_eq!(body["error"]["param"], "response_format");
    assert!(body["error"]["message"].as_str().unwrap().ends_with("In context=('properties', 'line'), 'required' is required to be supplied and to be an array including every key in properties. Missing 'count'."), "{body}");

    // Without strict the same schema is accepted.
    chat["response_format"]["json_schema"]["strict"] = json!(false);
    let (status, _, _) = sb.post_json("/chat/completions", &chat).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_missing_or_wrong_key_gets_a_401() {
    let sb = Sandbox::default().await;
    let r = sb.http.post(format!("{}/responses", sb.api)).json(&responses_request()).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    conforms("ErrorResponse", &body);
    assert_eq!((body["error"]["type"].as_str(), &body["error"]["code"]), (Some("invalid_request_error"), &Value::Null));
    assert!(body["error"]["message"].as_str().unwrap().starts_with("You didn't provide an API key."));

    let wrong = format!("{}x", sb.key);
    let r = sb
        .http
        .post(format!("{}/chat/completions", sb.api))
        .bearer_auth(&wrong)
        .json(&chat_request())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("x-request-id"));
    let body: Value = r.json().await.unwrap();
    conforms("ErrorResponse", &body);
    assert_eq!(body["error"]["code"], "invalid_api_key");
    assert!(!body["error"]["message"].as_str().unwrap().contains(&wrong), "the wrong key is masked in the message");
}

#[tokio::test]
async fn bad_requests_name_the_parameter() {
    let sb = Sandbox::default().await;
    let mut unknown = chat_request();
    unknown["model"] = json!("gpt-9-imaginary");
    let (status, _, body) = sb.post_json("/chat/completions", &unknown).await;
    assert_eq!(status, 404);
    conforms("ErrorResponse", &body);
    assert_eq!(body["error"]["code"], "model_not_found");

    let r = sb
        .http
        .post(format!("{}/chat/completions", sb.api))
        .bearer_auth(&sb.key)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    conforms("ErrorResponse", &body);
    assert_eq!(body["error"]["type"], "invalid_request_error");

    let (status, _, body) = sb.post_json("/chat/completions", &json!({"model": "gpt-5.4"})).await;
    assert_eq!(status, 400);
    assert_eq!(
        (body["error"]["param"].as_str(), body["error"]["code"].as_str()),
        (Some("messages"), Some("missing_required_parameter"))
    );

    let mut bad_role = chat_request();
    bad_role["messages"][0]["role"] = json!("robot");
    let (status, _, body) = sb.post_json("/chat/completions", &bad_role).await;
    assert_eq!((status, body["error"]["param"].as_str()), (400, Some("messages[0].role")));

    let mut bad_format = responses_request();
    bad_format["text"] = json!({"format": {"type": "json_schema", "name": "has space", "schema": account_schema()}});
    let (status, _, body) = sb.post_json("/responses", &bad_format).await;
    assert_eq!((status, body["error"]["param"].as_str()), (400, Some("text.format.name")));

    let r = sb.http.get(format!("{}/nowhere", sb.api)).bearer_auth(&sb.key).send().await.unwrap();
    assert_eq!(r.status(), 404);
    conforms("ErrorResponse", &r.json().await.unwrap());
}

#[tokio::test]
async fn the_request_limit_answers_429_with_rate_limit_headers() {
    let sb = Sandbox::start(Duration::from_secs(3600), Some((2, 1_000_000))).await;
    for remaining in ["1", "0"] {
        let (status, headers, _) = sb.post_json("/chat/completions", &chat_request()).await;
        assert_eq!((status, headers["x-ratelimit-remaining-requests"].to_str().unwrap()), (200, remaining));
    }
    let (status, headers, body) = sb.post_json("/chat/completions", &chat_request()).await;
    assert_eq!(status, 429);
    conforms("ErrorResponse", &body);
    assert_eq!(
        (body["error"]["type"].as_str(), body["error"]["code"].as_str()),
        (Some("requests"), Some("rate_limit_exceeded"))
    );
    assert_eq!(headers["x-ratelimit-limit-requests"], "2");
    assert_eq!(headers["x-ratelimit-remaining-requests"], "0");
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "Retry-After is whole seconds >= 1 within the minute");
    let reset = headers["x-ratelimit-reset-requests"].to_str().unwrap();
    assert!(reset.ends_with('s') && reset.contains('m'), "a Go duration of most of an hour, got {reset}");
    assert_eq!(sb.ctx.counters.snapshot().rate_limited.get(PROVIDER), Some(&1));
}

#[tokio::test]
async fn a_tiny_minute_makes_the_window_reset() {
    let minute = Duration::from_millis(200);
    let sb = Sandbox::start(minute, Some((1, 1_000_000))).await;
    let mut limited = false;
    for _ in 0..20 {
        if sb.post("/chat/completions", &chat_request()).await.status() == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "one request per window: a burst must hit the limit");
    tokio::time::sleep(minute + Duration::from_millis(50)).await;
    assert_eq!(sb.post("/chat/completions", &chat_request()).await.status(), 200, "a new window admits again");
}

#[tokio::test]
async fn the_token_limit_answers_429_of_type_tokens() {
    let sb = Sandbox::start(Duration::from_secs(3600), Some((100, 60))).await;
    let (status, _, body) = sb.post_json("/responses", &responses_request()).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["type"], "tokens");
}

#[tokio::test]
async fn injected_faults_render_openai_envelopes() {
    let sb = Sandbox::default().await;
    sb.ctx.faults.add(Fault::parse_spec("openai:429*1,openai:503*1").unwrap());
    let (status, headers, body) = sb.post_json("/responses", &responses_request()).await;
    assert_eq!(status, 429);
    conforms("ErrorResponse", &body);
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");
    for h in ["retry-after", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", "x-request-id"] {
        assert!(headers.contains_key(h), "injected 429 carries {h}");
    }
    let (status, _, body) = sb.post_json("/responses", &responses_request()).await;
    assert_eq!(status, 503);
    conforms("ErrorResponse", &body);
    assert_eq!(body["error"]["type"], "server_error");
    let (status, _, _) = sb.post_json("/responses", &responses_request()).await;
    assert_eq!(status, 200, "faults used up");
    assert_eq!(sb.ctx.counters.snapshot().rate_limited.get(PROVIDER), Some(&1));
}

#[tokio::test]
async fn max_output_tokens_cuts_the_answer_short() {
    let sb = Sandbox::default().await;
    let mut req = responses_request();
    req["max_output_tokens"] = json!(16);
    req["input"] = json!("word ".repeat(40));
    let mut stream_req = req.clone();
    let (status, _, response) = sb.post_json("/responses", &req).await;
    assert_eq!(status, 200);
    conforms("Response", &response);
    assert_eq!(
        (response["status"].as_str(), &response["incomplete_details"]),
        (Some("incomplete"), &json!({"reason": "max_output_tokens"}))
    );
    assert_eq!(response["usage"]["output_tokens"], 16);

    stream_req["stream"] = json!(true);
    let body = sb.post("/responses", &stream_req).await.text().await.unwrap();
    let last: Value = serde_json::from_str(&sse_events(&body).last().unwrap().1).unwrap();
    assert_eq!(last["type"], "response.incomplete");
    conforms("ResponseIncompleteEvent", &last);

    let mut chat = chat_request();
    chat["max_completion_tokens"] = json!(5);
    let (_, _, completion) = sb.post_json("/chat/completions", &chat).await;
    assert_eq!(completion["choices"][0]["finish_reason"], "length");
    assert_eq!(completion["usage"]["completion_tokens"], 5);
}

#[tokio::test]
async fn stored_responses_can_be_read_chained_and_deleted() {
    let sb = Sandbox::default().await;
    let mut req = responses_request();
    req["store"] = json!(true);
    let (_, _, created) = sb.post_json("/responses", &req).await;
    let id = created["id"].as_str().unwrap();
    let get = |id: String| {
        let (http, url, key) = (sb.http.clone(), format!("{}/responses/{id}", sb.api), sb.key.clone());
        async move { http.get(url).bearer_auth(key).send().await.unwrap() }
    };
    let r = get(id.to_owned()).await;
    assert_eq!(r.status(), 200);
    let fetched: Value = r.json().await.unwrap();
    conforms("Response", &fetched);
    assert_eq!(fetched, created);

    let chained = json!({"model": "gpt-5.4", "previous_response_id": id, "input": "And why?"});
    let (status, _, next) = sb.post_json("/responses", &chained).await;
    assert_eq!((status, next["previous_response_id"].as_str()), (200, Some(id)));
    let (status, _, body) = sb
        .post_json("/responses", &json!({"model": "gpt-5.4", "previous_response_id": "resp_missing", "input": "x"}))
        .await;
    assert_eq!((status, body["error"]["param"].as_str()), (400, Some("previous_response_id")));

    let r = sb.http.delete(format!("{}/responses/{id}", sb.api)).bearer_auth(&sb.key).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"id": id, "object": "response", "deleted": true}));
    assert_eq!(get(id.to_owned()).await.status(), 404, "deleted responses are gone");

    let (_, _, unstored) = sb.post_json("/responses", &responses_request()).await;
    assert_eq!(
        get(unstored["id"].as_str().unwrap().to_owned()).await.status(),
        404,
        "store:false keeps nothing (sheet §7)"
    );
}

#[tokio::test]
async fn the_model_list_conforms() {
    let sb = Sandbox::default().await;
    let r = sb.http.get(format!("{}/models", sb.api)).bearer_auth(&sb.key).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let list: Value = r.json().await.unwrap();
    conforms("ListModelsResponse", &list);
    assert!(
        list["data"].as_array().unwrap().iter().any(|m| m["id"] == "gpt-5.4"),
        "the sheet's example model is listed"
    );
    let r = sb.http.get(format!("{}/models/gpt-5.4", sb.api)).bearer_auth(&sb.key).send().await.unwrap();
    conforms("Model", &r.json().await.unwrap());
}

#[tokio::test]
async fn the_conformance_checks_can_fail() {
    // Guards the suite itself: the validator must reject what the spec forbids, or every
    // `conforms` above would pass vacuously.
    let sb = Sandbox::default().await;
    let (_, _, mut response) = sb.post_json("/responses", &responses_request()).await;
    response.as_object_mut().unwrap().remove("tools");
    assert!(spec().validate_component("Response", &response).is_err(), "Response requires tools");
    let (_, _, mut completion) = sb.post_json("/chat/completions", &chat_request()).await;
    completion["choices"][0]["finish_reason"] = json!("done");
    assert!(
        spec().validate_component("CreateChatCompletionResponse", &completion).is_err(),
        "finish_reason is an enum"
    );
    let delta = json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "x", "sequence_number": 1});
    assert!(spec().validate_component("ResponseTextDeltaEvent", &delta).is_err(), "delta events require logprobs");
}

#[tokio::test]
async fn a_restored_emulator_keeps_its_key_stored_responses_and_id_sequence() {
    let sb1 = Sandbox::default().await;
    let mut req = responses_request();
    req["store"] = json!(true);
    let (_, _, created) = sb1.post_json("/responses", &req).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let saved = sb1.emu.save().unwrap();

    let sb2 =
        Sandbox::serve(Duration::from_secs(3600), |ctx, base| Emulator::restore(ctx, base, saved.clone()).unwrap())
            .await;
    assert_ne!(sb1.api, sb2.api);
    assert_eq!(sb2.emu.save().unwrap(), saved, "saving the restored emulator writes the same document");
    assert_eq!(sb2.key, sb1.key, "the API key survives");
    assert_eq!(sb2.emu.dump()["stored_responses"], json!([id]));
    let fetched: Value = sb2
        .http
        .get(format!("{}/responses/{id}", sb2.api))
        .bearer_auth(&sb2.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, created, "a response stored before the restart is served after it");

    // The same request on both: the same next id, and not the first one again.
    let (_, _, next1) = sb1.post_json("/responses", &req).await;
    let (_, _, next2) = sb2.post_json("/responses", &req).await;
    assert_eq!(next2["id"], next1["id"], "the id sequence goes on where it stopped");
    assert_ne!(next2["id"], json!(id), "so no id is reissued");
}
