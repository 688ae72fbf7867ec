//! `promptbook add`: validate recipe files and store them.

use std::path::{Path, PathBuf};

use crate::cli::Ctx;
use crate::cli::sources::collect_files;
use crate::error::{Error, Result};
use crate::recipe::Recipe;
use crate::store::{AddOutcome, provenance, split_address};

/// Validate recipe files and store them in the library.
///
/// A folder adds every .yaml/.yml file below it. Nothing is stored unless every file is
/// valid. A changed recipe becomes a new version of the same name; an identical one
/// changes nothing. A file exported from a pack's recipe (`export PACK/NAME`) goes back to
/// that recipe; otherwise your own recipe of that name wins over a pack's. A recipe that
/// includes snippets (`{{> brand-voice}}`) is stored only if the library has them and the
/// recipe declares every variable they read.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  promptbook add my-recipe.yaml\n  promptbook add recipes/")]
pub struct Args {
    /// Recipe files or folders.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let files = collect_files(&args.paths)?;
    let mut recipes: Vec<(Recipe, String, Option<String>)> = Vec::new();
    let mut exported_from: Vec<Option<String>> = Vec::new();
    let mut problems: Vec<Error> = Vec::new();
    let mut seen: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    for file in &files {
        match read_recipe(file) {
            Ok((recipe, text, from)) => {
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
                exported_from.push(from.clone());
                recipes.push((recipe, text, from));
            }
            Err(e) => problems.push(e),
        }
    }
    if let Some(mut e) = crate::cli::sources::one_error(problems) {
        e.hints
            .push("nothing was added; fix the files above and run the same command again".into());
        return Err(e);
    }
    // An exported pack recipe goes back to its pack, unless its name was changed since.
    warn_unknown_models(recipes.iter().map(|(r, t, _)| (r, t.as_str())), &files);
    let placed: Vec<(Recipe, String, Option<String>)> = recipes
        .into_iter()
        .map(|(recipe, text, from)| {
            let pack = from.as_deref().and_then(|a| match split_address(a) {
                (Some(pack), name) if name == recipe.name() => Some(pack.to_string()),
                _ => None,
            });
            (recipe, text, pack)
        })
        .collect();
    let lib = ctx.library()?;
    check_renders(lib, &placed, &files)?;
    let outcomes = lib.add_to(&placed)?;
    for (o, ((_, _, pack), from)) in outcomes.iter().zip(placed.iter().zip(&exported_from)) {
        let name = match o {
            AddOutcome::Added { name } => {
                eprintln!("added {name}");
                name
            }
            AddOutcome::Updated { name, version } => {
                eprintln!("updated {name} (now version {version})");
                name
            }
            AddOutcome::Unchanged { name, version } => {
                eprintln!("unchanged {name}: identical to stored version {version}");
                name
            }
        };
        if let Some(from) = from.as_deref().filter(|f| *f != name) {
            eprintln!(
                "note: the file was exported from `{from}`, {}; it went to `{name}`",
                if pack.is_some() {
                    "which is not in this library"
                } else {
                    "but its name was changed"
                }
            );
        } else if from.is_none() && !name.contains('/') {
            let packs = lib.packs_with(name)?;
            if let Some(first) = packs.first() {
                eprintln!(
                    "note: this is your own `{name}`; {} also {} a `{name}`, which was not changed \
                     (to change it: `promptbook export {first}/{name} -o FILE`, edit FILE, `promptbook add FILE`)",
                    packs
                        .iter()
                        .map(|p| format!("the pack `{p}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if packs.len() == 1 { "has" } else { "have" },
                );
            }
        }
    }
    Ok(())
}

/// Refuses, before anything is stored, recipes whose snippets (`{{> name}}`) the library
/// lacks or that read variables the recipe does not declare, and recipes that do not
/// render with their defaults (what `lint` calls an error), at the file's positions. (The
/// store checks snippets again as it writes; this gives the messages their file names.)
fn check_renders(
    lib: &crate::store::Library,
    placed: &[(Recipe, String, Option<String>)],
    files: &[PathBuf],
) -> Result<()> {
    let mut problems = Vec::new();
    let mut with_snippets = false;
    for ((recipe, _, pack), file) in placed.iter().zip(files) {
        let set = lib.snippets_for(recipe, pack.as_deref())?;
        let found = crate::check::lint::refusals(recipe, &set);
        if !found.is_empty() {
            with_snippets |= !recipe.compiled.snippets.is_empty();
            problems.push(Error::from(crate::recipe::Invalid {
                origin: file.display().to_string(),
                diagnostics: found,
            }));
        }
    }
    match crate::cli::sources::one_error(problems) {
        None => Ok(()),
        Some(mut e) => {
            e.hints.retain(|h| !h.starts_with("fix the recipe file"));
            e.hints.push(if with_snippets {
                "nothing was added; `promptbook snippet list` shows the snippets in the library"
                    .into()
            } else {
                "nothing was added".into()
            });
            Err(e)
        }
    }
}

/// A `model.prefer` the catalog does not know is kept (it may be a new model) with a
/// warning and a did-you-mean. The catalog is read only when some recipe names a model id.
fn warn_unknown_models<'a>(
    recipes: impl Iterator<Item = (&'a Recipe, &'a str)> + Clone,
    files: &[PathBuf],
) {
    let names_id = |r: &Recipe| {
        r.model
            .prefer
            .as_deref()
            .is_some_and(|p| !matches!(p, "haiku" | "sonnet" | "opus"))
    };
    if !recipes.clone().any(|(r, _)| names_id(r)) {
        return;
    }
    let Ok(catalog) = crate::catalog::Catalog::load() else {
        return;
    };
    for ((recipe, text), file) in recipes.zip(files) {
        if let Some(d) = crate::check::lint::unknown_model(recipe, text, &catalog) {
            eprintln!("warning: {}", d.render(&file.display().to_string()));
        }
    }
}

/// Reads and validates one recipe file, keeping its exact text, and the pack it was
/// exported from (its first line says so; that line is not part of the text stored).
pub fn read_recipe(file: &Path) -> Result<(Recipe, String, Option<String>)> {
    let origin = file.display().to_string();
    let bytes = crate::limits::read_file(
        file,
        crate::recipe::MAX_RECIPE_BYTES as u64,
        "the recipe file",
        crate::error::ErrorKind::InvalidRecipe,
    )?;
    let recipe = Recipe::parse_bytes(&bytes, &origin).map_err(|e| {
        let e = Error::from(e);
        if bytes.starts_with(b"# promptbook pack bundle") {
            e.hint(format!(
                "this is a pack bundle, not a recipe: `promptbook pack add {origin}` installs it"
            ))
        } else {
            e
        }
    })?;
    let text = String::from_utf8(bytes).expect("checked by parse_bytes");
    let Some((address, rest)) = provenance::read(&text) else {
        return Ok((recipe, text, None));
    };
    // Parsed again without the line, so positions kept with the recipe match the text stored.
    let recipe = Recipe::parse(rest, &origin)?;
    Ok((recipe, rest.to_string(), Some(address.to_string())))
}
