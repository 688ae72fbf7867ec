//! Storing recipes: adding (a new recipe, a new version, or nothing when the text is
//! unchanged), writing a version with its tags and search entry, and removing.

use rusqlite::{OptionalExtension, params};

use super::sql::Sql;
use super::{AddOutcome, Library, address, content_hash};
use crate::error::Result;
use crate::recipe::Recipe;

impl Library {
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
        self.write(|tx| -> Sql<_> {
            let mut outcomes = Vec::new();
            for (recipe, yaml, wanted) in recipes {
                let namespace = match wanted {
                    Some(ns) if exists_in(tx, ns, recipe.name())? => ns.to_string(),
                    _ => namespace_for_add(tx, recipe.name())?,
                };
                outcomes.push(put_in(tx, &namespace, recipe, yaml)?.outcome);
            }
            Ok(outcomes)
        })
    }

    /// Removes `name` and all its versions. (A pack's recipe that the user removed is not
    /// brought back by the pack's updates.)
    pub fn remove(&mut self, name: &str) -> Result<()> {
        let (id, _, _) = self.resolve(name)?;
        self.write(|tx| -> Sql<_> { Ok(delete(tx, id)?) })
    }
}

/// Deletes recipe `id` and all its versions inside a transaction.
pub(super) fn delete(tx: &rusqlite::Transaction<'_>, id: i64) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM recipes_fts WHERE rowid = ?1", [id])?;
    tx.execute("DELETE FROM fill_history WHERE recipe_id = ?1", [id])?;
    tx.execute("DELETE FROM recipe_tags WHERE recipe_id = ?1", [id])?;
    tx.execute("DELETE FROM recipe_snippets WHERE recipe_id = ?1", [id])?;
    tx.execute("DELETE FROM recipe_versions WHERE recipe_id = ?1", [id])?;
    tx.execute("DELETE FROM recipes WHERE id = ?1", [id])?;
    Ok(())
}

/// SQL for the current time, as stored in every `*_at` column.
pub(super) const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

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
pub(super) struct Put {
    pub id: i64,
    pub outcome: AddOutcome,
}

/// Adds or updates one recipe in `namespace` ('' for the user's own) inside a transaction.
/// Statements are cached: installing a pack calls this thousands of times in one transaction.
pub(super) fn put_in(
    tx: &rusqlite::Transaction<'_>,
    namespace: &str,
    recipe: &Recipe,
    yaml: &str,
) -> Sql<Put> {
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
            let version = write_version(tx, id, recipe, yaml, &hash, Becomes::Current)?;
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
            write_version(tx, id, recipe, yaml, &hash, Becomes::First)?;
            Ok(Put {
                id,
                outcome: AddOutcome::Added { name },
            })
        }
    }
}

/// What a version stored by [`write_version`] becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Becomes {
    /// The version people get: title, tags and the search index follow it.
    Current,
    /// The first version of a recipe row just created: current, with no tags or search
    /// entry to replace.
    First,
    /// Kept in the history only (a pack's new version of a recipe the user changed).
    History,
}

/// Stores `yaml` as the next version of recipe `id` and returns its number.
pub(super) fn write_version(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    recipe: &Recipe,
    yaml: &str,
    hash: &str,
    becomes: Becomes,
) -> Sql<u32> {
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
    if becomes == Becomes::History {
        return Ok(version);
    }
    super::snippets::record_uses(tx, id, recipe)?;
    if !recipe.compiled.snippets.is_empty() {
        let namespace: String = tx
            .prepare_cached("SELECT namespace FROM recipes WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        super::snippets::check_recipe(tx, &namespace, &address(&namespace, recipe.name()), recipe)?;
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
    if becomes == Becomes::Current {
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
