//! GitHub Models `.prompt.yml`: `messages` with `{{variable}}` placeholders, `model`,
//! `modelParameters`, and `testData` rows that become recipe tests (their evaluators judge
//! the model's answer, which promptbook's offline tests do not see).

use std::fmt::Write;
use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value;

use super::template::{self, Node};
use super::{Draft, Parts, names, problem, walk};
use crate::error::{Error, Result};
use crate::recipe::{ModelHints, Recipe, Role};
use crate::yaml::Position;

/// Reads a `.prompt.yml` file.
pub fn import(path: &Path, notes: &mut Vec<String>) -> Result<Draft> {
    let origin = super::origin(path);
    let text = walk::read_text(path)?;
    let map = super::yaml_map(&text, &origin, "expected a map with `messages`")?;
    let file = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("prompt");
    let stem = file
        .strip_suffix(".prompt.yml")
        .or_else(|| file.strip_suffix(".prompt.yaml"))
        .unwrap_or(file);
    let name = names::recipe_name(stem, &origin)?;
    let mut d = Draft {
        title: map
            .get("name")
            .and_then(Value::as_str)
            .map(String::from)
            .unwrap_or_else(|| names::title_of(&name)),
        description: map
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .into(),
        name,
        ..Draft::default()
    };
    let mut m = ModelHints {
        prefer: map.get("model").and_then(Value::as_str).map(String::from),
        ..ModelHints::default()
    };
    if let Some(Value::Object(p)) = map.get("modelParameters") {
        for (k, v) in p {
            match k.as_str() {
                "temperature" => m.temperature = v.as_f64(),
                "maxTokens" | "max_tokens" | "maxCompletionTokens" => {
                    m.max_tokens = v.as_u64().map(|n| n as u32)
                }
                other => notes.push(format!("model parameter `{other}` is not carried")),
            }
        }
    }
    d.model = m;
    for key in map.keys() {
        if !matches!(
            key.as_str(),
            "name"
                | "description"
                | "model"
                | "modelParameters"
                | "messages"
                | "testData"
                | "evaluators"
                | "responseFormat"
                | "jsonSchema"
        ) {
            notes.push(format!("`{key}` is not carried"));
        }
    }
    for key in ["responseFormat", "jsonSchema"] {
        if map.contains_key(key) {
            notes.push(format!(
                "`{key}` is not carried: it shapes the answer, not the prompt"
            ));
        }
    }
    let Some(Value::Array(messages)) = map.get("messages") else {
        return Err(Error::invalid(format!("{origin}: `messages` is missing"))
            .hint("list the messages, each with `role` and `content`"));
    };
    let mut turns: Vec<(String, Vec<Node>)> = Vec::new();
    for (i, msg) in messages.iter().enumerate() {
        let role = msg.get("role").and_then(Value::as_str).unwrap_or("");
        let Some(content) = msg.get("content").and_then(Value::as_str) else {
            return Err(Error::invalid(format!(
                "{origin}: message {} has no text `content`",
                i + 1
            )));
        };
        let line = content_line(&text, i);
        let mut nodes = template::parse_mustache_flat(content, Position { line, column: 1 });
        template::rename(&mut nodes, &|n| {
            let v = names::var_name(n);
            (v != n).then_some(v)
        });
        turns.push((role.to_string(), nodes));
    }
    let trees: Vec<&[Node]> = turns.iter().map(|(_, t)| t.as_slice()).collect();
    let mut vars = IndexMap::new();
    super::declare(&trees, &mut vars, notes);
    for v in vars.values_mut() {
        v.kind = crate::recipe::VarType::Text;
    }
    let hbs = |nodes: &[Node]| {
        template::to_handlebars(nodes, template::Dialect::Promptbook)
            .map_err(|p| problem(&origin, p))
    };
    let mut it = turns.into_iter().peekable();
    if it
        .peek()
        .is_some_and(|(r, _)| r == "system" || r == "developer")
    {
        d.system = Some(hbs(&it.next().expect("peeked").1)?);
    }
    for (role, t) in it {
        let r = match role.as_str() {
            "user" => Role::User,
            "assistant" => Role::Assistant,
            other => {
                return Err(Error::invalid(format!(
                    "{origin}: the role `{other}` has no place here; use user or assistant"
                )));
            }
        };
        d.turns.push((r, hbs(&t)?));
    }
    if d.turns.last().is_none_or(|(r, _)| *r != Role::User) {
        return Err(Error::invalid(format!(
            "{origin}: the last message must be the user's"
        )));
    }
    if let Some(Value::Array(rows)) = map.get("testData") {
        for (i, row) in rows.iter().enumerate() {
            let Some(row) = row.as_object() else { continue };
            let vals: IndexMap<String, Value> = row
                .iter()
                .filter(|(k, _)| *k != "expected")
                .map(|(k, v)| (names::var_name(k), v.clone()))
                .filter(|(k, _)| vars.contains_key(k))
                .collect();
            d.tests.push((format!("testData {}", i + 1), vals));
        }
        if rows.iter().any(|r| r.get("expected").is_some()) {
            notes.push("the expected answers of testData are not carried: recipe tests check the prompt, not the answer".into());
        }
    }
    if let Some(Value::Array(ev)) = map.get("evaluators") {
        for e in ev {
            let name = e
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("an evaluator");
            notes.push(format!(
                "evaluator `{name}` is not carried: it judges the model's answer"
            ));
        }
    }
    d.variables = vars;
    Ok(d)
}

/// The line where the `i`-th message's content starts (best effort, for positions).
fn content_line(text: &str, i: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("content:"))
        .nth(i)
        .map_or(1, |(n, l)| {
            if l.trim_end().ends_with('|') {
                n + 2
            } else {
                n + 1
            }
        })
}

/// Writes a recipe as a `.prompt.yml` file.
pub fn export(recipe: &Recipe, parts: &Parts, notes: &mut Vec<String>) -> Result<String> {
    let origin = recipe.name().to_string();
    let var = |p: &str| Some(format!("{{{{{p}}}}}"));
    let esc = |t: &str| {
        if t.contains("{{") {
            Err("GitHub Models has no way to write `{{` as text".to_string())
        } else {
            Ok(t.to_string())
        }
    };
    let write = |nodes: &[Node]| {
        template::to_flat(nodes, &var, &esc, "GitHub Models").map_err(|p| problem(&origin, p))
    };
    let j = |s: &str| serde_json::to_string(s).expect("json");
    let mut out = String::new();
    let _ = writeln!(out, "name: {}", j(&recipe.title));
    if !recipe.description.is_empty() {
        let _ = writeln!(out, "description: {}", j(&recipe.description));
    }
    if let Some(p) = &recipe.model.prefer {
        let _ = writeln!(out, "model: {}", j(p));
    }
    let m = &recipe.model;
    if m.temperature.is_some() || m.max_tokens.is_some() {
        out.push_str("modelParameters:\n");
        if let Some(t) = m.temperature {
            let _ = writeln!(out, "  temperature: {t}");
        }
        if let Some(t) = m.max_tokens {
            let _ = writeln!(out, "  maxTokens: {t}");
        }
    }
    out.push_str("messages:\n");
    let mut msg = |role: &str, content: String| {
        let _ = writeln!(out, "  - role: {role}\n    content: {}", j(&content));
    };
    if let Some(s) = &parts.system {
        msg("system", write(s)?);
    }
    for (input, output) in &parts.examples {
        msg(
            "user",
            esc(input).map_err(|w| Error::usage(format!("`{origin}`: an example: {w}")))?,
        );
        msg(
            "assistant",
            esc(output).map_err(|w| Error::usage(format!("`{origin}`: an example: {w}")))?,
        );
    }
    for (role, t) in &parts.turns {
        msg(role.as_str(), write(t)?);
    }
    let defaults: Vec<&String> = recipe
        .variables
        .iter()
        .filter(|(_, v)| v.value.default.is_some())
        .map(|(k, _)| k)
        .collect();
    if !defaults.is_empty() {
        notes.push(format!(
            "defaults are not carried (GitHub Models has none): give {} each time",
            defaults
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if recipe
        .variables
        .values()
        .any(|v| !v.value.choices.is_empty() || v.value.min.is_some() || v.value.max.is_some())
    {
        notes.push(
            "variable types, choices and ranges are not carried: GitHub Models fills in text"
                .into(),
        );
    }
    if !recipe.tests.is_empty() {
        out.push_str("testData:\n");
        for t in &recipe.tests {
            let vars: serde_json::Map<String, Value> = t.value.vars.clone().into_iter().collect();
            if vars.is_empty() {
                out.push_str("  - {}\n");
                continue;
            }
            let mut first = true;
            for (k, v) in vars {
                let lead = if first { "  - " } else { "    " };
                first = false;
                let text = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                let _ = writeln!(out, "{lead}{k}: {}", j(&text));
            }
        }
        notes.push("test expectations are not carried: they check the prompt, GitHub's evaluators check the answer; the test values became testData".into());
    }
    Ok(out)
}
