//! Output schemas: `output: { format: json, schema: … }` declares the shape of the answer.
//! The schema is kept with the position of every node in the YAML file, so that a keyword
//! the structured-output APIs refuse, or a meta-schema error, points at its line and column.
//!
//! The checks (`check`) run when a recipe is parsed, so a recipe with a bad schema or an
//! example that does not follow it is never stored.

use std::borrow::Cow;
use std::fmt;

use indexmap::IndexMap;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Diagnostic, ExampleInput, RecipeFile};
use crate::yaml::Position;

/// The answer formats a recipe can declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// A JSON value that follows `schema`.
    Json,
}

/// What the answer must look like.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// `json`: the answer is JSON that follows `schema`.
    pub format: OutputFormat,
    /// A JSON Schema (draft 2020-12) of the answer, in the subset that the Anthropic and
    /// OpenAI structured-output settings accept: an object at the top, every object with
    /// `additionalProperties: false` and all its properties `required`.
    pub schema: JsonDoc,
}

/// A JSON value read from YAML, with the position of each node by JSON Pointer.
#[derive(Clone, PartialEq)]
pub struct JsonDoc {
    pub value: Value,
    /// JSON Pointer (`/properties/total`) → where that key or item stands in the file.
    pub at: IndexMap<String, Position>,
}

impl fmt::Debug for JsonDoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonDoc({})", self.value)
    }
}

impl JsonDoc {
    /// The position of the node at `pointer`, or of its nearest parent that has one.
    pub fn position(&self, pointer: &str) -> Option<Position> {
        let mut p = pointer;
        loop {
            if let Some(at) = self.at.get(p).filter(|a| a.line > 0) {
                return Some(*at);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }
}

/// The serde form of a [`JsonDoc`] (the render form): the value and each pointer's
/// `[line, column]`.
#[derive(Serialize, Deserialize)]
struct DocForm {
    value: Value,
    at: IndexMap<String, (usize, usize)>,
}

impl Serialize for JsonDoc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        DocForm {
            value: self.value.clone(),
            at: self
                .at
                .iter()
                .map(|(k, p)| (k.clone(), (p.line, p.column)))
                .collect(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for JsonDoc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let form = DocForm::deserialize(d)?;
        Ok(JsonDoc {
            value: form.value,
            at: form
                .at
                .into_iter()
                .map(|(k, (line, column))| (k, Position { line, column }))
                .collect(),
        })
    }
}

impl JsonSchema for JsonDoc {
    fn schema_name() -> Cow<'static, str> {
        "JsonSchemaObject".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": "A JSON Schema object."
        })
    }
}

/// Escapes one JSON Pointer segment.
pub(crate) fn segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

impl JsonDoc {
    /// A document with the given positions (the render form's copy).
    pub fn with_positions(value: Value, at: IndexMap<String, Position>) -> Self {
        JsonDoc { value, at }
    }
}

/// Keywords that the Anthropic or the OpenAI structured-output setting refuses (either one
/// is enough: a recipe renders for both), with the reason shown to the person.
const REFUSED: &[(&str, &str)] = &[
    ("minimum", "numeric bounds"),
    ("maximum", "numeric bounds"),
    ("exclusiveMinimum", "numeric bounds"),
    ("exclusiveMaximum", "numeric bounds"),
    ("multipleOf", "numeric bounds"),
    ("minLength", "string length bounds"),
    ("maxLength", "string length bounds"),
    ("maxItems", "array length bounds beyond minItems 0 or 1"),
    ("uniqueItems", "array constraints"),
    ("contains", "array constraints"),
    ("minContains", "array constraints"),
    ("maxContains", "array constraints"),
    ("prefixItems", "tuple arrays"),
    ("unevaluatedItems", "array constraints"),
    ("minProperties", "object size bounds"),
    ("maxProperties", "object size bounds"),
    ("patternProperties", "pattern-named properties"),
    ("propertyNames", "property name rules"),
    ("unevaluatedProperties", "object constraints"),
    ("dependentRequired", "conditional schemas"),
    ("dependentSchemas", "conditional schemas"),
    ("dependencies", "conditional schemas"),
    ("if", "conditional schemas"),
    ("then", "conditional schemas"),
    ("else", "conditional schemas"),
    ("not", "`not`"),
    ("oneOf", "`oneOf` (use `anyOf`)"),
    ("allOf", "`allOf`"),
];

/// The keywords a schema node may use (all others are refused above or unknown).
const KNOWN: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "anyOf",
    "$defs",
    "definitions",
    "$ref",
    "description",
    "title",
    "format",
    "pattern",
    "minItems",
    "default",
    "examples",
    "$comment",
];

/// String formats both APIs accept.
const FORMATS: &[&str] = &[
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
];

/// Checks a recipe's `output` block: valid JSON Schema (draft 2020-12, checked against its
/// meta-schema by the `jsonschema` crate), in the subset the structured-output APIs accept,
/// and every example's output is JSON that validates against it.
pub fn check(def: &RecipeFile, out: &mut Vec<Diagnostic>) {
    let Some(output) = &def.output else {
        return;
    };
    let doc = &output.value.schema;
    let start = out.len();
    if let Some(s) = doc.value.get("$schema") {
        out.push(
            Diagnostic::error(
                format!("`$schema` {s} in output.schema: the APIs take draft 2020-12 only, without `$schema`"),
                doc.position("/$schema"),
            )
            .hint("remove the `$schema` line"),
        );
        return;
    }
    if let Err(e) = jsonschema::meta::validate(&doc.value) {
        let pointer = e.instance_path().as_str().to_string();
        out.push(
            Diagnostic::error(
                format!(
                    "output.schema is not valid JSON Schema{}: {e}",
                    if pointer.is_empty() {
                        String::new()
                    } else {
                        format!(" at {pointer}")
                    }
                ),
                doc.position(&pointer),
            )
            .hint("fix the schema; the README's \"Output schemas\" section has an example"),
        );
        return;
    }
    subset(doc, &doc.value, "", out);
    if out.len() > start {
        return;
    }
    let validator = match jsonschema::validator_for(&doc.value) {
        Ok(v) => v,
        Err(e) => {
            out.push(
                Diagnostic::error(
                    format!("output.schema cannot be used: {e}"),
                    doc.position(e.instance_path().as_str()),
                )
                .hint("fix the schema"),
            );
            return;
        }
    };
    for (i, ex) in def.examples.iter().enumerate() {
        let what = match &ex.input {
            ExampleInput::Vars(_) | ExampleInput::Text(_) => format!("example {}", i + 1),
        };
        if let Err(problem) = validate_answer(&validator, &ex.output) {
            out.push(
                Diagnostic::error(format!("{what}'s output {problem}"), Some(ex.position)).hint(
                    "make the example's `output:` the exact JSON answer, following `output.schema`",
                ),
            );
        }
    }
}

/// Whether `answer` is JSON that validates against `validator`; the reason when not.
pub fn validate_answer(validator: &jsonschema::Validator, answer: &str) -> Result<(), String> {
    let value: Value = serde_json::from_str(answer.trim()).map_err(|e| {
        format!(
            "is not JSON: {e} (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let problems: Vec<String> = validator
        .iter_errors(&value)
        .take(3)
        .map(|e| {
            let at = e.instance_path().as_str();
            if at.is_empty() {
                e.to_string()
            } else {
                format!("{at}: {e}")
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "does not follow the schema: {}",
            problems.join("; ")
        ))
    }
}

/// Compiles a schema for checking answers (`promptbook test`).
pub fn validator(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::validator_for(schema).map_err(|e| e.to_string())
}

fn refuse(doc: &JsonDoc, pointer: &str, message: String, hint: &str, out: &mut Vec<Diagnostic>) {
    out.push(Diagnostic::error(message, doc.position(pointer)).hint(hint));
}

/// The subset both structured-output APIs accept, checked node by node.
fn subset(doc: &JsonDoc, node: &Value, pointer: &str, out: &mut Vec<Diagnostic>) {
    let Some(obj) = node.as_object() else {
        refuse(
            doc,
            pointer,
            format!("output.schema{pointer}: a schema must be an object, not {node}"),
            "write the schema as a mapping, e.g. `{ type: string }`",
            out,
        );
        return;
    };
    if pointer.is_empty() {
        if obj.get("type").and_then(Value::as_str) != Some("object") {
            refuse(
                doc,
                "",
                "output.schema must describe an object (`type: object` at the top)".into(),
                "wrap the answer in an object, e.g. `{ type: object, properties: { items: … }, required: [items], additionalProperties: false }`",
                out,
            );
        }
        if obj.contains_key("anyOf") {
            refuse(
                doc,
                "/anyOf",
                "output.schema may not use `anyOf` at the top".into(),
                "use `anyOf` on a property instead",
                out,
            );
        }
    }
    for (key, value) in obj {
        let here = format!("{pointer}/{}", segment(key));
        if let Some((_, why)) = REFUSED.iter().find(|(k, _)| k == key) {
            refuse(
                doc,
                &here,
                format!("output.schema uses `{key}`: the structured-output APIs refuse {why}"),
                "remove it, and say the rule in the property's `description` instead",
                out,
            );
            continue;
        }
        if !KNOWN.contains(&key.as_str()) {
            let hint = match crate::error::did_you_mean(key, KNOWN.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the keywords the APIs accept are: {}", KNOWN.join(", ")),
            };
            refuse(
                doc,
                &here,
                format!(
                    "output.schema uses `{key}`, which is not a keyword the structured-output APIs accept"
                ),
                &hint,
                out,
            );
            continue;
        }
        match key.as_str() {
            "$ref" if !value.as_str().is_some_and(|r| r.starts_with('#')) => refuse(
                doc,
                &here,
                format!("output.schema refers to {value}, outside the schema"),
                "put the definition under `$defs` and refer to it as `#/$defs/NAME`",
                out,
            ),
            "minItems" if value.as_u64().is_none_or(|n| n > 1) => refuse(
                doc,
                &here,
                format!("output.schema has `minItems: {value}`: the APIs accept only 0 or 1"),
                "use `minItems: 1` or leave it out, and say the rule in `description`",
                out,
            ),
            "format" if !value.as_str().is_some_and(|f| FORMATS.contains(&f)) => refuse(
                doc,
                &here,
                format!("output.schema has `format: {value}`, which the APIs do not accept"),
                &format!("use one of: {}", FORMATS.join(", ")),
                out,
            ),
            "additionalProperties" if value != &Value::Bool(false) => refuse(
                doc,
                &here,
                "output.schema: `additionalProperties` must be false".into(),
                "write `additionalProperties: false`; list every allowed key under `properties`",
                out,
            ),
            _ => {}
        }
    }
    let is_object = match obj.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        _ => obj.contains_key("properties"),
    };
    if is_object {
        if !obj.contains_key("additionalProperties") {
            refuse(
                doc,
                pointer,
                format!(
                    "output.schema{}: every object needs `additionalProperties: false`",
                    if pointer.is_empty() { "" } else { pointer }
                ),
                "add `additionalProperties: false` to this object",
                out,
            );
        }
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            for name in props.keys() {
                if !required.contains(&name.as_str()) {
                    refuse(
                        doc,
                        &format!("{pointer}/properties/{}", segment(name)),
                        format!("output.schema: property `{name}` is not listed in `required`"),
                        "the APIs need every property required; add it to `required`, and for an optional value allow null: `type: [string, \"null\"]`",
                        out,
                    );
                }
            }
        }
    }
    let mut children = |key: &str, many: bool| {
        let Some(v) = obj.get(key) else { return };
        let base = format!("{pointer}/{}", segment(key));
        match (v, many) {
            (Value::Object(m), true) => {
                for (k, child) in m {
                    subset(doc, child, &format!("{base}/{}", segment(k)), out);
                }
            }
            (Value::Array(items), _) => {
                for (i, child) in items.iter().enumerate() {
                    subset(doc, child, &format!("{base}/{i}"), out);
                }
            }
            (child @ Value::Object(_), false) => subset(doc, child, &base, out),
            _ => {}
        }
    };
    children("properties", true);
    children("$defs", true);
    children("definitions", true);
    children("items", false);
    children("anyOf", false);
}

/// The instruction the text format appends, for pasting into a chat.
pub fn instruction(schema: &Value) -> String {
    let pretty = serde_json::to_string_pretty(schema).expect("JSON values serialize");
    format!(
        "Answer with JSON only (no prose, no code fences) that follows this JSON Schema:\n\n{pretty}"
    )
}

#[cfg(test)]
mod tests {
    use crate::recipe::Recipe;

    fn recipe(schema: &str, output: &str) -> String {
        format!(
            "name: demo\ntitle: Demo\nprompt: Go.\noutput:\n  format: json\n  schema:\n{schema}examples:\n  - input: Hi\n    output: '{output}'\n"
        )
    }

    const GOOD: &str = "    type: object\n    properties:\n      total: { type: number }\n    required: [total]\n    additionalProperties: false\n";

    #[test]
    fn a_good_schema_and_example_parse() {
        let r = Recipe::parse(&recipe(GOOD, "{\"total\": 3}"), "d.yaml").unwrap();
        assert_eq!(
            r.output.as_ref().unwrap().schema.value["required"][0],
            "total"
        );
    }

    #[test]
    fn a_refused_keyword_is_located() {
        let src = recipe(
            &GOOD.replace("{ type: number }", "{ type: number, minimum: 0 }"),
            "{\"total\": 3}",
        );
        let e = Recipe::parse(&src, "d.yaml").unwrap_err();
        let d = &e.diagnostics[0];
        assert!(d.message.contains("`minimum`"), "{d:?}");
        assert_eq!(d.position.map(|p| (p.line, p.column)), Some((9, 30)));
    }

    #[test]
    fn an_example_that_does_not_follow_is_an_error() {
        let e = Recipe::parse(&recipe(GOOD, "{\"total\": \"x\"}"), "d.yaml").unwrap_err();
        let d = &e.diagnostics[0];
        assert!(
            d.message.starts_with("example 1's output does not follow"),
            "{d:?}"
        );
        assert!(d.message.contains("/total"), "{d:?}");
        assert_eq!(d.position.map(|p| p.line), Some(13));
    }

    #[test]
    fn invalid_json_schema_is_an_error() {
        let src = recipe(
            &GOOD.replace("{ type: number }", "{ type: numbr }"),
            "{\"total\": 3}",
        );
        let e = Recipe::parse(&src, "d.yaml").unwrap_err();
        let d = &e.diagnostics[0];
        assert!(d.message.contains("not valid JSON Schema"), "{d:?}");
        assert_eq!(d.position.map(|p| p.line), Some(9));
    }

    #[test]
    fn properties_must_be_required_and_closed() {
        let src = recipe(
            "    type: object\n    properties:\n      a: { type: string }\n",
            "{\"a\": \"x\"}",
        );
        let e = Recipe::parse(&src, "d.yaml").unwrap_err();
        let messages: Vec<_> = e.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("additionalProperties: false")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`a` is not listed")),
            "{messages:?}"
        );
    }
}
