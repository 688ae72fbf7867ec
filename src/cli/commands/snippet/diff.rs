//! `promptbook snippet diff`: what changed between two versions of a snippet.

use crate::cli::Ctx;
use crate::cli::flags::VersionPair;
use crate::cli::versions::{print_diff, versions_to_compare};
use crate::error::Result;

/// Show a unified diff between two versions of a snippet.
///
/// Without versions it compares the previous version with the current one; with one, that
/// version with the current one. Coloured on a terminal unless NO_COLOR is set.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook snippet diff brand-voice
  promptbook snippet diff brand-voice 1
  promptbook snippet diff brand-voice v1 v3")]
pub struct Args {
    /// The snippet's name (`pack/name` for a pack's).
    #[arg(add = crate::cli::complete::snippets())]
    pub name: String,
    #[command(flatten)]
    pub versions: VersionPair,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    let current = lib.snippet(&args.name)?;
    let Some((from, to)) = versions_to_compare(&current.name, current.version, &args.versions)
    else {
        return Ok(());
    };
    let old = lib.snippet_version(&current.name, from)?;
    let new = lib.snippet_version(&current.name, to)?;
    print_diff(&ctx.out, &current.name, (from, &old.yaml), (to, &new.yaml))
}
