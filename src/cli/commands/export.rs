//! `promptbook export`: a recipe's YAML, exactly as stored, or the recipe in another tool's
//! format (`--as`).

use std::path::PathBuf;

use crate::cli::Ctx;
use crate::cli::deliver::{CopyArgs, Targets, deliver};
use crate::cli::exports::{report_notes, write_into};
use crate::error::{Error, Result};
use crate::formats::{self, Format};
use crate::store::provenance;

/// Print a recipe's YAML file (adding it again round-trips exactly), or write it in another
/// tool's format.
///
/// A pack's recipe (PACK/NAME) gets one comment line first that names it, so that `add` of
/// the file, edited or not, changes that recipe and not a recipe of your own with the same
/// name. The line is not stored.
///
/// --as yaml (the default) | dotprompt | prompty | llm | github-prompt | claude-command |
/// claude-skill. Each format gets what it can carry; what it cannot is named on standard
/// error, and a template that has no equivalent is refused with its position.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook export blog-draft > blog-draft.yaml\n  promptbook export blog-draft -o blog-draft.yaml\n  promptbook export team-prompts/meeting-actions -o meeting-actions.yaml   (edit it, then `promptbook add meeting-actions.yaml`)\n  promptbook export blog-draft --copy\n  promptbook export blog-draft --as prompty -o blog-draft.prompty\n  promptbook export blog-draft --as claude-skill --dir ~/.claude/skills"
)]
#[command(group = clap::ArgGroup::new("target").args(["out", "dir"]))]
pub struct Args {
    /// The recipe's name.
    #[arg(add = crate::cli::complete::recipes())]
    pub name: String,
    /// The format to write (default yaml).
    #[arg(long = "as", value_name = "FORMAT", default_value = "yaml")]
    pub format: String,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write into this folder, under the format's file name (a skill: NAME/SKILL.md).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub copy: CopyArgs,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let format = Format::from_word(&args.format)?;
    if format == Format::ClaudeSkill && args.out.is_some() {
        return Err(
            Error::usage("a skill is a folder (NAME/SKILL.md), not one file")
                .hint("use --dir FOLDER, e.g. --dir ~/.claude/skills"),
        );
    }
    let stored = ctx.library()?.get(&args.name)?;
    if format == Format::Yaml && args.dir.is_none() {
        let text = match &stored.pack {
            Some(_) => provenance::mark(&stored.name, &stored.yaml),
            None => stored.yaml,
        };
        let targets = Targets::from_flags(args.copy.copy, false, args.out.clone());
        return deliver(ctx, &text, None, &targets, args.copy.clipboard);
    }
    let recipe = stored.parse()?;
    let snippets = ctx
        .library()?
        .snippets_for(&recipe, stored.pack.as_deref())?;
    let exported = formats::export(&recipe, &stored.yaml, format, &snippets)?;
    report_notes(recipe.name(), &exported);
    if let Some(dir) = &args.dir {
        return write_into(dir, &exported);
    }
    let text = &exported.files[0].1;
    let targets = Targets::from_flags(args.copy.copy, false, args.out.clone());
    deliver(ctx, text, None, &targets, args.copy.clipboard)
}
