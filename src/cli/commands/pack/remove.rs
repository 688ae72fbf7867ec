//! `promptbook pack remove NAME`: uninstall a pack, keeping what the user changed.

use super::ui::{count, some_of};
use crate::cli::Ctx;
use crate::cli::output::confirm;
use crate::error::{Error, Result};
use crate::pack::install;

/// Remove an installed pack.
///
/// Its recipes go, except the ones you changed: those stay as your own recipes. Asks first on
/// a terminal; scripts pass --yes.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook pack remove team-prompts
  promptbook pack remove team-prompts --dry-run
  promptbook pack remove team-prompts --yes")]
pub struct Args {
    /// The pack's name.
    #[arg(add = crate::cli::complete::packs())]
    pub name: String,
    /// Only show what would be removed.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    let plan = install::plan_remove(lib, &args.name)?;
    let mut text = format!(
        "{} {}: {} to remove",
        plan.name,
        plan.version,
        count(plan.removed.len(), "recipe")
    );
    if !plan.kept.is_empty() {
        text.push_str(&format!(
            ", {} you changed stay as your own: {}",
            plan.kept.len(),
            some_of(&plan.kept, 10).join(", ")
        ));
    }
    ctx.out.line(&text)?;
    if args.dry_run {
        eprintln!("Dry run: nothing was changed.");
        return Ok(());
    }
    if !args.yes {
        let refusal = Error::usage(format!(
            "not removing the pack `{}` without confirmation",
            plan.name
        ))
        .hint(format!(
            "pass --yes to remove it from a script: promptbook pack remove {} --yes",
            plan.name
        ));
        if !confirm(&format!("Remove the pack `{}`?", plan.name), refusal)? {
            eprintln!("Kept `{}`.", plan.name);
            return Ok(());
        }
    }
    let kept = install::apply_remove(ctx.library()?, &plan)?;
    eprintln!(
        "Removed the pack `{}` and {}.",
        plan.name,
        count(plan.removed.len(), "recipe")
    );
    for name in kept {
        eprintln!("Kept your changed recipe as `{name}`.");
    }
    Ok(())
}
