//! `promptbook rm`: remove a recipe (after asking).

use std::io::{BufRead, IsTerminal, Write};

use super::Ctx;
use crate::error::{Error, ErrorKind, Result};

/// Remove a recipe and all its versions.
///
/// Asks first on a terminal; scripts must pass --yes.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  promptbook rm old-recipe\n  promptbook rm old-recipe --yes")]
pub struct Args {
    /// The recipe's name.
    pub name: String,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    let versions = lib.versions(&args.name)?.len();
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(
                Error::usage(format!("not removing `{}` without confirmation", args.name)).hint(
                    format!(
                        "pass --yes to remove it from a script: promptbook rm {} --yes",
                        args.name
                    ),
                ),
            );
        }
        eprint!(
            "Remove `{}` and its {versions} version(s)? [y/N] ",
            args.name
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let read = std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| Error::failed(e.to_string()))?;
        if read == 0 {
            return Err(Error::new(
                ErrorKind::Interrupted,
                "cancelled; nothing was removed",
            ));
        }
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            eprintln!("Kept `{}`.", args.name);
            return Ok(());
        }
    }
    lib.remove(&args.name)?;
    eprintln!("Removed `{}` ({versions} version(s)).", args.name);
    Ok(())
}
