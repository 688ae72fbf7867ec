//! `promptbook snippet history`: every version of a snippet and what each changed.

use crate::cli::Ctx;
use crate::cli::versions::print_history;
use crate::error::Result;
use crate::recipe::changes;

/// List a snippet's versions, newest first: when, content hash and what changed.
///
/// Every add, edit and revert of a snippet is a new version; the one marked (current) is
/// what recipes include now. Old versions stay readable with `snippet diff` and can be
/// made current again with `snippet revert`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook snippet history brand-voice
  promptbook snippet diff brand-voice 1 3
  promptbook snippet revert brand-voice 2")]
pub struct Args {
    /// The snippet's name (`pack/name` for a pack's).
    #[arg(add = crate::cli::complete::snippets())]
    pub name: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    // The version in use, which a pack's update may leave below the newest.
    let current = lib.snippet(&args.name)?;
    let versions = lib.snippet_history(&current.name)?;
    let entries = changes::history_with(
        versions.iter().map(|v| {
            (
                v.version,
                v.created_at.as_str(),
                v.hash.as_str(),
                v.yaml.as_str(),
            )
        }),
        changes::summarize_snippet,
    );
    print_history(
        &ctx.out,
        entries,
        current.version,
        args.json,
        &format!("promptbook snippet revert {}", current.name),
    )
}
