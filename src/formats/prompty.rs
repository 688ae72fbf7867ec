//! Prompty `.prompty` files, v1 and v2 front matter (model configuration and parameters or
//! options, inputs with types and defaults, sample) and a Jinja2 body whose `system:`,
//! `user:` and `assistant:` lines start the turns.

use std::fmt::Write;
use std::path::Path;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::template::{self, Node};
use super::{Draft, Parts, frontmatter, names, problem, walk};
use crate::error::{Error, Result};
use crate::recipe::{ModelHints, Recipe, Role, VarType, Variable, is_kebab};
use crate::yaml::Position;

const KNOWN: &[&str] = &[
    "name",
    "displayName",
    "description",
    "metadata",
    "authors",
    "tags",
    "version",
    "model",
    "inputs",
    "outputs",
    "sample",
    "template",
    "tools",
];

/// The role a line starts, as Prompty's parser reads it.
fn role_line(line: &str) -> Option<String> {
    let t = line.trim();
    let t = t.strip_prefix('#').unwrap_or(t).trim_start();
    let t = t.strip_suffix(':')?.trim_end();
    let lower = t.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "system" | "user" | "assistant" | "developer"
    )
    .then_some(lower)
}

/// Reads a `.prompty` file.
pub fn import(path: &Path, notes: &mut Vec<String>) -> Result<Draft> {
    let origin = super::origin(path);
    let text = walk::read_text(path)?;
    let split = frontmatter::split(&text, &origin)?;
    let meta = &split.meta;
    let name = super::name_from_file(path, ".prompty", &origin)?;
    let title = frontmatter::string(meta, "displayName")
        .or_else(|| frontmatter::string(meta, "name").filter(|n| !is_kebab(n)))
        .unwrap_or_else(|| names::title_of(&name));
    let mut d = Draft {
        title,
        description: frontmatter::string(meta, "description").unwrap_or_default(),
        name,
        ..Draft::default()
    };
    for key in meta.keys() {
        if !KNOWN.contains(&key.as_str()) {
            notes.push(format!("front matter `{key}` is not carried"));
        }
    }
    if meta.contains_key("tools") {
        notes.push("tools are not carried: promptbook recipes do not call tools".into());
    }
    if meta.contains_key("outputs") {
        notes.push("outputs are not carried".into());
    }
    match meta.get("template") {
        None | Some(Value::String(_)) => {}
        Some(t) => {
            let kind = t
                .get("format")
                .and_then(|f| f.get("kind").or(Some(f)))
                .and_then(Value::as_str)
                .unwrap_or("jinja2");
            if kind != "jinja2" && kind != "jinja" {
                return Err(Error::invalid(format!(
                    "{origin}: the template format `{kind}` is not translated; only jinja2 is"
                )));
            }
        }
    }
    if let Some(Value::String(t)) = meta.get("template")
        && t != "jinja2"
        && t != "jinja"
    {
        return Err(Error::invalid(format!(
            "{origin}: the template format `{t}` is not translated; only jinja2 is"
        )));
    }
    let tags = meta
        .get("metadata")
        .and_then(|m| m.get("tags"))
        .or_else(|| meta.get("tags"));
    if let Some(Value::Array(t)) = tags {
        d.tags = t
            .iter()
            .filter_map(Value::as_str)
            .map(|s| names::recipe_name(s, &origin).unwrap_or_default())
            .filter(|s| !s.is_empty())
            .collect();
    }
    d.model = hints(meta.get("model"), notes);
    let mut vars = inputs(meta.get("inputs"), &origin, notes)?;
    let sample = meta
        .get("sample")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();

    // Turns: split the source at role lines, then translate each part.
    let mut turns: Vec<(String, Vec<Node>)> = Vec::new();
    let mut role = "system".to_string();
    let mut part = String::new();
    let mut part_line = split.body_at.line;
    let flush =
        |role: &str, part: &str, at: usize, turns: &mut Vec<(String, Vec<Node>)>| -> Result<()> {
            let mut nodes = template::parse_jinja(
                part,
                Position {
                    line: at,
                    column: 1,
                },
            )
            .map_err(|p| problem(&origin, p))?;
            super::dotprompt::trim(&mut nodes);
            if !nodes.is_empty() {
                turns.push((role.to_string(), nodes));
            }
            Ok(())
        };
    for (line_no, line) in (split.body_at.line..).zip(split.body.split_inclusive('\n')) {
        if let Some(r) = role_line(line) {
            flush(&role, &part, part_line, &mut turns)?;
            part.clear();
            role = r;
            part_line = line_no + 1;
        } else {
            part.push_str(line);
        }
    }
    flush(&role, &part, part_line, &mut turns)?;

    let renames: Vec<(String, String)> = vars
        .iter()
        .filter(|(k, _)| names::var_name(k) != **k)
        .map(|(k, _)| (k.clone(), names::var_name(k)))
        .collect();
    let map = |n: &str| {
        if names::var_name(n) != n {
            Some(names::var_name(n))
        } else {
            None
        }
    };
    for (_, t) in &mut turns {
        template::rename(t, &map);
    }
    for (from, to) in &renames {
        notes.push(format!("input `{from}` is named `{to}`"));
    }
    vars = vars
        .into_iter()
        .map(|(k, v)| (names::var_name(&k), v))
        .collect();
    let trees: Vec<&[Node]> = turns.iter().map(|(_, t)| t.as_slice()).collect();
    super::declare(&trees, &mut vars, notes);
    d.variables = vars;
    if !sample.is_empty() {
        let vals: IndexMap<String, Value> = sample
            .into_iter()
            .map(|(k, v)| (names::var_name(&k), v))
            .filter(|(k, _)| d.variables.contains_key(k))
            .collect();
        d.tests.push(("sample".into(), vals));
    }
    let hbs = |nodes: &[Node]| {
        template::to_handlebars(nodes, template::Dialect::Promptbook)
            .map_err(|p| problem(&origin, p))
    };
    let mut it = turns.into_iter().peekable();
    let mut system = Vec::new();
    while it
        .peek()
        .is_some_and(|(r, _)| r == "system" || r == "developer")
    {
        system.push(hbs(&it.next().expect("peeked").1)?);
    }
    if !system.is_empty() {
        d.system = Some(system.join("\n\n"));
    }
    for (role, t) in it {
        let role = match role.as_str() {
            "user" => Role::User,
            "assistant" => Role::Assistant,
            other => {
                return Err(Error::invalid(format!(
                    "{origin}: a `{other}:` turn after the conversation started has no place in a recipe"
                ))
                .hint("put the system text first"));
            }
        };
        d.turns.push((role, hbs(&t)?));
    }
    if d.turns.last().is_none_or(|(r, _)| *r != Role::User) {
        return Err(
            Error::invalid(format!("{origin}: the prompt must end with a `user:` turn"))
                .hint("add a line `user:` and the request at the end"),
        );
    }
    Ok(d)
}

fn hints(model: Option<&Value>, notes: &mut Vec<String>) -> ModelHints {
    let mut m = ModelHints::default();
    let Some(Value::Object(model)) = model else {
        if let Some(Value::String(id)) = model {
            m.prefer = Some(id.clone());
        }
        return m;
    };
    m.prefer = model
        .get("id")
        .and_then(Value::as_str)
        .map(String::from)
        .or_else(|| {
            let c = model.get("configuration")?;
            c.get("model")
                .or_else(|| c.get("azure_deployment"))
                .or_else(|| c.get("name"))
                .and_then(Value::as_str)
                .map(String::from)
        });
    let params = model
        .get("options")
        .or_else(|| model.get("parameters"))
        .and_then(Value::as_object);
    if let Some(p) = params {
        for (k, v) in p {
            match k.as_str() {
                "temperature" => m.temperature = v.as_f64(),
                "max_tokens" | "maxOutputTokens" => m.max_tokens = v.as_u64().map(|n| n as u32),
                other => notes.push(format!("model option `{other}` is not carried")),
            }
        }
    }
    if model.contains_key("connection") || model.contains_key("configuration") {
        notes.push(
            "the model connection is not carried (it names an endpoint, not a prompt)".into(),
        );
    }
    m
}

fn inputs(
    inputs: Option<&Value>,
    origin: &str,
    notes: &mut Vec<String>,
) -> Result<IndexMap<String, Variable>> {
    let mut out = IndexMap::new();
    let entries: Vec<(String, Map<String, Value>)> = match inputs {
        None => Vec::new(),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| {
                let props = match v {
                    Value::Object(p) => p.clone(),
                    other => {
                        let mut p = Map::new();
                        p.insert("default".into(), other.clone());
                        p
                    }
                };
                (k.clone(), props)
            })
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| {
                let p = i.as_object()?.clone();
                Some((p.get("name")?.as_str()?.to_string(), p))
            })
            .collect(),
        Some(_) => {
            return Err(Error::invalid(format!(
                "{origin}: `inputs` must be a map or a list of inputs"
            )));
        }
    };
    for (name, p) in entries {
        let kind = p
            .get("kind")
            .or_else(|| p.get("type"))
            .and_then(Value::as_str)
            .unwrap_or("string");
        let mut v = Variable {
            description: p
                .get("description")
                .and_then(Value::as_str)
                .map(String::from),
            default: p.get("default").cloned(),
            ..Variable::default()
        };
        v.kind = match kind {
            "string" => VarType::Text,
            "integer" | "int" => VarType::Integer,
            "number" | "float" => VarType::Number,
            "boolean" | "bool" => VarType::Boolean,
            "array" | "list" => VarType::List,
            other => {
                notes.push(format!(
                    "input `{name}` of kind `{other}` is carried as text"
                ));
                VarType::Text
            }
        };
        if let Some(Value::Array(e)) = p.get("enumValues") {
            v.kind = VarType::Choice;
            v.choices = e
                .iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), String::from))
                .collect();
        }
        v.required = p
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(v.default.is_none());
        out.insert(name, v);
    }
    Ok(out)
}

/// Writes a recipe as a v2 `.prompty` file.
pub fn export(recipe: &Recipe, parts: &Parts, notes: &mut Vec<String>) -> Result<String> {
    let origin = recipe.name().to_string();
    let j = |s: &str| serde_json::to_string(s).expect("string");
    let mut out = String::from("---\n");
    let _ = writeln!(out, "name: {}", recipe.name());
    let _ = writeln!(out, "displayName: {}", j(&recipe.title));
    if !recipe.description.is_empty() {
        let _ = writeln!(out, "description: {}", j(&recipe.description));
    }
    if !recipe.tags.is_empty() {
        let _ = writeln!(
            out,
            "metadata:\n  tags: {}",
            serde_json::to_string(&recipe.tags).expect("json")
        );
    }
    let m = &recipe.model;
    if m.prefer.is_some() || m.temperature.is_some() || m.max_tokens.is_some() {
        out.push_str("model:\n");
        if let Some(p) = &m.prefer {
            let _ = writeln!(out, "  id: {}", j(p));
        }
        if m.temperature.is_some() || m.max_tokens.is_some() {
            out.push_str("  options:\n");
            if let Some(t) = m.temperature {
                let _ = writeln!(out, "    temperature: {t}");
            }
            if let Some(t) = m.max_tokens {
                let _ = writeln!(out, "    maxOutputTokens: {t}");
            }
        }
    }
    let mut bools = Vec::new();
    if !recipe.variables.is_empty() {
        out.push_str("inputs:\n");
        for (name, v) in &recipe.variables {
            let v = &v.value;
            let kind = match v.kind {
                VarType::String | VarType::Text | VarType::Choice => "string",
                VarType::Integer => "integer",
                VarType::Number => "float",
                VarType::Boolean => "boolean",
                VarType::List => "array",
            };
            if v.kind == VarType::Boolean {
                bools.push(name.clone());
            }
            let _ = writeln!(out, "  {name}:\n    kind: {kind}");
            if v.kind == VarType::List {
                out.push_str("    items:\n      kind: string\n");
            }
            if let Some(d) = &v.description {
                let _ = writeln!(out, "    description: {}", j(d));
            }
            let _ = writeln!(out, "    required: {}", v.needs_value());
            if let Some(d) = &v.default {
                let _ = writeln!(
                    out,
                    "    default: {}",
                    serde_json::to_string(d).expect("json")
                );
            }
            if !v.choices.is_empty() {
                let _ = writeln!(
                    out,
                    "    enumValues: {}",
                    serde_json::to_string(&v.choices).expect("json")
                );
            }
            if v.min.is_some() || v.max.is_some() {
                notes.push(format!("the range of `{name}` is not carried: Prompty inputs have no minimum or maximum"));
            }
        }
    }
    out.push_str("template:\n  format:\n    kind: jinja2\n  parser:\n    kind: prompty\n---\n");
    let write = |nodes: &[Node]| template::to_jinja(nodes, &bools).map_err(|p| problem(&origin, p));
    let literal = |t: &str| write(&[Node::Text(t.to_string())]);
    let turn = |out: &mut String, role: &str, text: String| -> Result<()> {
        if text.lines().any(|l| role_line(l).is_some()) {
            return Err(Error::usage(format!(
                "`{origin}` has a line that Prompty would read as the start of a turn (like `user:`)"
            ))
            .hint("reword that line, e.g. add text after the colon"));
        }
        let _ = writeln!(out, "{role}:");
        out.push_str(text.trim_end());
        out.push_str("\n\n");
        Ok(())
    };
    if let Some(s) = &parts.system {
        turn(&mut out, "system", write(s)?)?;
    }
    for (input, output) in &parts.examples {
        turn(&mut out, "user", literal(input)?)?;
        turn(&mut out, "assistant", literal(output)?)?;
    }
    for (role, t) in &parts.turns {
        turn(&mut out, role.as_str(), write(t)?)?;
    }
    if !recipe.tests.is_empty() {
        notes.push(format!(
            "{} test(s) are not carried: Prompty has no tests",
            recipe.tests.len()
        ));
    }
    let _ = out.pop();
    Ok(out)
}
