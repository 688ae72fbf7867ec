//! `promptbook new`: write a new recipe in your editor, from a scaffold or a copy.

use crate::cli::Ctx;
use crate::cli::editing::write_new;
use crate::edit::Kind;
use crate::error::{Error, Result};
use crate::recipe::{is_kebab, scaffold};

/// Write a new recipe in your editor, starting from a commented scaffold or a copy.
///
/// It is stored when you save a valid recipe and close the editor; closing without
/// saving stores nothing. Errors are shown with line and column, and nothing you type is
/// lost (see `edit`).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook new release-notes
  promptbook new blog-draft-short --from blog-draft")]
pub struct Args {
    /// The new recipe's name (kebab-case, e.g. release-notes).
    pub name: String,
    /// Start from a copy of this recipe instead of the scaffold.
    #[arg(long, value_name = "EXISTING")]
    pub from: Option<String>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    if !is_kebab(&args.name) {
        return Err(
            Error::usage(format!("{:?} is not a recipe name", args.name)).hint(
                "use lowercase letters, digits and single dashes, e.g. `release-notes` (64 characters at most)",
            ),
        );
    }
    let lib = ctx.library()?;
    if lib.get(&args.name).is_ok() {
        return Err(
            Error::usage(format!("a recipe named `{}` already exists", args.name)).hint(format!(
                "change it with `promptbook edit {}`, or choose another name",
                args.name
            )),
        );
    }
    let initial = match &args.from {
        None => scaffold::scaffold(&args.name),
        Some(from) => {
            let stored = lib.get(from)?;
            let line = stored.parse()?.def.name.position.line;
            scaffold::renamed(&stored.yaml, line, &args.name)
        }
    };
    write_new(ctx, Kind::Recipe, &args.name, &initial)
}
