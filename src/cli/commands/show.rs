//! `promptbook show`: everything about one recipe.

use std::fmt::Write as _;

use serde_json::json;

use crate::cli::Ctx;
use crate::cli::output::{shown_width, table};
use crate::error::Result;
use crate::recipe::Recipe;
use crate::recipe::snippet::UsedSnippet;
use crate::recipe::values::fmt_num;
use crate::store::{StoredRecipe, VersionInfo};

/// Show a recipe: description, variables, model hints, examples, the snippets it includes
/// and the template.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook show blog-draft\n  promptbook show blog-draft --json | jq '.variables | keys'"
)]
pub struct Args {
    /// The recipe's name.
    #[arg(add = crate::cli::complete::recipes())]
    pub name: String,
    /// Print JSON instead of text: every field of the recipe, its variables with their
    /// types and defaults, its pack and its stored versions.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let stored = ctx.library()?.get(&args.name)?;
    let r = stored.parse()?;
    let snippets = ctx
        .library()?
        .snippets_for(&r, stored.pack.as_deref())?
        .used(&r.compiled.snippets);
    if args.json {
        let versions = ctx.library()?.versions(&stored.name)?;
        return ctx
            .out
            .print(&(as_json(&stored, &r, &versions, &snippets) + "\n"));
    }
    let mut s = String::new();
    let _ = writeln!(s, "{} — {}", ctx.out.bold(&stored.name), r.title);
    let version = r
        .version
        .as_deref()
        .map(|v| format!("version {v}, "))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "({version}stored as v{}, {})",
        stored.version, stored.created_at
    );
    if !r.description.is_empty() {
        let _ = writeln!(s, "\n{}", r.description.trim_end());
    }
    if !r.tags.is_empty() {
        let _ = writeln!(s, "\nTags: {}", r.tags.join(", "));
    }
    let m = &r.model;
    let mut hint = Vec::new();
    if let Some(p) = &m.prefer {
        hint.push(p.clone());
    }
    if let Some(t) = m.temperature {
        hint.push(format!("temperature {t}"));
    }
    if let Some(t) = m.max_tokens {
        hint.push(format!("max_tokens {t}"));
    }
    if !hint.is_empty() {
        let _ = writeln!(s, "Model: {}", hint.join(" · "));
    }
    if let Some(why) = &m.why {
        let _ = writeln!(s, "  why: {why}");
    }
    if !r.variables.is_empty() {
        let _ = writeln!(s, "\nVariables:");
        let mut rows = Vec::new();
        for (name, v) in &r.variables {
            let mut facts = Vec::new();
            if v.needs_value() {
                facts.push("required".to_string());
            }
            if let Some(d) = &v.default {
                let shown = match d {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Array(items) if items.is_empty() => "none".to_string(),
                    serde_json::Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                facts.push(format!("default: {shown}"));
            }
            if !v.choices.is_empty() {
                facts.push(format!("choices: {}", v.choices.join(", ")));
            }
            match (v.min, v.max) {
                (Some(a), Some(b)) => facts.push(format!("{}–{}", fmt_num(a), fmt_num(b))),
                (Some(a), None) => facts.push(format!("≥ {}", fmt_num(a))),
                (None, Some(b)) => facts.push(format!("≤ {}", fmt_num(b))),
                _ => {}
            }
            rows.push(vec![
                format!("  {name}"),
                v.kind.as_str().to_string(),
                facts.join("; "),
            ]);
        }
        // Name and type in columns; the facts beside them when the line fits the width,
        // else on the next line; each description on its own line below. Nothing is cut.
        let width = ctx.out.width();
        let facts: Vec<String> = rows
            .iter_mut()
            .map(|row| row.pop().unwrap_or_default())
            .collect();
        let table = table(&rows);
        for ((line, facts), v) in table.lines().zip(facts).zip(r.variables.values()) {
            let padded = format!(
                "{line:<0$}",
                table.lines().map(shown_width).max().unwrap_or(0)
            );
            if facts.is_empty() {
                let _ = writeln!(s, "{line}");
            } else if shown_width(&padded) + 2 + shown_width(&facts) <= width {
                let _ = writeln!(s, "{padded}  {facts}");
            } else {
                let _ = writeln!(s, "{line}\n      {facts}");
            }
            if let Some(d) = v.description.as_deref().filter(|d| !d.trim().is_empty()) {
                let _ = writeln!(s, "      {}", d.trim());
            }
        }
    }
    let _ = writeln!(
        s,
        "\nExamples: {}   Tests: {}",
        r.examples.len(),
        r.tests.len()
    );
    if let Some(o) = &r.output {
        let fields: Vec<&str> = o
            .schema
            .value
            .get("properties")
            .and_then(|p| p.as_object())
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "Answer: JSON with {} (output.schema; API bodies send it as the structured-output setting)",
            fields.join(", ")
        );
    }
    if !snippets.is_empty() {
        let _ = writeln!(
            s,
            "Snippets: {} (`promptbook snippet show NAME` shows one)",
            snippets
                .iter()
                .map(|u| format!("{} (v{})", u.name, u.version))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(sys) = &r.system {
        let _ = writeln!(s, "\nSystem:\n{}", indent(sys));
    }
    if let Some(p) = &r.prompt {
        let _ = writeln!(s, "\nPrompt:\n{}", indent(p));
    }
    for m in &r.messages {
        let _ = writeln!(s, "\n{}:\n{}", m.role.as_str(), indent(&m.content));
    }
    let required: Vec<String> = r
        .required_without_default()
        .map(|n| format!("--var {n}=…"))
        .collect();
    let _ = writeln!(
        s,
        "\nRender it: {}",
        format!("promptbook render {} {}", stored.name, required.join(" ")).trim_end()
    );
    ctx.out.print(&s)
}

/// The recipe as JSON: its fields as written (templates as text), the variables with
/// `needs_value` (required and without a default), the pack, and every stored version.
fn as_json(
    stored: &StoredRecipe,
    r: &Recipe,
    versions: &[VersionInfo],
    snippets: &[UsedSnippet],
) -> String {
    let variables: serde_json::Map<String, serde_json::Value> = r
        .variables
        .iter()
        .map(|(name, v)| {
            let mut value = serde_json::to_value(&v.value).expect("serializable");
            value["needs_value"] = v.needs_value().into();
            (name.clone(), value)
        })
        .collect();
    let value = json!({
        "name": stored.name,
        "pack": stored.pack,
        "title": r.title,
        "description": r.description,
        "version": r.version,
        "tags": r.tags,
        "model": r.model,
        "variables": variables,
        "system": r.system.as_ref().map(|s| &s.value),
        "prompt": r.prompt.as_ref().map(|s| &s.value),
        "messages": r.messages.iter().map(|m| json!({
            "role": m.role.as_str(),
            "content": m.content.value,
        })).collect::<Vec<_>>(),
        "examples": r.examples.iter().map(|e| &e.value).collect::<Vec<_>>(),
        "tests": r.tests.iter().map(|t| json!({
            "name": t.name,
            "vars": t.vars,
            "expect": {
                "contains": t.expect.contains,
                "not_contains": t.expect.not_contains,
                "matches": t.expect.matches,
                "max_input_tokens": t.expect.max_input_tokens,
            },
        })).collect::<Vec<_>>(),
        "snippets": snippets,
        "stored": {
            "version": stored.version,
            "hash": stored.hash,
            "created_at": stored.created_at,
        },
        "versions": versions,
    });
    serde_json::to_string_pretty(&value).expect("serializable")
}

fn indent(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
