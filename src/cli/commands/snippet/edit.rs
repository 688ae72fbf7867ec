//! `promptbook snippet edit`: change a snippet in your editor; each valid save is a new
//! version, and every recipe that includes it renders with it from then on.

use crate::cli::Ctx;
use crate::cli::editing::edit_stored;
use crate::edit::Kind;
use crate::error::Result;

/// Edit a snippet in your editor ($VISUAL, else $EDITOR, else vi).
///
/// When you save and close the editor, the text is checked, as `snippet add` checks a file,
/// against every recipe that includes the snippet: a variable one of them does not declare,
/// or a snippet the library lacks, is an error with line and column. A valid change is
/// stored as a new version (the old ones stay: see `snippet history`); an unchanged file
/// stores nothing. On a terminal you may open the editor again on your text to fix it, or
/// keep it as a file whose path is printed: nothing you type is lost. A snippet keeps its
/// name, since recipes include it by that name.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook snippet edit brand-voice
  EDITOR='code --wait' promptbook snippet edit brand-voice
  promptbook snippet history brand-voice")]
pub struct Args {
    /// The snippet's name (`pack/name` for a pack's).
    #[arg(add = crate::cli::complete::snippets())]
    pub name: String,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let stored = ctx.library()?.snippet(&args.name)?;
    edit_stored(
        ctx,
        Kind::Snippet,
        &stored.name,
        stored.version,
        &stored.yaml,
    )
}
