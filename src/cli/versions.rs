//! What `history` and `diff` print, for recipes and snippets alike: every version kept, the
//! one in use marked, and a diff between two of them.

use super::Out;
use super::flags::VersionPair;
use crate::error::Result;
use crate::recipe::changes::{self, HistoryEntry};

/// One version as `--json` gives it: the entry, and whether it is the version in use.
#[derive(serde::Serialize)]
struct JsonEntry<'a> {
    #[serde(flatten)]
    entry: &'a HistoryEntry,
    current: bool,
}

/// Prints `entries` (oldest first) newest first, as a table or JSON, marking `current`, the
/// version in use. `revert` is the command that makes a version current (`promptbook
/// revert NAME`), for the note when newer versions are not in use.
pub fn print_history(
    out: &Out,
    mut entries: Vec<HistoryEntry>,
    current: u32,
    json: bool,
    revert: &str,
) -> Result<()> {
    entries.reverse();
    if json {
        let json: Vec<JsonEntry> = entries
            .iter()
            .map(|entry| JsonEntry {
                entry,
                current: entry.version == current,
            })
            .collect();
        return out.print(&(serde_json::to_string_pretty(&json).expect("serializable") + "\n"));
    }
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
    out.print(&out.table(&rows, &[3]))?;
    let newer: Vec<String> = entries
        .iter()
        .filter(|e| e.version > current)
        .map(|e| format!("v{}", e.version))
        .collect();
    if let Some(newest) = entries.first().filter(|_| !newer.is_empty()) {
        eprintln!(
            "v{current} is in use; {} {} newer but not in use (a pack's update keeps your edit and stores its version after it). \
             `{revert} {}` makes it current.",
            newer.join(", "),
            if newer.len() == 1 { "is" } else { "are" },
            newest.version
        );
    }
    Ok(())
}

/// The versions `diff NAME [FROM] [TO]` compares: TO defaults to `current`, FROM to the one
/// before TO. `None` (after saying so) when there is only one version.
pub fn versions_to_compare(name: &str, current: u32, asked: &VersionPair) -> Option<(u32, u32)> {
    let to = asked.to.unwrap_or(current);
    match asked.from {
        Some(f) => Some((f, to)),
        None if to > 1 => Some((to - 1, to)),
        None => {
            eprintln!("`{name}` has only version 1, so there is nothing to compare yet.");
            None
        }
    }
}

/// Prints the unified diff from version `from` (`old`) to `to` (`new`) of `name`, coloured
/// on a terminal; identical texts are said so on standard error.
pub fn print_diff(
    out: &Out,
    name: &str,
    (from, old): (u32, &str),
    (to, new): (u32, &str),
) -> Result<()> {
    let diff = changes::unified(
        old,
        new,
        &format!("{name} v{from}"),
        &format!("{name} v{to}"),
    );
    if diff.is_empty() {
        eprintln!("v{from} and v{to} of `{name}` are identical.");
        return Ok(());
    }
    let text = if out.color {
        super::output::colour_diff(&diff)
    } else {
        diff
    };
    out.print(&text)
}

/// `2026-11-24T10:02:11.123Z` → `2026-11-24 10:02:11`.
pub fn when(stamp: &str) -> String {
    let s = stamp.replacen('T', " ", 1);
    s.split('.')
        .next()
        .unwrap_or(&s)
        .trim_end_matches('Z')
        .to_string()
}
