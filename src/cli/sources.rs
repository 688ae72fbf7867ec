//! The recipes `lint` and `test` work on: names in the library, files, or folders — and
//! the snippets a folder holds under `snippets/` (a pack's), which its recipes include
//! before the library's.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use super::Ctx;
use crate::error::{Error, Result};
use crate::recipe::snippet::{Found, Snippet, SnippetSet};
use crate::recipe::{Recipe, SnippetUse};

/// A recipe's text and what to call it in messages (its path, or its name in the library).
pub struct Source {
    pub origin: String,
    pub bytes: Vec<u8>,
    /// The pack of a recipe read from the library (where its snippets are found first).
    pub pack: Option<String>,
}

/// Each argument is a file or folder if such a path exists (or it looks like one: it has
/// a `/` other than `pack/recipe`'s, or ends in .yaml/.yml), else a recipe name in the
/// library. No arguments: every recipe in the library. Also the snippets under a
/// `snippets/` folder of each folder given (files there are snippets, not recipes); an
/// invalid snippet file is an error with its place.
pub fn gather(targets: &[String], ctx: &mut Ctx) -> Result<(Vec<Source>, Vec<Snippet>)> {
    let mut out = Vec::new();
    let mut snippets = Vec::new();
    if targets.is_empty() {
        let lib = ctx.library()?;
        for name in lib.names()? {
            let stored = lib.get(&name)?;
            out.push(Source {
                origin: name,
                bytes: stored.yaml.into_bytes(),
                pack: stored.pack,
            });
        }
        return Ok((out, snippets));
    }
    for t in targets {
        let path = Path::new(t);
        // `team/blog-draft` names a pack's recipe unless such a path exists.
        let is_address = t
            .split_once('/')
            .is_some_and(|(p, n)| crate::recipe::is_kebab(p) && crate::recipe::is_kebab(n));
        let looks_like_path = (t.contains('/') && !is_address)
            || t.ends_with(".yaml")
            || t.ends_with(".yml")
            || t == ".";
        if path.exists() || looks_like_path {
            let snippet_dir = path.join("snippets");
            for file in collect_files(&[path.to_path_buf()])? {
                if path.is_dir() && file.starts_with(&snippet_dir) {
                    let bytes = crate::limits::read_file(
                        &file,
                        crate::recipe::snippet::MAX_SNIPPET_BYTES as u64,
                        "the snippet file",
                        crate::error::ErrorKind::InvalidRecipe,
                    )?;
                    let origin = file.display().to_string();
                    snippets.push(Snippet::parse_bytes(&bytes, &origin).map_err(Error::from)?);
                    continue;
                }
                let bytes = crate::limits::read_file(
                    &file,
                    crate::recipe::MAX_RECIPE_BYTES as u64,
                    "the recipe file",
                    crate::error::ErrorKind::InvalidRecipe,
                )?;
                out.push(Source {
                    origin: file.display().to_string(),
                    bytes,
                    pack: None,
                });
            }
        } else {
            let stored = ctx.library()?.get(t)?;
            out.push(Source {
                origin: stored.name,
                bytes: stored.yaml.into_bytes(),
                pack: stored.pack,
            });
        }
    }
    Ok((out, snippets))
}

/// The snippets `recipe` includes: first those of the folders given (`local`, by their
/// bare names), then the library's for the recipe's place when there is a library; a
/// name found in neither is missing.
pub fn snippets_for(
    ctx: &mut Ctx,
    local: &[Snippet],
    recipe: &Recipe,
    pack: Option<&str>,
) -> Result<SnippetSet> {
    if recipe.compiled.snippets.is_empty() {
        return Ok(SnippetSet::default());
    }
    if local.is_empty() {
        return match ctx.existing_library() {
            Some(lib) => lib.snippets_for(recipe, pack),
            None => Ok(unresolved(recipe.compiled.snippets.clone(), Vec::new())),
        };
    }
    let mut set = SnippetSet::default();
    let mut rest: Vec<SnippetUse> = Vec::new();
    let mut queue: std::collections::VecDeque<SnippetUse> =
        recipe.compiled.snippets.iter().cloned().collect();
    while let Some(u) = queue.pop_front() {
        if set.found.contains_key(&u.name) || rest.iter().any(|r| r.name == u.name) {
            continue;
        }
        match local.iter().find(|s| s.name() == u.name) {
            Some(s) => {
                queue.extend(s.uses.snippets.iter().cloned());
                set.found.insert(
                    u.name.clone(),
                    Found {
                        full_name: u.name.clone(),
                        version: 0,
                        snippet: Arc::new(s.clone()),
                    },
                );
            }
            None => rest.push(u),
        }
    }
    let local_names: Vec<String> = local.iter().map(|s| s.name().to_string()).collect();
    if rest.is_empty() {
        return Ok(set);
    }
    let from_library = match ctx.existing_library() {
        Some(lib) => lib.snippets_named(pack, &rest)?,
        None => unresolved(rest, Vec::new()),
    };
    set.found.extend(from_library.found);
    set.missing = from_library.missing;
    set.available = local_names;
    set.available.extend(from_library.available);
    Ok(set)
}

/// A set where every name of `uses` is missing.
fn unresolved(uses: Vec<SnippetUse>, available: Vec<String>) -> SnippetSet {
    SnippetSet {
        missing: uses.into_iter().map(|u| u.name).collect(),
        available,
        ..Default::default()
    }
}

/// Every problem found in the files of one command as one error: each message on its own
/// line, the hints of all of them once each. `None` when there are none.
pub fn one_error(problems: Vec<Error>) -> Option<Error> {
    let mut problems = problems.into_iter();
    let mut e = problems.next()?;
    for p in problems {
        e.message.push('\n');
        e.message.push_str(&p.message);
        for hint in p.hints {
            if !e.hints.contains(&hint) {
                e.hints.push(hint);
            }
        }
    }
    Some(e)
}

/// The deepest folder nesting a folder walk searches.
pub const MAX_DEPTH: usize = 32;
/// The most folder entries a folder walk looks at, files and folders together.
pub const MAX_ENTRIES: usize = 200_000;

/// The recipe files named: files as given, folders searched for .yaml/.yml (not pack.yaml,
/// and not bundles, which are said in a note).
/// A search does not follow links to folders (so a link loop cannot trap it; each one
/// skipped is noted on standard error) and stops with an error past [`MAX_DEPTH`] folders
/// or [`MAX_ENTRIES`] entries.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|_| {
            Error::not_found(format!("{} does not exist", p.display())).hint("check the path")
        })?;
        if meta.is_dir() {
            let before = files.len();
            let mut seen = 0;
            walk(p, 0, &mut seen, &mut files)?;
            if files.len() == before {
                return Err(Error::not_found(format!(
                    "{} has no .yaml files",
                    p.display()
                )));
            }
        } else {
            files.push(p.clone());
        }
    }
    // A file named twice (`add a.yaml a.yaml`, or a file and its folder) is read once.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    Ok(files)
}

fn walk(dir: &Path, depth: usize, seen: &mut usize, files: &mut Vec<PathBuf>) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::usage(format!(
            "{} is more than {MAX_DEPTH} folders deep",
            dir.display()
        ))
        .hint("add a folder nearer the recipes"));
    }
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir)
        .map_err(|e| Error::failed(format!("cannot read the folder {}: {e}", dir.display())))?
    {
        *seen += 1;
        if *seen > MAX_ENTRIES {
            return Err(Error::usage(format!(
                "the folder holds more than {MAX_ENTRIES} files and folders; stopped at {}",
                dir.display()
            ))
            .hint("add the folder that holds the recipes, not a large tree around it"));
        }
        if let Ok(entry) = entry {
            entries.push(entry);
        }
    }
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let is_dir = file_type.is_dir();
        if file_type.is_symlink() && std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
            eprintln!(
                "note: skipped {}: a link to a folder (links to folders are not followed)",
                path.display()
            );
            continue;
        }
        if is_dir {
            walk(&path, depth + 1, seen, files)?;
        } else if crate::pack::files::is_bundle_file(name) {
            eprintln!(
                "note: skipped {}: a pack bundle, not a recipe (`promptbook pack add {0}` installs it)",
                path.display()
            );
        } else if (name.ends_with(".yaml") || name.ends_with(".yml")) && name != "pack.yaml" {
            files.push(path);
        }
    }
    Ok(())
}
