//! `promptbook snippet revert`: make an old version of a snippet current again, as a new
//! version.

use crate::cli::Ctx;
use crate::cli::flags::parse_version;
use crate::error::Result;
use crate::recipe::snippet::about_snippets;
use crate::store::AddOutcome;

/// Make an earlier version of a snippet current again.
///
/// The old text is stored as a new version, so history is never rewritten and the revert
/// itself can be undone the same way. It is checked like any change: an old version that
/// uses a variable a recipe including it does not declare (any more) is refused.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook snippet history brand-voice
  promptbook snippet revert brand-voice 2")]
pub struct Args {
    /// The snippet's name (`pack/name` for a pack's).
    #[arg(add = crate::cli::complete::snippets())]
    pub name: String,
    /// The version to bring back (3 or v3).
    #[arg(id = "to_version", value_name = "VERSION", value_parser = parse_version)]
    pub version: u32,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    let current = lib.snippet(&args.name)?;
    let old = lib.snippet_version(&current.name, args.version)?;
    let snippet = old.parse()?;
    let origin = format!("{} v{}", current.name, args.version);
    let broken: Vec<String> =
        crate::edit::renders_with_changed_snippet(lib, &current.name, &snippet)?
            .into_iter()
            .map(|p| format!("{origin}: {p}"))
            .collect();
    if !broken.is_empty() {
        return Err(crate::edit::unrenderable_change(&broken).hint("nothing was stored"));
    }
    let saved = lib
        .save_snippet_on(&current.name, current.version, &snippet, &old.yaml, &origin)
        .map_err(about_snippets)?;
    match saved {
        AddOutcome::Unchanged { name, version } => eprintln!(
            "`{name}` version {version} already has the text of version {}; nothing was stored.",
            args.version
        ),
        AddOutcome::Updated { name, version } => eprintln!(
            "Reverted `{name}` to version {}: stored as version {version}.",
            args.version
        ),
        AddOutcome::Added { name } => eprintln!("Added `{name}`."),
    }
    Ok(())
}
