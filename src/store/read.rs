//! Reading recipes: one by name (the render path), one version, every version's number,
//! every name, and the summaries `list` shows. Names are resolved here, in one place.

use rusqlite::{OptionalExtension, params};

use super::{Library, SHORT_NAME_SQL, StoredRecipe, Summary, VersionInfo, address, split_address};
use crate::error::{Error, Result, did_you_mean};
use crate::recipe::Recipe;

/// The columns [`stored_row`] reads, in its order.
macro_rules! stored_columns {
    () => {
        "r.name, r.namespace, v.version, v.yaml, v.hash, v.created_at, v.render_form"
    };
}
pub(super) use stored_columns;

/// Reads a [`StoredRecipe`] from the columns of `stored_columns!()`.
pub(super) fn stored_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRecipe> {
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

impl Library {
    /// The packs that hold a recipe named `name` (bare), sorted.
    pub fn packs_with(&self, name: &str) -> Result<Vec<String>> {
        self.rows(
            "SELECT namespace FROM recipes WHERE name = ?1 AND namespace <> '' ORDER BY namespace",
            [name],
            |r| r.get(0),
        )
    }

    /// The current version of `name`: `pack/recipe`, or a bare name, which finds the user's own
    /// recipe, else the only pack recipe of that name (and fails listing them when several
    /// packs have one). One indexed lookup: this is the render path.
    pub fn get(&self, name: &str) -> Result<StoredRecipe> {
        let (pack, bare) = split_address(name);
        let found = self.read(|conn| {
            let mut stmt = conn.prepare_cached(concat!(
                "SELECT ",
                stored_columns!(),
                " FROM recipes r
                 JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
                 WHERE r.name = ?1 AND (?2 IS NULL OR r.namespace = ?2) ORDER BY r.namespace"
            ))?;
            let mut rows = stmt.query(params![bare, pack])?;
            let Some(first) = rows.next()?.map(stored_row).transpose()? else {
                return Ok(None);
            };
            let unique = first.pack.is_none() || pack.is_some() || rows.next()?.is_none();
            Ok(Some((first, unique)))
        })?;
        match found {
            None => Err(self.not_found(name)),
            Some((first, true)) => Ok(first),
            Some((_, false)) => Err(self.ambiguous(bare)),
        }
    }

    /// The recipe's id, namespace and name, resolved like [`Library::get`].
    pub(super) fn resolve(&self, name: &str) -> Result<(i64, String, String)> {
        let (pack, bare) = split_address(name);
        let found: Vec<(i64, String, String)> = self.rows(
            "SELECT id, namespace, name FROM recipes
             WHERE name = ?1 AND (?2 IS NULL OR namespace = ?2) ORDER BY namespace LIMIT 2",
            params![bare, pack],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
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
            .rows(
                "SELECT namespace FROM recipes WHERE name = ?1 ORDER BY namespace",
                [name],
                |r| Ok(address(&r.get::<_, String>(0)?, name)),
            )
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
        let found = self.read(|conn| {
            Ok(conn
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
                .optional()?)
        })?;
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
        let rows = self.rows(
            "SELECT version, hash, created_at FROM recipe_versions
             WHERE recipe_id = ?1 ORDER BY version",
            [id],
            |r| {
                Ok(VersionInfo {
                    version: r.get(0)?,
                    hash: r.get(1)?,
                    created_at: r.get(2)?,
                })
            },
        )?;
        self.found(name, rows)
    }

    /// Every stored version of `name`, oldest first, with its text: what `history` shows.
    pub fn all_versions(&self, name: &str) -> Result<Vec<StoredRecipe>> {
        let (id, _, _) = self.resolve(name)?;
        let rows = self.rows(
            concat!(
                "SELECT ",
                stored_columns!(),
                " FROM recipes r
                 JOIN recipe_versions v ON v.recipe_id = r.id WHERE r.id = ?1 ORDER BY v.version"
            ),
            [id],
            stored_row,
        )?;
        self.found(name, rows)
    }

    /// `rows`, or "no recipe named …" when there are none (it was removed meanwhile).
    fn found<T>(&self, name: &str, rows: Vec<T>) -> Result<Vec<T>> {
        if rows.is_empty() {
            return Err(self.not_found(name));
        }
        Ok(rows)
    }

    /// "No recipe named …", with the closest name and where to look.
    pub(super) fn not_found(&self, name: &str) -> Error {
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
        self.rows(
            &format!("SELECT {SHORT_NAME_SQL} FROM recipes r ORDER BY r.name, r.namespace"),
            [],
            |r| r.get(0),
        )
    }

    /// Recipe summaries, by name, optionally only those with `tag`.
    pub fn list(&self, tag: Option<&str>) -> Result<Vec<Summary>> {
        let sql = format!(
            "SELECT {SHORT_NAME_SQL}, r.title, r.description, r.tags, r.model_prefer, r.current_version, r.updated_at, r.namespace
             FROM recipes r WHERE ?1 IS NULL OR r.id IN (SELECT recipe_id FROM recipe_tags WHERE tag = ?1)
             ORDER BY r.name, r.namespace"
        );
        self.rows(&sql, [tag], |r| {
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
    }
}
