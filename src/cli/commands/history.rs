//! `promptbook history`: every version of a recipe and what each changed.

use crate::cli::Ctx;
use crate::cli::output::table;
use crate::error::Result;
use crate::recipe::changes;

/// List a recipe's versions, newest first: when, content hash and what changed.
///
/// Every edit, add and revert is a new version; old versions stay readable with
/// `diff` and can be made current again with `revert`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook history blog-draft
  promptbook diff blog-draft 1 3
  promptbook revert blog-draft 2")]
pub struct Args {
    /// The recipe's name.
    pub name: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let versions = ctx.library()?.all_versions(&args.name)?;
    let mut entries = changes::history(versions.iter().map(|v| {
        (
            v.version,
            v.created_at.as_str(),
            v.hash.as_str(),
            v.yaml.as_str(),
        )
    }));
    entries.reverse();
    if args.json {
        return ctx
            .out
            .print(&(serde_json::to_string_pretty(&entries).expect("serializable") + "\n"));
    }
    let current = entries.first().map_or(0, |e| e.version);
    let mut rows = vec![vec![
        "VERSION".to_string(),
        "STORED (UTC)".into(),
        "HASH".into(),
        "CHANGES".into(),
    ]];
    for e in &entries {
        let version = if e.version == current {
            format!("v{} (current)", e.version)
        } else {
            format!("v{}", e.version)
        };
        rows.push(vec![
            version,
            when(&e.created_at),
            e.hash.chars().take(12).collect(),
            e.summary.clone(),
        ]);
    }
    ctx.out.print(&table(&rows))
}

/// `2026-11-24T10:02:11.123Z` → `2026-11-24 10:02:11`.
fn when(stamp: &str) -> String {
    let s = stamp.replacen('T', " ", 1);
    s.split('.')
        .next()
        .unwrap_or(&s)
        .trim_end_matches('Z')
        .to_string()
}
