//! `promptbook snippet rm`: remove a snippet no recipe includes (after asking).

use crate::cli::Ctx;
use crate::cli::output::confirm;
use crate::cli::output::count;
use crate::error::{Error, Result};

/// Remove a snippet and all its versions.
///
/// Refused while recipes include it (they are named): take `{{> NAME}}` out of them first.
/// Asks first on a terminal; scripts must pass --yes.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook snippet rm old-voice\n  promptbook snippet rm old-voice --yes"
)]
pub struct Args {
    /// The snippet's name (`pack/name` for a pack's).
    #[arg(add = crate::cli::complete::snippets())]
    pub name: String,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    let name = lib.snippet(&args.name)?.name;
    // Refused before asking: a question whose yes is then refused helps no one.
    lib.refuse_if_used(&name)?;
    let versions = lib.snippet_history(&name)?.len();
    if !args.yes {
        let refusal = Error::usage(format!("not removing `{name}` without confirmation")).hint(
            format!("pass --yes to remove it from a script: promptbook snippet rm {name} --yes"),
        );
        let question = format!(
            "Remove the snippet `{name}` and its {}?",
            count(versions, "version")
        );
        if !confirm(&question, refusal)? {
            eprintln!("Kept `{name}`.");
            return Ok(());
        }
    }
    lib.remove_snippet(&name)?;
    eprintln!(
        "Removed the snippet `{name}` ({}).",
        count(versions, "version")
    );
    Ok(())
}
