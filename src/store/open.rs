//! Opening the library: creating, migrating and seeding it on first use, refusing files that
//! are not a promptbook library, and folding the WAL in on close after a write.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::sql::{BUSY_TIMEOUT, Fail, Sql, is_busy, read_only_error, retry_while_busy};
use super::{Library, STARTER, migrations};
use crate::error::{Error, Result};
use crate::recipe::Recipe;

impl Drop for Library {
    fn drop(&mut self) {
        if self.checkpoint_on_close {
            let _ = self
                .conn
                .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false);
        }
    }
}

/// Brings the schema to the latest version. Another promptbook may be migrating the same
/// new library at this moment: a busy answer is retried, and a migration that another
/// process finished first is success.
fn migrate(conn: &mut Connection, path: &Path) -> Sql<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        let e = match migrations::migrations().to_latest(conn) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        let now: i64 =
            retry_while_busy(|| conn.query_row("PRAGMA user_version", [], |r| r.get(0)))?;
        if usize::try_from(now).ok() == Some(migrations::latest()) {
            return Ok(());
        }
        match e {
            rusqlite_migration::Error::RusqliteError { err, .. }
                if is_busy(&err) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            rusqlite_migration::Error::RusqliteError { err, .. } => return Err(err.into()),
            other => {
                return Err(Error::library(format!(
                    "cannot migrate the library {}: {other}",
                    path.display()
                ))
                .into());
            }
        }
    }
}

/// Opens the connection and brings its schema up to date; the schema version found.
fn connect(path: &Path, read_only: bool) -> Sql<(Connection, usize)> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > migrations::latest() {
        return Err(Error::library(format!(
            "the library {} was made by a newer promptbook (schema {version}, this one knows {})",
            path.display(),
            migrations::latest()
        ))
        .hint("upgrade promptbook")
        .into());
    }
    if version < migrations::latest() {
        if read_only {
            return Err(read_only_error(path).into());
        }
        if version == 0 {
            let (tables, now): (i64, i64) = conn.query_row(
                "SELECT (SELECT count(*) FROM sqlite_master), (SELECT user_version FROM pragma_user_version)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            // Tables but no schema version: another program's database. (Tables and a
            // version: another promptbook created the library a moment ago.)
            if tables > 0 && now == 0 {
                return Err(Error::library(format!(
                    "{} is a SQLite database, but not a promptbook library",
                    path.display()
                ))
                .hint("the file was left untouched; pass --library with another path")
                .into());
            }
            retry_while_busy(|| conn.pragma_update(None, "journal_mode", "WAL"))?;
        }
        // Migrations that rebuild a table (0003) must run with foreign keys off, or
        // dropping the old table would cascade to every version; the bundled SQLite
        // turns them on by default. Each is followed by a foreign key check, and they
        // are turned on right after.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        migrate(&mut conn, path)?;
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    if !read_only {
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    }
    Ok((conn, version))
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
        let (conn, version) = connect(path, read_only).map_err(|e: Fail| e.at(path))?;
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
            "DROP TABLE pack_snippets; DROP TABLE recipe_snippets; DROP TABLE snippet_versions;
             DROP TABLE snippets;
             ALTER TABLE recipe_versions DROP COLUMN render_form; PRAGMA user_version = 3;",
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
