//! `promptbook rm`: remove a recipe (after asking).

use crate::cli::Ctx;
use crate::cli::output::confirm;
use crate::cli::output::count;
use crate::error::{Error, Result};

/// Remove a recipe and all its versions.
///
/// Asks first on a terminal; scripts must pass --yes.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  promptbook rm old-recipe\n  promptbook rm old-recipe --yes")]
pub struct Args {
    /// The recipe's name.
    #[arg(add = crate::cli::complete::recipes())]
    pub name: String,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    let versions = lib.versions(&args.name)?.len();
    if !args.yes {
        let refusal = Error::usage(format!("not removing `{}` without confirmation", args.name))
            .hint(format!(
                "pass --yes to remove it from a script: promptbook rm {} --yes",
                args.name
            ));
        let question = format!(
            "Remove `{}` and its {}?",
            args.name,
            count(versions, "version")
        );
        if !confirm(&question, refusal)? {
            eprintln!("Kept `{}`.", args.name);
            return Ok(());
        }
    }
    lib.remove(&args.name)?;
    eprintln!("Removed `{}` ({}).", args.name, count(versions, "version"));
    Ok(())
}
