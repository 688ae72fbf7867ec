//! `promptbook history`: every version of a recipe and what each changed.

use crate::cli::Ctx;
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
    #[arg(add = crate::cli::complete::recipes())]
    pub name: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// One version as `--json` gives it: the entry, and whether it is the version in use.
#[derive(serde::Serialize)]
struct JsonEntry<'a> {
    #[serde(flatten)]
    entry: &'a changes::HistoryEntry,
    current: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    // The version the library uses (what show, render and export give), which is not
    // always the newest: a pack's update keeps the user's edit current and stores its own
    // version after it.
    let current = lib.get(&args.name)?;
    let versions = lib.all_versions(&current.name)?;
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
        let json: Vec<JsonEntry> = entries
            .iter()
            .map(|entry| JsonEntry {
                entry,
                current: entry.version == current.version,
            })
            .collect();
        return ctx
            .out
            .print(&(serde_json::to_string_pretty(&json).expect("serializable") + "\n"));
    }
    let mut rows = vec![vec![
        "VERSION".to_string(),
        "STORED (UTC)".into(),
        "HASH".into(),
        "CHANGES".into(),
    ]];
    for e in &entries {
        let version = if e.version == current.version {
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
    ctx.out.print(&ctx.out.table(&rows, &[3]))?;
    let newer: Vec<String> = entries
        .iter()
        .filter(|e| e.version > current.version)
        .map(|e| format!("v{}", e.version))
        .collect();
    if let Some(newest) = entries.first().filter(|_| !newer.is_empty()) {
        eprintln!(
            "v{} is in use; {} {} newer but not in use (a pack's update keeps your edit and stores its version after it). \
             `promptbook revert {} {}` makes it current.",
            current.version,
            newer.join(", "),
            if newer.len() == 1 { "is" } else { "are" },
            current.name,
            newest.version
        );
    }
    Ok(())
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
