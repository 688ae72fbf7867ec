//! Values as the command line gives them: `--vars FILE`, `--var NAME=VALUE`, `@FILE` and `-`.

use std::io::Read;
use std::path::Path;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::recipe::Recipe;
use crate::render::{Input, Prompt, render, resolve};
use crate::yaml;

/// Resolves and renders, returning the values used too (to remember them for --again).
pub fn resolve_and_render(
    recipe: &Recipe,
    given: &[(String, Input)],
) -> Result<(Map<String, Value>, Prompt)> {
    let values =
        resolve(recipe, given).map_err(|e| e.to_error(recipe, &|n| format!("--var {n}=…")))?;
    let prompt = render(recipe, &values)?;
    Ok((values, prompt))
}

/// Reads `--vars FILE` and every `--var`, in that order (so flags win over the file).
pub fn gather_inputs(
    flags: &[String],
    file: Option<&Path>,
    stdin: &mut dyn Read,
) -> Result<Vec<(String, Input)>> {
    let mut given = Vec::new();
    if let Some(path) = file {
        let text = read_text_file(path, "--vars file")?;
        let map: IndexMap<String, Value> = yaml::from_str(&text).map_err(|e| {
            let at = e
                .position
                .map(|p| format!(":{}:{}", p.line, p.column))
                .unwrap_or_default();
            Error::usage(format!("{}{at}: {}", path.display(), e.message))
                .hint("a --vars file is a YAML or JSON mapping, e.g. `topic: remote onboarding`")
        })?;
        given.extend(map.into_iter().map(|(k, v)| (k, Input::Value(v))));
    }
    let mut stdin_used = false;
    for flag in flags {
        let Some((name, raw)) = flag.split_once('=') else {
            return Err(Error::usage(format!("--var {flag:?} has no `=`"))
                .hint(format!("write it as --var {flag}=VALUE")));
        };
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(
                Error::usage(format!("--var {flag:?} has no variable name before `=`"))
                    .hint("write it as --var NAME=VALUE, e.g. --var topic=\"remote onboarding\""),
            );
        }
        let value = if raw == "-" {
            if stdin_used {
                return Err(
                    Error::usage("standard input (`-`) can be read for one variable only")
                        .hint("give the other values with @FILE"),
                );
            }
            stdin_used = true;
            let mut buf = Vec::new();
            stdin
                .read_to_end(&mut buf)
                .map_err(|e| Error::failed(format!("cannot read standard input: {e}")))?;
            String::from_utf8(buf).map_err(|_| {
                Error::usage(format!("standard input for `{name}` is not UTF-8 text"))
                    .hint("convert it to UTF-8 first")
            })?
        } else if let Some(literal) = raw.strip_prefix("@@") {
            format!("@{literal}")
        } else if let Some(path) = raw.strip_prefix('@') {
            read_text_file(Path::new(path), &format!("the file for `{name}`"))?
        } else {
            raw.to_string()
        };
        given.push((name, Input::Text(value)));
    }
    Ok(given)
}

/// Reads a UTF-8 text file given by the user, with errors that say which and why.
pub fn read_text_file(path: &Path, what: &str) -> Result<String> {
    let limit = crate::recipe::values::MAX_VALUE_BYTES as u64;
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::new(
            ErrorKind::NotFound,
            format!("cannot read {what} {}: {}", path.display(), io_reason(&e)),
        )
        .hint("check the path; it is relative to the folder you run promptbook in")
    })?;
    if meta.len() > limit {
        return Err(Error::usage(format!(
            "{what} {} is {} bytes, over the limit of {limit} bytes (1 MiB)",
            path.display(),
            meta.len()
        ))
        .hint("check that this is the right file"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Error::failed(format!(
            "cannot read {what} {}: {}",
            path.display(),
            io_reason(&e)
        ))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Error::usage(format!(
            "{what} {} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
        .hint("convert it to UTF-8, e.g. iconv -f latin1 -t utf-8")
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
