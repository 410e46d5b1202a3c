//! Model ids and `GET /v1/models` (sheet §2; spec `ListModelsResponse`, `Model`).
//!
//! The ids are the spec's own enums: `ModelIdsShared` (Chat Completions and Responses) and the
//! `ResponsesOnlyModel` branch of `ModelIdsResponses`. Anything else is unknown to this
//! sandbox and answered like a model the key has no access to (404 `model_not_found`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::sync::Arc;

use crate::answer::fnv;
use crate::error::{ApiError, Result};
use crate::{Shared, PROVIDER};

pub(crate) const SHARED: &[&str] = &[
    "gpt-5.6-sol",
    "gpt-5.6-terra",
    "gpt-5.6-luna",
    "gpt-5.5",
    "gpt-5.5-2026-04-23",
    "gpt-5.4",
    "gpt-5.4-mini",
    "gpt-5.4-nano",
    "gpt-5.4-mini-2026-03-17",
    "gpt-5.4-nano-2026-03-17",
    "gpt-5.3-chat-latest",
    "gpt-5.2",
    "gpt-5.2-2025-12-11",
    "gpt-5.2-chat-latest",
    "gpt-5.2-pro",
    "gpt-5.2-pro-2025-12-11",
    "gpt-5.1",
    "gpt-5.1-2025-11-13",
    "gpt-5.1-codex",
    "gpt-5.1-mini",
    "gpt-5.1-chat-latest",
    "gpt-5",
    "gpt-5-mini",
    "gpt-5-nano",
    "gpt-5-2025-08-07",
    "gpt-5-mini-2025-08-07",
    "gpt-5-nano-2025-08-07",
    "gpt-5-chat-latest",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-4.1-2025-04-14",
    "gpt-4.1-mini-2025-04-14",
    "gpt-4.1-nano-2025-04-14",
    "o4-mini",
    "o4-mini-2025-04-16",
    "o3",
    "o3-2025-04-16",
    "o3-mini",
    "o3-mini-2025-01-31",
    "o1",
    "o1-2024-12-17",
    "o1-preview",
    "o1-preview-2024-09-12",
    "o1-mini",
    "o1-mini-2024-09-12",
    "gpt-4o",
    "gpt-4o-2024-11-20",
    "gpt-4o-2024-08-06",
    "gpt-4o-2024-05-13",
    "gpt-4o-audio-preview",
    "gpt-4o-audio-preview-2024-10-01",
    "gpt-4o-audio-preview-2024-12-17",
    "gpt-4o-audio-preview-2025-06-03",
    "gpt-4o-mini-audio-preview",
    "gpt-4o-mini-audio-preview-2024-12-17",
    "gpt-4o-search-preview",
    "gpt-4o-mini-search-preview",
    "gpt-4o-search-preview-2025-03-11",
    "gpt-4o-mini-search-preview-2025-03-11",
    "chatgpt-4o-latest",
    "codex-mini-latest",
    "gpt-4o-mini",
    "gpt-4o-mini-2024-07-18",
    "gpt-4-turbo",
    "gpt-4-turbo-2024-04-09",
    "gpt-4-0125-preview",
    "gpt-4-turbo-preview",
    "gpt-4-1106-preview",
    "gpt-4-vision-preview",
    "gpt-4",
    "gpt-4-0314",
    "gpt-4-0613",
    "gpt-4-32k",
    "gpt-4-32k-0314",
    "gpt-4-32k-0613",
    "gpt-3.5-turbo",
    "gpt-3.5-turbo-16k",
    "gpt-3.5-turbo-0301",
    "gpt-3.5-turbo-0613",
    "gpt-3.5-turbo-1106",
    "gpt-3.5-turbo-0125",
    "gpt-3.5-turbo-16k-0613",
];

pub(crate) const RESPONSES_ONLY: &[&str] = &[
    "o1-pro",
    "o1-pro-2025-03-19",
    "o3-pro",
    "o3-pro-2025-06-10",
    "o3-deep-research",
    "o3-deep-research-2025-06-26",
    "o4-mini-deep-research",
    "o4-mini-deep-research-2025-06-26",
    "computer-use-preview",
    "computer-use-preview-2025-03-11",
    "gpt-5.5-pro",
    "gpt-5.5-pro-2026-04-23",
    "gpt-5-codex",
    "gpt-5-pro",
    "gpt-5-pro-2025-10-06",
    "gpt-5.1-codex-max",
    "gpt-daybreak-blue-latest",
    "gpt-daybreak-red-latest",
    "gpt-5.6-cyber",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    Chat,
    Responses,
}

fn known(id: &str) -> bool {
    SHARED.contains(&id) || RESPONSES_ONLY.contains(&id)
}

/// 404 `model_not_found`, worded as OpenAI's ("The model `x` does not exist or you do not have
/// access to it.", `param: null`, as quoted from api.openai.com in public client READMEs and
/// fixtures; the 404 status is "unconfirmed" in sheet §5).
pub(crate) fn not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        format!("The model `{id}` does not exist or you do not have access to it."),
    )
    .code("model_not_found")
}

/// The request's `model`, validated for the API it was sent to.
pub(crate) fn require(body: &Map<String, Value>, api: Api) -> Result<String> {
    let model = match body.get("model") {
        None | Some(Value::Null) => return Err(ApiError::missing("model")),
        Some(Value::String(m)) => m.clone(),
        Some(other) => return Err(ApiError::wrong_type("model", "a string", other)),
    };
    if !known(&model) {
        return Err(not_found(&model));
    }
    if api == Api::Chat && RESPONSES_ONLY.contains(&model.as_str()) {
        // Responses-only models (spec `ResponsesOnlyModel`) are refused by Chat Completions;
        // wording unconfirmed.
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "This model is only supported in v1/responses and not in v1/chat/completions.",
        )
        .param("model"));
    }
    Ok(model)
}

fn model_object(id: &str) -> Value {
    // A stable creation time between mid-2023 and 2025 per id.
    let created = 1_686_935_002 + (fnv(&[id.as_bytes()]) % 60_000_000) as i64;
    json!({"id": id, "object": "model", "created": created, "owned_by": "system"})
}

pub(crate) async fn list(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    s.ctx.counters.hit(PROVIDER, "GET /v1/models");
    if let Err(e) = s.authorize(&headers) {
        return e.into_response();
    }
    let data: Vec<Value> = SHARED.iter().chain(RESPONSES_ONLY).map(|id| model_object(id)).collect();
    axum::Json(json!({"object": "list", "data": data})).into_response()
}

pub(crate) async fn retrieve(State(s): State<Arc<Shared>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    s.ctx.counters.hit(PROVIDER, "GET /v1/models/{model}");
    if let Err(e) = s.authorize(&headers) {
        return e.into_response();
    }
    if known(&id) {
        axum::Json(model_object(&id)).into_response()
    } else {
        not_found(&id).into_response()
    }
}
