//! Claude Code: slash commands (`.claude/commands/*.md`: front matter `description`,
//! `argument-hint`, `model`; `$ARGUMENTS` and `$1`… in the text) and Agent Skills (a folder
//! with `SKILL.md`: `name` and `description` by the Agent Skills rules, then instructions).

use std::fmt::Write;
use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value;

use super::template::{self, Node};
use super::{Draft, Parts, frontmatter, names, problem, walk};
use crate::error::{Error, Result};
use crate::recipe::{ModelHints, Recipe, Role, VarType, Variable};

/// The Agent Skills limit on `description`.
const MAX_SKILL_DESCRIPTION: usize = 1024;

/// Reads a command file.
pub fn import_command(path: &Path, notes: &mut Vec<String>) -> Result<Draft> {
    let origin = super::origin(path);
    let text = walk::read_text(path)?;
    let split = frontmatter::split(&text, &origin)?;
    let meta = &split.meta;
    let stem = path
        .file_stem()
        .and_then(|n| n.to_str())
        .unwrap_or("command");
    let name = names::recipe_name(stem, &origin)?;
    let hint = frontmatter::string(meta, "argument-hint").unwrap_or_default();
    let positional: Vec<String> = hint
        .split('[')
        .skip(1)
        .filter_map(|p| p.split(']').next())
        .map(names::var_name)
        .collect();
    for key in meta.keys() {
        match key.as_str() {
            "description" | "argument-hint" | "model" => {}
            "allowed-tools" => notes.push(
                "`allowed-tools` is not carried: promptbook recipes do not call tools".into(),
            ),
            other => notes.push(format!("front matter `{other}` is not carried")),
        }
    }
    for (i, line) in split.body.lines().enumerate() {
        if let Some(p) = line.find("!`") {
            notes.push(format!(
                "{origin}:{}:{}: `!` runs a shell command in Claude Code; promptbook keeps it as text",
                split.body_at.line + i,
                p + 1
            ));
        }
    }
    let mut nodes = template::parse_claude(split.body, split.body_at, &positional);
    super::dotprompt::trim(&mut nodes);
    let mut vars = IndexMap::new();
    super::declare(&[&nodes], &mut vars, notes);
    if let Some(v) = vars.get_mut("arguments") {
        v.kind = VarType::Text;
        v.description = Some(if hint.is_empty() {
            "What you would type after the command".into()
        } else {
            format!("What you would type after the command: {hint}")
        });
    }
    let prompt = template::to_handlebars(&nodes, template::Dialect::Promptbook)
        .map_err(|p| problem(&origin, p))?;
    Ok(Draft {
        title: names::title_of(&name),
        description: frontmatter::string(meta, "description").unwrap_or_default(),
        model: ModelHints {
            prefer: frontmatter::string(meta, "model"),
            ..ModelHints::default()
        },
        variables: vars,
        turns: vec![(Role::User, prompt)],
        tags: vec!["claude-code".into()],
        name,
        ..Draft::default()
    })
}

/// Writes a recipe as a command file.
pub fn export_command(recipe: &Recipe, parts: &Parts, notes: &mut Vec<String>) -> Result<String> {
    let origin = recipe.name().to_string();
    let prompt = match parts.turns.as_slice() {
        [(Role::User, t)] => t,
        _ => {
            return Err(Error::usage(format!(
                "`{origin}` is a conversation of several turns; a Claude Code command is one message"
            ))
            .hint("export with `--as claude-skill`, `--as dotprompt` or `--as prompty`"));
        }
    };
    let mut trees: Vec<&[Node]> = Vec::new();
    if let Some(s) = &parts.system {
        trees.push(s);
    }
    trees.push(prompt);
    let mut used: Vec<String> = Vec::new();
    for t in &trees {
        for (n, _) in template::variables(t) {
            if !used.contains(&n) {
                used.push(n);
            }
        }
    }
    let order: Vec<String> = recipe
        .variables
        .keys()
        .filter(|k| used.contains(k))
        .cloned()
        .collect();
    let single = order.len() == 1;
    let var = |p: &str| {
        if single {
            return Some("$ARGUMENTS".to_string());
        }
        order
            .iter()
            .position(|k| k == p)
            .map(|i| format!("${}", i + 1))
    };
    let esc = |t: &str| {
        let bad = t.contains("$ARGUMENTS")
            || t.match_indices('$')
                .any(|(i, _)| t[i + 1..].starts_with(|c: char| c.is_ascii_digit()));
        if bad {
            Err("the text holds `$ARGUMENTS` or `$1`, which Claude Code would replace".to_string())
        } else {
            Ok(t.to_string())
        }
    };
    let write = |nodes: &[Node]| {
        template::to_flat(nodes, &var, &esc, "a Claude Code command")
            .map_err(|p| problem(&origin, p))
    };
    let mut out = String::from("---\n");
    let description = if recipe.description.is_empty() {
        &recipe.title
    } else {
        &recipe.description
    };
    let _ = writeln!(out, "description: {}", json(description));
    if !order.is_empty() {
        let hint: Vec<String> = order
            .iter()
            .map(|k| format!("[{}]", k.replace('_', "-")))
            .collect();
        let _ = writeln!(out, "argument-hint: {}", json(&hint.join(" ")));
    }
    if let Some(p) = &recipe.model.prefer {
        let _ = writeln!(out, "model: {}", json(p));
    }
    out.push_str("---\n");
    if let Some(s) = &parts.system {
        out.push_str(write(s)?.trim_end());
        out.push_str("\n\n");
        notes.push(
            "the system prompt is the start of the command's text: a command is one message".into(),
        );
    }
    out.push_str(write(prompt)?.trim_end());
    out.push('\n');
    if order.len() > 1 {
        notes.push(format!(
            "the variables are the command's arguments in order ({}); Claude Code splits arguments at spaces",
            order.join(", ")
        ));
    }
    let defaults: Vec<&String> = order
        .iter()
        .filter(|k| recipe.variables[*k].value.default.is_some())
        .collect();
    if !defaults.is_empty() {
        notes.push("defaults are not carried: Claude Code leaves a missing argument empty".into());
    }
    if !parts.examples.is_empty() {
        notes.push(format!(
            "{} example(s) are not carried: a command is one message",
            parts.examples.len()
        ));
    }
    if recipe.model.temperature.is_some() || recipe.model.max_tokens.is_some() {
        notes.push(
            "temperature and max_tokens are not carried: commands have no such settings".into(),
        );
    }
    Ok(out)
}

/// Reads a skill folder (its `SKILL.md`).
pub fn import_skill(dir: &Path, notes: &mut Vec<String>) -> Result<Draft> {
    let file = dir.join("SKILL.md");
    let origin = super::origin(&file);
    let text = walk::read_text(&file)?;
    let split = frontmatter::split(&text, &origin)?;
    let meta = &split.meta;
    let Some(raw_name) = frontmatter::string(meta, "name") else {
        return Err(
            Error::invalid(format!("{origin}: the front matter has no `name`"))
                .hint("add `name:` with the skill's name (lowercase letters, digits, dashes)"),
        );
    };
    let name = names::strict_recipe_name(&raw_name, &origin, "name")?;
    let description = frontmatter::string(meta, "description").unwrap_or_default();
    if description.trim().is_empty() {
        return Err(
            Error::invalid(format!("{origin}: the front matter has no `description`"))
                .hint("say what the skill does and when to use it, in at most 1024 characters"),
        );
    }
    for key in meta.keys() {
        match key.as_str() {
            "name" | "description" | "metadata" => {}
            "allowed-tools" => notes.push(
                "`allowed-tools` is not carried: promptbook recipes do not call tools".into(),
            ),
            other => notes.push(format!("front matter `{other}` is not carried")),
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut others: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "SKILL.md")
            .collect();
        others.sort();
        for o in others {
            notes.push(format!(
                "`{o}` beside SKILL.md is not carried (scripts and references stay with the skill)"
            ));
        }
    }
    let ours = meta
        .get("metadata")
        .and_then(|m| m.get("promptbook-variables"))
        .and_then(Value::as_str)
        .map(String::from);
    let mut d = Draft {
        title: names::title_of(&name),
        description,
        name,
        ..Draft::default()
    };
    let literal = |t: &str| {
        template::to_handlebars(&[Node::Text(t.to_string())], template::Dialect::Promptbook)
            .expect("text translates")
    };
    match ours {
        Some(vars) => {
            let vars: IndexMap<String, Variable> = serde_json::from_str(&vars).map_err(|e| {
                Error::invalid(format!(
                    "{origin}: metadata `promptbook-variables` is not readable: {e}"
                ))
            })?;
            d.variables = vars;
            let sections = sections(split.body);
            if let Some(t) = sections.iter().find(|(k, _)| k == "title") {
                d.title = t.1.trim().trim_start_matches('#').trim().to_string();
            }
            if let Some((_, s)) = sections.iter().find(|(k, _)| k == "instructions") {
                d.system = Some(unfence(s));
            }
            let mut pending: Option<String> = None;
            for (k, v) in &sections {
                match k.as_str() {
                    "example-input" => pending = Some(unfence(v)),
                    "example-output" => {
                        if let Some(i) = pending.take() {
                            d.examples.push((i, unfence(v)));
                        }
                    }
                    _ => {}
                }
            }
            let Some((_, req)) = sections.iter().find(|(k, _)| k == "request") else {
                return Err(Error::invalid(format!(
                    "{origin}: the request section is missing"
                )));
            };
            d.turns = vec![(Role::User, unfence(req))];
        }
        None => {
            d.system = Some(literal(split.body.trim()));
            d.variables.insert(
                "request".into(),
                Variable {
                    kind: VarType::Text,
                    required: true,
                    description: Some("What to ask of the skill".into()),
                    ..Variable::default()
                },
            );
            d.turns = vec![(Role::User, "{{request}}".into())];
            notes.push("the skill's instructions are the system prompt; the request is the variable `request`".into());
        }
    }
    Ok(d)
}

/// The parts of a SKILL.md that promptbook wrote, by their `<!-- promptbook:NAME -->` marks.
fn sections(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in body.split("<!-- promptbook:").skip(1) {
        if let Some((name, rest)) = part.split_once(" -->") {
            out.push((name.trim().to_string(), rest.to_string()));
        }
    }
    out
}

/// The text of the first fenced block in `s`.
fn unfence(s: &str) -> String {
    let s = s.trim_start_matches('\n');
    let Some(first) = s.lines().next() else {
        return String::new();
    };
    let fence: String = first
        .chars()
        .take_while(|c| *c == '`' || *c == '~')
        .collect();
    if fence.len() < 3 {
        return s.trim().to_string();
    }
    let body = &s[first.len() + 1..];
    match body
        .find(&format!("\n{fence}\n"))
        .or_else(|| body.rfind(&format!("\n{fence}")))
    {
        Some(end) => body[..end].to_string(),
        None => body.to_string(),
    }
}

fn fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let f = "`".repeat(longest.max(2) + 1);
    format!("{f}text\n{text}\n{f}\n")
}

/// Writes a recipe as an Agent Skill's SKILL.md.
pub fn export_skill(recipe: &Recipe, parts: &Parts, notes: &mut Vec<String>) -> Result<String> {
    let origin = recipe.name().to_string();
    if parts.turns.len() != 1 {
        return Err(Error::usage(format!(
            "`{origin}` is a conversation of several turns; a skill is instructions and one request"
        ))
        .hint("export with `--as dotprompt` or `--as prompty`, which carry turns"));
    }
    let hbs = |nodes: &[Node]| {
        template::to_handlebars(nodes, template::Dialect::Promptbook)
            .map_err(|p| problem(&origin, p))
    };
    let mut description = if recipe.description.is_empty() {
        recipe.title.clone()
    } else {
        recipe.description.replace('\n', " ")
    };
    if description.chars().count() > MAX_SKILL_DESCRIPTION {
        description = description
            .chars()
            .take(MAX_SKILL_DESCRIPTION - 1)
            .collect::<String>()
            + "…";
        notes.push("the description was cut to the 1024 characters a skill allows".into());
    }
    let vars: IndexMap<&String, &Variable> = recipe
        .variables
        .iter()
        .map(|(k, v)| (k, &v.value))
        .collect();
    let mut out = String::from("---\n");
    let _ = writeln!(out, "name: {}", recipe.name());
    let _ = writeln!(out, "description: {}", json(&description));
    out.push_str("metadata:\n");
    let _ = writeln!(out, "  generator: promptbook");
    let _ = writeln!(
        out,
        "  promptbook-variables: {}",
        json(&serde_json::to_string(&vars).expect("variables serialize"))
    );
    out.push_str("---\n");
    let _ = writeln!(out, "<!-- promptbook:title -->\n# {}\n", recipe.title);
    if !recipe.description.is_empty() {
        let _ = writeln!(out, "{}\n", recipe.description);
    }
    if let Some(s) = &parts.system {
        out.push_str("## Instructions\n\nFollow these instructions for the whole task:\n\n<!-- promptbook:instructions -->\n");
        out.push_str(&fence(&hbs(s)?));
        out.push('\n');
    }
    if !vars.is_empty() {
        out.push_str("## What to ask for first\n\nBefore you start, make sure you have these; ask for any that are missing and required:\n\n");
        for (name, v) in &vars {
            let mut line = format!("- `{name}`");
            let mut facts = vec![v.kind.as_str().to_string()];
            if v.needs_value() {
                facts.push("required".into());
            }
            let _ = write!(line, " ({})", facts.join(", "));
            if let Some(d) = &v.description {
                let _ = write!(line, ": {}", d.replace('\n', " "));
            }
            if !v.choices.is_empty() {
                let _ = write!(line, ". One of: {}", v.choices.join(", "));
            }
            if let Some(d) = &v.default {
                let shown = match d {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let _ = write!(line, ". If not given: {shown}");
            }
            if let Some(n) = v.min {
                let _ = write!(line, ". At least {n}");
            }
            if let Some(n) = v.max {
                let _ = write!(line, ". At most {n}");
            }
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str("## The request\n\nWork on this request, with the values above filled in where it says `{{name}}` (Handlebars: `{{#if x}}…{{/if}}` parts apply only when x was given):\n\n<!-- promptbook:request -->\n");
    out.push_str(&fence(&hbs(&parts.turns[0].1)?));
    if !parts.examples.is_empty() {
        out.push_str("\n## Examples\n\nGood answers look like these.\n");
        for (i, (input, output)) in parts.examples.iter().enumerate() {
            let _ = write!(
                out,
                "\n### Example {}\n\nRequest:\n\n<!-- promptbook:example-input -->\n{}\nAnswer:\n\n<!-- promptbook:example-output -->\n{}",
                i + 1,
                fence(
                    &template::to_handlebars(
                        &[Node::Text(input.clone())],
                        template::Dialect::Promptbook
                    )
                    .expect("text")
                ),
                fence(
                    &template::to_handlebars(
                        &[Node::Text(output.clone())],
                        template::Dialect::Promptbook
                    )
                    .expect("text")
                ),
            );
        }
    }
    if recipe.model != ModelHints::default() {
        notes.push("model hints are not carried: a skill runs in the model already chosen".into());
    }
    if !recipe.tests.is_empty() {
        notes.push(format!(
            "{} test(s) are not carried: skills have no tests",
            recipe.tests.len()
        ));
    }
    Ok(out)
}

fn json(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}
