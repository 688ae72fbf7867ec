//! The recipe library: one SQLite file with every version of every recipe and a full-text
//! index. Every write is one transaction.

mod answers;
mod edit;
mod migrations;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result, did_you_mean};
use crate::recipe::Recipe;

pub use answers::LastAnswers;
pub use edit::SaveOutcome;

include!(concat!(env!("OUT_DIR"), "/starter.rs"));

/// How long a command waits for another process that holds the library.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A recipe as stored: its current (or a chosen) version's YAML text.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecipe {
    pub name: String,
    pub version: u32,
    pub yaml: String,
    pub hash: String,
    pub created_at: String,
}

impl StoredRecipe {
    /// Parses the stored YAML (validated when it was added).
    pub fn parse(&self) -> Result<Recipe> {
        Recipe::parse(&self.yaml, &format!("{} (v{})", self.name, self.version))
            .map_err(Error::from)
    }

    /// Parses the stored YAML for rendering only (see [`Recipe::parse_for_render`]).
    pub fn parse_for_render(&self) -> Result<Recipe> {
        Recipe::parse_for_render(&self.yaml, &format!("{} (v{})", self.name, self.version))
            .map_err(Error::from)
    }
}

/// What `list` shows of a recipe, read without parsing its YAML.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    pub name: String,
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
    pub name: String,
    pub title: String,
    pub description: String,
    pub snippet: String,
    pub score: f64,
}

/// Which recipes a long-running face (the MCP server) serves: every recipe, or only those
/// with at least one of `tags`. The store applies it in SQL (`current`, `signature`,
/// `search_in`) and [`Selection::admits`] applies the same rule to one parsed recipe, so a
/// face never re-implements the filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Serve only recipes with any of these tags; empty means every recipe.
    pub tags: Vec<String>,
}

impl Selection {
    /// Whether `recipe` is one of the selected recipes.
    pub fn admits(&self, recipe: &Recipe) -> bool {
        self.tags.is_empty() || recipe.tags.iter().any(|t| self.tags.contains(t))
    }

    /// The tags as a JSON array, for `json_each` in the SQL filter.
    fn tags_json(&self) -> String {
        serde_json::to_string(&self.tags).expect("strings serialize")
    }
}

/// The SQL condition on `r` (the `recipes` row) for a [`Selection`] bound as JSON at `?1`.
const SELECTED: &str = "(?1 = '[]' OR r.id IN (SELECT recipe_id FROM recipe_tags
     WHERE tag IN (SELECT value FROM json_each(?1))))";

/// One stored version of a recipe.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VersionInfo {
    pub version: u32,
    pub hash: String,
    pub created_at: String,
}

/// What adding a recipe did.
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

    /// Opens (creating, migrating and seeding on first use) the library at `path`.
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
                conn.pragma_update(None, "journal_mode", "WAL")
                    .map_err(|e| sql_error(path, e))?;
            }
            if let Err(e) = migrations::migrations().to_latest(&mut conn) {
                // Another promptbook may have migrated the new library a moment before us.
                let now: i64 = conn
                    .query_row("PRAGMA user_version", [], |r| r.get(0))
                    .map_err(|e| sql_error(path, e))?;
                if usize::try_from(now).ok() != Some(migrations::latest()) {
                    return Err(match e {
                        rusqlite_migration::Error::RusqliteError { err, .. } => {
                            sql_error(path, err)
                        }
                        other => Error::library(format!(
                            "cannot migrate the library {}: {other}",
                            path.display()
                        )),
                    });
                }
            }
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
    pub fn add(&mut self, recipes: &[(Recipe, String)]) -> Result<Vec<AddOutcome>> {
        let path = self.path.clone();
        self.write(|tx| {
            let mut outcomes = Vec::with_capacity(recipes.len());
            for (recipe, yaml) in recipes {
                outcomes.push(put(tx, recipe, yaml).map_err(|e| sql_error(&path, e))?);
            }
            Ok(outcomes)
        })
    }

    /// The current version of `name`.
    pub fn get(&self, name: &str) -> Result<StoredRecipe> {
        // Cached: a long-running face (the MCP server) calls this for every request.
        self.conn
            .prepare_cached(
                "SELECT r.name, v.version, v.yaml, v.hash, v.created_at FROM recipes r
                 JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
                 WHERE r.name = ?1",
            )
            .and_then(|mut stmt| stmt.query_row([name], stored_row))
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| self.not_found(name))
    }

    /// One version of `name`.
    pub fn get_version(&self, name: &str, version: u32) -> Result<StoredRecipe> {
        let found = self
            .conn
            .query_row(
                "SELECT r.name, v.version, v.yaml, v.hash, v.created_at FROM recipes r
                 JOIN recipe_versions v ON v.recipe_id = r.id
                 WHERE r.name = ?1 AND v.version = ?2",
                params![name, version],
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
        let mut stmt = self
            .conn
            .prepare(
                "SELECT v.version, v.hash, v.created_at FROM recipes r
                 JOIN recipe_versions v ON v.recipe_id = r.id WHERE r.name = ?1 ORDER BY v.version",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([name], |r| {
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

    /// All recipe names, sorted.
    pub fn names(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM recipes ORDER BY name")
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
        let sql = "SELECT r.name, r.title, r.description, r.tags, r.model_prefer, r.current_version, r.updated_at
                   FROM recipes r WHERE ?1 IS NULL OR r.id IN (SELECT recipe_id FROM recipe_tags WHERE tag = ?1)
                   ORDER BY r.name";
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([tag], |r| {
                let tags: String = r.get(3)?;
                Ok(Summary {
                    name: r.get(0)?,
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
    pub fn search(&self, query: &str, limit: usize, marks: (&str, &str)) -> Result<Vec<SearchHit>> {
        self.search_in(&Selection::default(), query, limit, marks)
    }

    /// Like [`Library::search`], among the recipes of `selection` only.
    pub fn search_in(
        &self,
        selection: &Selection,
        query: &str,
        limit: usize,
        marks: (&str, &str),
    ) -> Result<Vec<SearchHit>> {
        let Some(fts) = fts_query(query) else {
            return Err(
                Error::usage("the search has no words").hint("e.g. `promptbook search blog seo`")
            );
        };
        let sql = format!(
            "SELECT r.name, r.title, r.description, snippet(recipes_fts, -1, ?3, ?4, '…', 10),
                    bm25(recipes_fts, 10.0, 6.0, 3.0, 4.0, 1.0) AS rank
             FROM recipes_fts JOIN recipes r ON r.id = recipes_fts.rowid
             WHERE recipes_fts MATCH ?2 AND {SELECTED} ORDER BY rank LIMIT ?5"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(
                params![selection.tags_json(), fts, marks.0, marks.1, limit as i64],
                |r| {
                    Ok(SearchHit {
                        name: r.get(0)?,
                        title: r.get(1)?,
                        description: r.get(2)?,
                        snippet: r.get(3)?,
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
        let sql = format!(
            "SELECT r.name, v.version, v.yaml, v.hash, v.created_at FROM recipes r
             JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
             WHERE {SELECTED} ORDER BY r.name"
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
            "SELECT r.name, r.current_version, r.updated_at FROM recipes r
             WHERE {SELECTED} ORDER BY r.name"
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

    /// Removes `name` and all its versions.
    pub fn remove(&mut self, name: &str) -> Result<()> {
        let id: Option<i64> = self
            .conn
            .query_row("SELECT id FROM recipes WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let Some(id) = id else {
            return Err(self.not_found(name));
        };
        let path = self.path.clone();
        self.write(|tx| {
            (|| -> rusqlite::Result<()> {
                tx.execute("DELETE FROM recipes_fts WHERE rowid = ?1", [id])?;
                tx.execute("DELETE FROM fill_history WHERE recipe_id = ?1", [id])?;
                tx.execute("DELETE FROM recipe_tags WHERE recipe_id = ?1", [id])?;
                tx.execute("DELETE FROM recipe_versions WHERE recipe_id = ?1", [id])?;
                tx.execute("DELETE FROM recipes WHERE id = ?1", [id])?;
                Ok(())
            })()
            .map_err(|e| sql_error(&path, e))
        })
    }
}

fn stored_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRecipe> {
    Ok(StoredRecipe {
        name: r.get(0)?,
        version: r.get(1)?,
        yaml: r.get(2)?,
        hash: r.get(3)?,
        created_at: r.get(4)?,
    })
}

/// Turns free words into an FTS5 query: every word must match, as a prefix, and nothing the
/// user types is read as FTS5 syntax.
fn fts_query(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// Adds or updates one recipe inside a transaction.
pub(crate) fn put(
    tx: &rusqlite::Transaction<'_>,
    recipe: &Recipe,
    yaml: &str,
) -> rusqlite::Result<AddOutcome> {
    let name = recipe.name().to_string();
    let hash = content_hash(yaml);
    let existing: Option<(i64, u32, String)> = tx
        .query_row(
            "SELECT r.id, r.current_version, v.hash FROM recipes r
             JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version WHERE r.name = ?1",
            [&name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let tags = serde_json::to_string(&recipe.tags).unwrap_or_else(|_| "[]".into());
    let (id, version, outcome) = match existing {
        Some((_, current, old)) if old == hash => {
            return Ok(AddOutcome::Unchanged {
                name,
                version: current,
            });
        }
        Some((id, _, _)) => {
            let next: u32 = tx.query_row(
                "SELECT max(version) + 1 FROM recipe_versions WHERE recipe_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            tx.execute(
                &format!(
                    "UPDATE recipes SET title = ?2, description = ?3, tags = ?4, model_prefer = ?5,
                     current_version = ?6, updated_at = {NOW} WHERE id = ?1"
                ),
                params![
                    id,
                    recipe.title,
                    recipe.description,
                    tags,
                    recipe.model.prefer,
                    next
                ],
            )?;
            (
                id,
                next,
                AddOutcome::Updated {
                    name: name.clone(),
                    version: next,
                },
            )
        }
        None => {
            tx.execute(
                &format!(
                    "INSERT INTO recipes (name, title, description, tags, model_prefer, current_version, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 1, {NOW}, {NOW})"
                ),
                params![name, recipe.title, recipe.description, tags, recipe.model.prefer],
            )?;
            (
                tx.last_insert_rowid(),
                1,
                AddOutcome::Added { name: name.clone() },
            )
        }
    };
    tx.execute(
        &format!("INSERT INTO recipe_versions (recipe_id, version, yaml, hash, created_at) VALUES (?1, ?2, ?3, ?4, {NOW})"),
        params![id, version, yaml, hash],
    )?;
    tx.execute("DELETE FROM recipe_tags WHERE recipe_id = ?1", [id])?;
    for tag in &recipe.tags {
        tx.execute(
            "INSERT OR IGNORE INTO recipe_tags (tag, recipe_id) VALUES (?1, ?2)",
            params![tag, id],
        )?;
    }
    tx.execute("DELETE FROM recipes_fts WHERE rowid = ?1", [id])?;
    tx.execute(
        "INSERT INTO recipes_fts (rowid, name, title, description, tags, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, name.replace('-', " "), recipe.title, recipe.description, recipe.tags.join(" "), search_body(recipe)],
    )?;
    Ok(outcome)
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
            Some("\"blog\"* \"SEO\"* \"post\"*")
        );
        assert_eq!(fts_query("  \" * ").as_deref(), None);
    }
}
