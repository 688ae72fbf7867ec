//! `promptbook pack remove NAME`: uninstall a pack, keeping what the user changed.

use super::ui::{count, some_of};
use crate::cli::Ctx;
use crate::cli::output::confirm;
use crate::error::{Error, Result};
use crate::pack::install;

/// Remove an installed pack.
///
/// Its recipes and snippets go, except the ones you changed: those stay as your own. A
/// snippet that recipes you keep include stays too, so no recipe loses its snippet. Asks
/// first on a terminal; scripts pass --yes.
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
    if !plan.snippets_removed.is_empty() {
        text.push_str(&format!(
            "; {} to remove: {}",
            count(plan.snippets_removed.len(), "snippet"),
            some_of(&plan.snippets_removed, 10).join(", ")
        ));
    }
    ctx.out.line(&text)?;
    for (name, why) in &plan.snippets_kept {
        ctx.out
            .line(&format!("  the snippet {name} stays as your own: {why}"))?;
    }
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
    let what = if plan.snippets_removed.is_empty() {
        format!(" and {}", count(plan.removed.len(), "recipe"))
    } else {
        format!(
            ", {} and {}",
            count(plan.removed.len(), "recipe"),
            count(plan.snippets_removed.len(), "snippet")
        )
    };
    eprintln!("Removed the pack `{}`{what}.", plan.name);
    for (name, snippet) in kept {
        if snippet {
            eprintln!("Kept the snippet as `{name}`.");
        } else {
            eprintln!("Kept your changed recipe as `{name}`.");
        }
    }
    Ok(())
}
