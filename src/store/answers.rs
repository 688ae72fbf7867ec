//! The last answers given for each recipe (table `fill_history`), so `--again` can rerun a
//! render without retyping. One row per recipe: new answers replace the old ones.

use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value};

use super::sql::Sql;
use super::write::NOW;
use super::{Library, split_address};
use crate::error::{Error, Result};

/// A recipe's last answers, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LastAnswers {
    /// The recipe's name.
    pub recipe: String,
    /// The recipe version they were rendered with (the recipe may have changed since).
    pub version: u32,
    /// Variable name → typed value, in the recipe's declaration order.
    pub answers: Map<String, Value>,
    /// When they were given (UTC, ISO 8601).
    pub used_at: String,
}

impl Library {
    /// Whether the library was opened read-only (then nothing can be remembered).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Remembers `answers` as the last ones for recipe `name` (replacing earlier ones), in
    /// one transaction. Empty (`null`) values are left out: they mean "not given".
    ///
    /// # Errors
    ///
    /// Not found if the recipe does not exist; a library error if it is read-only or busy.
    pub fn remember_answers(
        &mut self,
        name: &str,
        version: u32,
        answers: &Map<String, Value>,
    ) -> Result<()> {
        let kept: Map<String, Value> = answers
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let json = serde_json::to_string(&kept).expect("JSON values always serialize");
        // Rendering again with the same answers changes nothing, so it writes nothing: a read
        // is far cheaper than a write transaction on the render path.
        let unchanged: Option<bool> = self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT h.version = ?2 AND h.answers = ?3
                        AND h.used_at = (SELECT max(used_at) FROM fill_history)
                 FROM fill_history h WHERE h.recipe_id =
                   (SELECT id FROM recipes WHERE name = ?1 AND (?4 IS NULL OR namespace = ?4)
                    ORDER BY namespace LIMIT 1)",
                    params![split_address(name).1, version, json, split_address(name).0],
                    |r| r.get(0),
                )
                .optional()?)
        })?;
        if unchanged == Some(true) {
            return Ok(());
        }
        // The last answers are a convenience, and this write is on the render path, so it
        // does not wait for the disk: WAL with synchronous=NORMAL (a power cut may lose the
        // newest answers, never corrupt the library; other writes keep FULL), and no
        // checkpoint when this process closes the library (unless it also wrote something else) (the next checkpoint, at 1000
        // pages or when another command closes it, carries these pages over). Measured on
        // the development machine: +15 ms per render with the defaults, +1 ms with these.
        self.read(|conn| Ok(conn.pragma_update(None, "synchronous", "NORMAL")?))?;
        let checkpoint_before = self.checkpoint_on_close;
        let (pack, bare) = split_address(name);
        let changed = self.write(|tx| -> Sql<_> {
            Ok(tx.execute(
                &format!(
                    "INSERT INTO fill_history (recipe_id, version, answers, used_at)
                     SELECT id, ?2, ?3, {NOW} FROM recipes
                     WHERE name = ?1 AND (?4 IS NULL OR namespace = ?4)
                     ORDER BY namespace LIMIT 1
                     ON CONFLICT (recipe_id) DO UPDATE SET
                       version = excluded.version, answers = excluded.answers, used_at = excluded.used_at"
                ),
                // `pack/recipe` or a bare name, found as `get` finds it (the user's own
                // first); the caller rendered it, so a bare name is not ambiguous.
                params![bare, version, json, pack],
            )?)
        });
        self.checkpoint_on_close = checkpoint_before;
        let restored = self.read(|conn| Ok(conn.pragma_update(None, "synchronous", "FULL")?));
        let changed = changed?;
        restored?;
        if changed == 0 {
            return Err(self.not_found(name));
        }
        Ok(())
    }

    /// The last answers remembered for `name`, if any.
    pub fn last_answers(&self, name: &str) -> Result<Option<LastAnswers>> {
        let row: Option<(u32, String, String)> = self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT version, answers, used_at FROM fill_history WHERE recipe_id =
                   (SELECT id FROM recipes WHERE name = ?1 AND (?2 IS NULL OR namespace = ?2)
                    ORDER BY namespace LIMIT 1)",
                    params![split_address(name).1, split_address(name).0],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?)
        })?;
        let Some((version, answers, used_at)) = row else {
            return Ok(None);
        };
        let answers: Map<String, Value> = serde_json::from_str(&answers).map_err(|e| {
            Error::library(format!(
                "the remembered answers for `{name}` in {} are damaged: {e}",
                self.path.display()
            ))
            .hint("give the values again without --again; the next render replaces them")
        })?;
        Ok(Some(LastAnswers {
            recipe: name.to_string(),
            version,
            answers,
            used_at,
        }))
    }

    /// The recipe whose answers were remembered most recently, for `fill --again` without a
    /// name.
    pub fn last_answered(&self) -> Result<Option<String>> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                "SELECT CASE WHEN r.namespace = '' THEN r.name ELSE r.namespace || '/' || r.name END
                 FROM fill_history h JOIN recipes r ON r.id = h.recipe_id
                 ORDER BY h.used_at DESC, h.rowid DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
        })
    }
}
