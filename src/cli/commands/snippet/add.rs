//! `promptbook snippet add`: check snippet files and store them, all or nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::cli::Ctx;
use crate::cli::sources::{collect_files, one_error};
use crate::error::{Error, ErrorKind, Result};
use crate::recipe::snippet::{FIX_SNIPPET_HINT, MAX_SNIPPET_BYTES, Snippet, about_snippets};
use crate::store::AddOutcome;

/// Check snippet files and store them in the library.
///
/// A snippet file is YAML with `name` (kebab-case: recipes include it as {{> name}}),
/// `description` and `template` (the text, which may use the including recipes' variables
/// and other snippets). A folder adds every .yaml/.yml file below it. Nothing is stored
/// unless every file is valid: a bad name, an unknown field, a template error, a snippet
/// the library lacks, a cycle of snippets, or a variable that a recipe including the
/// snippet does not declare is reported with file:line:column. A changed snippet becomes a
/// new version of the same name; an identical one changes nothing. The snippet stored is
/// always your own, even when a pack has one of that name (your recipes include a pack's as
/// {{> pack/name}}); to change a pack's snippet, `promptbook snippet edit pack/name`.
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(snippet_file_example!(), "
Examples:
  promptbook snippet add brand-voice.yaml
  promptbook snippet add snippets/"))]
pub struct Args {
    /// Snippet files or folders.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let files = collect_files(&args.paths)?;
    let mut snippets: Vec<(Snippet, String, String)> = Vec::new();
    let mut problems: Vec<Error> = Vec::new();
    let mut seen: HashMap<String, &Path> = HashMap::new();
    for file in &files {
        match read_snippet(file) {
            Ok((snippet, text)) => {
                if let Some(first) = seen.insert(snippet.name().to_string(), file) {
                    problems.push(
                        Error::invalid(format!(
                            "{}:{}:{}: the name `{}` is also used by {}",
                            file.display(),
                            snippet.def.name.position.line,
                            snippet.def.name.position.column,
                            snippet.name(),
                            first.display()
                        ))
                        .hint("give each snippet its own name"),
                    );
                }
                snippets.push((snippet, text, file.display().to_string()));
            }
            Err(e) => problems.push(e),
        }
    }
    if let Some(e) = one_error(problems) {
        return Err(nothing_added(e));
    }
    for (snippet, _, origin) in &snippets {
        for d in crate::check::lint::snippet_warnings(snippet) {
            eprintln!("warning: {}", d.render(origin));
        }
    }
    let lib = ctx.library()?;
    let mut broken = Vec::new();
    for (snippet, _, origin) in &snippets {
        for p in crate::edit::renders_with_changed_snippet(lib, snippet.name(), snippet)? {
            broken.push(format!("{origin}: {p}"));
        }
    }
    if !broken.is_empty() {
        return Err(nothing_added(crate::edit::unrenderable_change(&broken)));
    }
    let outcomes = lib
        .add_snippets(&snippets)
        .map_err(|e| nothing_added(about_snippets(e)))?;
    for o in outcomes {
        match o {
            AddOutcome::Added { name } => eprintln!("added {name}"),
            AddOutcome::Updated { name, version } => {
                eprintln!("updated {name} (now version {version})");
                let users = lib.snippet_users(&name)?;
                if !users.is_empty() {
                    eprintln!(
                        "note: {} {} it and {} with it from now on: {}",
                        users.len(),
                        if users.len() == 1 {
                            "recipe includes"
                        } else {
                            "recipes include"
                        },
                        if users.len() == 1 {
                            "changes"
                        } else {
                            "change"
                        },
                        users.join(", ")
                    );
                }
            }
            AddOutcome::Unchanged { name, version } => {
                eprintln!("unchanged {name}: identical to stored version {version}")
            }
        }
    }
    Ok(())
}

/// `e`, saying that nothing was stored (and, for a bad file, what a snippet file holds).
fn nothing_added(mut e: Error) -> Error {
    if e.kind != ErrorKind::InvalidRecipe {
        return e.hint("nothing was added");
    }
    e.hints.retain(|h| h != FIX_SNIPPET_HINT);
    e.hint("nothing was added; fix the files above and run the same command again (a snippet file has `name:`, `description:` and `template: |`; `promptbook snippet add --help` shows one)")
}

/// Reads and checks one snippet file, keeping its exact text.
fn read_snippet(file: &Path) -> Result<(Snippet, String)> {
    let origin = file.display().to_string();
    let bytes = crate::limits::read_file(
        file,
        MAX_SNIPPET_BYTES as u64,
        "the snippet file",
        ErrorKind::InvalidRecipe,
    )?;
    let snippet = Snippet::parse_bytes(&bytes, &origin).map_err(|invalid| {
        let e = about_snippets(Error::from(invalid));
        if looks_like_a_recipe(&bytes) {
            e.hint(format!(
                "this looks like a recipe, not a snippet: `promptbook add {origin}` adds recipes"
            ))
        } else {
            e
        }
    })?;
    let text = String::from_utf8(bytes).expect("checked by parse_bytes");
    Ok((snippet, text))
}

/// True when the text has a top-level field only a recipe has.
fn looks_like_a_recipe(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes).lines().any(|l| {
        ["prompt:", "variables:", "messages:", "system:", "title:"]
            .iter()
            .any(|f| l.starts_with(f))
    })
}
