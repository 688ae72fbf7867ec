//! The one place a SQLite failure becomes an [`Error`] people can act on: worded with the
//! library's path and a fix (busy, read-only, not a library, cannot open). Store code uses
//! `?` on SQLite calls inside [`Library::read`] and [`Library::write`], which convert once.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, Params, Row, Transaction, TransactionBehavior};

use super::Library;
use crate::error::{Error, Result};

/// How long a command waits for another process that holds the library.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a store operation stopped: a SQLite call failed (worded later, with the path), or the
/// store found a problem of its own (already an [`Error`]).
pub(super) enum Fail {
    Sql(rusqlite::Error),
    Stop(Error),
}

impl From<rusqlite::Error> for Fail {
    fn from(e: rusqlite::Error) -> Fail {
        Fail::Sql(e)
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        Fail::Stop(e)
    }
}

impl Fail {
    /// The error to show, for the library at `path`.
    pub(super) fn at(self, path: &Path) -> Error {
        let e = match self {
            Fail::Stop(e) => return e,
            Fail::Sql(e) => e,
        };
        match e.sqlite_error_code() {
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
}

/// A store result before it is worded: `?` takes both SQLite errors and [`Error`]s.
pub(super) type Sql<T> = std::result::Result<T, Fail>;

pub(super) fn read_only_error(path: &Path) -> Error {
    Error::library(format!(
        "the library {} is read-only, so nothing was changed",
        path.display()
    ))
    .hint(format!(
        "make it writable (chmod u+w {}), or pass --library with another path",
        path.display()
    ))
}

pub(super) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Runs `f` again while SQLite answers "busy", for up to the busy timeout. Some lock
/// upgrades (a transaction that read before it writes, a change of journal mode) fail at
/// once instead of waiting, when several processes open a new library together.
pub(super) fn retry_while_busy<T>(
    mut f: impl FnMut() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
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

impl Library {
    /// Runs `f` on the connection, wording its failure once.
    pub(super) fn read<T>(&self, f: impl FnOnce(&Connection) -> Sql<T>) -> Result<T> {
        f(&self.conn).map_err(|e| e.at(&self.path))
    }

    /// Every row of the query `sql`, each read by `row`.
    pub(super) fn rows<T>(
        &self,
        sql: &str,
        params: impl Params,
        row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map(params, row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Runs `f` in one write transaction: all of it happens, or none of it.
    pub(super) fn write<T, E: Into<Fail>>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> Result<T> {
        if self.read_only {
            return Err(read_only_error(&self.path));
        }
        let path = self.path.clone();
        let run = || -> Sql<T> {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx).map_err(Into::into)?;
            tx.commit()?;
            Ok(value)
        };
        let value = run().map_err(|e| e.at(&path))?;
        self.checkpoint_on_close = true;
        Ok(value)
    }
}
