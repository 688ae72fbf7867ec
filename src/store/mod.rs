//! The recipe library: one SQLite file with every version of every recipe and a full-text
//! index. Every write is one transaction.

mod answers;
mod edit;
mod migrations;
pub mod provenance;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result, did_you_mean};
use crate::recipe::Recipe;

pub use answers::LastAnswers;
pub use edit::SaveOutcome;

include!(concat!(env!("OUT_DIR"), "/starter.rs"));

/// The columns [`stored_row`] reads, in its order.
macro_rules! stored_columns {
    () => {
        "r.name, r.namespace, v.version, v.yaml, v.hash, v.created_at, v.render_form"
    };
}
pub(crate) use stored_columns;

/// How long a command waits for another process that holds the library.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

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

/// Which recipes a long-running face (the MCP server) serves: every recipe, or only those
/// with at least one of `tags`, and/or only those of the packs in `packs`. The store applies
/// it in SQL (`current`, `signature`, `search_in`) and [`Selection::admits`] applies the same
/// rule to one recipe, so a face never re-implements the filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Serve only recipes with any of these tags; empty means every recipe.
    pub tags: Vec<String>,
    /// Serve only recipes installed by one of these packs; empty means any recipe.
    pub packs: Vec<String>,
}

impl Selection {
    /// Whether `recipe`, from pack `pack` (`None` for the user's own), is selected.
    pub fn admits(&self, pack: Option<&str>, recipe: &Recipe) -> bool {
        (self.tags.is_empty() || recipe.tags.iter().any(|t| self.tags.contains(t)))
            && (self.packs.is_empty() || pack.is_some_and(|p| self.packs.iter().any(|s| s == p)))
    }

    /// The selection as JSON, for `json_each` in the SQL filter.
    fn tags_json(&self) -> String {
        serde_json::json!({ "tags": self.tags, "packs": self.packs }).to_string()
    }
}

/// The SQL condition on `r` (the `recipes` row) for a [`Selection`] bound as JSON at `?1`.
const SELECTED: &str = "((json_array_length(?1, '$.tags') = 0 OR r.id IN (SELECT recipe_id
     FROM recipe_tags WHERE tag IN (SELECT value FROM json_each(?1, '$.tags'))))
   AND (json_array_length(?1, '$.packs') = 0
     OR r.namespace IN (SELECT value FROM json_each(?1, '$.packs'))))";

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

impl Drop for Library {
    fn drop(&mut self) {
        if self.checkpoint_on_close {
            let _ = self.conn.set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                false,
            );
        }
    }
}

fn sql_error(path: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    let code = e.sqlite_error_code();
    match code {
        Some(ErrorCode::NotADatabase) => Error::library(format!("{} is not a promptbook library (not a SQLite database)", path.display()))
            .hint("the file was left untouched; pass --library with another path (or a new file name) to use a different library"),
        Some(ErrorCode::ReadOnly) => read_only_error(path),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            Error::library(format!("the library {} is busy: another program held it for over {}s", path.display(), BUSY_TIMEOUT.as_secs()))
                .hint("try again in a moment")
        }
        Some(ErrorCode::CannotOpen) => Error::library(format!("cannot open the library {}", path.display()))
            .hint("check that its folder exists and that you may write to it"),
        _ => Error::library(format!("library error in {}: {e}", path.display())),
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Runs `f` again while SQLite answers "busy", for up to the busy timeout. Some lock
/// upgrades (a transaction that read before it writes, a change of journal mode) fail at
/// once instead of waiting, when several processes open a new library together.
fn retry_while_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match f() {
            Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Brings the schema to the latest version. Another promptbook may be migrating the same
/// new library at this moment: a busy answer is retried, and a migration that another
/// process finished first is success.
fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        let e = match migrations::migrations().to_latest(conn) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        let now: i64 = retry_while_busy(|| conn.query_row("PRAGMA user_version", [], |r| r.get(0)))
            .map_err(|e| sql_error(path, e))?;
        if usize::try_from(now).ok() == Some(migrations::latest()) {
            return Ok(());
        }
        match e {
            rusqlite_migration::Error::RusqliteError { err, .. }
                if is_busy(&err) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            rusqlite_migration::Error::RusqliteError { err, .. } => {
                return Err(sql_error(path, err));
            }
            other => {
                return Err(Error::library(format!(
                    "cannot migrate the library {}: {other}",
                    path.display()
                )));
            }
        }
    }
}

fn read_only_error(path: &Path) -> Error {
    Error::library(format!(
        "the library {} is read-only, so nothing was changed",
        path.display()
    ))
    .hint(format!(
        "make it writable (chmod u+w {}), or pass --library with another path",
        path.display()
    ))
}

impl Library {
    /// The library path to use: the explicit one (flag or environment), else the default.
    pub fn resolve_path(explicit: Option<&Path>) -> Result<PathBuf> {
        match explicit {
            Some(p) => Ok(p.to_path_buf()),
            None => crate::paths::default_library(),
        }
    }

    /// Opens the library the user chose (`--library` or the environment variable), else the
    /// default one. The default's folders are created on first use; a chosen path must be in
    /// a folder that exists, so a typo in it is an error instead of a new, empty-looking
    /// library. [`Library::created`] says whether this call created the library.
    pub fn open_chosen(explicit: Option<&Path>) -> Result<Library> {
        let Some(path) = explicit else {
            return Library::open(&crate::paths::default_library()?);
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            let what = if parent.exists() {
                "is not a folder"
            } else {
                "does not exist"
            };
            return Err(Error::library(format!(
                "cannot use the library {}: the folder {} {what}",
                path.display(),
                parent.display()
            ))
            .hint(format!(
                "check the path given with --library or in {}, or create the folder first (mkdir -p {})",
                crate::paths::LIBRARY_ENV,
                parent.display()
            )));
        }
        Library::open(path)
    }

    /// Whether opening it created the library (it was new, and has just been seeded with the
    /// starter recipes), so a face can say where it is.
    pub fn created(&self) -> bool {
        self.created
    }

    /// Opens (creating, migrating and seeding on first use) the library at `path`, creating
    /// its folders if needed.
    pub fn open(path: &Path) -> Result<Library> {
        let existing = std::fs::metadata(path).ok();
        if existing.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(Error::library(format!(
                "{} is a folder, not a library file",
                path.display()
            ))
            .hint("pass --library with a file path, e.g. --library ~/prompts.sqlite3"));
        }
        let read_only = existing
            .as_ref()
            .is_some_and(|m| m.permissions().readonly());
        if existing.is_none()
            && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                Error::library(format!(
                    "cannot create the folder {} for the library: {e}",
                    parent.display()
                ))
            })?;
        }
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| sql_error(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| sql_error(path, e))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| sql_error(path, e))?;
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        if version > migrations::latest() {
            return Err(Error::library(format!(
                "the library {} was made by a newer promptbook (schema {version}, this one knows {})",
                path.display(),
                migrations::latest()
            ))
            .hint("upgrade promptbook"));
        }
        if version < migrations::latest() {
            if read_only {
                return Err(read_only_error(path));
            }
            if version == 0 {
                let (tables, now): (i64, i64) = conn
                    .query_row(
                        "SELECT (SELECT count(*) FROM sqlite_master), (SELECT user_version FROM pragma_user_version)",
                        [],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .map_err(|e| sql_error(path, e))?;
                // Tables but no schema version: another program's database. (Tables and a
                // version: another promptbook created the library a moment ago.)
                if tables > 0 && now == 0 {
                    return Err(Error::library(format!(
                        "{} is a SQLite database, but not a promptbook library",
                        path.display()
                    ))
                    .hint("the file was left untouched; pass --library with another path"));
                }
                retry_while_busy(|| conn.pragma_update(None, "journal_mode", "WAL"))
                    .map_err(|e| sql_error(path, e))?;
            }
            // Migrations that rebuild a table (0003) must run with foreign keys off, or
            // dropping the old table would cascade to every version; the bundled SQLite
            // turns them on by default. Each is followed by a foreign key check, and they
            // are turned on right after.
            conn.pragma_update(None, "foreign_keys", "OFF")
                .map_err(|e| sql_error(path, e))?;
            migrate(&mut conn, path)?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| sql_error(path, e))?;
        if !read_only {
            conn.set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                true,
            )
            .map_err(|e| sql_error(path, e))?;
        }
        let mut lib = Library {
            conn,
            path: path.to_path_buf(),
            read_only,
            checkpoint_on_close: false,
            created: version == 0,
        };
        if version == 0 {
            lib.seed()?;
        }
        Ok(lib)
    }

    /// Adds the starter recipes embedded in the binary.
    fn seed(&mut self) -> Result<()> {
        let mut recipes = Vec::with_capacity(STARTER.len());
        for (file, yaml) in STARTER {
            let recipe = Recipe::parse(yaml, &format!("recipes/{file}"))?;
            recipes.push((recipe, yaml.to_string()));
        }
        self.add(&recipes)?;
        Ok(())
    }

    /// The library's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for core modules that keep their own tables in the library.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        sql_error(&self.path, e)
    }

    fn writable(&self) -> Result<()> {
        if self.read_only {
            Err(read_only_error(&self.path))
        } else {
            Ok(())
        }
    }

    /// Runs `f` in one write transaction: all of it happens, or none of it.
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.writable()?;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, e))?;
        let value = f(&tx)?;
        tx.commit().map_err(|e| sql_error(&path, e))?;
        self.checkpoint_on_close = true;
        Ok(value)
    }

    /// Stores each recipe (with its exact YAML text) in one transaction: new names are added,
    /// changed ones get a new version, identical ones change nothing.
    ///
    /// A recipe whose name is the user's own, or else the only pack recipe of that name, is
    /// stored as a new version of that recipe (so editing a pack's recipe and adding it back
    /// is a local change the pack never overwrites); any other becomes the user's own.
    pub fn add(&mut self, recipes: &[(Recipe, String)]) -> Result<Vec<AddOutcome>> {
        self.add_placed(recipes.iter().map(|(r, y)| (r, y.as_str(), None)))
    }

    /// Like [`Library::add`], each recipe going to the pack given with it when that pack has
    /// a recipe of its name (an exported pack recipe going back where it came from), else
    /// where `add` puts it.
    pub fn add_to(
        &mut self,
        recipes: &[(Recipe, String, Option<String>)],
    ) -> Result<Vec<AddOutcome>> {
        self.add_placed(
            recipes
                .iter()
                .map(|(r, y, pack)| (r, y.as_str(), pack.as_deref())),
        )
    }

    fn add_placed<'a>(
        &mut self,
        recipes: impl Iterator<Item = (&'a Recipe, &'a str, Option<&'a str>)>,
    ) -> Result<Vec<AddOutcome>> {
        let path = self.path.clone();
        self.write(|tx| {
            let mut outcomes = Vec::new();
            for (recipe, yaml, wanted) in recipes {
                let put = (|| {
                    let namespace = match wanted {
                        Some(ns) if exists_in(tx, ns, recipe.name())? => ns.to_string(),
                        _ => namespace_for_add(tx, recipe.name())?,
                    };
                    put_in(tx, &namespace, recipe, yaml)
                })()
                .map_err(|e| sql_error(&path, e))?;
                outcomes.push(put.outcome);
            }
            Ok(outcomes)
        })
    }

    /// The packs that hold a recipe named `name` (bare), sorted.
    pub fn packs_with(&self, name: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT namespace FROM recipes WHERE name = ?1 AND namespace <> '' ORDER BY namespace",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([name], |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<String>>>()
            .map_err(|e| self.err(e))
    }

    /// The current version of `name`: `pack/recipe`, or a bare name, which finds the user's own
    /// recipe, else the only pack recipe of that name (and fails listing them when several
    /// packs have one). One indexed lookup: this is the render path.
    pub fn get(&self, name: &str) -> Result<StoredRecipe> {
        let (pack, bare) = split_address(name);
        let mut stmt = self
            .conn
            .prepare_cached(concat!(
                "SELECT ",
                stored_columns!(),
                " FROM recipes r
                 JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
                 WHERE r.name = ?1 AND (?2 IS NULL OR r.namespace = ?2) ORDER BY r.namespace"
            ))
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query(params![bare, pack]).map_err(|e| self.err(e))?;
        let Some(first) = rows
            .next()
            .map_err(|e| self.err(e))?
            .map(stored_row)
            .transpose()
            .map_err(|e| self.err(e))?
        else {
            return Err(self.not_found(name));
        };
        if first.pack.is_none() || pack.is_some() || rows.next().map_err(|e| self.err(e))?.is_none()
        {
            return Ok(first);
        }
        drop(rows);
        Err(self.ambiguous(bare))
    }

    /// The recipe's id, namespace and name, resolved like [`Library::get`].
    fn resolve(&self, name: &str) -> Result<(i64, String, String)> {
        let (pack, bare) = split_address(name);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, namespace, name FROM recipes
                 WHERE name = ?1 AND (?2 IS NULL OR namespace = ?2) ORDER BY namespace LIMIT 2",
            )
            .map_err(|e| self.err(e))?;
        let found = stmt
            .query_map(params![bare, pack], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<(i64, String, String)>>>()
            .map_err(|e| self.err(e))?;
        match found.as_slice() {
            [] => Err(self.not_found(name)),
            [one] => Ok(one.clone()),
            [first, _] if first.1.is_empty() || pack.is_some() => Ok(first.clone()),
            _ => Err(self.ambiguous(bare)),
        }
    }

    /// A bare name that several packs have (and the user does not).
    fn ambiguous(&self, name: &str) -> Error {
        let candidates: Vec<String> = self
            .conn
            .prepare_cached("SELECT namespace FROM recipes WHERE name = ?1 ORDER BY namespace")
            .and_then(|mut s| {
                s.query_map([name], |r| r.get::<_, String>(0))?
                    .map(|ns| ns.map(|ns| address(&ns, name)))
                    .collect()
            })
            .unwrap_or_default();
        let first = candidates.first().cloned().unwrap_or_default();
        Error::usage(format!(
            "`{name}` is in more than one pack: {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .hint(format!("name one of them with its pack, e.g. `{first}`"))
    }

    /// One version of `name`.
    pub fn get_version(&self, name: &str, version: u32) -> Result<StoredRecipe> {
        let (id, _, _) = self.resolve(name)?;
        let found = self
            .conn
            .query_row(
                concat!(
                    "SELECT ",
                    stored_columns!(),
                    " FROM recipes r
                 JOIN recipe_versions v ON v.recipe_id = r.id
                 WHERE r.id = ?1 AND v.version = ?2"
                ),
                params![id, version],
                stored_row,
            )
            .optional()
            .map_err(|e| self.err(e))?;
        match found {
            Some(s) => Ok(s),
            None => {
                let versions = self.versions(name)?;
                let last = versions.last().map_or(0, |v| v.version);
                Err(
                    Error::not_found(format!("`{name}` has no version {version}")).hint(format!(
                        "its versions are 1 to {last}; `promptbook history {name}` lists them"
                    )),
                )
            }
        }
    }

    /// Parses the current version of `name`.
    pub fn load(&self, name: &str) -> Result<Recipe> {
        self.get(name)?.parse()
    }

    /// Every version of `name`, oldest first.
    pub fn versions(&self, name: &str) -> Result<Vec<VersionInfo>> {
        let (id, _, _) = self.resolve(name)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT version, hash, created_at FROM recipe_versions
                 WHERE recipe_id = ?1 ORDER BY version",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([id], |r| {
                Ok(VersionInfo {
                    version: r.get(0)?,
                    hash: r.get(1)?,
                    created_at: r.get(2)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        if rows.is_empty() {
            return Err(self.not_found(name));
        }
        Ok(rows)
    }

    fn not_found(&self, name: &str) -> Error {
        let mut e = Error::not_found(format!("no recipe named `{name}` in the library"));
        if let Ok(names) = self.names()
            && let Some(close) = did_you_mean(name, names.iter().map(String::as_str))
        {
            e = e.hint(format!("did you mean `{close}`?"));
        }
        e.hint("`promptbook list` shows the recipes; `promptbook search WORDS` finds one")
    }

    /// All recipe names, sorted: the shortest name that finds each (see [`Summary::name`]).
    pub fn names(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {SHORT_NAME_SQL} FROM recipes r ORDER BY r.name, r.namespace"
            ))
            .map_err(|e| self.err(e))?;
        let names = stmt
            .query_map([], |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<String>>>()
            .map_err(|e| self.err(e))?;
        Ok(names)
    }

    /// Recipe summaries, by name, optionally only those with `tag`.
    pub fn list(&self, tag: Option<&str>) -> Result<Vec<Summary>> {
        let sql = format!(
            "SELECT {SHORT_NAME_SQL}, r.title, r.description, r.tags, r.model_prefer, r.current_version, r.updated_at, r.namespace
             FROM recipes r WHERE ?1 IS NULL OR r.id IN (SELECT recipe_id FROM recipe_tags WHERE tag = ?1)
             ORDER BY r.name, r.namespace"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([tag], |r| {
                let tags: String = r.get(3)?;
                let namespace: String = r.get(7)?;
                Ok(Summary {
                    name: r.get(0)?,
                    pack: (!namespace.is_empty()).then_some(namespace),
                    title: r.get(1)?,
                    description: r.get(2)?,
                    tags: serde_json::from_str(&tags).unwrap_or_default(),
                    model: r.get(4)?,
                    version: r.get(5)?,
                    updated_at: r.get(6)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// Ranked full-text matches; `marks` wrap the matched words in the snippet.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.search_in(&Selection::default(), query, limit)
    }

    /// Like [`Library::search`], among the recipes of `selection` only.
    pub fn search_in(
        &self,
        selection: &Selection,
        query: &str,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        let Some(fts) = fts_query(query) else {
            return Err(
                Error::usage("the search has no words").hint("e.g. `promptbook search blog seo`")
            );
        };
        let sql = format!(
            "SELECT {SHORT_NAME_SQL}, r.title, r.description, snippet(recipes_fts, -1, ?3, ?4, '…', 10),
                    bm25(recipes_fts, 10.0, 6.0, 3.0, 4.0, 1.0) AS rank
             FROM recipes_fts JOIN recipes r ON r.id = recipes_fts.rowid
             WHERE recipes_fts MATCH ?2 AND {SELECTED} ORDER BY rank LIMIT ?5"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(
                params![
                    selection.tags_json(),
                    fts,
                    MATCH_OPEN.to_string(),
                    MATCH_CLOSE.to_string(),
                    limit as i64
                ],
                |r| {
                    let (snippet, matches) = unmark(&r.get::<_, String>(3)?);
                    Ok(SearchHit {
                        name: r.get(0)?,
                        title: r.get(1)?,
                        description: r.get(2)?,
                        snippet,
                        matches,
                        score: -r.get::<_, f64>(4)?,
                    })
                },
            )
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// The current version of every recipe in `selection`, by name: what a long-running face
    /// needs to describe the whole library (names, variables) in one query.
    pub fn current(&self, selection: &Selection) -> Result<Vec<StoredRecipe>> {
        let columns = stored_columns!();
        let sql = format!(
            "SELECT {columns} FROM recipes r
             JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
             WHERE {SELECTED}
             ORDER BY CASE WHEN r.namespace = '' THEN r.name ELSE r.namespace || '/' || r.name END"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([selection.tags_json()], stored_row)
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// A number that changes whenever another connection (another promptbook process)
    /// commits a change to the library file: SQLite's `PRAGMA data_version`. It reads no
    /// table, so a long-running face can poll it often; when it moves, compare
    /// [`Library::signature`] to learn whether the recipes it serves changed.
    pub fn data_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// A fingerprint of the recipes in `selection`: their names, current versions and update
    /// times. It changes when one of them is added, edited (a new version) or removed, and
    /// not when other tables change. Equal within one process only (not a stable hash).
    pub fn signature(&self, selection: &Selection) -> Result<u64> {
        use std::hash::{Hash, Hasher};
        let sql = format!(
            "SELECT r.namespace || '/' || r.name, r.current_version, r.updated_at FROM recipes r
             WHERE {SELECTED} ORDER BY r.name, r.namespace"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query([selection.tags_json()])
            .map_err(|e| self.err(e))?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let mut count = 0u64;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let name: String = row.get(0).map_err(|e| self.err(e))?;
            let version: i64 = row.get(1).map_err(|e| self.err(e))?;
            let updated: String = row.get(2).map_err(|e| self.err(e))?;
            (name, version, updated).hash(&mut hasher);
            count += 1;
        }
        count.hash(&mut hasher);
        Ok(hasher.finish())
    }

    /// Removes `name` and all its versions. (A pack's recipe that the user removed is not
    /// brought back by the pack's updates.)
    pub fn remove(&mut self, name: &str) -> Result<()> {
        let (id, _, _) = self.resolve(name)?;
        let path = self.path.clone();
        self.write(|tx| delete(tx, id).map_err(|e| sql_error(&path, e)))
    }
}

/// Deletes recipe `id` and all its versions inside a transaction.
pub(crate) fn delete(tx: &rusqlite::Transaction<'_>, id: i64) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM recipes_fts WHERE rowid = ?1", [id])?;
    tx.execute("DELETE FROM fill_history WHERE recipe_id = ?1", [id])?;
    tx.execute("DELETE FROM recipe_tags WHERE recipe_id = ?1", [id])?;
    tx.execute("DELETE FROM recipe_versions WHERE recipe_id = ?1", [id])?;
    tx.execute("DELETE FROM recipes WHERE id = ?1", [id])?;
    Ok(())
}

/// Reads a [`StoredRecipe`] from the columns of `stored_columns!()`.
fn stored_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRecipe> {
    let namespace: String = r.get(1)?;
    Ok(StoredRecipe {
        name: address(&namespace, &r.get::<_, String>(0)?),
        pack: (!namespace.is_empty()).then_some(namespace),
        version: r.get(2)?,
        yaml: r.get(3)?,
        hash: r.get(4)?,
        created_at: r.get(5)?,
        render_form: r.get(6)?,
    })
}

/// Turns free words into an FTS5 query in which every word must match and nothing the user
/// types is read as FTS5 syntax. Each word (split at white space) becomes one quoted FTS5
/// string, which FTS5 splits with the index's own tokenizer (unicode61: letters and digits
/// make tokens, everything else separates them) into a phrase: `it's` matches the tokens
/// `it`, `s` side by side (the text "it's"), `SEO-post` matches "SEO post", and `c++`
/// matches the token `c` (the text "C++"). The last token is a prefix (`blog` finds
/// "blogging") unless it is a single character, which would match every word starting
/// with it. A word with no letters or digits (`++`) matches nothing and is left out.
fn fts_query(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .split_whitespace()
        .filter_map(|word| {
            let last = word
                .split(|c: char| !c.is_alphanumeric())
                .rfind(|t| !t.is_empty())?;
            let prefix = if last.chars().count() > 1 { "*" } else { "" };
            Some(format!("\"{}\"{prefix}", word.replace('"', "\"\"")))
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// Where `add` stores a recipe named `name`: the user's own recipe of that name if there is
/// one, else the only pack recipe of that name, else a new recipe of the user's.
fn namespace_for_add(tx: &rusqlite::Transaction<'_>, name: &str) -> rusqlite::Result<String> {
    let mut stmt = tx.prepare_cached(
        "SELECT namespace FROM recipes WHERE name = ?1 ORDER BY namespace LIMIT 2",
    )?;
    let found = stmt
        .query_map([name], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(match found.as_slice() {
        [only] => only.clone(),
        _ => String::new(),
    })
}

/// Whether recipe `name` exists in `namespace`.
fn exists_in(
    tx: &rusqlite::Transaction<'_>,
    namespace: &str,
    name: &str,
) -> rusqlite::Result<bool> {
    tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM recipes WHERE name = ?1 AND namespace = ?2)")?
        .query_row(params![name, namespace], |r| r.get(0))
}

/// What [`put_in`] did, and to which recipe row.
pub(crate) struct Put {
    pub id: i64,
    pub outcome: AddOutcome,
}

/// Adds or updates one recipe in `namespace` ('' for the user's own) inside a transaction.
/// Statements are cached: installing a pack calls this thousands of times in one transaction.
pub(crate) fn put_in(
    tx: &rusqlite::Transaction<'_>,
    namespace: &str,
    recipe: &Recipe,
    yaml: &str,
) -> rusqlite::Result<Put> {
    let name = address(namespace, recipe.name());
    let hash = content_hash(yaml);
    let existing: Option<(i64, u32, String)> = tx
        .prepare_cached(
            "SELECT r.id, r.current_version, v.hash FROM recipes r
             JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
             WHERE r.name = ?1 AND r.namespace = ?2",
        )?
        .query_row(params![recipe.name(), namespace], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    match existing {
        Some((id, current, old)) if old == hash => Ok(Put {
            id,
            outcome: AddOutcome::Unchanged {
                name,
                version: current,
            },
        }),
        Some((id, _, _)) => {
            let version = write_version(tx, id, recipe, yaml, &hash, true)?;
            Ok(Put {
                id,
                outcome: AddOutcome::Updated { name, version },
            })
        }
        None => {
            tx.prepare_cached(&format!(
                "INSERT INTO recipes (namespace, name, title, description, tags, model_prefer, current_version, created_at, updated_at)
                 VALUES (?1, ?2, '', '', '[]', NULL, 1, {NOW}, {NOW})"
            ))?
            .execute(params![namespace, recipe.name()])?;
            let id = tx.last_insert_rowid();
            write_version_as(tx, id, recipe, yaml, &hash, true, true)?;
            Ok(Put {
                id,
                outcome: AddOutcome::Added { name },
            })
        }
    }
}

/// Stores `yaml` as the next version of recipe `id` and returns its number. With `current`,
/// it becomes the version people get (title, tags and the search index follow it); without,
/// it is kept in the history only (a pack's new version of a recipe the user changed).
pub(crate) fn write_version(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    recipe: &Recipe,
    yaml: &str,
    hash: &str,
    current: bool,
) -> rusqlite::Result<u32> {
    write_version_as(tx, id, recipe, yaml, hash, current, false)
}

/// [`write_version`]; `fresh` says the recipe row was just created, so it has no tags or
/// search entry to replace.
fn write_version_as(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    recipe: &Recipe,
    yaml: &str,
    hash: &str,
    current: bool,
    fresh: bool,
) -> rusqlite::Result<u32> {
    let version: u32 = tx
        .prepare_cached(
            "SELECT coalesce(max(version), 0) + 1 FROM recipe_versions WHERE recipe_id = ?1",
        )?
        .query_row([id], |r| r.get(0))?;
    tx.prepare_cached(&format!(
        "INSERT INTO recipe_versions (recipe_id, version, yaml, hash, render_form, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, {NOW})"
    ))?
    .execute(params![id, version, yaml, hash, recipe.render_form()])?;
    if !current {
        return Ok(version);
    }
    let tags = serde_json::to_string(&recipe.tags).unwrap_or_else(|_| "[]".into());
    tx.prepare_cached(&format!(
        "UPDATE recipes SET title = ?2, description = ?3, tags = ?4, model_prefer = ?5,
         current_version = ?6, updated_at = {NOW} WHERE id = ?1"
    ))?
    .execute(params![
        id,
        recipe.title,
        recipe.description,
        tags,
        recipe.model.prefer,
        version
    ])?;
    if !fresh {
        tx.prepare_cached("DELETE FROM recipe_tags WHERE recipe_id = ?1")?
            .execute([id])?;
        tx.prepare_cached("DELETE FROM recipes_fts WHERE rowid = ?1")?
            .execute([id])?;
    }
    let mut tag_stmt =
        tx.prepare_cached("INSERT OR IGNORE INTO recipe_tags (tag, recipe_id) VALUES (?1, ?2)")?;
    for tag in &recipe.tags {
        tag_stmt.execute(params![tag, id])?;
    }
    tx.prepare_cached(
        "INSERT INTO recipes_fts (rowid, name, title, description, tags, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        id,
        recipe.name().replace('-', " "),
        recipe.title,
        recipe.description,
        recipe.tags.join(" "),
        search_body(recipe)
    ])?;
    Ok(version)
}

fn search_body(recipe: &Recipe) -> String {
    let mut body = String::new();
    for t in [&recipe.system, &recipe.prompt].into_iter().flatten() {
        body.push_str(t);
        body.push('\n');
    }
    for m in &recipe.messages {
        body.push_str(&m.content);
        body.push('\n');
    }
    for (name, v) in &recipe.variables {
        body.push_str(name);
        body.push(' ');
        if let Some(d) = &v.description {
            body.push_str(d);
        }
        body.push('\n');
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_recipes_are_valid_and_point_to_the_schema() {
        assert!(STARTER.len() >= 3);
        for (file, yaml) in STARTER {
            assert!(
                yaml.starts_with("# yaml-language-server: $schema=../schema/recipe.schema.json\n"),
                "recipes/{file} does not point to the schema on its first line"
            );
            let r = Recipe::parse(yaml, file).unwrap_or_else(|e| panic!("{}", Error::from(e)));
            assert_eq!(
                format!("{}.yaml", r.name()),
                *file,
                "the file name is the recipe name"
            );
        }
    }

    #[test]
    fn fts_query_quotes_every_word() {
        assert_eq!(
            fts_query("blog SEO-post").as_deref(),
            Some("\"blog\"* \"SEO-post\"*")
        );
        assert_eq!(fts_query("c++ it's").as_deref(), Some("\"c++\" \"it's\""));
        assert_eq!(
            fts_query("say \"hi\"").as_deref(),
            Some("\"say\"* \"\"\"hi\"\"\"*")
        );
        assert_eq!(fts_query("  \" * ++ ").as_deref(), None);
    }

    /// A library made before render forms (schema 3) gets one for every version stored, the
    /// same as a new version gets; a version without one still renders, from its YAML.
    #[test]
    fn render_forms_are_filled_in_and_optional() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite3");
        let written = Library::open(&path).unwrap().get("blog-draft").unwrap();
        let form = written
            .render_form
            .clone()
            .expect("a new version has a render form");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(
            "ALTER TABLE recipe_versions DROP COLUMN render_form; PRAGMA user_version = 3;",
        )
        .unwrap();
        drop(old);

        let lib = Library::open(&path).unwrap();
        assert_eq!(lib.get("blog-draft").unwrap().render_form, Some(form));
        let missing: i64 = lib
            .conn
            .query_row(
                "SELECT count(*) FROM recipe_versions WHERE render_form IS NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(missing, 0);

        lib.conn
            .execute("UPDATE recipe_versions SET render_form = NULL", [])
            .unwrap();
        let from_yaml = lib.get("blog-draft").unwrap();
        assert_eq!(from_yaml.render_form, None);
        assert_eq!(
            format!("{:?}", from_yaml.parse_for_render().unwrap().def),
            format!("{:?}", written.parse_for_render().unwrap().def)
        );
    }
}
