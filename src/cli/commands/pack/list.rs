//! `promptbook pack list`: the installed packs.

use crate::cli::Ctx;
use crate::cli::output::table;
use crate::error::Result;
use crate::pack::git::short;
use crate::pack::install;

/// List installed packs: version, recipes (and snippets), how many you changed, and where each
/// came from.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  promptbook pack list\n  promptbook pack list --json")]
pub struct Args {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let packs = install::list(ctx.library()?)?;
    if args.json {
        return ctx
            .out
            .print(&(serde_json::to_string_pretty(&packs).expect("serializable") + "\n"));
    }
    if packs.is_empty() {
        eprintln!("No packs are installed. Add one with `promptbook pack add SOURCE`.");
        return Ok(());
    }
    // The snippets column only when a pack has snippets.
    let snippets = packs.iter().any(|p| !p.snippets.is_empty());
    let mut header = vec!["NAME".to_string(), "VERSION".into(), "RECIPES".into()];
    if snippets {
        header.push("SNIPPETS".into());
    }
    header.extend(["CHANGED".into(), "SOURCE".into()]);
    let mut rows = vec![header];
    for p in &packs {
        let commit = p
            .commit
            .as_deref()
            .map(|c| format!(" @ {}", short(c)))
            .unwrap_or_default();
        let mut row = vec![
            p.name.clone(),
            p.version.clone(),
            p.recipes.len().to_string(),
        ];
        if snippets {
            row.push(p.snippets.len().to_string());
        }
        row.extend([
            (p.changed() + p.changed_snippets()).to_string(),
            format!("{}{commit}", p.source_display()),
        ]);
        rows.push(row);
    }
    ctx.out.print(&table(&rows))
}
