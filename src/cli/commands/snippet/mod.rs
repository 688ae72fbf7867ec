//! `promptbook snippet …`: named, versioned pieces of template that many recipes include as
//! `{{> name}}`. One module per subcommand; the checks and the storing are the core's
//! (`crate::recipe::snippet`, `crate::store::snippets`), this face reads files, asks and
//! prints.

/// A snippet file as `--help` shows it, for `concat!` into help texts.
macro_rules! snippet_file_example {
    () => {
        "A snippet file (brand-voice.yaml):
  name: brand-voice
  description: How we sound in everything we write
  template: |
    Write for {{audience}} in a warm, plain voice: short sentences, no jargon.
"
    };
}

mod add;
mod diff;
mod edit;
mod history;
mod list;
mod new;
mod revert;
mod rm;
mod show;

use clap::Subcommand;

use crate::cli::Ctx;
use crate::error::Result;

/// Snippets: one text — a house style, a sign-off, "answer in this JSON" — shared by many
/// recipes.
///
/// A snippet is a small YAML file with a name, a description and a template. A recipe
/// includes it by name with {{> NAME}} anywhere in its system prompt, prompt or messages,
/// and the snippet's text is put there when the recipe renders. A snippet may use the
/// variables of the recipes that include it (each of them must declare those variables)
/// and include other snippets. Changing a snippet changes every recipe that includes it
/// from then on; every version is kept, and `render --format json` says which versions a
/// prompt used.
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(snippet_file_example!(), "
In a recipe's prompt:
  prompt: |
    Announce {{product}} to our customers.
    {{> brand-voice}}

Examples:
  promptbook snippet add brand-voice.yaml
  promptbook snippet list
  promptbook snippet show brand-voice
  promptbook snippet edit brand-voice
  promptbook snippet history brand-voice"))]
pub struct Args {
    #[command(subcommand)]
    pub command: SnippetCommand,
}

/// The snippet subcommands.
#[derive(Debug, Subcommand)]
pub enum SnippetCommand {
    Add(add::Args),
    List(list::Args),
    Show(show::Args),
    New(new::Args),
    Edit(edit::Args),
    History(history::Args),
    Diff(diff::Args),
    Revert(revert::Args),
    Rm(rm::Args),
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    match args.command {
        SnippetCommand::Add(a) => add::run(a, ctx),
        SnippetCommand::List(a) => list::run(a, ctx),
        SnippetCommand::Show(a) => show::run(a, ctx),
        SnippetCommand::New(a) => new::run(a, ctx),
        SnippetCommand::Edit(a) => edit::run(a, ctx),
        SnippetCommand::History(a) => history::run(a, ctx),
        SnippetCommand::Diff(a) => diff::run(a, ctx),
        SnippetCommand::Revert(a) => revert::run(a, ctx),
        SnippetCommand::Rm(a) => rm::run(a, ctx),
    }
}
