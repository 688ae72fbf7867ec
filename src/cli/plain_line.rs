//! The plainest `render` lines, read without clap: `[--library PATH] render NAME` with any
//! number of `--var NAME=VALUE` (or `-v`, or `--var=`) and `--no-history`, the line scripts
//! and the benchmark run again and again. Building and running clap's parser touches about a
//! tenth of the code a render runs (and each piece of code is a page to map), for a line
//! this simple.
//!
//! Anything else — another flag, a value that looks like a flag, a repeated flag, text that
//! is not UTF-8, `--`, help, a mistake — is left to clap, so every other line, and every
//! message, is exactly clap's. A unit test checks that each line read here is read exactly
//! as clap reads it.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use super::commands::render;
use super::deliver::CopyArgs;
use super::flags::{FormatArgs, ValueArgs};
use super::{Cli, Command, Globals};

/// The command line `args` (program name first) when it is a plain render line, as clap
/// would read it; `library_env` is the value of `PROMPTBOOK_LIBRARY`, which clap reads when
/// there is no `--library`. `None` leaves the line to clap.
pub(super) fn read(args: &[OsString], library_env: Option<&OsStr>) -> Option<Cli> {
    let mut words = Vec::with_capacity(args.len());
    for a in args.iter().skip(1) {
        words.push(a.to_str()?);
    }
    let mut words = words.into_iter();
    let mut library = None;
    loop {
        match words.next()? {
            "render" => break,
            "--library" => set_once(&mut library, value(words.next()?)?)?,
            w => set_once(&mut library, value(w.strip_prefix("--library=")?)?)?,
        }
    }
    let (mut name, mut vars, mut no_history) = (None, Vec::new(), false);
    while let Some(w) = words.next() {
        match w {
            "--var" | "-v" => vars.push(value(words.next()?)?.to_string()),
            "--no-history" if !no_history => no_history = true,
            "--library" => set_once(&mut library, value(words.next()?)?)?,
            _ if w.starts_with("--var=") => vars.push(value(&w["--var=".len()..])?.to_string()),
            _ if w.starts_with("--library=") => {
                set_once(&mut library, value(&w["--library=".len()..])?)?
            }
            _ if !w.is_empty() && !w.starts_with('-') && name.is_none() => {
                name = Some(w.to_string())
            }
            _ => return None,
        }
    }
    let library = match (library, library_env) {
        (Some(path), _) => Some(PathBuf::from(path)),
        (None, None) => None,
        // clap refuses an empty path with its own message.
        (None, Some(env)) if env.is_empty() => return None,
        (None, Some(env)) => Some(PathBuf::from(env)),
    };
    Some(Cli {
        globals: Globals { library },
        command: Command::Render(render::Args {
            name: Some(name?),
            values: ValueArgs {
                vars,
                vars_file: None,
            },
            target: FormatArgs {
                format: "text".to_string(),
                model: None,
                force: false,
                no_cache: false,
            },
            out: None,
            interactive: false,
            copy: CopyArgs {
                copy: false,
                clipboard: None,
            },
            again: false,
            no_history,
        }),
    })
}

/// An option's value, unless it is empty or looks like a flag (clap's business).
fn value(word: &str) -> Option<&str> {
    (!word.is_empty() && !word.starts_with('-')).then_some(word)
}

/// Sets a flag's value the first time; a second time is clap's business (an error).
fn set_once<'a>(slot: &mut Option<&'a str>, value: &'a str) -> Option<()> {
    match slot {
        None => {
            *slot = Some(value);
            Some(())
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(line: &str) -> Vec<OsString> {
        line.split(' ').map(Into::into).collect()
    }

    /// Every line read here is read exactly as clap reads it, with and without the library
    /// in the environment.
    #[test]
    fn plain_lines_read_as_clap_reads_them() {
        for line in [
            "promptbook render blog-draft",
            "promptbook render blog-draft --var topic=x -v tone=formal --var=words=300",
            "promptbook render blog-draft --var topic=a=b --var notes=@notes.txt --var code=-",
            "promptbook --library l.sqlite3 render blog-draft --var topic=x --no-history",
            "promptbook --library=l.sqlite3 render --no-history blog-draft",
            "promptbook render --var topic=x blog-draft --library l.sqlite3",
            "promptbook render blog-draft --library=render",
            "promptbook render render",
            "promptbook render blog-draft --var topic=",
            "promptbook render pack/blog-draft --var keywords=a,b,c",
        ] {
            let clap_line = crate::cli::Cli::try_parse_from(args(line)).expect(line);
            let env = std::env::var_os(crate::paths::LIBRARY_ENV);
            let plain = read(&args(line), env.as_deref()).expect(line);
            assert_eq!(format!("{plain:?}"), format!("{clap_line:?}"), "{line}");
            // With a library in the environment, used when the line names none.
            let plain = read(&args(line), Some(OsStr::new("env.sqlite3"))).expect(line);
            let mut expected = clap_line;
            if !line.contains("--library") {
                expected.globals.library = Some("env.sqlite3".into());
            }
            assert_eq!(format!("{plain:?}"), format!("{expected:?}"), "{line}");
        }
    }

    /// Everything else is left to clap: other flags, help, mistakes, repeated flags.
    #[test]
    fn other_lines_are_left_to_clap() {
        for line in [
            "promptbook",
            "promptbook list",
            "promptbook show render",
            "promptbook --library render list",
            "promptbook render",
            "promptbook render --help",
            "promptbook render -h",
            "promptbook render --version",
            "promptbook render blog-draft --copy",
            "promptbook render blog-draft -f anthropic",
            "promptbook render blog-draft --again",
            "promptbook render blog-draft other",
            "promptbook render blog-draft --var",
            "promptbook render blog-draft --var -x",
            "promptbook render blog-draft --no-history --no-history",
            "promptbook --library a render blog-draft --library b",
            "promptbook --library= render blog-draft",
            "promptbook render blog-draft -- --var",
            "promptbook render -vtopic=x blog-draft",
        ] {
            assert!(read(&args(line), None).is_none(), "{line}");
        }
        assert!(
            read(&args("promptbook render blog-draft"), Some(OsStr::new(""))).is_none(),
            "an empty PROMPTBOOK_LIBRARY is clap's to refuse"
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let mut bad = args("promptbook render blog-draft");
            bad.push(OsString::from_vec(b"--var=topic=\xff".to_vec()));
            assert!(read(&bad, None).is_none(), "text that is not UTF-8");
        }
    }
}
