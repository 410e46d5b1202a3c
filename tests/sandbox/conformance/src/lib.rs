//! Checks JSON against schemas of an OpenAPI document (3.0 or 3.1): the sandbox's proof that
//! its responses have the shape the real provider documents, and an emulator's check that a
//! request body has the shape the provider accepts.
//!
//! Supported: `$ref` (local), `type` (string or list), `nullable` (3.0), `enum`, `const`,
//! `properties`, `required`, `additionalProperties` (bool or schema), `items`, `allOf`,
//! `anyOf`, `oneOf` (checked like `anyOf`: at least one alternative must match). Formats and
//! numeric bounds are not checked. Errors carry a JSON path so a failure says which
//! field of which record is wrong.

use serde_json::Value;
use std::path::{Path, PathBuf};

pub struct Spec {
    doc: Value,
    name: String,
}

impl Spec {
    pub fn load(path: &Path) -> Result<Spec, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&text, &path.display().to_string())
    }

    /// A document already in memory (an emulator that checks requests at run time embeds its
    /// provider's document, so it needs no file next to the binary); `name` labels errors.
    pub fn parse(text: &str, name: &str) -> Result<Spec, String> {
        // Through serde_yaml's own value: the OpenAI spec has integer bounds beyond i64
        // (`seed.minimum: -9223372036854776000`) that a direct YAML → JSON conversion refuses.
        let text = widen_huge_integers(text);
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
        Ok(Spec { doc: to_json(yaml), name: name.to_owned() })
    }

    /// One of the official documents vendored in `tests/sandbox/specs/` (their origin and
    /// commit are in that folder's README), so no test reads outside the clone.
    pub fn official(file: &str) -> Result<Spec, String> {
        Self::load(&specs_dir().join(file))
    }

    /// The schema of a component, e.g. `Invoices`.
    pub fn component(&self, name: &str) -> Result<&Value, String> {
        self.doc
            .pointer(&format!("/components/schemas/{name}"))
            .ok_or_else(|| format!("{}: no component schema {name}", self.name))
    }

    /// Validates `value` against `#/components/schemas/{name}`.
    pub fn validate_component(&self, name: &str, value: &Value) -> Result<(), Vec<String>> {
        let schema = self.component(name).map_err(|e| vec![e])?;
        let mut errors = Vec::new();
        self.check(schema, value, "$", &mut errors, 0);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut s = schema;
        for _ in 0..32 {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.strip_prefix('#').and_then(|p| self.doc.pointer(p)) {
                    Some(target) => s = target,
                    None => return s,
                },
                None => return s,
            }
        }
        s
    }

    fn check(&self, schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>, depth: usize) {
        if depth > 64 {
            return;
        }
        // OpenAPI 3.0 lets `nullable: true` stand beside a `$ref`; it applies before resolving.
        if v.is_null() && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        let schema = self.resolve(schema);
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for s in all {
                self.check(s, v, path, errors, depth + 1);
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(options) = schema.get(key).and_then(Value::as_array) {
                let ok = options.iter().any(|s| {
                    let mut e = Vec::new();
                    self.check(s, v, path, &mut e, depth + 1);
                    e.is_empty()
                });
                if !ok {
                    errors.push(format!("{path}: matches none of the {key} alternatives"));
                }
            }
        }
        if v.is_null() && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        if let Some(types) = schema.get("type") {
            let allowed: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if !allowed.is_empty() && !allowed.iter().any(|t| type_matches(t, v)) {
                errors.push(format!("{path}: expected {}, got {}", allowed.join("|"), type_name(v)));
                return;
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            if !v.is_null() && !options.contains(v) {
                errors.push(format!("{path}: {v} is not one of {}", Value::Array(options.clone())));
            }
        }
        if let Some(c) = schema.get("const") {
            if c != v {
                errors.push(format!("{path}: expected constant {c}, got {v}"));
            }
        }
        if let Value::Object(map) = v {
            let props = schema.get("properties").and_then(Value::as_object);
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for r in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(r) {
                        errors.push(format!("{path}: missing required field {r}"));
                    }
                }
            }
            for (k, child) in map {
                let child_path = format!("{path}.{k}");
                match props.and_then(|p| p.get(k)) {
                    Some(s) => self.check(s, child, &child_path, errors, depth + 1),
                    None => match schema.get("additionalProperties") {
                        Some(Value::Bool(false)) => errors.push(format!("{path}: unexpected field {k}")),
                        Some(s @ Value::Object(_)) => self.check(s, child, &child_path, errors, depth + 1),
                        _ => {}
                    },
                }
            }
        }
        if let (Value::Array(items), Some(s)) = (v, schema.get("items")) {
            for (i, item) in items.iter().enumerate() {
                self.check(s, item, &format!("{path}[{i}]"), errors, depth + 1);
            }
        }
    }
}

/// `key: -9223372036854776000` → `key: -9223372036854776000.0`: the same number, but one
/// serde_yaml can hold (it refuses integers beyond i64/u64).
fn widen_huge_integers(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        out.push_str(line);
        if let Some((_, value)) = line.rsplit_once(": ") {
            let digits = value.trim().trim_start_matches('-');
            if digits.len() >= 19 && digits.bytes().all(|b| b.is_ascii_digit()) {
                out.push_str(".0");
            }
        }
        out.push('\n');
    }
    out
}

fn to_json(y: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match y {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_yaml::to_string(&other).unwrap_or_default().trim().to_owned(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => to_json(t.value),
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `tests/sandbox/specs/`, found from this crate's own folder so the tests run from any
/// working directory.
pub fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Spec {
        let doc = json!({"components": {"schemas": {
            "Thing": {"type": "object", "required": ["Id"], "properties": {
                "Id": {"type": "string"},
                "Status": {"type": "string", "enum": ["DRAFT", "PAID"]},
                "Amount": {"type": "number", "nullable": true},
                "Tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                "Kind": {"type": ["string", "null"]}
            }},
            "Tag": {"type": "object", "additionalProperties": false, "properties": {"Name": {"type": "string"}}}
        }}});
        Spec { doc, name: "test".into() }
    }

    #[test]
    fn accepts_a_conforming_value() {
        let v = json!({"Id": "1", "Status": "PAID", "Amount": null, "Tags": [{"Name": "a"}], "Kind": null, "Extra": 1});
        assert_eq!(spec().validate_component("Thing", &v), Ok(()));
    }

    #[test]
    fn nullable_beside_a_ref_admits_null() {
        let mut s = spec();
        s.doc["components"]["schemas"]["Holder"] =
            json!({"type": "object", "properties": {"Tag": {"$ref": "#/components/schemas/Tag", "nullable": true}}});
        assert_eq!(s.validate_component("Holder", &json!({"Tag": null})), Ok(()));
        assert!(s.validate_component("Holder", &json!({"Tag": 3})).is_err());
    }

    #[test]
    fn loads_the_official_specs() {
        for file in ["xero_accounting.yaml", "xero-identity.yaml", "openai.yaml"] {
            let spec = Spec::official(file).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(spec.doc["components"]["schemas"].is_object(), "{file} has component schemas");
        }
    }

    #[test]
    fn reports_every_mismatch_with_its_path() {
        let v = json!({"Status": "SENT", "Amount": "12.00", "Tags": [{"Name": 3, "Colour": "red"}]});
        let errors = spec().validate_component("Thing", &v).unwrap_err();
        let text = errors.join("\n");
        for needle in [
            "missing required field Id",
            "$.Status: \"SENT\" is not one of",
            "$.Amount: expected number, got string",
            "$.Tags[0].Name: expected string",
            "$.Tags[0]: unexpected field Colour",
        ] {
            assert!(text.contains(needle), "{needle} not in:\n{text}");
        }
    }
}
