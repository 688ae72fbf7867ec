//! Values as the command line gives them: `--vars FILE`, `--var NAME=VALUE`, `@FILE` and `-`.

use std::io::Read;
use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};
use crate::recipe::values::MAX_VALUE_BYTES;
use crate::render::Input;
use crate::session::Session;
use crate::yaml;

/// Whether any `--var` reads standard input (`NAME=-`).
pub fn uses_stdin(flags: &[String]) -> bool {
    flags
        .iter()
        .any(|f| f.split_once('=').is_some_and(|(_, raw)| raw == "-"))
}

/// Whether standard input is a pipe or a file: text was piped in (`pbpaste | promptbook
/// …`). A terminal, `/dev/null` or anything else is not read, so nothing ever waits.
pub fn stdin_is_piped() -> bool {
    #[cfg(unix)]
    {
        use rustix::fs::FileType;
        rustix::fs::fstat(std::io::stdin()).is_ok_and(|st| {
            matches!(
                FileType::from_raw_mode(st.st_mode),
                FileType::Fifo | FileType::RegularFile
            )
        })
    }
    #[cfg(not(unix))]
    {
        use std::io::IsTerminal;
        !std::io::stdin().is_terminal()
    }
}

/// The Unix filter habit: when text is piped in, no `--var NAME=-` was given, and exactly
/// one required text variable is still missing, standard input is its value. When several
/// are missing, the error (from the render) gains a hint on choosing one.
pub fn fill_from_piped_stdin(
    session: &Session,
    flags: &[String],
    inputs: &mut Vec<(String, Input)>,
    stdin: &mut dyn Read,
) -> Result<()> {
    if uses_stdin(flags) || !stdin_is_piped() {
        return Ok(());
    }
    if let Some(name) = session.sole_missing_text(inputs) {
        let text = read_stdin(&name, stdin)?;
        inputs.push((name, Input::Text(text)));
    }
    Ok(())
}

/// The hint for a render that still misses values while text was piped in but not read.
pub fn piped_hint(
    e: Error,
    session: &Session,
    flags: &[String],
    inputs: &[(String, Input)],
) -> Error {
    let missing = session.missing(inputs);
    if !missing.is_empty() && !uses_stdin(flags) && stdin_is_piped() {
        e.hint(format!(
            "piped text is read by itself only when one required `text` value is missing; to read it as a value, pass --var {}=-",
            missing[0]
        ))
    } else {
        e
    }
}

/// Reads standard input as `name`'s value: UTF-8, at most the value limit (reading one byte
/// past it, never more, so `/dev/zero` is refused at once).
fn read_stdin(name: &str, stdin: &mut dyn Read) -> Result<String> {
    let buf = crate::limits::read_stream(
        stdin,
        MAX_VALUE_BYTES as u64,
        &format!("standard input for `{name}`"),
        ErrorKind::Usage,
    )
    .map_err(|e| e.hint("pass a shorter text, or check that the right thing is piped in"))?;
    String::from_utf8(buf).map_err(|_| {
        Error::usage(format!("standard input for `{name}` is not UTF-8 text"))
            .hint("convert it to UTF-8 first")
    })
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
            read_stdin(&name, stdin)?
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

/// Reads a UTF-8 text file given by the user (at most 1 MiB, the limit of a value; a pipe
/// or device is refused unopened), with errors that say which and why.
pub fn read_text_file(path: &Path, what: &str) -> Result<String> {
    crate::limits::read_text(path, MAX_VALUE_BYTES as u64, what)
}
