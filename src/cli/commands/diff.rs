//! `promptbook diff`: what changed between two versions of a recipe.

use crate::cli::Ctx;
use crate::cli::flags::VersionPair;
use crate::cli::versions::{print_diff, versions_to_compare};
use crate::error::Result;

/// Show a unified diff between two versions of a recipe.
///
/// Without versions it compares the previous version with the current one; with one, that
/// version with the current one. Coloured on a terminal unless NO_COLOR is set.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook diff blog-draft
  promptbook diff blog-draft 1
  promptbook diff blog-draft v1 v3")]
pub struct Args {
    /// The recipe's name.
    #[arg(add = crate::cli::complete::recipes())]
    pub name: String,
    #[command(flatten)]
    pub versions: VersionPair,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    let current = lib.get(&args.name)?;
    let Some((from, to)) = versions_to_compare(&current.name, current.version, &args.versions)
    else {
        return Ok(());
    };
    let old = lib.get_version(&current.name, from)?;
    let new = lib.get_version(&current.name, to)?;
    print_diff(&ctx.out, &current.name, (from, &old.yaml), (to, &new.yaml))
}
