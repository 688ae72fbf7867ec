//! `promptbook snippet list`: the snippets in the library.

use crate::cli::Ctx;
use crate::cli::versions::when;
use crate::error::Result;

/// List snippets: name (`pack/name` for a pack's snippet), current version, when it was last
/// changed, and description.
///
/// The table fits the terminal (or 80 columns, or COLUMNS when set): long descriptions are
/// cut with …; --json has everything. `snippet show NAME` lists the recipes that include
/// one.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook snippet list\n  promptbook snippet list --json | jq '.[].name'"
)]
pub struct Args {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let snippets = ctx.library()?.snippets()?;
    if args.json {
        return ctx
            .out
            .print(&(serde_json::to_string_pretty(&snippets).expect("serializable") + "\n"));
    }
    if snippets.is_empty() {
        eprintln!(
            "No snippets yet. Add one with `promptbook snippet add FILE` or `promptbook snippet new NAME`."
        );
        return Ok(());
    }
    let mut rows = vec![vec![
        "NAME".to_string(),
        "VERSION".into(),
        "CHANGED (UTC)".into(),
        "DESCRIPTION".into(),
    ]];
    for s in &snippets {
        rows.push(vec![
            s.name.clone(),
            format!("v{}", s.version),
            when(&s.updated_at).chars().take(16).collect(),
            s.description.clone(),
        ]);
    }
    // Descriptions give up space; names are never cut.
    ctx.out.print(&ctx.out.table(&rows, &[3]))
}
