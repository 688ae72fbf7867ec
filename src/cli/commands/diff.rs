//! `promptbook diff`: what changed between two versions of a recipe.

use crate::cli::Ctx;
use crate::cli::flags::parse_version;
use crate::error::Result;
use crate::recipe::changes;

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
    /// The older version (default: the one before TO).
    #[arg(value_parser = parse_version)]
    pub from: Option<u32>,
    /// The newer version (default: the current one).
    #[arg(value_parser = parse_version)]
    pub to: Option<u32>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    let current = lib.get(&args.name)?;
    let to = args.to.unwrap_or(current.version);
    let from = match args.from {
        Some(f) => f,
        None if to > 1 => to - 1,
        None => {
            eprintln!(
                "`{}` has only version 1, so there is nothing to compare yet.",
                current.name
            );
            return Ok(());
        }
    };
    let old = lib.get_version(&current.name, from)?;
    let new = lib.get_version(&current.name, to)?;
    let diff = changes::unified(
        &old.yaml,
        &new.yaml,
        &format!("{} v{from}", current.name),
        &format!("{} v{to}", current.name),
    );
    if diff.is_empty() {
        eprintln!("v{from} and v{to} of `{}` are identical.", current.name);
        return Ok(());
    }
    let text = if ctx.out.color {
        crate::cli::output::colour_diff(&diff)
    } else {
        diff
    };
    ctx.out.print(&text)
}
