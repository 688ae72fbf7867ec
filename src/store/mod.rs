//! The recipe library: one SQLite file with every version of every recipe and a full-text
//! index. Every write is one transaction, and every SQL statement of promptbook is here.
//!
//! `open.rs` opens, migrates and seeds; `read.rs` reads recipes by name; `write.rs` stores
//! and removes them; `search.rs` searches and serves selections; `edit.rs` stores authored
//! versions; `answers.rs` keeps the last answers; `packs.rs` the packs' records and
//! their installs, updates and removals; `sql.rs` words SQLite's failures.

mod answers;
mod edit;
mod migrations;
mod open;
pub mod packs;
pub mod provenance;
mod read;
mod search;
pub mod snippets;
mod sql;
mod write;

use std::path::PathBuf;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::recipe::Recipe;

pub use answers::LastAnswers;
pub use edit::SaveOutcome;
pub use search::Selection;
pub use snippets::{SnippetSummary, StoredSnippet};

include!(concat!(env!("OUT_DIR"), "/starter.rs"));

/// A recipe as stored: its current (or a chosen) version's YAML text.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecipe {
    /// The name that always finds this recipe again: `pack/name` for a pack's recipe, the
    /// bare name for the user's own. Pass it back to `get`, `get_version`, `save_version`, ….
    pub name: String,
    /// The pack that installed it; `None` for the user's own recipes.
    pub pack: Option<String>,
    pub version: u32,
    pub yaml: String,
    pub hash: String,
    pub created_at: String,
    /// The JSON render form stored beside the YAML (see [`crate::recipe::render_form`]);
    /// `None` when none was stored.
    pub render_form: Option<String>,
}

impl StoredRecipe {
    /// Parses the stored YAML (validated when it was added).
    pub fn parse(&self) -> Result<Recipe> {
        Recipe::parse(&self.yaml, &format!("{} (v{})", self.name, self.version))
            .map_err(Error::from)
    }

    /// Reads the recipe for rendering only: from its render form, or from its YAML when
    /// it has none (see [`Recipe::from_render_form`]).
    pub fn parse_for_render(&self) -> Result<Recipe> {
        Recipe::from_render_form(
            self.render_form.as_deref(),
            &self.yaml,
            &format!("{} (v{})", self.name, self.version),
        )
        .map_err(Error::from)
    }

    /// The recipe's own name, as its YAML gives it (without the pack).
    pub fn bare_name(&self) -> &str {
        split_address(&self.name).1
    }
}

/// Splits a recipe name as people type it into its pack (if given) and its name:
/// `team/blog-draft` → (`Some("team")`, `blog-draft`); `blog-draft` → (`None`, `blog-draft`).
pub fn split_address(address: &str) -> (Option<&str>, &str) {
    match address.split_once('/') {
        Some((pack, name)) => (Some(pack), name),
        None => (None, address),
    }
}

/// The full name of a recipe in `namespace` ('' for the user's own recipes).
pub fn address(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_string()
    } else {
        format!("{namespace}/{name}")
    }
}

/// SQL for the shortest name that finds recipe `r`: its bare name when that is the user's own
/// recipe or the only one of that name, else `pack/name`.
const SHORT_NAME_SQL: &str = "CASE WHEN r.namespace = '' OR NOT EXISTS
      (SELECT 1 FROM recipes o WHERE o.name = r.name AND o.namespace <> r.namespace)
    THEN r.name ELSE r.namespace || '/' || r.name END";

/// What `list` shows of a recipe, read without parsing its YAML.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    /// The shortest name that finds it: the bare name, or `pack/name` when the bare name
    /// finds another recipe (the user's own, which wins) or more than one.
    pub name: String,
    /// The pack that installed it; absent for the user's own recipes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pack: Option<String>,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub model: Option<String>,
    pub version: u32,
    pub updated_at: String,
}

/// A full-text match.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchHit {
    /// The shortest name that finds it (see [`Summary::name`]).
    pub name: String,
    pub title: String,
    pub description: String,
    /// A few words around the best match, as plain text (`…` where it was cut).
    pub snippet: String,
    /// Where the matched words are in `snippet`, so a face can highlight them its own way.
    pub matches: Vec<Span>,
    pub score: f64,
}

/// A stretch of text by character offsets (Unicode scalar values): `start` inclusive, `end`
/// exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// The marks FTS5's `snippet()` puts around matches: control characters YAML does not allow
/// in a recipe, so they cannot come from the text itself.
const MATCH_OPEN: char = '\u{2}';
const MATCH_CLOSE: char = '\u{3}';

/// Splits a snippet marked with [`MATCH_OPEN`]/[`MATCH_CLOSE`] into plain text and spans.
fn unmark(marked: &str) -> (String, Vec<Span>) {
    let mut text = String::with_capacity(marked.len());
    let mut spans = Vec::new();
    let mut chars = 0;
    let mut start = None;
    for c in marked.chars() {
        match c {
            MATCH_OPEN => start = Some(chars),
            MATCH_CLOSE => {
                if let Some(s) = start.take() {
                    spans.push(Span {
                        start: s,
                        end: chars,
                    });
                }
            }
            c => {
                text.push(c);
                chars += 1;
            }
        }
    }
    (text, spans)
}

/// One stored version of a recipe.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VersionInfo {
    pub version: u32,
    pub hash: String,
    pub created_at: String,
}

/// What adding a recipe did; `name` is the recipe's full name (`pack/name` for a pack's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddOutcome {
    Added { name: String },
    Updated { name: String, version: u32 },
    Unchanged { name: String, version: u32 },
}

/// The sha256 of a recipe's YAML text, in hex.
pub fn content_hash(yaml: &str) -> String {
    let digest = Sha256::digest(yaml.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// An open library.
pub struct Library {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
    /// Whether closing should fold the WAL into the main file. Only after a write that
    /// matters: a reading command then leaves the WAL files alone, instead of creating,
    /// checkpointing and deleting them on every run.
    checkpoint_on_close: bool,
    /// Whether `open` created it (see [`Library::created`]).
    created: bool,
}
