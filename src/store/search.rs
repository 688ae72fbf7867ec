//! Finding recipes: full-text search, and what a long-running face serves — a
//! [`Selection`] of the library, read in one query, with cheap change detection.

use rusqlite::params;

use super::read::{stored_columns, stored_row};
use super::{Library, MATCH_CLOSE, MATCH_OPEN, SHORT_NAME_SQL, SearchHit, StoredRecipe, unmark};
use crate::error::{Error, Result};
use crate::recipe::Recipe;

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

impl Library {
    /// Ranked full-text matches, each with a plain snippet and where the matched words are
    /// in it.
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
        self.rows(
            &sql,
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
        self.rows(&sql, [selection.tags_json()], stored_row)
    }

    /// A number that changes whenever another connection (another promptbook process)
    /// commits a change to the library file: SQLite's `PRAGMA data_version`. It reads no
    /// table, so a long-running face can poll it often; when it moves, compare
    /// [`Library::signature`] to learn whether the recipes it serves changed.
    pub fn data_version(&self) -> Result<i64> {
        self.read(|conn| Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?))
    }

    /// A fingerprint of the recipes in `selection`: their names, current versions and update
    /// times, and the snippets' versions (a changed snippet changes what recipes render). It
    /// changes when one of them is added, edited (a new version) or removed, and not when
    /// other tables change (remembered answers). Equal within one process only (not a stable hash).
    pub fn signature(&self, selection: &Selection) -> Result<u64> {
        use std::hash::{Hash, Hasher};
        let sql = format!(
            "SELECT r.namespace || '/' || r.name, r.current_version, r.updated_at FROM recipes r
             WHERE {SELECTED} ORDER BY r.name, r.namespace"
        );
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query([selection.tags_json()])?;
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            let mut count = 0u64;
            while let Some(row) = rows.next()? {
                let name: String = row.get(0)?;
                let version: i64 = row.get(1)?;
                let updated: String = row.get(2)?;
                (name, version, updated).hash(&mut hasher);
                count += 1;
            }
            count.hash(&mut hasher);
            // A changed snippet changes what its recipes render: the page shows it anew.
            let mut stmt = conn.prepare_cached(
                "SELECT namespace, name, current_version FROM snippets ORDER BY name, namespace",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let (ns, name, version): (String, String, i64) =
                    (row.get(0)?, row.get(1)?, row.get(2)?);
                (ns, name, version).hash(&mut hasher);
            }
            Ok(hasher.finish())
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
