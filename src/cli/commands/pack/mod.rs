//! `promptbook pack …`: share recipes with a team as packs — folders, single-file bundles,
//! or git repositories at a pinned ref. One module per subcommand; the work is done by the
//! core (`crate::pack`), this face parses, asks and prints.

mod add;
mod build;
mod export;
mod init;
mod list;
mod remove;
mod show;
mod ui;
mod update;

use clap::Subcommand;

use crate::cli::Ctx;
use crate::error::Result;

/// Share recipes with a team: install, update and publish recipe packs.
///
/// A pack is a folder with pack.yaml and recipe files, the same as one bundle file, or a git
/// repository holding such a folder. Installed recipes are named PACK/RECIPE (a bare name works
/// when it is unique; your own recipes win). Updates never overwrite a recipe you changed.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook pack add https://github.com/acme/team-prompts.git#v1.2
  promptbook pack add git@github.com:acme/team-prompts.git
  promptbook pack add ./team-prompts-1.2.0.pbpack.yaml
  promptbook pack update --dry-run
  promptbook pack init team-prompts && promptbook pack export --tag team --dir team-prompts")]
pub struct Args {
    #[command(subcommand)]
    pub command: PackCommand,
}

/// The pack subcommands.
#[derive(Debug, Subcommand)]
pub enum PackCommand {
    Add(add::Args),
    List(list::Args),
    Show(show::Args),
    Update(update::Args),
    Remove(remove::Args),
    Export(export::Args),
    Build(build::Args),
    Init(init::Args),
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    match args.command {
        PackCommand::Add(a) => add::run(a, ctx),
        PackCommand::List(a) => list::run(a, ctx),
        PackCommand::Show(a) => show::run(a, ctx),
        PackCommand::Update(a) => update::run(a, ctx),
        PackCommand::Remove(a) => remove::run(a, ctx),
        PackCommand::Export(a) => export::run(a, ctx),
        PackCommand::Build(a) => build::run(a, ctx),
        PackCommand::Init(a) => init::run(a, ctx),
    }
}
