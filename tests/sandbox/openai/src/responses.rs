//! The Responses API (sheet §3; spec `CreateResponse`, `Response`, `ResponseStreamEvent`):
//! `POST /v1/responses`, `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::sync::Arc;

use crate::answer::{chunks, content_text, fnv, hex_id, prompt_tokens, tokens, truncate};
use crate::error::{ApiError, Result};
use crate::format::{self, Format};
use crate::models::{self, Api};
use crate::{opt_bool, opt_u64, parse_body, sse, Shared, PROVIDER};

pub(crate) async fn create(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    s.ctx.counters.hit(PROVIDER, "POST /v1/responses");
    handle(&s, &headers, &body).unwrap_or_else(|e| {
        if e.status == StatusCode::TOO_MANY_REQUESTS {
            s.ctx.counters.rate_limited(PROVIDER);
        }
        e.into_response()
    })
}

/// Text of the request's `input`: a string, or input items (messages with string or part-list
/// content, tool outputs). Returns every text (for token counts) and the last user text.
fn input(body: &Map<String, Value>) -> Result<(Vec<String>, String)> {
    match body.get("input") {
        None | Some(Value::Null) => Ok((Vec::new(), String::new())),
        Some(Value::String(s)) => Ok((vec![s.clone()], s.clone())),
        Some(Value::Array(items)) => {
            let mut texts = Vec::new();
            let mut last_user = String::new();
            for (i, item) in items.iter().enumerate() {
                let Value::Object(m) = item else {
                    return Err(ApiError::wrong_type(&format!("input[{i}]"), "an object", item));
                };
                let text = match (m.get("content"), m.get("output")) {
                    (Some(c), _) => content_text(c),
                    (None, Some(o)) => content_text(o),
                    _ => String::new(),
                };
                if m.get("role").and_then(Value::as_str) == Some("user") {
                    last_user.clone_from(&text);
                }
                texts.push(text);
            }
            Ok((texts, last_user))
        }
        Some(other) => Err(ApiError::wrong_type("input", "a string or an array of input items", other)),
    }
}

/// Everything the answer and its echo need, validated.
struct Plan {
    id: String,
    msg_id: String,
    created_at: i64,
    model: String,
    instructions: Value,
    format: Format,
    verbosity: Value,
    max_output_tokens: Option<u64>,
    store: bool,
    previous_response_id: Value,
    metadata: Value,
    temperature: Value,
    top_p: Value,
    tools: Value,
    tool_choice: Value,
    parallel_tool_calls: bool,
    text: String,
    cut: bool,
    input_tokens: u64,
    output_tokens: u64,
}

impl Plan {
    /// The `Response` object in a given state; `usage` only once known (the spec's `usage` is
    /// not nullable, so in-progress snapshots leave it out rather than send `null`).
    fn response(&self, status: &str, output: Vec<Value>, final_state: bool) -> Value {
        let mut r = json!({
            "id": self.id, "object": "response", "created_at": self.created_at, "status": status,
            "background": false,
            "completed_at": if final_state && status == "completed" { json!(self.created_at) } else { Value::Null },
            "error": null,
            "incomplete_details": if final_state && self.cut { json!({"reason": "max_output_tokens"}) } else { Value::Null },
            "instructions": self.instructions, "max_output_tokens": self.max_output_tokens, "max_tool_calls": null,
            "model": self.model, "output": output, "parallel_tool_calls": self.parallel_tool_calls,
            "previous_response_id": self.previous_response_id, "prompt_cache_key": null,
            "reasoning": {"effort": null, "summary": null}, "safety_identifier": null, "service_tier": "default",
            "store": self.store, "temperature": self.temperature,
            "text": {"format": self.format.echo(), "verbosity": self.verbosity},
            "tool_choice": self.tool_choice, "tools": self.tools, "top_logprobs": 0, "top_p": self.top_p,
            "truncation": "disabled", "metadata": self.metadata,
        });
        if final_state {
            r["usage"] = json!({
                "input_tokens": self.input_tokens,
                "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": self.output_tokens,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": self.input_tokens + self.output_tokens,
            });
        }
        r
    }

    fn status(&self) -> &'static str {
        if self.cut {
            "incomplete"
        } else {
            "completed"
        }
    }

    fn part(&self, text: &str) -> Value {
        json!({"type": "output_text", "text": text, "annotations": [], "logprobs": []})
    }

    fn message(&self, status: &str, content: Vec<Value>) -> Value {
        json!({"id": self.msg_id, "type": "message", "status": status, "role": "assistant", "content": content})
    }

    fn final_response(&self) -> Value {
        let item = self.message(self.status(), vec![self.part(&self.text)]);
        self.response(self.status(), vec![item], true)
    }
}

fn or_default(body: &Map<String, Value>, key: &str, default: Value) -> Value {
    body.get(key).filter(|v| !v.is_null()).cloned().unwrap_or(default)
}

fn plan(s: &Shared, req: &Map<String, Value>, model: String) -> Result<Plan> {
    let instructions = match req.get("instructions") {
        None | Some(Value::Null) => Value::Null,
        Some(v @ Value::String(_)) => v.clone(),
        Some(other) => return Err(ApiError::wrong_type("instructions", "a string", other)),
    };
    let (texts, last_user) = input(req)?;
    let mentions_json = texts
        .iter()
        .chain(instructions.as_str().map(str::to_owned).as_ref())
        .any(|t| t.to_ascii_lowercase().contains("json"));
    let format = format::parse(req, Api::Responses, mentions_json)?;
    let max_output_tokens = opt_u64(req, "max_output_tokens")?;
    if let Some(n) = max_output_tokens.filter(|n| *n < 16) {
        // Minimum 16 (OpenAI's 400 for smaller values; unconfirmed in the spec).
        return Err(ApiError::invalid(format!(
            "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got {n} instead."
        ))
        .param("max_output_tokens")
        .code("integer_below_min_value"));
    }
    // `store` defaults to true for Responses (spec `CreateResponse.store`, sheet §8).
    let store = opt_bool(req, "store")?.unwrap_or(true);
    let parallel_tool_calls = opt_bool(req, "parallel_tool_calls")?.unwrap_or(true);
    let previous_response_id = match req.get("previous_response_id") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(id)) => Value::String(id.clone()),
        Some(other) => return Err(ApiError::wrong_type("previous_response_id", "a string", other)),
    };
    // A chain continues a stored response (sheet §9: needs `store:true`); its output is context.
    let previous_text = match previous_response_id.as_str() {
        None => String::new(),
        Some(id) => {
            let stored = s.stored.lock().unwrap_or_else(|p| p.into_inner());
            let prev = stored.get(id).ok_or_else(|| {
                ApiError::invalid(format!("Previous response with id '{id}' not found."))
                    .param("previous_response_id")
                    .code("previous_response_not_found")
            })?;
            output_text(prev)
        }
    };

    let seed = fnv(&[
        model.as_bytes(),
        instructions.to_string().as_bytes(),
        or_default(req, "input", Value::Null).to_string().as_bytes(),
        previous_text.as_bytes(),
        &format.hash().to_le_bytes(),
    ]);
    let (text, cut) = truncate(format.answer(seed, &last_user), max_output_tokens);
    let input_tokens = prompt_tokens(
        instructions
            .as_str()
            .into_iter()
            .chain(std::iter::once(previous_text.as_str()).filter(|t| !t.is_empty()))
            .chain(texts.iter().map(String::as_str)),
    );
    let output_tokens = tokens(&text);
    let unique = fnv(&[&seed.to_le_bytes(), &s.next_seq().to_le_bytes()]);
    Ok(Plan {
        id: format!("resp_{}", hex_id(unique, 48)),
        msg_id: format!("msg_{}", hex_id(unique ^ 0x006d_7367, 48)),
        created_at: s.now(),
        model,
        instructions,
        format,
        verbosity: req
            .get("text")
            .and_then(|t| t.get("verbosity"))
            .filter(|v| !v.is_null())
            .cloned()
            .unwrap_or(json!("medium")),
        max_output_tokens,
        store,
        previous_response_id,
        metadata: or_default(req, "metadata", json!({})),
        temperature: or_default(req, "temperature", json!(1)),
        top_p: or_default(req, "top_p", json!(1)),
        tools: or_default(req, "tools", json!([])),
        tool_choice: or_default(req, "tool_choice", json!("auto")),
        parallel_tool_calls,
        text,
        cut,
        input_tokens,
        output_tokens,
    })
}

/// The concatenated `output_text` of a response (what the SDKs call `output_text`).
fn output_text(response: &Value) -> String {
    let mut out = String::new();
    for item in response.get("output").and_then(Value::as_array).into_iter().flatten() {
        for part in item.get("content").and_then(Value::as_array).into_iter().flatten() {
            if part.get("type").and_then(Value::as_str) == Some("output_text") {
                out.push_str(part.get("text").and_then(Value::as_str).unwrap_or(""));
            }
        }
    }
    out
}

fn handle(s: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Response> {
    s.authorize(headers)?;
    let req = parse_body(body)?;
    let model = models::require(&req, Api::Responses)?;
    let stream = opt_bool(&req, "stream")?.unwrap_or(false);
    let p = plan(s, &req, model)?;
    let rate_headers = s.limiter.admit(&p.model, &s.org, p.input_tokens + p.output_tokens)?;
    let final_response = p.final_response();
    if p.store {
        s.stored.lock().unwrap_or_else(|e| e.into_inner()).insert(p.id.clone(), final_response.clone());
    }
    if !stream {
        let mut r = axum::Json(final_response).into_response();
        r.headers_mut().extend(rate_headers);
        return Ok(r);
    }

    // Typed events in the order of sheet §3 "Streaming", each with `type` and
    // `sequence_number` (from 0), framed as `event: <type>` + `data: <json>` as OpenAI sends
    // them (recorded streams in public client fixtures; the sheet does not say).
    let mut events = Vec::new();
    let mut push = |mut e: Value| {
        let seq = events.len();
        e["sequence_number"] = json!(seq);
        let ty = e["type"].as_str().unwrap_or("").to_owned();
        events.push(format!("event: {ty}\ndata: {e}\n\n"));
    };
    let in_progress = p.response("in_progress", vec![], false);
    push(json!({"type": "response.created", "response": in_progress}));
    push(json!({"type": "response.in_progress", "response": in_progress}));
    push(json!({"type": "response.output_item.added", "output_index": 0, "item": p.message("in_progress", vec![])}));
    let at = |ty: &str| json!({"type": ty, "item_id": p.msg_id, "output_index": 0, "content_index": 0});
    let mut e = at("response.content_part.added");
    e["part"] = p.part("");
    push(e);
    for piece in chunks(&p.text) {
        let mut e = at("response.output_text.delta");
        e["delta"] = json!(piece);
        e["logprobs"] = json!([]);
        push(e);
    }
    let mut e = at("response.output_text.done");
    e["text"] = json!(p.text);
    e["logprobs"] = json!([]);
    push(e);
    let mut e = at("response.content_part.done");
    e["part"] = p.part(&p.text);
    push(e);
    push(
        json!({"type": "response.output_item.done", "output_index": 0, "item": p.message(p.status(), vec![p.part(&p.text)])}),
    );
    let terminal = if p.cut { "response.incomplete" } else { "response.completed" };
    push(json!({"type": terminal, "response": final_response}));
    Ok(sse(events, rate_headers))
}

/// 404 for an id this sandbox does not hold (deleted, never stored, or unknown); wording
/// unconfirmed. The envelope is OpenAI's usual one (sheet §5), although the spec's DELETE 404
/// names the bare `Error` schema.
fn no_such_response(id: &str) -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "invalid_request_error", format!("Response with id '{id}' not found."))
        .param("response_id")
        .into_response()
}

pub(crate) async fn retrieve(State(s): State<Arc<Shared>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    s.ctx.counters.hit(PROVIDER, "GET /v1/responses/{response_id}");
    if let Err(e) = s.authorize(&headers) {
        return e.into_response();
    }
    let found = s.stored.lock().unwrap_or_else(|p| p.into_inner()).get(&id).cloned();
    match found {
        Some(r) => axum::Json(r).into_response(),
        None => no_such_response(&id),
    }
}

pub(crate) async fn delete(State(s): State<Arc<Shared>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    s.ctx.counters.hit(PROVIDER, "DELETE /v1/responses/{response_id}");
    if let Err(e) = s.authorize(&headers) {
        return e.into_response();
    }
    let removed = s.stored.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
    match removed {
        // Body as in the spec's `deleteResponse` example.
        Some(_) => axum::Json(json!({"id": id, "object": "response", "deleted": true})).into_response(),
        None => no_such_response(&id),
    }
}
