//! `promptbook add`: validate recipe files and store them.

use std::path::{Path, PathBuf};

use super::Ctx;
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

/// The recipe files named: files as given, folders searched for .yaml/.yml (not pack.yaml).
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|_| {
            Error::not_found(format!("{} does not exist", p.display())).hint("check the path")
        })?;
        if meta.is_dir() {
            let before = files.len();
            walk(p, &mut files)?;
            if files.len() == before {
                return Err(Error::not_found(format!(
                    "{} has no .yaml recipe files",
                    p.display()
                )));
            }
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::failed(format!("cannot read the folder {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, files)?;
        } else if (name.ends_with(".yaml") || name.ends_with(".yml")) && name != "pack.yaml" {
            files.push(path);
        }
    }
    Ok(())
}
