//! `promptbook pack add SOURCE`: install a pack.

use super::ui::{Bar, Spinner, count, notes, some_of};
use crate::cli::Ctx;
use crate::error::Result;
use crate::pack::git::{GitOptions, short};
use crate::pack::install;
use crate::pack::source::Source;

/// Install a pack from a folder, a bundle file, or a git repository.
///
/// SOURCE is a pack folder, a bundle file (made by `pack build` or `pack export -o`; gzip-
/// compressed is fine), or a git repository: https://…, git@host:path, ssh://… or file://…,
/// with an optional #REF (a branch, tag or commit; default: the default branch). For a pack in
/// a folder of the repository add :FOLDER after the ref (#main:prompts/team, or #:prompts/team
/// for the default branch); the only pack in a repository is found without it. Git runs as
/// `git` does for you, with your credentials. The commit is recorded, so `pack update` knows
/// what changed. The pack's snippets (the .yaml files under its snippets/ folder) come with
/// it: its recipes include them first, then your own. Every recipe and snippet is checked
/// first: one bad file, or a recipe including a snippet that neither the pack nor you have,
/// and nothing is installed.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook pack add https://github.com/acme/team-prompts.git#v1.2
  promptbook pack add git@github.com:acme/team-prompts.git#main
  promptbook pack add file:///srv/git/team-prompts.git
  promptbook pack add https://github.com/acme/monorepo.git#main:prompts/team
  promptbook pack add ./team-prompts            (a folder with pack.yaml)
  promptbook pack add team-prompts-1.2.0.pbpack.yaml
  promptbook pack add team-prompts-1.2.0.pbpack.yaml.gz")]
pub struct Args {
    /// A folder, a bundle file, or a git URL with an optional #REF.
    #[arg(value_name = "SOURCE")]
    pub source: String,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let source = Source::parse(&args.source)?;
    let spinner = matches!(source, Source::Git { .. })
        .then(|| Spinner::new(format!("Fetching {}", source.display())));
    let fetched = source.fetch(GitOptions::from_env())?;
    drop(spinner);
    let bar = Bar::new();
    let origin = source.origin(&fetched);
    let pack = crate::pack::validate(fetched.raw, &bar)?;
    notes(&pack);
    let done = install::install(ctx.library()?, &pack, &origin, &bar)?;
    let at = fetched
        .commit
        .as_deref()
        .map(|c| format!(" at commit {}", short(c)))
        .unwrap_or_default();
    let snippets = if done.snippets.is_empty() {
        String::new()
    } else {
        format!(" and {}", count(done.snippets.len(), "snippet"))
    };
    eprintln!(
        "Installed {} {} from {}{at}: {}{snippets}.",
        done.name,
        done.version,
        origin.display(),
        count(done.recipes.len(), "recipe")
    );
    for name in some_of(&done.recipes, 50) {
        ctx.out.line(&format!("  {name}"))?;
    }
    if !done.snippets.is_empty() {
        eprintln!(
            "Snippets (its recipes include them before your own): {}",
            some_of(&done.snippets, 20).join(", ")
        );
    }
    for note in &done.notes {
        eprintln!("note: {note}");
    }
    eprintln!(
        "Render one with `promptbook render {}`; `promptbook pack update {}` fetches new versions.",
        done.recipes.first().map_or("PACK/RECIPE", String::as_str),
        done.name
    );
    Ok(())
}
