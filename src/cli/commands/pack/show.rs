//! `promptbook pack show NAME`: one installed pack in full.

use std::fmt::Write as _;

use super::ui::count;
use crate::cli::Ctx;
use crate::cli::output::table;
use crate::error::Result;
use crate::pack::install::{self, RecipeState};
use crate::pack::source::split_recorded_ref;

/// Show an installed pack: source, ref, commit, version, and its recipes and snippets, with
/// the ones you changed or removed marked.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook pack show team-prompts\n  promptbook pack show team-prompts --json"
)]
pub struct Args {
    /// The pack's name.
    #[arg(add = crate::cli::complete::packs())]
    pub name: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let p = install::get(ctx.library()?, &args.name)?;
    if args.json {
        return ctx
            .out
            .print(&(serde_json::to_string_pretty(&p).expect("serializable") + "\n"));
    }
    let mut s = String::new();
    let _ = writeln!(s, "{} {}", ctx.out.bold(&p.name), p.version);
    if !p.description.is_empty() {
        let _ = writeln!(s, "{}", p.description.trim_end());
    }
    let _ = writeln!(s);
    let mut facts = vec![vec![
        "Source:".to_string(),
        format!("{} ({})", p.source, p.source_kind),
    ]];
    if p.source_kind == "git" {
        let (reference, folder) = split_recorded_ref(p.reference.as_deref());
        facts.push(vec![
            "Ref:".into(),
            reference.unwrap_or("(default branch)").to_string(),
        ]);
        if let Some(folder) = folder {
            facts.push(vec!["Folder:".into(), format!("{folder}/")]);
        }
    }
    if let Some(c) = &p.commit {
        facts.push(vec!["Commit:".into(), c.clone()]);
    }
    if !p.authors.is_empty() {
        facts.push(vec!["Authors:".into(), p.authors.join(", ")]);
    }
    if let Some(l) = &p.license {
        facts.push(vec!["License:".into(), l.clone()]);
    }
    facts.push(vec!["Installed:".into(), p.installed_at.clone()]);
    facts.push(vec!["Updated:".into(), p.updated_at.clone()]);
    s.push_str(&table(&facts));
    let recipes: Vec<_> = p
        .recipes
        .iter()
        .map(|r| (r.address.as_str(), r.file.as_str(), r.state))
        .collect();
    section(&mut s, "Recipes", "recipe", "", &recipes);
    if !p.snippets.is_empty() {
        let snippets: Vec<_> = p
            .snippets
            .iter()
            .map(|r| (r.address.as_str(), r.file.as_str(), r.state))
            .collect();
        section(
            &mut s,
            "Snippets",
            "snippet",
            "; its recipes include them before yours",
            &snippets,
        );
    }
    ctx.out.print(&s)
}

/// A titled table of the pack's recipes or snippets (full name, file, state), with counts
/// of those the user changed or removed.
fn section(
    s: &mut String,
    title: &str,
    noun: &str,
    extra: &str,
    items: &[(&str, &str, RecipeState)],
) {
    let of = |state| items.iter().filter(|i| i.2 == state).count();
    let mut counts = count(items.len(), noun);
    let changed = of(RecipeState::ChangedLocally);
    if changed > 0 {
        let _ = write!(counts, ", {changed} changed by you");
    }
    let removed = of(RecipeState::RemovedByYou);
    if removed > 0 {
        let _ = write!(counts, ", {removed} removed by you");
    }
    let _ = writeln!(s, "\n{title} ({counts}{extra}):");
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|(address, file, state)| {
            vec![format!("  {address}"), file.to_string(), state_note(*state)]
        })
        .collect();
    s.push_str(&table(&rows));
}

/// What `show` says of a recipe or snippet the user changed or removed.
fn state_note(state: RecipeState) -> String {
    match state {
        RecipeState::AsInstalled => String::new(),
        RecipeState::ChangedLocally => "changed by you (updates keep your version)".into(),
        RecipeState::RemovedByYou => "removed by you".into(),
    }
}
