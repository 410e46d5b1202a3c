//! `POST /v1/chat/completions` (sheet §4; spec `CreateChatCompletionRequest`,
//! `CreateChatCompletionResponse`, `CreateChatCompletionStreamResponse`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::sync::Arc;

use crate::answer::{alnum_id, content_text, fnv, hex_id, prompt_tokens, tokens, truncate};
use crate::error::{ApiError, Result};
use crate::format;
use crate::models::{self, Api};
use crate::{opt_bool, opt_u64, parse_body, sse, Shared, PROVIDER};

const ROLES: [&str; 6] = ["system", "assistant", "user", "function", "tool", "developer"];

pub(crate) async fn create(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    s.ctx.counters.hit(PROVIDER, "POST /v1/chat/completions");
    handle(&s, &headers, &body).unwrap_or_else(|e| {
        if e.status == StatusCode::TOO_MANY_REQUESTS {
            s.ctx.counters.rate_limited(PROVIDER);
        }
        e.into_response()
    })
}

struct Message {
    role: String,
    text: String,
}

fn messages(body: &Map<String, Value>) -> Result<(Vec<Message>, &Value)> {
    let raw = match body.get("messages") {
        None | Some(Value::Null) => return Err(ApiError::missing("messages")),
        Some(v @ Value::Array(_)) => v,
        Some(other) => return Err(ApiError::wrong_type("messages", "an array", other)),
    };
    let items = raw.as_array().map(Vec::as_slice).unwrap_or_default();
    if items.is_empty() {
        return Err(ApiError::invalid(
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        )
        .param("messages")
        .code("empty_array"));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, m) in items.iter().enumerate() {
        let p = format!("messages[{i}]");
        let Value::Object(m) = m else { return Err(ApiError::wrong_type(&p, "an object", m)) };
        let role = match m.get("role") {
            Some(Value::String(r)) => r.clone(),
            None | Some(Value::Null) => return Err(ApiError::missing(&format!("{p}.role"))),
            Some(other) => return Err(ApiError::wrong_type(&format!("{p}.role"), "a string", other)),
        };
        if !ROLES.contains(&role.as_str()) {
            return Err(ApiError::invalid(format!(
                "Invalid value: '{role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'."
            ))
            .param(format!("{p}.role"))
            .code("invalid_value"));
        }
        let content = m.get("content").unwrap_or(&Value::Null);
        // Assistant turns may carry only tool calls (spec
        // `ChatCompletionRequestAssistantMessage.content` is nullable); the others need content.
        if content.is_null() && role != "assistant" {
            return Err(ApiError::missing(&format!("{p}.content")));
        }
        out.push(Message { role, text: content_text(content) });
    }
    Ok((out, raw))
}

fn usage(prompt: u64, completion: u64) -> Value {
    json!({
        "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
    })
}

fn handle(s: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Response> {
    s.authorize(headers)?;
    let req = parse_body(body)?;
    let model = models::require(&req, Api::Chat)?;
    let (msgs, raw_messages) = messages(&req)?;
    let mentions_json = msgs.iter().any(|m| m.text.to_ascii_lowercase().contains("json"));
    let format = format::parse(&req, Api::Chat, mentions_json)?;
    let stream = opt_bool(&req, "stream")?.unwrap_or(false);
    let include_usage = match req.get("stream_options") {
        None | Some(Value::Null) => false,
        Some(_) if !stream => {
            return Err(ApiError::invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.")
                .param("stream_options"))
        }
        Some(Value::Object(o)) => o.get("include_usage").and_then(Value::as_bool).unwrap_or(false),
        Some(other) => return Err(ApiError::wrong_type("stream_options", "an object", other)),
    };
    let n = opt_u64(&req, "n")?.unwrap_or(1);
    if !(1..=128).contains(&n) {
        return Err(ApiError::invalid(format!(
            "Invalid 'n': expected a value between 1 and 128, but got {n} instead."
        ))
        .param("n")
        .code("invalid_value"));
    }
    // `max_tokens` is the deprecated spelling of `max_completion_tokens` (spec
    // `CreateChatCompletionRequest`).
    let max = opt_u64(&req, "max_completion_tokens")?.or(opt_u64(&req, "max_tokens")?);

    // The answer depends on the model, the conversation and the format: never on `stream`.
    let seed = fnv(&[model.as_bytes(), raw_messages.to_string().as_bytes(), &format.hash().to_le_bytes()]);
    let last_user = msgs.iter().rev().find(|m| m.role == "user").map(|m| m.text.as_str()).unwrap_or("");
    let choices: Vec<(String, bool)> =
        (0..n).map(|i| truncate(format.answer(seed.wrapping_add(i), last_user), max)).collect();
    let prompt = prompt_tokens(msgs.iter().map(|m| m.text.as_str()));
    let completion: u64 = choices.iter().map(|(t, _)| tokens(t)).sum();

    let rate_headers = s.limiter.admit(&model, &s.org, prompt + completion)?;
    let id = format!("chatcmpl-{}", alnum_id(fnv(&[&seed.to_le_bytes(), &s.next_seq().to_le_bytes()]), 29));
    let created = s.now();
    let fingerprint = format!("fp_{}", hex_id(fnv(&[model.as_bytes()]), 10));
    let finish = |cut: bool| if cut { "length" } else { "stop" };

    if !stream {
        let choices: Vec<Value> = choices
            .iter()
            .enumerate()
            .map(|(i, (text, cut))| {
                json!({
                    "index": i, "logprobs": null, "finish_reason": finish(*cut),
                    "message": {"role": "assistant", "content": text, "refusal": null, "annotations": []},
                })
            })
            .collect();
        let body = json!({
            "id": id, "object": "chat.completion", "created": created, "model": model, "choices": choices,
            "usage": usage(prompt, completion), "service_tier": "default", "system_fingerprint": fingerprint,
        });
        let mut r = axum::Json(body).into_response();
        r.headers_mut().extend(rate_headers);
        return Ok(r);
    }

    // Streaming: `data: {chunk}` lines, then `data: [DONE]` (sheet §4). With
    // `stream_options.include_usage` every chunk carries `usage: null` and one last chunk with
    // empty `choices` carries the totals (spec `CreateChatCompletionStreamResponse.usage`).
    let chunk = |choices: Value, usage_value: Option<Value>| {
        let mut c = json!({
            "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
            "service_tier": "default", "system_fingerprint": fingerprint, "choices": choices,
        });
        if include_usage {
            c["usage"] = usage_value.unwrap_or(Value::Null);
        }
        format!("data: {c}\n\n")
    };
    let mut events = Vec::new();
    for (i, (text, cut)) in choices.iter().enumerate() {
        let choice = |delta: Value, finish_reason: Value| json!([{"index": i, "delta": delta, "logprobs": null, "finish_reason": finish_reason}]);
        events.push(chunk(choice(json!({"role": "assistant", "content": "", "refusal": null}), Value::Null), None));
        for piece in crate::answer::chunks(text) {
            events.push(chunk(choice(json!({"content": piece}), Value::Null), None));
        }
        events.push(chunk(choice(json!({}), json!(finish(*cut))), None));
    }
    if include_usage {
        events.push(chunk(json!([]), Some(usage(prompt, completion))));
    }
    events.push("data: [DONE]\n\n".to_owned());
    Ok(sse(events, rate_headers))
}
