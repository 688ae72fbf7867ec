//! `promptbook revert`: make an old version current again, as a new version.

use crate::cli::Ctx;
use crate::cli::flags::parse_version;
use crate::error::Result;
use crate::store::SaveOutcome;

/// Make an earlier version of a recipe current again.
///
/// The old text is stored as a new version, so history is never rewritten and the revert
/// itself can be undone the same way.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook history blog-draft
  promptbook revert blog-draft 2")]
pub struct Args {
    /// The recipe's name.
    #[arg(add = crate::cli::complete::recipes())]
    pub name: String,
    /// The version to bring back (3 or v3).
    #[arg(id = "to_version", value_name = "VERSION", value_parser = parse_version)]
    pub version: u32,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    let current = lib.get(&args.name)?;
    match crate::edit::revert(lib, &current.name, args.version, current.version)? {
        SaveOutcome::Unchanged { name, version } => eprintln!(
            "`{name}` version {version} already has the text of version {}; nothing was stored.",
            args.version
        ),
        SaveOutcome::NewVersion {
            name,
            version,
            renamed_from,
        } => {
            if let Some(old_name) = renamed_from {
                eprintln!(
                    "Renamed `{old_name}` back to `{name}`, as in version {}.",
                    args.version
                );
            }
            eprintln!(
                "Reverted `{name}` to version {}: stored as version {version}.",
                args.version
            );
        }
        SaveOutcome::Created { name } => eprintln!("Added `{name}`."),
    }
    Ok(())
}
