//! Structured outputs: the strict-mode schema check and a deterministic document that validates
//! against the caller's schema (sheet §3 "Structured output", §4 `response_format`).

use serde_json::Value;

use crate::answer::fnv;

/// Checks the strict-mode rules OpenAI enforces, returning the message's tail after
/// `Invalid schema for response_format '<name>': `.
///
/// Rules and wording follow OpenAI's 400s as quoted in public client fixtures (sheet §3 lists
/// the rules as unconfirmed):
/// - root: "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"None\"'."
/// - "In context=('properties', 'x'), 'additionalProperties' is required to be supplied and
///   to be false."
/// - "In context=(), 'required' is required to be supplied and to be an array including every
///   key in properties. Missing 'location'."
pub(crate) fn check_strict(schema: &Value) -> Result<(), String> {
    let root_type = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(other) => other.to_string(),
        None => "None".into(),
    };
    if root_type != "object" {
        return Err(format!("schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{root_type}\"'."));
    }
    walk(schema, &mut Vec::new(), 0)
}

fn walk(node: &Value, ctx: &mut Vec<String>, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Ok(());
    }
    let Value::Object(map) = node else { return Ok(()) };
    let is_object = match map.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        None => map.contains_key("properties"),
        _ => false,
    };
    if is_object {
        if map.get("additionalProperties") != Some(&Value::Bool(false)) {
            return Err(format!(
                "In context={}, 'additionalProperties' is required to be supplied and to be false.",
                py_tuple(ctx)
            ));
        }
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            if let Some(missing) = props.keys().find(|k| !required.contains(&k.as_str())) {
                return Err(format!(
                    "In context={}, 'required' is required to be supplied and to be an array including every key in properties. Missing '{missing}'.",
                    py_tuple(ctx)
                ));
            }
        }
    }
    let mut descend = |key: &str, sub: Option<&str>, child: &Value| -> Result<(), String> {
        ctx.push(key.to_owned());
        if let Some(s) = sub {
            ctx.push(s.to_owned());
        }
        let r = walk(child, ctx, depth + 1);
        ctx.truncate(ctx.len() - 1 - usize::from(sub.is_some()));
        r
    };
    for key in ["properties", "$defs", "definitions"] {
        if let Some(children) = map.get(key).and_then(Value::as_object) {
            for (name, child) in children {
                descend(key, Some(name), child)?;
            }
        }
    }
    if let Some(items) = map.get("items") {
        descend("items", None, items)?;
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(options) = map.get(key).and_then(Value::as_array) {
            for (i, child) in options.iter().enumerate() {
                descend(key, Some(&i.to_string()), child)?;
            }
        }
    }
    Ok(())
}

/// The context as OpenAI prints it: a Python tuple repr (`()`, `('items',)`, `('a', 'b')`).
fn py_tuple(ctx: &[String]) -> String {
    let parts: Vec<String> = ctx.iter().map(|c| format!("'{c}'")).collect();
    match parts.len() {
        1 => format!("({},)", parts[0]),
        _ => format!("({})", parts.join(", ")),
    }
}

/// A JSON document (as text) that validates against `schema`, a pure function of the schema and
/// `seed`. Objects list the keys of `required` first, in that order (the model writes keys in
/// schema order; `required` is the one ordered list a parsed schema keeps), then any others.
pub(crate) fn instance(schema: &Value, seed: u64) -> String {
    let mut out = String::new();
    Gen { root: schema, seed }.value(schema, "$", 0, &mut out);
    out
}

struct Gen<'a> {
    root: &'a Value,
    seed: u64,
}

/// Beyond this depth recursive schemas take their shortest way out (null, empty array).
const SHALLOW: usize = 6;
const MAX_DEPTH: usize = 16;

impl<'a> Gen<'a> {
    fn resolve(&self, mut node: &'a Value) -> &'a Value {
        for _ in 0..32 {
            match node.get("$ref").and_then(Value::as_str) {
                Some("#") => node = self.root,
                Some(r) => match r.strip_prefix('#').and_then(|p| self.root.pointer(p)) {
                    Some(t) => node = t,
                    None => return node,
                },
                None => return node,
            }
        }
        node
    }

    fn hash(&self, path: &str) -> u64 {
        fnv(&[&self.seed.to_le_bytes(), path.as_bytes()])
    }

    fn value(&self, node: &'a Value, path: &str, depth: usize, out: &mut String) {
        let node = self.resolve(node);
        let h = self.hash(path);
        if depth > MAX_DEPTH {
            out.push_str("null");
            return;
        }
        if let Some(c) = node.get("const") {
            out.push_str(&c.to_string());
            return;
        }
        if let Some(options) = node.get("enum").and_then(Value::as_array).filter(|o| !o.is_empty()) {
            out.push_str(&options[(h % options.len() as u64) as usize].to_string());
            return;
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(options) = node.get(key).and_then(Value::as_array).filter(|o| !o.is_empty()) {
                let is_null = |s: &Value| self.resolve(s).get("type") == Some(&Value::String("null".into()));
                let pick = if depth >= SHALLOW {
                    options.iter().find(|s| is_null(s))
                } else {
                    options.iter().find(|s| !is_null(s))
                };
                self.value(pick.unwrap_or(&options[0]), path, depth + 1, out);
                return;
            }
        }
        if let Some(first) = node.get("allOf").and_then(Value::as_array).and_then(|a| a.first()) {
            self.value(first, path, depth + 1, out);
            return;
        }
        let ty = match node.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) => {
                let names: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
                let non_null = names.iter().copied().find(|t| *t != "null");
                match non_null {
                    Some(_) if depth >= SHALLOW && names.contains(&"null") => "null",
                    Some(t) => t,
                    None => "null",
                }
            }
            _ if node.get("properties").is_some() => "object",
            _ if node.get("items").is_some() => "array",
            _ => "string",
        };
        match ty {
            "object" => self.object(node, path, depth, out),
            "array" => self.array(node, path, depth, out),
            "integer" => out.push_str(&integer(node, h).to_string()),
            "number" => out.push_str(&number(node, h)),
            "boolean" => out.push_str(if h % 2 == 0 { "true" } else { "false" }),
            "null" => out.push_str("null"),
            _ => out.push_str(&Value::String(string(node, path, h)).to_string()),
        }
    }

    fn object(&self, node: &'a Value, path: &str, depth: usize, out: &mut String) {
        let props = node.get("properties").and_then(Value::as_object);
        let mut keys: Vec<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(p) = props {
            for k in p.keys() {
                if !keys.contains(&k.as_str()) {
                    keys.push(k);
                }
            }
        }
        out.push('{');
        for (i, k) in keys.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&Value::String((*k).to_owned()).to_string());
            out.push(':');
            let child = props.and_then(|p| p.get(*k)).unwrap_or(&Value::Null);
            let child_path = format!("{path}.{k}");
            if child.is_null() {
                out.push_str(&Value::String(string(&Value::Null, &child_path, self.hash(&child_path))).to_string());
            } else {
                self.value(child, &child_path, depth + 1, out);
            }
        }
        out.push('}');
    }

    fn array(&self, node: &'a Value, path: &str, depth: usize, out: &mut String) {
        let min = node.get("minItems").and_then(Value::as_u64).unwrap_or(0);
        let max = node.get("maxItems").and_then(Value::as_u64).unwrap_or(u64::MAX);
        let wanted = if depth >= SHALLOW { 0 } else { 1 + self.hash(path) % 2 };
        let n = wanted.max(min).min(max);
        let items = node.get("items").unwrap_or(&Value::Null);
        out.push('[');
        for i in 0..n {
            if i > 0 {
                out.push(',');
            }
            let p = format!("{path}[{i}]");
            if items.is_object() {
                self.value(items, &p, depth + 1, out);
            } else {
                out.push_str(&Value::String(string(&Value::Null, &p, self.hash(&p))).to_string());
            }
        }
        out.push(']');
    }
}

fn integer(node: &Value, h: u64) -> i64 {
    let num = |k: &str| node.get(k).and_then(Value::as_f64);
    let lo = num("minimum").map(|v| v.ceil() as i64).or(num("exclusiveMinimum").map(|v| v.floor() as i64 + 1));
    let hi = num("maximum").map(|v| v.floor() as i64).or(num("exclusiveMaximum").map(|v| v.ceil() as i64 - 1));
    let (lo, hi) = match (lo, hi) {
        (Some(l), Some(h)) => (l, h.max(l)),
        (Some(l), None) => (l, l.saturating_add(100)),
        (None, Some(h)) => (h.saturating_sub(100), h),
        (None, None) => (1, 100),
    };
    let span = (hi - lo) as u64 + 1;
    let mut v = lo + (h % span.max(1)) as i64;
    if let Some(m) = node.get("multipleOf").and_then(Value::as_i64).filter(|m| *m > 0) {
        v = (v / m) * m;
        if v < lo {
            v += m;
        }
    }
    v
}

fn number(node: &Value, h: u64) -> String {
    let num = |k: &str| node.get(k).and_then(Value::as_f64);
    let lo = num("minimum").or(num("exclusiveMinimum"));
    let hi = num("maximum").or(num("exclusiveMaximum"));
    let (lo, hi) = match (lo, hi) {
        (Some(l), Some(h)) => (l, h.max(l)),
        (Some(l), None) => (l, l + 100.0),
        (None, Some(h)) => (h - 100.0, h),
        // A bare `number` is most often a score or a confidence.
        (None, None) => (0.0, 1.0),
    };
    // Strictly inside the range (so exclusive bounds hold), two decimals.
    let steps = 98u64;
    let mut v = lo + (hi - lo) * ((1 + h % steps) as f64 / (steps + 1) as f64);
    v = (v * 100.0).round() / 100.0;
    if v <= lo || v >= hi {
        v = (lo + hi) / 2.0;
    }
    serde_json::Number::from_f64(v).map(|n| n.to_string()).unwrap_or_else(|| "0".into())
}

fn string(node: &Value, path: &str, h: u64) -> String {
    let day = h % 365;
    let (month, dom) = month_day(day);
    let s = match node.get("format").and_then(Value::as_str) {
        Some("date") => format!("2026-{month:02}-{dom:02}"),
        Some("date-time") => format!("2026-{month:02}-{dom:02}T{:02}:{:02}:00Z", h % 24, (h / 24) % 60),
        Some("time") => format!("{:02}:{:02}:00", h % 24, (h / 24) % 60),
        Some("email") => format!("sandbox{}@example.com", h % 1000),
        Some("uuid") => {
            let x = format!("{:016x}{:016x}", h, h.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15);
            format!("{}-{}-4{}-8{}-{}", &x[0..8], &x[8..12], &x[13..16], &x[17..20], &x[20..32])
        }
        Some("uri") => format!("https://example.com/sandbox/{:x}", h % 0xffff),
        _ => {
            let name = path.rsplit(['.', '$']).find(|s| !s.is_empty() && !s.starts_with('[')).unwrap_or("value");
            let name = name.split('[').next().unwrap_or(name).replace('_', " ");
            format!("sandbox {name} {:04x}", h % 0xffff)
        }
    };
    fit_length(s, node)
}

fn fit_length(mut s: String, node: &Value) -> String {
    let min = node.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = node.get("maxLength").and_then(Value::as_u64).map(|m| m as usize);
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = max {
        s = s.chars().take(max).collect();
    }
    s
}

fn month_day(day_of_year: u64) -> (u64, u64) {
    const DAYS: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut d = day_of_year;
    for (i, n) in DAYS.iter().enumerate() {
        if d < *n {
            return (i as u64 + 1, d + 1);
        }
        d -= n;
    }
    (12, 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn account_schema() -> Value {
        json!({"type":"object","additionalProperties":false,"required":["account_code","confidence","reason"],
            "properties":{"account_code":{"type":"string","enum":["400","463","489"]},"confidence":{"type":"number"},
            "reason":{"type":["string","null"]}}})
    }

    #[test]
    fn strict_rules_report_the_first_violation_with_its_context() {
        assert_eq!(check_strict(&account_schema()), Ok(()));
        let mut open = account_schema();
        open.as_object_mut().unwrap().remove("additionalProperties");
        assert_eq!(
            check_strict(&open).unwrap_err(),
            "In context=(), 'additionalProperties' is required to be supplied and to be false."
        );
        let partial = json!({"type":"object","additionalProperties":false,"required":["a"],
            "properties":{"a":{"type":"object","additionalProperties":false,"required":[],"properties":{"b":{"type":"string"}}}}});
        assert_eq!(
            check_strict(&partial).unwrap_err(),
            "In context=('properties', 'a'), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'."
        );
        assert!(check_strict(&json!({"type":"array"})).unwrap_err().contains("got 'type: \"array\"'"));
        assert_eq!(py_tuple(&["items".to_owned()]), "('items',)");
    }

    #[test]
    fn instances_are_deterministic_and_follow_required_order() {
        let a = instance(&account_schema(), 7);
        assert_eq!(a, instance(&account_schema(), 7));
        assert!(a.starts_with("{\"account_code\":"), "{a}");
        let v: Value = serde_json::from_str(&a).unwrap();
        assert!(["400", "463", "489"].contains(&v["account_code"].as_str().unwrap()));
        let c = v["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c));
    }

    #[test]
    fn recursive_schemas_terminate() {
        let tree = json!({"type":"object","additionalProperties":false,"required":["name","children"],
            "properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}}});
        let v: Value = serde_json::from_str(&instance(&tree, 1)).unwrap();
        assert!(v["name"].is_string());
    }
}
