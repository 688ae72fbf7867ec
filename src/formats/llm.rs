//! llm templates (Simon Willison's `llm -t`): YAML with `system`, `prompt`, `defaults`,
//! `options` and `model`; `$var` and `${var}` are variables, `$$` a dollar sign, and
//! `$input` the text given on the command line.

use std::fmt::Write;
use std::path::Path;

use serde_json::Value;

use super::template::{self, Node};
use super::{Draft, Parts, names, problem, walk};
use crate::error::{Error, Result};
use crate::recipe::{ModelHints, Recipe, Role, VarType};
use crate::yaml::Position;

/// Reads an llm template file.
pub fn import(path: &Path, notes: &mut Vec<String>) -> Result<Draft> {
    let origin = super::origin(path);
    let text = walk::read_text(path)?;
    let map = super::yaml_map(
        &text,
        &origin,
        "an llm template is a map with `system` and/or `prompt`",
    )?;
    let stem = path
        .file_stem()
        .and_then(|n| n.to_str())
        .unwrap_or("template");
    let name = names::recipe_name(stem, &origin)?;
    let mut d = Draft {
        title: names::title_of(&name),
        name,
        ..Draft::default()
    };
    let mut m = ModelHints {
        prefer: map.get("model").and_then(Value::as_str).map(String::from),
        ..ModelHints::default()
    };
    if let Some(Value::Object(opts)) = map.get("options") {
        for (k, v) in opts {
            match k.as_str() {
                "temperature" => m.temperature = v.as_f64(),
                "max_tokens" => m.max_tokens = v.as_u64().map(|n| n as u32),
                other => notes.push(format!("option `{other}` is not carried")),
            }
        }
    }
    d.model = m;
    for key in [
        "tools",
        "functions",
        "schema_object",
        "fragments",
        "system_fragments",
        "attachments",
        "attachment_types",
        "extract",
        "extract_last",
    ] {
        if map.contains_key(key) {
            notes.push(format!(
                "`{key}` is not carried: promptbook recipes only make the prompt"
            ));
        }
    }
    // Where each text starts in the file, for positions.
    let at = |key: &str| {
        let line = text
            .lines()
            .position(|l| l.starts_with(&format!("{key}:")))
            .map_or(1, |i| i + 1);
        let same_line = text
            .lines()
            .nth(line - 1)
            .is_some_and(|l| !l.trim_end().ends_with('|') && !l.trim_end().ends_with('>'));
        if same_line {
            Position {
                line,
                column: key.len() + 3,
            }
        } else {
            Position {
                line: line + 1,
                column: 3,
            }
        }
    };
    let read = |key: &str| -> Result<Option<Vec<Node>>> {
        match map.get(key) {
            Some(Value::String(s)) => template::parse_dollar(s, at(key))
                .map(Some)
                .map_err(|p| problem(&origin, p)),
            None | Some(Value::Null) => Ok(None),
            Some(_) => Err(Error::invalid(format!("{origin}: `{key}` must be text"))),
        }
    };
    let system = read("system")?;
    let prompt = read("prompt")?;
    let rename = |nodes: &mut Vec<Node>| {
        template::rename(nodes, &|n| {
            let v = names::var_name(n);
            (v != n).then_some(v)
        })
    };
    let mut system = system;
    let mut prompt = prompt.unwrap_or_else(|| {
        notes.push("the text given to `llm` becomes the variable `input`".into());
        vec![Node::Out {
            expr: template::Expr::Path("input".into()),
            at: Position::default(),
        }]
    });
    if let Some(s) = system.as_mut() {
        rename(s);
    }
    rename(&mut prompt);
    let mut vars = indexmap::IndexMap::new();
    let mut trees: Vec<&[Node]> = vec![&prompt];
    if let Some(s) = &system {
        trees.insert(0, s);
    }
    super::declare(&trees, &mut vars, notes);
    if let Some(Value::Object(defaults)) = map.get("defaults") {
        for (k, v) in defaults {
            if let Some(var) = vars.get_mut(&names::var_name(k)) {
                var.required = false;
                var.default = Some(match v {
                    Value::String(_) => v.clone(),
                    other => Value::String(other.to_string()),
                });
            }
        }
    }
    if let Some(v) = vars.get_mut("input") {
        v.kind = VarType::Text;
        v.description = Some("The text given to `llm` on the command line or piped in".into());
    }
    d.variables = vars;
    let hbs = |nodes: &[Node]| {
        template::to_handlebars(nodes, template::Dialect::Promptbook)
            .map_err(|p| problem(&origin, p))
    };
    d.system = system.as_deref().map(hbs).transpose()?;
    d.turns = vec![(Role::User, hbs(&prompt)?)];
    Ok(d)
}

/// Writes a recipe as an llm template.
pub fn export(recipe: &Recipe, parts: &Parts, notes: &mut Vec<String>) -> Result<String> {
    let origin = recipe.name().to_string();
    let prompt = match parts.turns.as_slice() {
        [(Role::User, t)] => t,
        _ => {
            return Err(Error::usage(format!(
                "`{origin}` is a conversation of several turns; an llm template has one prompt"
            ))
            .hint("export with `--as dotprompt` or `--as prompty`, which carry turns"));
        }
    };
    let var = |p: &str| Some(format!("${{{p}}}"));
    let esc = |t: &str| Ok(t.replace('$', "$$"));
    let write = |nodes: &[Node]| {
        template::to_flat(nodes, &var, &esc, "an llm template").map_err(|p| problem(&origin, p))
    };
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}", recipe.name(), recipe.title);
    if !recipe.description.is_empty() {
        let _ = writeln!(out, "# {}", recipe.description.replace('\n', " "));
    }
    if !recipe.variables.is_empty() {
        let _ = writeln!(out, "# Variables (give each with -p NAME VALUE):");
    }
    for (name, v) in &recipe.variables {
        let v = &v.value;
        let mut line = format!("#   {name}");
        if v.needs_value() {
            line.push_str(" (required)");
        }
        if let Some(d) = &v.description {
            let _ = write!(line, ": {}", d.replace('\n', " "));
        }
        if !v.choices.is_empty() {
            let _ = write!(line, ". One of: {}", v.choices.join(", "));
        }
        if let Some(n) = v.min {
            let _ = write!(line, ". At least {n}");
        }
        if let Some(n) = v.max {
            let _ = write!(line, ". At most {n}");
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if !v.choices.is_empty()
            || v.min.is_some()
            || v.max.is_some()
            || v.kind != VarType::String && v.kind != VarType::Text
        {
            notes.push(format!(
                "`{name}`: llm does not check values; its type and allowed values are a comment in the template"
            ));
        }
    }
    if let Some(p) = &recipe.model.prefer {
        let _ = writeln!(out, "# Preferred model: {p} (pass it with -m)");
        notes.push(format!(
            "model `{p}` is a comment: llm names models by its plugins' ids"
        ));
    }
    if let Some(s) = &parts.system {
        let _ = writeln!(out, "system: {}", yaml_text(&write(s)?));
    }
    let _ = writeln!(out, "prompt: {}", yaml_text(&write(prompt)?));
    let defaults: Vec<(&String, &Value)> = recipe
        .variables
        .iter()
        .filter_map(|(k, v)| v.value.default.as_ref().map(|d| (k, d)))
        .collect();
    if !defaults.is_empty() {
        out.push_str("defaults:\n");
        for (k, d) in defaults {
            let text = match d {
                Value::String(s) => s.clone(),
                Value::Array(items) if items.is_empty() => String::new(),
                other => other.to_string(),
            };
            let _ = writeln!(
                out,
                "  {k}: {}",
                serde_json::to_string(&text).expect("json")
            );
        }
    }
    let m = &recipe.model;
    if m.temperature.is_some() || m.max_tokens.is_some() {
        // llm checks options against the model's own list, so a template with options
        // fails on models without them: they are a comment, to pass with -o.
        out.push_str("# Options (pass with -o NAME VALUE):");
        if let Some(t) = m.temperature {
            let _ = write!(out, " temperature {t}");
        }
        if let Some(t) = m.max_tokens {
            let _ = write!(out, " max_tokens {t}");
        }
        out.push('\n');
        notes.push("temperature and max_tokens are a comment: llm checks options per model".into());
    }
    if !parts.examples.is_empty() {
        notes.push(format!(
            "{} example(s) are not carried: an llm template has no turns",
            parts.examples.len()
        ));
    }
    if !recipe.tests.is_empty() {
        notes.push(format!(
            "{} test(s) are not carried: llm templates have no tests",
            recipe.tests.len()
        ));
    }
    Ok(out)
}

/// A YAML block scalar (or quoted line) holding `s` exactly.
fn yaml_text(s: &str) -> String {
    if s.contains('\n') && !s.starts_with([' ', '\n']) && !s.contains('\r') {
        let chomp = if s.ends_with("\n\n") {
            "+"
        } else if s.ends_with('\n') {
            ""
        } else {
            "-"
        };
        let body = s.strip_suffix('\n').unwrap_or(s);
        let mut out = format!("|{chomp}\n");
        for line in body.split('\n') {
            if !line.is_empty() {
                out.push_str("  ");
                out.push_str(line);
            }
            out.push('\n');
        }
        out.pop();
        out
    } else {
        serde_json::to_string(s).expect("json")
    }
}
