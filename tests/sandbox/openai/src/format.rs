//! The requested output format: Chat Completions' `response_format` (spec
//! `ResponseFormatJsonSchema`, sheet §4) and the Responses API's `text.format` (spec
//! `TextResponseFormatJsonSchema`, sheet §3). Same rules, different parameter paths.

use serde_json::{json, Map, Value};

use crate::answer::{fnv, plain};
use crate::error::{ApiError, Result};
use crate::models::Api;
use crate::schema;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Format {
    Text,
    JsonObject,
    JsonSchema { name: String, schema: Value, strict: bool, description: Option<String> },
}

impl Format {
    /// The answer text for this format; `seed` is the request hash.
    pub fn answer(&self, seed: u64, last_user: &str) -> String {
        match self {
            Format::Text => plain(seed, last_user),
            Format::JsonObject => json!({"answer": plain(seed, last_user)}).to_string(),
            Format::JsonSchema { schema, .. } => schema::instance(schema, seed),
        }
    }

    /// Part of the request hash: a different format is a different request.
    pub fn hash(&self) -> u64 {
        match self {
            Format::Text => 1,
            Format::JsonObject => 2,
            Format::JsonSchema { name, schema, .. } => fnv(&[name.as_bytes(), schema.to_string().as_bytes()]),
        }
    }

    /// `text.format` as the Responses API echoes it in the `Response` object.
    pub fn echo(&self) -> Value {
        match self {
            Format::Text => json!({"type": "text"}),
            Format::JsonObject => json!({"type": "json_object"}),
            Format::JsonSchema { name, schema, strict, description } => {
                let mut v = json!({"type": "json_schema", "name": name, "schema": schema, "strict": strict});
                if let Some(d) = description {
                    v["description"] = json!(d);
                }
                v
            }
        }
    }
}

/// Parses the format object. `conversation_mentions_json` feeds the json_object rule.
pub(crate) fn parse(body: &Map<String, Value>, api: Api, conversation_mentions_json: bool) -> Result<Format> {
    let (outer, outer_path, inner_path) = match api {
        Api::Chat => (body.get("response_format"), "response_format", "response_format.json_schema"),
        Api::Responses => {
            let text = match body.get("text") {
                None | Some(Value::Null) => None,
                Some(t @ Value::Object(_)) => Some(t),
                Some(other) => return Err(ApiError::wrong_type("text", "an object", other)),
            };
            (text.and_then(|t| t.get("format")), "text.format", "text.format")
        }
    };
    let fmt = match outer {
        None | Some(Value::Null) => return Ok(Format::Text),
        Some(Value::Object(m)) => m,
        Some(other) => return Err(ApiError::wrong_type(outer_path, "an object", other)),
    };
    let ty = match fmt.get("type") {
        Some(Value::String(t)) => t.as_str(),
        None | Some(Value::Null) => return Err(ApiError::missing(&format!("{outer_path}.type"))),
        Some(other) => return Err(ApiError::wrong_type(&format!("{outer_path}.type"), "a string", other)),
    };
    match ty {
        "text" => Ok(Format::Text),
        "json_object" => {
            // JSON mode needs the word "json" in the conversation (OpenAI's 400 as quoted in
            // public client fixtures; unconfirmed in the spec).
            if conversation_mentions_json {
                return Ok(Format::JsonObject);
            }
            let (what, param) = match api {
                Api::Chat => ("'messages' must", "messages"),
                Api::Responses => ("Response input messages must", "input"),
            };
            Err(ApiError::invalid(format!(
                "{what} contain the word 'json' in some form, to use '{outer_path}' of type 'json_object'."
            ))
            .param(param))
        }
        "json_schema" => {
            let inner = match api {
                Api::Chat => match fmt.get("json_schema") {
                    Some(Value::Object(m)) => m,
                    None | Some(Value::Null) => return Err(ApiError::missing(inner_path)),
                    Some(other) => return Err(ApiError::wrong_type(inner_path, "an object", other)),
                },
                Api::Responses => fmt,
            };
            json_schema(inner, api, inner_path)
        }
        other => Err(ApiError::invalid(format!(
            "Invalid value: '{other}'. Supported values are: 'text', 'json_object', and 'json_schema'."
        ))
        .param(format!("{outer_path}.type"))
        .code("invalid_value")),
    }
}

fn json_schema(inner: &Map<String, Value>, api: Api, path: &str) -> Result<Format> {
    let name_path = format!("{path}.name");
    let name = match inner.get("name") {
        Some(Value::String(n)) => n.clone(),
        None | Some(Value::Null) => return Err(ApiError::missing(&name_path)),
        Some(other) => return Err(ApiError::wrong_type(&name_path, "a string", other)),
    };
    // a-z, A-Z, 0-9, `_` and `-`, at most 64 characters (spec `name` description, sheet §3).
    let len = name.chars().count();
    if len > 64 {
        return Err(ApiError::invalid(format!(
            "Invalid '{name_path}': string too long. Expected a string with maximum length 64, but got a string with length {len} instead."
        ))
        .param(name_path)
        .code("string_above_max_length"));
    }
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(ApiError::invalid(format!(
            "Invalid '{name_path}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."
        ))
        .param(name_path)
        .code("invalid_value"));
    }
    let schema_path = format!("{path}.schema");
    let schema = match inner.get("schema") {
        Some(s @ Value::Object(_)) => s.clone(),
        // Chat's `json_schema` requires only `name` (spec `ResponseFormatJsonSchema`); the
        // Responses API requires `schema` too (spec `TextResponseFormatJsonSchema.required`).
        None | Some(Value::Null) if api == Api::Chat => json!({"type": "object"}),
        None | Some(Value::Null) => return Err(ApiError::missing(&schema_path)),
        Some(other) => return Err(ApiError::wrong_type(&schema_path, "an object", other)),
    };
    let strict = match inner.get("strict") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(ApiError::wrong_type(&format!("{path}.strict"), "a boolean", other)),
    };
    if strict {
        if let Err(why) = schema::check_strict(&schema) {
            let e = ApiError::invalid(format!("Invalid schema for response_format '{name}': {why}"));
            // Responses: `param: text.format.schema`, `code: invalid_json_schema` (OpenAI 400s
            // quoted in public client fixtures). Chat: `param: response_format`, `code: null`
            // (the body quoted in moeru-ai/xsai#202). Both unconfirmed in OpenAI's own text.
            return Err(match api {
                Api::Responses => e.param(schema_path).code("invalid_json_schema"),
                Api::Chat => e.param("response_format"),
            });
        }
    }
    let description = inner.get("description").and_then(Value::as_str).map(str::to_owned);
    Ok(Format::JsonSchema { name, schema, strict, description })
}
