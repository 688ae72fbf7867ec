//! `promptbook edit`: change a recipe in your editor; each valid save is a new version.

use crate::cli::Ctx;
use crate::cli::editing::edit_stored;
use crate::edit::Kind;
use crate::error::Result;

/// Edit a recipe in your editor ($VISUAL, else $EDITOR, else vi).
///
/// When you save and close the editor, the text is checked. A valid change is stored as a
/// new version (the old ones stay: see `history`); an unchanged file stores nothing. If it
/// has errors they are shown with line and column, and on a terminal you may open the
/// editor again on your text, or keep it as a file whose path is printed. Nothing you type
/// is lost. Changing `name:` renames the recipe, unless another recipe has that name.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook edit blog-draft
  EDITOR='code --wait' promptbook edit blog-draft
  promptbook history blog-draft")]
pub struct Args {
    /// The recipe's name.
    #[arg(add = crate::cli::complete::recipes())]
    pub name: String,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let stored = ctx.library()?.get(&args.name)?;
    edit_stored(
        ctx,
        Kind::Recipe,
        &stored.name,
        stored.version,
        &stored.yaml,
    )
}
