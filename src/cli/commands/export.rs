//! `promptbook export`: a recipe's YAML, exactly as stored.

use std::path::PathBuf;

use crate::cli::Ctx;
use crate::cli::deliver::{CopyArgs, Targets, deliver};
use crate::error::Result;

/// Print a recipe's YAML file (adding it again round-trips exactly).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook export blog-draft > blog-draft.yaml\n  promptbook export blog-draft -o blog-draft.yaml\n  promptbook export blog-draft --copy"
)]
pub struct Args {
    /// The recipe's name.
    pub name: String,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub copy: CopyArgs,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let stored = ctx.library()?.get(&args.name)?;
    let targets = Targets::from_flags(args.copy.copy, false, args.out.clone());
    deliver(ctx, &stored.yaml, &targets, args.copy.clipboard)
}
