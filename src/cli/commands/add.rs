//! `promptbook add`: validate recipe files and store them.

use std::path::{Path, PathBuf};

use crate::cli::Ctx;
use crate::cli::sources::collect_files;
use crate::error::{Error, Result};
use crate::recipe::Recipe;
use crate::store::AddOutcome;

/// Validate recipe files and store them in the library.
///
/// A folder adds every .yaml/.yml file below it. Nothing is stored unless every file is
/// valid. A changed recipe becomes a new version of the same name; an identical one
/// changes nothing.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  promptbook add my-recipe.yaml\n  promptbook add recipes/")]
pub struct Args {
    /// Recipe files or folders.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let files = collect_files(&args.paths)?;
    let mut recipes: Vec<(Recipe, String)> = Vec::new();
    let mut problems: Vec<Error> = Vec::new();
    let mut seen: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    for file in &files {
        match read_recipe(file) {
            Ok((recipe, text)) => {
                if let Some(first) = seen.insert(recipe.name().to_string(), file.clone()) {
                    problems.push(
                        Error::invalid(format!(
                            "{}: the name `{}` is also used by {}",
                            file.display(),
                            recipe.name(),
                            first.display()
                        ))
                        .hint("give each recipe its own name"),
                    );
                }
                recipes.push((recipe, text));
            }
            Err(e) => problems.push(e),
        }
    }
    if let Some(first) = problems.first() {
        let mut e = first.clone();
        if problems.len() > 1 {
            e.message = problems
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join("\n");
        }
        e.hints
            .push("nothing was added; fix the files above and run the same command again".into());
        return Err(e);
    }
    let outcomes = ctx.library()?.add(&recipes)?;
    for o in outcomes {
        match o {
            AddOutcome::Added { name } => eprintln!("added {name}"),
            AddOutcome::Updated { name, version } => {
                eprintln!("updated {name} (now version {version})")
            }
            AddOutcome::Unchanged { name, version } => {
                eprintln!("unchanged {name}: identical to stored version {version}")
            }
        }
    }
    Ok(())
}

/// Reads and validates one recipe file, keeping its exact text.
pub fn read_recipe(file: &Path) -> Result<(Recipe, String)> {
    let origin = file.display().to_string();
    let bytes =
        std::fs::read(file).map_err(|e| Error::not_found(format!("cannot read {origin}: {e}")))?;
    let recipe = Recipe::parse_bytes(&bytes, &origin)?;
    let text = String::from_utf8(bytes).expect("checked by parse_bytes");
    Ok((recipe, text))
}
