//! Snippets in the library: adding them (every version kept), reading, removing, and
//! gathering the snippets a recipe includes for its place — a pack's recipe finds its
//! pack's own snippets first, then the user's; the user's recipes find the user's, and
//! `pack/name` names a pack's exactly.
//!
//! The checks live here too, inside the write transaction, so no path stores a recipe that
//! includes a missing snippet or a snippet that reads a variable its recipes lack.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::sql::Sql;
use super::write::NOW;
use super::{AddOutcome, Library, address, content_hash, split_address};
use crate::error::{Error, Result, did_you_mean};
use crate::recipe::snippet::{
    Found, MAX_SNIPPET_DEPTH, Snippet, SnippetSet, check_uses, problems_in,
};
use crate::recipe::{Diagnostic, Invalid, Recipe, SnippetUse};

/// A snippet as stored: one version's YAML.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredSnippet {
    /// `pack/name` for a pack's snippet, the bare name for the user's own.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pack: Option<String>,
    pub version: u32,
    pub yaml: String,
    pub hash: String,
    pub created_at: String,
}

impl StoredSnippet {
    /// Parses the stored YAML (checked when it was added).
    pub fn parse(&self) -> Result<Snippet> {
        Snippet::parse(&self.yaml, &format!("{} (v{})", self.name, self.version))
            .map_err(Error::from)
    }
}

/// What `snippet list` shows of a snippet.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SnippetSummary {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pack: Option<String>,
    pub description: String,
    pub version: u32,
    pub updated_at: String,
}

const STORED_COLUMNS: &str = "s.namespace, s.name, v.version, v.yaml, v.hash, v.created_at";

fn stored_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredSnippet> {
    let namespace: String = r.get(0)?;
    Ok(StoredSnippet {
        name: address(&namespace, &r.get::<_, String>(1)?),
        pack: (!namespace.is_empty()).then_some(namespace),
        version: r.get(2)?,
        yaml: r.get(3)?,
        hash: r.get(4)?,
        created_at: r.get(5)?,
    })
}

impl Library {
    /// The current version of snippet `name`: `pack/name`, or a bare name, which finds the
    /// user's own, else the only pack's snippet of that name.
    pub fn snippet(&self, name: &str) -> Result<StoredSnippet> {
        let id = self.snippet_id(name)?;
        self.read(|conn| {
            Ok(conn.query_row(
                &format!(
                    "SELECT {STORED_COLUMNS} FROM snippets s
                     JOIN snippet_versions v ON v.snippet_id = s.id AND v.version = s.current_version
                     WHERE s.id = ?1"
                ),
                [id],
                stored_row,
            )?)
        })
    }

    /// Every version of snippet `name`, oldest first.
    pub fn snippet_history(&self, name: &str) -> Result<Vec<StoredSnippet>> {
        let id = self.snippet_id(name)?;
        self.rows(
            &format!(
                "SELECT {STORED_COLUMNS} FROM snippets s
                 JOIN snippet_versions v ON v.snippet_id = s.id WHERE s.id = ?1 ORDER BY v.version"
            ),
            [id],
            stored_row,
        )
    }

    /// One version of snippet `name`.
    pub fn snippet_version(&self, name: &str, version: u32) -> Result<StoredSnippet> {
        let all = self.snippet_history(name)?;
        let last = all.last().map_or(0, |s| s.version);
        all.into_iter()
            .find(|s| s.version == version)
            .ok_or_else(|| {
                Error::not_found(format!("the snippet `{name}` has no version {version}")).hint(
                    format!(
                        "its versions are 1 to {last}; `promptbook snippet history {name}` lists them"
                    ),
                )
            })
    }

    /// Every snippet, by name.
    pub fn snippets(&self) -> Result<Vec<SnippetSummary>> {
        self.rows(
            "SELECT s.namespace, s.name, s.description, s.current_version, s.updated_at
             FROM snippets s ORDER BY s.name, s.namespace",
            [],
            |r| {
                let namespace: String = r.get(0)?;
                Ok(SnippetSummary {
                    name: address(&namespace, &r.get::<_, String>(1)?),
                    pack: (!namespace.is_empty()).then_some(namespace),
                    description: r.get(2)?,
                    version: r.get(3)?,
                    updated_at: r.get(4)?,
                })
            },
        )
    }

    /// Stores each snippet (with its exact YAML) as the user's own, in one transaction: new
    /// names are added, changed ones get a new version, identical ones change nothing. A
    /// pack's snippet of the same name is left alone (a pack's recipe keeps finding its own
    /// first); [`Library::save_snippet`] changes a pack's snippet.
    /// Refused, storing nothing, when a snippet includes one the library lacks, forms a
    /// cycle, or reads a variable that a recipe including it does not declare.
    /// Each entry is (snippet, its YAML, the file it came from, for messages).
    pub fn add_snippets(
        &mut self,
        snippets: &[(Snippet, String, String)],
    ) -> Result<Vec<AddOutcome>> {
        self.write(|tx| -> Sql<_> {
            let mut outcomes = Vec::new();
            let mut written = Vec::new();
            for (snippet, yaml, origin) in snippets {
                let (id, outcome) = put_snippet(tx, "", snippet, yaml)?;
                written.push((id, snippet, origin));
                outcomes.push(outcome);
            }
            for (id, snippet, origin) in written {
                check_snippet(tx, id, snippet, origin)?;
            }
            Ok(outcomes)
        })
    }

    /// Stores `snippet` as the next version of the snippet `name` (an edit or a revert),
    /// with the same checks as [`Library::add_snippets`]; `origin` names the text in messages.
    pub fn save_snippet(
        &mut self,
        name: &str,
        snippet: &Snippet,
        yaml: &str,
        origin: &str,
    ) -> Result<AddOutcome> {
        self.save_snippet_at(name, None, snippet, yaml, origin)
    }

    /// [`Library::save_snippet`] for a text made from version `base` (an editor session, a
    /// revert): if another process stored a newer version meanwhile, nothing is stored, so
    /// no one's change is silently replaced.
    pub fn save_snippet_on(
        &mut self,
        name: &str,
        base: u32,
        snippet: &Snippet,
        yaml: &str,
        origin: &str,
    ) -> Result<AddOutcome> {
        self.save_snippet_at(name, Some(base), snippet, yaml, origin)
    }

    fn save_snippet_at(
        &mut self,
        name: &str,
        base: Option<u32>,
        snippet: &Snippet,
        yaml: &str,
        origin: &str,
    ) -> Result<AddOutcome> {
        let id = self.snippet_id(name)?;
        let stored = self.snippet(name)?;
        if snippet.name() != split_address(&stored.name).1 {
            return Err(Error::usage(format!(
                "the snippet is named `{}`, but you are editing `{name}`",
                snippet.name()
            ))
            .hint(format!(
                "keep `name: {}`; to make a new snippet, save it to a file and `promptbook snippet add` it",
                split_address(&stored.name).1
            )));
        }
        let namespace = stored.pack.unwrap_or_default();
        self.write(|tx| -> Sql<_> {
            let current: u32 = tx.query_row(
                "SELECT current_version FROM snippets WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if let Some(base) = base.filter(|b| *b != current) {
                return Err(Error::failed(format!(
                    "the snippet `{name}` changed while you were editing it: it is now at version {current}, and your text was made from version {base}"
                ))
                .hint(format!(
                    "see what changed with `promptbook snippet diff {name} {base} {current}`"
                ))
                .into());
            }
            let (written, outcome) = put_snippet(tx, &namespace, snippet, yaml)?;
            debug_assert_eq!(written, id);
            check_snippet(tx, id, snippet, origin)?;
            Ok(outcome)
        })
    }

    /// Removes snippet `name` and all its versions; refused while recipes include it.
    pub fn remove_snippet(&mut self, name: &str) -> Result<()> {
        let id = self.snippet_id(name)?;
        self.refuse_if_used(name)?;
        self.write(|tx| -> Sql<_> {
            tx.execute("DELETE FROM snippet_versions WHERE snippet_id = ?1", [id])?;
            tx.execute("DELETE FROM snippets WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// The error [`Library::remove_snippet`] gives while recipes include snippet `name`
    /// (naming them), so a face can refuse before it asks for a confirmation.
    pub fn refuse_if_used(&self, name: &str) -> Result<()> {
        let users = self.snippet_users(name)?;
        let id = self.snippet_id(name)?;
        let includers = self.read(|conn| includers_of(conn, id))?;
        if users.is_empty() && !includers.is_empty() {
            return Err(Error::usage(format!(
                "the snippet `{name}` is included by {}: {}",
                plural(includers.len(), "other snippet"),
                includers
                    .iter()
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .hint(format!(
                "remove `{{{{> {}}}}}` from them first (`promptbook snippet edit SNIPPET`), or keep it",
                split_address(name).1
            )));
        }
        if !users.is_empty() {
            return Err(Error::usage(format!(
                "the snippet `{name}` is used by {}: {}",
                plural(users.len(), "recipe"),
                users.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", ")
            ))
            .hint(format!(
                "remove `{{{{> {}}}}}` from them first (`promptbook edit RECIPE`), or keep the snippet",
                split_address(name).1
            )));
        }
        Ok(())
    }

    /// The recipes that include snippet `name`, directly or through other snippets, by
    /// their full names.
    pub fn snippet_users(&self, name: &str) -> Result<Vec<String>> {
        let id = self.snippet_id(name)?;
        self.read(|conn| Ok(users_of(conn, id)?.into_iter().map(|u| u.1).collect()))
    }

    /// The snippets `recipe` includes, found for its place (`pack`: the pack it belongs to).
    pub fn snippets_for(&self, recipe: &Recipe, pack: Option<&str>) -> Result<SnippetSet> {
        if recipe.compiled.snippets.is_empty() {
            return Ok(SnippetSet::default());
        }
        self.read(|conn| gather(conn, pack.unwrap_or(""), &recipe.compiled.snippets))
    }

    /// The snippets `uses` name, found from `pack`'s place (and those they include).
    pub fn snippets_named(&self, pack: Option<&str>, uses: &[SnippetUse]) -> Result<SnippetSet> {
        self.read(|conn| gather(conn, pack.unwrap_or(""), uses))
    }

    fn snippet_id(&self, name: &str) -> Result<i64> {
        let (pack, bare) = split_address(name);
        let found: Vec<(i64, String)> = self.rows(
            "SELECT id, namespace FROM snippets
             WHERE name = ?1 AND (?2 IS NULL OR namespace = ?2) ORDER BY namespace LIMIT 3",
            params![bare, pack],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        match found.as_slice() {
            [] => {
                let mut e = Error::not_found(format!("no snippet named `{name}` in the library"));
                let names: Vec<String> = self.snippets()?.into_iter().map(|s| s.name).collect();
                if let Some(close) = did_you_mean(name, names.iter().map(String::as_str)) {
                    e = e.hint(format!("did you mean `{close}`?"));
                }
                Err(e.hint("`promptbook snippet list` shows the snippets; `promptbook snippet add FILE` adds one"))
            }
            [one] => Ok(one.0),
            [first, ..] if first.1.is_empty() || pack.is_some() => Ok(first.0),
            several => Err(Error::usage(format!(
                "the snippet `{name}` is in more than one pack: {}",
                several
                    .iter()
                    .map(|(_, ns)| format!("`{}`", address(ns, bare)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .hint(format!(
                "name one with its pack, e.g. `{}`",
                address(&several[0].1, bare)
            ))),
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Adds or updates one snippet in `namespace`; returns its id and what happened.
pub(super) fn put_snippet(
    tx: &Transaction<'_>,
    namespace: &str,
    snippet: &Snippet,
    yaml: &str,
) -> rusqlite::Result<(i64, AddOutcome)> {
    let name = address(namespace, snippet.name());
    let hash = content_hash(yaml);
    let existing: Option<(i64, u32, String)> = tx
        .prepare_cached(
            "SELECT s.id, s.current_version, v.hash FROM snippets s
             JOIN snippet_versions v ON v.snippet_id = s.id AND v.version = s.current_version
             WHERE s.name = ?1 AND s.namespace = ?2",
        )?
        .query_row(params![snippet.name(), namespace], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let id = match existing {
        Some((id, version, old)) if old == hash => {
            return Ok((id, AddOutcome::Unchanged { name, version }));
        }
        Some((id, _, _)) => id,
        None => {
            tx.prepare_cached(&format!(
                "INSERT INTO snippets (namespace, name, description, current_version, created_at, updated_at)
                 VALUES (?1, ?2, '', 0, {NOW}, {NOW})"
            ))?
            .execute(params![namespace, snippet.name()])?;
            tx.last_insert_rowid()
        }
    };
    let version: u32 = tx
        .prepare_cached(
            "SELECT coalesce(max(version), 0) + 1 FROM snippet_versions WHERE snippet_id = ?1",
        )?
        .query_row([id], |r| r.get(0))?;
    tx.prepare_cached(&format!(
        "INSERT INTO snippet_versions (snippet_id, version, yaml, hash, template, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, {NOW})"
    ))?
    .execute(params![id, version, yaml, hash, snippet.def.template.value])?;
    tx.prepare_cached(&format!(
        "UPDATE snippets SET description = ?2, current_version = ?3, updated_at = {NOW} WHERE id = ?1"
    ))?
    .execute(params![id, snippet.def.description, version])?;
    Ok((
        id,
        if version == 1 {
            AddOutcome::Added { name }
        } else {
            AddOutcome::Updated { name, version }
        },
    ))
}

/// The current version of the snippet `name` as found from `namespace`: `pack/name`
/// exactly, a bare name in `namespace` first, then the user's.
fn lookup(
    conn: &Connection,
    namespace: &str,
    name: &str,
) -> rusqlite::Result<Option<(String, u32, String)>> {
    let (pack, bare) = split_address(name);
    conn.prepare_cached(
        "SELECT s.namespace, v.version, v.template FROM snippets s
         JOIN snippet_versions v ON v.snippet_id = s.id AND v.version = s.current_version
         WHERE s.name = ?1 AND (CASE WHEN ?2 IS NULL THEN s.namespace IN (?3, '') ELSE s.namespace = ?2 END)
         ORDER BY s.namespace = '' LIMIT 1",
    )?
    .query_row(params![bare, pack, namespace], |r| {
        Ok((address(&r.get::<_, String>(0)?, bare), r.get(1)?, r.get(2)?))
    })
    .optional()
}

/// The snippets reachable from `uses`, found from `namespace` ('' for the user's recipes),
/// one level past [`MAX_SNIPPET_DEPTH`] at most (so the check can say it is too deep).
pub(super) fn gather(conn: &Connection, namespace: &str, uses: &[SnippetUse]) -> Sql<SnippetSet> {
    let mut set = SnippetSet::default();
    let mut queue: VecDeque<(String, usize)> = uses.iter().map(|u| (u.name.clone(), 1)).collect();
    let mut seen = HashSet::new();
    while let Some((name, depth)) = queue.pop_front() {
        if depth > MAX_SNIPPET_DEPTH + 1 || !seen.insert(name.clone()) {
            continue;
        }
        match lookup(conn, namespace, &name)? {
            Some((full_name, version, template)) => {
                let origin = format!("snippet {full_name} (v{version})");
                let snippet = Snippet::stored(split_address(&full_name).1, &template, &origin)
                    .map_err(Error::from)?;
                queue.extend(
                    snippet
                        .uses
                        .snippets
                        .iter()
                        .map(|u| (u.name.clone(), depth + 1)),
                );
                set.found.insert(
                    name,
                    Found {
                        full_name,
                        version,
                        snippet: Arc::new(snippet),
                    },
                );
            }
            None => set.missing.push(name),
        }
    }
    if !set.missing.is_empty() {
        set.available = conn
            .prepare_cached(
                "SELECT CASE WHEN namespace IN (?1, '') THEN name ELSE namespace || '/' || name END
                 FROM snippets ORDER BY 1",
            )?
            .query_map([namespace], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(set)
}

/// Refuses `recipe` (stored in `namespace` under `name`) when its snippets are wrong; part
/// of every write of a recipe's current version.
pub(super) fn check_recipe(
    conn: &Connection,
    namespace: &str,
    name: &str,
    recipe: &Recipe,
) -> Sql<()> {
    if recipe.compiled.snippets.is_empty() {
        return Ok(());
    }
    let set = gather(conn, namespace, &recipe.compiled.snippets)?;
    let diagnostics = problems_in(recipe, &set);
    if diagnostics.is_empty() {
        return Ok(());
    }
    Err(Error::from(Invalid {
        origin: name.to_string(),
        diagnostics,
    })
    .into())
}

/// Snippet `id`'s full name (`pack/name`, or the bare name for the user's own).
pub(super) fn snippet_address(conn: &Connection, id: i64) -> Sql<String> {
    let (namespace, bare): (String, String) = conn.query_row(
        "SELECT namespace, name FROM snippets WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(address(&namespace, &bare))
}

/// The snippets whose current version includes snippet `id` (found from their own place),
/// by full name.
pub(super) fn includers_of(conn: &Connection, id: i64) -> Sql<Vec<String>> {
    let target = snippet_address(conn, id)?;
    let all: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT s.namespace, s.name, v.template FROM snippets s
             JOIN snippet_versions v ON v.snippet_id = s.id AND v.version = s.current_version
             WHERE s.id <> ?1 AND instr(v.template, '>') > 0 ORDER BY s.name, s.namespace",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (ns, name, template) in all {
        let full = address(&ns, &name);
        let Ok(snippet) = Snippet::stored(&name, &template, &full) else {
            continue;
        };
        for u in &snippet.uses.snippets {
            if lookup(conn, &ns, &u.name)?.is_some_and(|(found, _, _)| found == target) {
                out.push(full);
                break;
            }
        }
    }
    Ok(out)
}

/// Records which snippets the current version of recipe `id` includes.
pub(super) fn record_uses(tx: &Transaction<'_>, id: i64, recipe: &Recipe) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM recipe_snippets WHERE recipe_id = ?1")?
        .execute([id])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO recipe_snippets (recipe_id, snippet) VALUES (?1, ?2)",
    )?;
    for u in &recipe.compiled.snippets {
        insert.execute(params![id, u.name])?;
    }
    Ok(())
}

/// The recipes whose snippets include snippet `id` (found from their own place), as
/// (recipe id, full name, namespace), by name.
pub(super) fn users_of(conn: &Connection, id: i64) -> Sql<Vec<(i64, String, String)>> {
    let candidates: Vec<(i64, String, String, Option<String>, String)> = conn
        .prepare_cached(
            "SELECT DISTINCT r.id, r.namespace, r.name, v.render_form, v.yaml FROM recipe_snippets u
             JOIN recipes r ON r.id = u.recipe_id
             JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
             ORDER BY r.name, r.namespace",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let target = snippet_address(conn, id)?;
    let mut users = Vec::new();
    for (recipe_id, ns, name, form, yaml) in candidates {
        let full = address(&ns, &name);
        let Ok(recipe) = Recipe::from_render_form(form.as_deref(), &yaml, &full) else {
            continue;
        };
        let set = gather(conn, &ns, &recipe.compiled.snippets)?;
        if set.found.values().any(|f| f.full_name == target) {
            users.push((recipe_id, full, ns));
        }
    }
    Ok(users)
}

/// After snippet `id` was written as `snippet`: refuses it when it includes a snippet the
/// library lacks, closes a cycle or nests too deep (at its own `{{> …}}`), or reads a
/// variable that a recipe including it does not declare (at the variable, naming the
/// recipes).
pub(super) fn check_snippet(
    tx: &Transaction<'_>,
    id: i64,
    snippet: &Snippet,
    origin: &str,
) -> Sql<()> {
    let namespace: String =
        tx.query_row("SELECT namespace FROM snippets WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    let set = gather(tx, &namespace, &snippet.uses.snippets)?;
    let mut diagnostics = check_uses(
        &snippet.uses.snippets,
        |_| true,
        &set,
        Vec::new,
        Some(snippet.name()),
    );
    if diagnostics.is_empty() {
        let users = users_of(tx, id)?;
        let mut recipes = Vec::new();
        for (recipe_id, name, ns) in &users {
            let (form, yaml): (Option<String>, String) = tx.query_row(
                "SELECT v.render_form, v.yaml FROM recipes r
                 JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
                 WHERE r.id = ?1",
                [recipe_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if let Ok(recipe) = Recipe::from_render_form(form.as_deref(), &yaml, name) {
                recipes.push((name.clone(), ns.clone(), recipe));
            }
        }
        for (var, at) in &snippet.uses.vars {
            let lacking: Vec<&str> = recipes
                .iter()
                .filter(|(_, _, r)| {
                    var != crate::recipe::EXAMPLES_VAR && !r.variables.contains_key(var)
                })
                .map(|(n, _, _)| n.as_str())
                .collect();
            if !lacking.is_empty() {
                diagnostics.push(
                    Diagnostic::error(
                        format!(
                            "the snippet uses `{var}`, which {} including it {} not declare: {}",
                            plural(lacking.len(), "recipe"),
                            if lacking.len() == 1 { "does" } else { "do" },
                            lacking.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                        ),
                        Some(*at),
                    )
                    .hint(format!(
                        "declare `{var}` in those recipes first (`promptbook edit {}`), or leave it out of the snippet",
                        lacking[0]
                    )),
                );
            }
        }
        if diagnostics.is_empty() {
            for (name, ns, recipe) in &recipes {
                check_recipe(tx, ns, name, recipe)?;
            }
        }
    }
    if diagnostics.is_empty() {
        return Ok(());
    }
    Err(Error::from(Invalid {
        origin: origin.to_string(),
        diagnostics,
    })
    .into())
}
