//! dotprompt `.prompt` files: YAML front matter (model, config, input schema in Picoschema
//! or JSON Schema with defaults, output schema) and a Handlebars body split into turns by
//! `{{role "…"}}`; partials are `_name.prompt` files beside the prompt.

use std::fmt::Write;
use std::path::Path;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::template::{self, Dialect, Expr, Node, Problem, to_handlebars};
use super::{Draft, Parts, frontmatter, names, problem, walk};
use crate::error::{Error, Result};
use crate::recipe::{ModelHints, Recipe, Role, VarType, Variable};
use crate::yaml::Position;

const MARKERS: &[&str] = &["role", "history", "media", "section", "json"];
const KNOWN: &[&str] = &[
    "name",
    "description",
    "model",
    "config",
    "input",
    "output",
    "tools",
    "variant",
    "version",
    "metadata",
    "ext",
    "raw",
    "toolDefs",
];

/// Reads a `.prompt` file.
pub fn import(path: &Path, notes: &mut Vec<String>) -> Result<Draft> {
    let origin = super::origin(path);
    let text = walk::read_text(path)?;
    let split = frontmatter::split(&text, &origin)?;
    let meta = &split.meta;
    let name = super::name_from_file(path, ".prompt", &origin)?;
    let mut d = Draft {
        title: names::title_of(&name),
        description: frontmatter::string(meta, "description").unwrap_or_default(),
        name,
        ..Draft::default()
    };
    d.model = hints(meta, notes);
    for key in meta.keys() {
        if !KNOWN.contains(&key.as_str()) && !key.contains('.') {
            notes.push(format!("front matter `{key}` is not carried"));
        }
    }
    if meta.contains_key("tools") {
        notes.push("tools are not carried: promptbook recipes do not call tools".into());
    }
    if let Some(out) = meta.get("output") {
        d.comments.push(format!(
            "dotprompt output (not used by promptbook): {}",
            serde_json::to_string(out).unwrap_or_default()
        ));
        notes.push("the output schema is kept as a comment at the top of the recipe".into());
    }
    let mut vars = match meta.get("input").and_then(|i| i.get("schema")) {
        Some(schema) => input_schema(schema, &origin)?,
        None => IndexMap::new(),
    };
    if let Some(Value::Object(defaults)) = meta.get("input").and_then(|i| i.get("default")) {
        for (k, v) in defaults {
            let key = names::var_name(k);
            if let Some(var) = vars.get_mut(&key) {
                var.default = Some(v.clone());
                var.required = false;
            }
        }
    }
    let nodes = template::parse_handlebars(split.body, split.body_at, MARKERS)
        .map_err(|p| problem(&origin, p))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut depth = 0;
    let nodes = inline(nodes, dir, &origin, &mut depth)?;
    let turns = split_turns(nodes).map_err(|p| problem(&origin, p))?;
    let renames: Vec<(String, String)> = vars_renamed(&turns);
    let map = |n: &str| renames.iter().find(|(a, _)| a == n).map(|(_, b)| b.clone());
    let mut turns = turns;
    for (_, t) in &mut turns {
        template::rename(t, &map);
    }
    let trees: Vec<&[Node]> = turns.iter().map(|(_, t)| t.as_slice()).collect();
    super::declare(&trees, &mut vars, notes);
    d.variables = vars;
    let mut turns = turns.into_iter().peekable();
    if turns.peek().is_some_and(|(r, _)| r == "system") {
        let (_, t) = turns.next().expect("peeked");
        d.system = Some(hbs(&t, &origin)?);
    }
    for (role, t) in turns {
        let role = match role.as_str() {
            "user" => Role::User,
            "model" | "assistant" => Role::Assistant,
            other => {
                return Err(Error::invalid(format!(
                    "{origin}: a `{other}` turn after the first turn has no place in a recipe"
                ))
                .hint("put the system text first"));
            }
        };
        d.turns.push((role, hbs(&t, &origin)?));
    }
    if d.turns.last().is_none_or(|(r, _)| *r != Role::User) {
        return Err(
            Error::invalid(format!("{origin}: the prompt must end with a user turn"))
                .hint("add `{{role \"user\"}}` and the request at the end"),
        );
    }
    Ok(d)
}

fn vars_renamed(turns: &[(String, Vec<Node>)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (_, t) in turns {
        for (n, _) in template::variables(t) {
            let v = names::var_name(&n);
            if v != n && !out.iter().any(|(a, _): &(String, String)| *a == n) {
                out.push((n, v));
            }
        }
    }
    out
}

fn hbs(nodes: &[Node], origin: &str) -> Result<String> {
    to_handlebars(nodes, Dialect::Promptbook).map_err(|p| problem(origin, p))
}

fn hints(meta: &Map<String, Value>, notes: &mut Vec<String>) -> ModelHints {
    let mut m = ModelHints {
        prefer: frontmatter::string(meta, "model"),
        ..ModelHints::default()
    };
    if let Some(Value::Object(config)) = meta.get("config") {
        for (k, v) in config {
            match k.as_str() {
                "temperature" => m.temperature = v.as_f64(),
                "maxOutputTokens" => m.max_tokens = v.as_u64().map(|n| n as u32),
                other => notes.push(format!("config `{other}` is not carried")),
            }
        }
    }
    m
}

/// Replaces `{{> name}}` with the partial `_name.prompt` beside the file.
fn inline(nodes: Vec<Node>, dir: &Path, origin: &str, depth: &mut usize) -> Result<Vec<Node>> {
    let mut failure: Option<Error> = None;
    let result = template::inline_partials(nodes, &mut |name, at| {
        let file = dir.join(format!("_{name}.prompt"));
        let text = match walk::read_text(&file) {
            Ok(t) => t,
            Err(_) => {
                return Err(Problem {
                    message: format!(
                        "the partial `{name}` is missing: there is no {}",
                        file.display()
                    ),
                    at,
                    hint: Some(format!(
                        "create _{name}.prompt beside the prompt, or remove `{{{{> {name}}}}}`"
                    )),
                });
            }
        };
        *depth += 1;
        if *depth > 16 {
            return Err(Problem {
                message: format!("the partial `{name}` includes itself"),
                at,
                hint: None,
            });
        }
        let forigin = super::origin(&file);
        let parsed = template::parse_handlebars(&text, Position { line: 1, column: 1 }, MARKERS)
            .inspect_err(|p| failure = Some(problem(&forigin, p.clone())))?;
        match inline(parsed, dir, &forigin, depth) {
            Ok(n) => Ok(n),
            Err(e) => {
                failure = Some(e);
                Err(Problem {
                    message: String::new(),
                    at,
                    hint: None,
                })
            }
        }
    });
    match (result, failure) {
        (Ok(n), _) => Ok(n),
        (Err(_), Some(e)) => Err(e),
        (Err(p), None) => Err(problem(origin, p)),
    }
}

/// Splits at `{{role "…"}}` markers; text before the first is the user's.
fn split_turns(nodes: Vec<Node>) -> std::result::Result<Vec<(String, Vec<Node>)>, Problem> {
    let mut turns: Vec<(String, Vec<Node>)> = vec![("user".into(), Vec::new())];
    for n in nodes {
        match n {
            Node::Out {
                expr: Expr::Call(name, args),
                at,
            } if MARKERS.contains(&name.as_str()) => match (name.as_str(), args.as_slice()) {
                ("role", [Expr::Str(role)]) => turns.push((role.clone(), Vec::new())),
                _ => {
                    return Err(Problem {
                        message: format!("`{{{{{name}}}}}` has no equivalent in a recipe"),
                        at,
                        hint: Some("recipes carry text and variables; media, history, sections and json output are dotprompt's own".into()),
                    });
                }
            },
            other => turns.last_mut().expect("one turn").1.push(other),
        }
    }
    for (_, t) in &mut turns {
        trim(t);
    }
    turns.retain(|(_, t)| !t.is_empty());
    Ok(turns)
}

/// Trims the white space at a turn's edges, as dotprompt's messages are trimmed.
pub(crate) fn trim(nodes: &mut Vec<Node>) {
    if let Some(Node::Text(t)) = nodes.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Node::Text(t)) = nodes.last_mut() {
        *t = t.trim_end().to_string();
    }
    nodes.retain(|n| !matches!(n, Node::Text(t) if t.is_empty()));
}

fn input_schema(schema: &Value, origin: &str) -> Result<IndexMap<String, Variable>> {
    let bad = |what: String| {
        Error::invalid(format!("{origin}: input schema: {what}"))
            .hint("write the schema in Picoschema (`name?: string, description`) or as a JSON Schema object")
    };
    let mut vars = IndexMap::new();
    let Value::Object(map) = schema else {
        return Err(bad("it must be a map of fields".into()));
    };
    if map.get("type").and_then(Value::as_str) == Some("object") {
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(Value::Object(props)) = map.get("properties") {
            for (k, p) in props {
                let mut v = json_schema_var(p);
                v.required = required.contains(&k.as_str());
                vars.insert(names::var_name(k), v);
            }
        }
        return Ok(vars);
    }
    for (key, value) in map {
        let (head, paren) = match key.split_once('(') {
            Some((h, rest)) => (h, Some(rest.trim_end_matches(')'))),
            None => (key.as_str(), None),
        };
        let optional = head.ends_with('?');
        let field = head.trim_end_matches('?').trim();
        let mut v = Variable {
            required: !optional,
            ..Variable::default()
        };
        let (kind, desc) = match paren {
            Some(p) => {
                let (k, d) = p.split_once(',').unwrap_or((p, ""));
                (k.trim().to_string(), Some(d.trim().to_string()))
            }
            None => match value {
                Value::String(s) => {
                    let (k, d) = s.split_once(',').unwrap_or((s, ""));
                    (k.trim().to_string(), Some(d.trim().to_string()))
                }
                _ => return Err(bad(format!("`{key}` needs a type"))),
            },
        };
        v.description = desc.filter(|d| !d.is_empty());
        match kind.as_str() {
            "string" | "any" => v.kind = VarType::Text,
            "integer" => v.kind = VarType::Integer,
            "number" => v.kind = VarType::Number,
            "boolean" => v.kind = VarType::Boolean,
            "enum" => {
                v.kind = VarType::Choice;
                let Value::Array(items) = value else {
                    return Err(bad(format!("the enum `{key}` needs a list of values")));
                };
                v.choices = items
                    .iter()
                    .filter(|i| !i.is_null())
                    .map(|i| match i {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
            }
            "array" => v.kind = VarType::List,
            "object" => {
                return Err(bad(format!(
                    "`{field}` is an object; recipes have no object variables"
                )));
            }
            other => return Err(bad(format!("`{key}` has an unknown type `{other}`"))),
        }
        vars.insert(names::var_name(field), v);
    }
    Ok(vars)
}

fn json_schema_var(p: &Value) -> Variable {
    let mut v = Variable {
        description: p
            .get("description")
            .and_then(Value::as_str)
            .map(String::from),
        ..Variable::default()
    };
    if let Some(Value::Array(e)) = p.get("enum") {
        v.kind = VarType::Choice;
        v.choices = e
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect();
        return v;
    }
    v.kind = match p.get("type").and_then(Value::as_str) {
        Some("integer") => VarType::Integer,
        Some("number") => VarType::Number,
        Some("boolean") => VarType::Boolean,
        Some("array") => VarType::List,
        _ => VarType::Text,
    };
    v.min = p.get("minimum").and_then(Value::as_f64);
    v.max = p.get("maximum").and_then(Value::as_f64);
    v
}

/// Writes a recipe as a `.prompt` file.
pub fn export(recipe: &Recipe, parts: &Parts, notes: &mut Vec<String>) -> Result<String> {
    let origin = recipe.name().to_string();
    let mut out = String::from("---\n");
    let _ = writeln!(out, "name: {}", recipe.name());
    if !recipe.description.is_empty() {
        let _ = writeln!(out, "description: {}", json(&recipe.description));
    }
    let m = &recipe.model;
    if let Some(p) = &m.prefer {
        let _ = writeln!(out, "model: {}", json(p));
    }
    if m.temperature.is_some() || m.max_tokens.is_some() {
        out.push_str("config:\n");
        if let Some(t) = m.temperature {
            let _ = writeln!(out, "  temperature: {t}");
        }
        if let Some(t) = m.max_tokens {
            let _ = writeln!(out, "  maxOutputTokens: {t}");
        }
    }
    if !recipe.variables.is_empty() {
        out.push_str("input:\n  schema:\n");
        let mut defaults = Vec::new();
        for (name, v) in &recipe.variables {
            let v = &v.value;
            let q = if v.needs_value() { "" } else { "?" };
            let desc = v.description.as_deref().unwrap_or("").replace('\n', " ");
            let sep = if desc.is_empty() { "" } else { ", " };
            match v.kind {
                VarType::Choice => {
                    let inner = if desc.is_empty() {
                        "enum".to_string()
                    } else {
                        format!("enum, {desc}")
                    };
                    let _ = writeln!(
                        out,
                        "    {}: {}",
                        json(&format!("{name}{q}({inner})")),
                        serde_json::to_string(&v.choices).expect("strings")
                    );
                }
                VarType::List => {
                    let inner = if desc.is_empty() {
                        "array".to_string()
                    } else {
                        format!("array, {desc}")
                    };
                    let _ = writeln!(out, "    {}: string", json(&format!("{name}{q}({inner})")));
                }
                kind => {
                    let t = match kind {
                        VarType::Integer => "integer",
                        VarType::Number => "number",
                        VarType::Boolean => "boolean",
                        _ => "string",
                    };
                    let _ = writeln!(out, "    {name}{q}: {}", json(&format!("{t}{sep}{desc}")));
                }
            }
            if v.min.is_some() || v.max.is_some() {
                notes.push(format!(
                    "the range of `{name}` is not carried: Picoschema has no minimum or maximum"
                ));
            }
            if let Some(d) = &v.default {
                defaults.push((name.clone(), d.clone()));
            }
        }
        if !defaults.is_empty() {
            out.push_str("  default:\n");
            for (k, v) in defaults {
                let _ = writeln!(out, "    {k}: {}", serde_json::to_string(&v).expect("json"));
            }
        }
    }
    out.push_str("---\n");
    let write =
        |nodes: &[Node]| to_handlebars(nodes, Dialect::Dotprompt).map_err(|p| problem(&origin, p));
    let literal = |t: &str| write(&[Node::Text(t.to_string())]);
    if let Some(s) = &parts.system {
        out.push_str("{{role \"system\"}}\n");
        out.push_str(write(s)?.trim_end());
        out.push('\n');
    }
    for (input, output) in &parts.examples {
        out.push_str("{{role \"user\"}}\n");
        out.push_str(literal(input)?.trim_end());
        out.push_str("\n{{role \"model\"}}\n");
        out.push_str(literal(output)?.trim_end());
        out.push('\n');
    }
    for (role, t) in &parts.turns {
        let r = if *role == Role::User { "user" } else { "model" };
        let _ = writeln!(out, "{{{{role \"{r}\"}}}}");
        out.push_str(write(t)?.trim_end());
        out.push('\n');
    }
    if !recipe.tests.is_empty() {
        notes.push(format!(
            "{} test(s) are not carried: dotprompt has no tests",
            recipe.tests.len()
        ));
    }
    if !recipe.tags.is_empty() {
        notes.push("tags are not carried".into());
    }
    Ok(out)
}

fn json(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}
