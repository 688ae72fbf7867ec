//! The recipes `lint` and `test` work on: names in the library, files, or folders.

use std::path::{Path, PathBuf};

use super::Ctx;
use crate::error::{Error, Result};

/// A recipe's text and what to call it in messages (its path, or its name in the library).
pub struct Source {
    pub origin: String,
    pub bytes: Vec<u8>,
}

/// Each argument is a file or folder if such a path exists (or it looks like one: it has
/// a `/` or ends in .yaml/.yml), else a recipe name in the library. No arguments: every
/// recipe in the library.
pub fn gather(targets: &[String], ctx: &mut Ctx) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    if targets.is_empty() {
        let lib = ctx.library()?;
        for name in lib.names()? {
            let stored = lib.get(&name)?;
            out.push(Source {
                origin: name,
                bytes: stored.yaml.into_bytes(),
            });
        }
        return Ok(out);
    }
    for t in targets {
        let path = Path::new(t);
        let looks_like_path =
            t.contains('/') || t.ends_with(".yaml") || t.ends_with(".yml") || t == ".";
        if path.exists() || looks_like_path {
            for file in collect_files(&[path.to_path_buf()])? {
                let bytes = std::fs::read(&file).map_err(|e| {
                    Error::not_found(format!("cannot read {}: {e}", file.display()))
                })?;
                out.push(Source {
                    origin: file.display().to_string(),
                    bytes,
                });
            }
        } else {
            let stored = ctx.library()?.get(t)?;
            out.push(Source {
                origin: stored.name,
                bytes: stored.yaml.into_bytes(),
            });
        }
    }
    Ok(out)
}

/// The recipe files named: files as given, folders searched for .yaml/.yml (not pack.yaml,
/// and not bundles, which are said in a note).
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
