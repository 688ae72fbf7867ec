//! `promptbook snippet new`: write a new snippet in your editor, from a scaffold or a copy.

use crate::cli::Ctx;
use crate::cli::editing::write_new;
use crate::edit::Kind;
use crate::error::{Error, ErrorKind, Result};
use crate::recipe::{is_kebab, scaffold};

/// Write a new snippet in your editor, starting from a commented scaffold or a copy.
///
/// It is stored when you save a valid snippet and close the editor; closing without saving
/// stores nothing. Errors are shown with line and column, and nothing you type is lost (see
/// `snippet edit`). Then include it in a recipe with {{> NAME}}.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook snippet new brand-voice
  promptbook snippet new formal-voice --from brand-voice")]
pub struct Args {
    /// The new snippet's name (kebab-case, e.g. brand-voice).
    pub name: String,
    /// Start from a copy of this snippet instead of the scaffold.
    #[arg(long, value_name = "EXISTING", add = crate::cli::complete::snippets())]
    pub from: Option<String>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    if !is_kebab(&args.name) {
        return Err(
            Error::usage(format!("{:?} is not a snippet name", args.name)).hint(
                "use lowercase letters, digits and single dashes, e.g. `brand-voice` (64 characters at most)",
            ),
        );
    }
    let lib = ctx.library()?;
    match lib.snippet(&args.name) {
        Err(e) if e.kind == ErrorKind::NotFound => {}
        _ => {
            return Err(
                Error::usage(format!("a snippet named `{}` already exists", args.name)).hint(
                    format!(
                        "change it with `promptbook snippet edit {}`, or choose another name",
                        args.name
                    ),
                ),
            );
        }
    }
    let initial = match &args.from {
        None => scaffold::snippet(&args.name),
        Some(from) => {
            let stored = lib.snippet(from)?;
            let line = stored.parse()?.def.name.position.line;
            scaffold::renamed(&stored.yaml, line, &args.name)
        }
    };
    write_new(ctx, Kind::Snippet, &args.name, &initial)
}
