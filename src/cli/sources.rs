//! The recipes `lint` and `test` work on: names in the library, files, or folders.

use std::path::Path;

use super::Ctx;
use super::add::collect_files;
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
