//! `promptbook export`: a recipe's YAML, exactly as stored.

use std::path::PathBuf;

use crate::cli::Ctx;
use crate::cli::deliver::{CopyArgs, Targets, deliver};
use crate::error::Result;
use crate::store::provenance;

/// Print a recipe's YAML file (adding it again round-trips exactly).
///
/// A pack's recipe (PACK/NAME) gets one comment line first that names it, so that `add` of
/// the file, edited or not, changes that recipe and not a recipe of your own with the same
/// name. The line is not stored.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook export blog-draft > blog-draft.yaml\n  promptbook export blog-draft -o blog-draft.yaml\n  promptbook export team-prompts/meeting-actions -o meeting-actions.yaml   (edit it, then `promptbook add meeting-actions.yaml`)\n  promptbook export blog-draft --copy"
)]
pub struct Args {
    /// The recipe's name.
    #[arg(add = crate::cli::complete::recipes())]
    pub name: String,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub copy: CopyArgs,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let stored = ctx.library()?.get(&args.name)?;
    let text = match &stored.pack {
        Some(_) => provenance::mark(&stored.name, &stored.yaml),
        None => stored.yaml,
    };
    let targets = Targets::from_flags(args.copy.copy, false, args.out.clone());
    deliver(ctx, &text, None, &targets, args.copy.clipboard)
}
