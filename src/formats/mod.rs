//! Other tools' prompt formats: importing their files as recipes and exporting recipes to
//! them, saying what could not be carried. One file per format; `template.rs` translates
//! templates between their languages; `draft.rs` writes an imported recipe's YAML. Core:
//! no face is imported here.

mod claude;
mod dotprompt;
mod draft;
mod fabric;
mod frontmatter;
mod github;
mod llm;
mod names;
mod prompty;
pub mod template;
mod walk;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::recipe::snippet::SnippetSet;
use crate::recipe::{Diagnostic, Recipe, Role, VarType, Variable};
use crate::render::{Input, resolve};
use crate::yaml::Position;

pub use draft::Draft;
pub use walk::{Unit, collect};

/// A format promptbook reads or writes; the words are those of `--from` and `--as`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// promptbook's own recipe YAML.
    Yaml,
    Fabric,
    Dotprompt,
    Prompty,
    Llm,
    GithubPrompt,
    ClaudeCommand,
    ClaudeSkill,
}

/// Every format, in the order help lists them.
pub const ALL: &[Format] = &[
    Format::Yaml,
    Format::Fabric,
    Format::Dotprompt,
    Format::Prompty,
    Format::Llm,
    Format::GithubPrompt,
    Format::ClaudeCommand,
    Format::ClaudeSkill,
];

impl Format {
    /// The word used on the command line.
    pub fn word(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Fabric => "fabric",
            Format::Dotprompt => "dotprompt",
            Format::Prompty => "prompty",
            Format::Llm => "llm",
            Format::GithubPrompt => "github-prompt",
            Format::ClaudeCommand => "claude-command",
            Format::ClaudeSkill => "claude-skill",
        }
    }

    /// Reads a format's word, suggesting the nearest one when it is unknown.
    pub fn from_word(word: &str) -> Result<Format> {
        ALL.iter()
            .copied()
            .find(|f| f.word() == word)
            .ok_or_else(|| {
                let words: Vec<&str> = ALL.iter().map(|f| f.word()).collect();
                let mut e = Error::usage(format!("unknown format `{word}`"));
                if let Some(s) = crate::error::did_you_mean(word, words.iter().copied()) {
                    e = e.hint(format!("did you mean `{s}`?"));
                }
                e.hint(format!("formats: {}", words.join(", ")))
            })
    }

    /// Whether recipes can be exported to this format (Fabric is import only).
    pub fn exports(self) -> bool {
        self != Format::Fabric
    }
}

/// One source turned into a recipe.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The file or folder it came from.
    pub source: PathBuf,
    pub format: Format,
    /// The recipe, validated, and its YAML text.
    pub recipe: Recipe,
    pub yaml: String,
    /// What could not be carried, and renames: one line each.
    pub notes: Vec<String>,
}

/// Turns one unit found by [`collect`] into a recipe.
pub fn import(unit: &Unit) -> Result<Imported> {
    let mut notes = Vec::new();
    let draft = match unit.format {
        Format::Yaml => {
            let text = walk::read_text(&unit.path)?;
            let origin = unit.path.display().to_string();
            let recipe = Recipe::parse(&text, &origin)?;
            return Ok(Imported {
                source: unit.path.clone(),
                format: Format::Yaml,
                recipe,
                yaml: text,
                notes,
            });
        }
        Format::Fabric => fabric::import(&unit.path, &mut notes)?,
        Format::Dotprompt => dotprompt::import(&unit.path, &mut notes)?,
        Format::Prompty => prompty::import(&unit.path, &mut notes)?,
        Format::Llm => llm::import(&unit.path, &mut notes)?,
        Format::GithubPrompt => github::import(&unit.path, &mut notes)?,
        Format::ClaudeCommand => claude::import_command(&unit.path, &mut notes)?,
        Format::ClaudeSkill => claude::import_skill(&unit.path, &mut notes)?,
    };
    let mut draft = draft;
    for v in draft.variables.values_mut() {
        let multi_line = matches!(&v.default, Some(Value::String(s)) if s.contains('\n'));
        if v.kind == VarType::String && multi_line {
            v.kind = VarType::Text;
        }
    }
    let yaml = draft.to_yaml();
    let origin = format!("{} (as a recipe)", unit.path.display());
    let recipe = Recipe::parse(&yaml, &origin).map_err(|e| {
        let err: Error = e.into();
        err.hint("this is a problem in the translation; please report it with the file")
    })?;
    Ok(Imported {
        source: unit.path.clone(),
        format: unit.format,
        recipe,
        yaml,
        notes,
    })
}

/// A recipe written in another format.
#[derive(Debug, Clone)]
pub struct Exported {
    /// Files to write, relative to the chosen folder (one, or a skill's folder).
    pub files: Vec<(PathBuf, String)>,
    /// What could not be carried: one line each.
    pub notes: Vec<String>,
}

/// Writes `recipe` (whose stored YAML is `yaml`) in `format`. The snippets it includes
/// (`snippets`, found for it in the library) are written into its templates: no other
/// format shares pieces between prompts the way snippets do, so each says so in a note.
pub fn export(
    recipe: &Recipe,
    yaml: &str,
    format: Format,
    snippets: &SnippetSet,
) -> Result<Exported> {
    let mut notes = Vec::new();
    let parts = Parts::of(recipe, snippets)?;
    if format != Format::Yaml {
        for used in snippets.used(&recipe.compiled.snippets) {
            notes.push(format!(
                "the snippet `{}` (v{}) is written into the template: {} has no shared snippets",
                used.name,
                used.version,
                format.word()
            ));
        }
    }
    let name = recipe.name();
    let files = match format {
        Format::Yaml => vec![(PathBuf::from(format!("{name}.yaml")), yaml.to_string())],
        Format::Fabric => {
            return Err(Error::usage("Fabric patterns are imported, not exported")
                .hint("export to `claude-skill`, `dotprompt` or `prompty` instead"));
        }
        Format::Dotprompt => vec![(
            PathBuf::from(format!("{name}.prompt")),
            dotprompt::export(recipe, &parts, &mut notes)?,
        )],
        Format::Prompty => vec![(
            PathBuf::from(format!("{name}.prompty")),
            prompty::export(recipe, &parts, &mut notes)?,
        )],
        Format::Llm => vec![(
            PathBuf::from(format!("{name}.yaml")),
            llm::export(recipe, &parts, &mut notes)?,
        )],
        Format::GithubPrompt => vec![(
            PathBuf::from(format!("{name}.prompt.yml")),
            github::export(recipe, &parts, &mut notes)?,
        )],
        Format::ClaudeCommand => vec![(
            PathBuf::from(format!("{name}.md")),
            claude::export_command(recipe, &parts, &mut notes)?,
        )],
        Format::ClaudeSkill => vec![(
            PathBuf::from(name).join("SKILL.md"),
            claude::export_skill(recipe, &parts, &mut notes)?,
        )],
    };
    Ok(Exported { files, notes })
}

/// A recipe's templates read into trees, and its examples rendered to literal turns: what
/// every exporter starts from.
pub(crate) struct Parts {
    pub system: Option<Vec<template::Node>>,
    /// The turns after the examples.
    pub turns: Vec<(Role, Vec<template::Node>)>,
    /// Each example's user turn and answer, as literal text.
    pub examples: Vec<(String, String)>,
}

impl Parts {
    fn of(recipe: &Recipe, snippets: &SnippetSet) -> Result<Parts> {
        let origin = recipe.name().to_string();
        let read = |t: &crate::recipe::Located<String>| {
            let base = if t.position.line > 0 {
                t.position
            } else {
                Position { line: 1, column: 1 }
            };
            // A `{{> snippet}}` alone on its line keeps its line break, as in a render.
            let source = crate::recipe::keep_snippet_line_ends(&t.value);
            let nodes =
                template::parse_handlebars(&source, base, &[]).map_err(|p| problem(&origin, p))?;
            inline_snippets(nodes, snippets, 0).map_err(|p| problem(&origin, p))
        };
        if recipe.compiled.places_examples {
            return Err(Error::usage(format!(
                "`{}` places its examples itself with `{{{{#each examples}}}}`, which other formats cannot do",
                recipe.name()
            ))
            .hint("write the examples as `examples:` turns, or keep this recipe in promptbook"));
        }
        let system = recipe.system.as_ref().map(read).transpose()?;
        let mut turns = Vec::new();
        if let Some(p) = &recipe.prompt {
            turns.push((Role::User, read(p)?));
        }
        for m in &recipe.messages {
            turns.push((m.role, read(&m.content)?));
        }
        let mut examples = Vec::new();
        if !recipe.examples.is_empty() {
            let values = stand_in_values(recipe)?;
            let prompt = crate::render::render_with(recipe, &values, snippets)?;
            let mut it = prompt.messages.iter().filter(|t| t.example.is_some());
            while let (Some(u), Some(a)) = (it.next(), it.next()) {
                examples.push((u.content.clone(), a.content.clone()));
            }
        }
        Ok(Parts {
            system,
            turns,
            examples,
        })
    }
}

/// Replaces each `{{> name}}` with the snippet's text, read into nodes (its trailing line
/// break dropped, as rendering does).
fn inline_snippets(
    nodes: Vec<template::Node>,
    snippets: &SnippetSet,
    depth: usize,
) -> std::result::Result<Vec<template::Node>, template::Problem> {
    template::inline_partials(nodes, &mut |name, at| {
        let missing = || template::Problem {
            message: format!("the snippet `{name}` is not in the library"),
            at,
            hint: Some("add it with `promptbook snippet add FILE`".into()),
        };
        let found = snippets.found.get(name).ok_or_else(missing)?;
        if depth >= crate::recipe::snippet::MAX_SNIPPET_DEPTH {
            return Err(template::Problem {
                message: format!("snippets are nested too deep at `{name}`"),
                at,
                hint: None,
            });
        }
        let text = found
            .snippet
            .def
            .template
            .value
            .trim_end_matches(['\n', '\r']);
        let text = crate::recipe::keep_snippet_line_ends(text);
        let mut nodes = template::parse_handlebars(&text, Position { line: 1, column: 1 }, &[])
            .map_err(|p| template::Problem {
                message: format!("in the snippet `{name}`: {}", p.message),
                at,
                hint: p.hint,
            })?;
        // What the other format cannot say inside a snippet is reported at its `{{> name}}`.
        place_at(&mut nodes, at);
        inline_snippets(nodes, snippets, depth + 1)
    })
}

/// Gives every node the position `at` (a snippet's nodes stand where it is included).
fn place_at(nodes: &mut [template::Node], at: Position) {
    for n in nodes {
        match n {
            template::Node::Text(_) => {}
            template::Node::Out { at: p, .. } | template::Node::Partial { at: p, .. } => *p = at,
            template::Node::Block {
                at: p,
                body,
                inverse,
                ..
            } => {
                *p = at;
                place_at(body, at);
                place_at(inverse, at);
            }
        }
    }
}

/// Values that let a recipe render (only its examples are used): each required variable's
/// first allowed value.
fn stand_in_values(recipe: &Recipe) -> Result<Map<String, Value>> {
    let given: Vec<(String, Input)> = recipe
        .variables
        .iter()
        .filter(|(_, v)| v.needs_value())
        .map(|(k, v)| {
            let value = match v.kind {
                VarType::Choice => Value::String(v.choices.first().cloned().unwrap_or_default()),
                VarType::Integer | VarType::Number => {
                    serde_json::json!(v.min.unwrap_or(1.0).ceil() as i64)
                }
                VarType::Boolean => Value::Bool(false),
                VarType::List => Value::Array(vec![]),
                VarType::String | VarType::Text => Value::String("x".into()),
            };
            (k.clone(), Input::Value(value))
        })
        .collect();
    resolve(recipe, &given).map_err(|e| e.to_error(recipe, &|n| format!("`{n}`")))
}

/// An error for a template problem in `origin`: `file:line:col: what`, and how to fix it.
pub(crate) fn problem(origin: &str, p: template::Problem) -> Error {
    let d = Diagnostic {
        severity: crate::recipe::Severity::Error,
        message: p.message,
        position: (p.at.line > 0).then_some(p.at),
        hint: None,
    };
    let mut e = Error::invalid(d.render(origin));
    if let Some(h) = p.hint {
        e = e.hint(h);
    }
    e
}

/// The variables a set of templates reads, declared from `declared` where given, else as
/// required strings; `notes` hears of each one made up.
pub(crate) fn declare(
    trees: &[&[template::Node]],
    declared: &mut indexmap::IndexMap<String, Variable>,
    notes: &mut Vec<String>,
) {
    let mut used = Vec::new();
    for t in trees {
        for (name, _) in template::variables(t) {
            if !used.contains(&name) {
                used.push(name);
            }
        }
    }
    for name in &used {
        if !declared.contains_key(name) {
            declared.insert(
                name.clone(),
                Variable {
                    required: true,
                    ..Variable::default()
                },
            );
        }
    }
    let unused: Vec<String> = declared
        .keys()
        .filter(|k| !used.contains(k))
        .cloned()
        .collect();
    for k in unused {
        notes.push(format!(
            "input `{k}` is declared but never used; not carried"
        ));
        declared.shift_remove(&k);
    }
}

/// Reads a YAML file that must be one map (llm templates, GitHub Models prompts); `expected`
/// says what such a file is, for the error when it is something else.
pub(crate) fn yaml_map(
    text: &str,
    origin: &str,
    expected: &str,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    match crate::yaml::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::invalid(format!("{origin}: {expected}"))),
        Err(e) => {
            let at = e
                .position
                .map_or(String::new(), |p| format!(":{}:{}", p.line, p.column));
            Err(Error::invalid(format!("{origin}{at}: {}", e.message)))
        }
    }
}

/// The display of a source path in messages.
pub(crate) fn origin(path: &Path) -> String {
    path.display().to_string()
}

/// A recipe name from a file's name without `suffix` (`summarize.prompt` → `summarize`),
/// or from `prompt` when the name has no such suffix.
pub(crate) fn name_from_file(path: &Path, suffix: &str, origin: &str) -> Result<String> {
    let stem = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(suffix))
        .unwrap_or("prompt");
    names::recipe_name(stem, origin)
}
