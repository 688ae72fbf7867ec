//! `promptbook history`: every version of a recipe and what each changed.

use crate::cli::Ctx;
use crate::cli::versions::print_history;
use crate::error::Result;
use crate::recipe::changes;

/// List a recipe's versions, newest first: when, content hash and what changed.
///
/// Every edit, add and revert is a new version; old versions stay readable with
/// `diff` and can be made current again with `revert`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook history blog-draft
  promptbook diff blog-draft 1 3
  promptbook revert blog-draft 2")]
pub struct Args {
    /// The recipe's name.
    #[arg(add = crate::cli::complete::recipes())]
    pub name: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    // The version the library uses (what show, render and export give), which is not
    // always the newest: a pack's update keeps the user's edit current and stores its own
    // version after it.
    let current = lib.get(&args.name)?;
    let versions = lib.all_versions(&current.name)?;
    let entries = changes::history(versions.iter().map(|v| {
        (
            v.version,
            v.created_at.as_str(),
            v.hash.as_str(),
            v.yaml.as_str(),
        )
    }));
    print_history(
        &ctx.out,
        entries,
        current.version,
        args.json,
        &format!("promptbook revert {}", current.name),
    )
}
