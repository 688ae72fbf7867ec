//! The packs' tables (`packs`, `pack_recipes`, `pack_snippets`): what each installed pack
//! recorded, and the writes that install, update and remove a pack, each in one transaction.
//! The pack module decides what to do (a plan of [`PackStep`]s); these calls do it, and check
//! at the end that every recipe left still finds its snippets.

use rusqlite::{OptionalExtension, Transaction, params};

use super::snippets::{check_recipe, check_snippet, gather, includers_of, put_snippet, users_of};
use super::sql::Sql;
use super::write::{Becomes, NOW, delete, put_in, write_version};
use super::{Library, address};
use crate::error::{Error, Result};
use crate::recipe::snippet::{Snippet, problems_in as problems};
use crate::recipe::{Recipe, SnippetUse};

/// A recipe row, as the pack module names it between planning and applying (the recipe may
/// be renamed or moved meanwhile; its row stays).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecipeId(i64);

/// A snippet row, as the pack module names it between planning and applying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SnippetId(i64);

/// Where an installed pack came from, as recorded in the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `folder`, `bundle` or `git`.
    pub kind: String,
    /// The folder or bundle path, or the git URL.
    pub location: String,
    /// The git ref asked for (`None`: the default branch).
    pub reference: Option<String>,
    /// The commit the ref resolved to (git only).
    pub commit: Option<String>,
}

/// An installed pack, as recorded when it was installed or last updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackRecord {
    pub name: String,
    pub version: String,
    /// The manifest, as JSON.
    pub manifest: String,
    pub origin: Origin,
    pub installed_at: String,
    pub updated_at: String,
}

/// One recipe a pack installed: the record, and how the recipe stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackLink {
    /// The recipe's name in the pack.
    pub name: String,
    /// Its path in the pack.
    pub file: String,
    /// sha256 of the YAML the pack last delivered.
    pub pack_hash: String,
    /// The recipe; `None` when the user removed it.
    pub recipe: Option<RecipeId>,
    /// sha256 of its current version; `None` when the user removed it.
    pub current_hash: Option<String>,
}

/// What an install kept in the history because the user's version differs: (full name,
/// version) of recipes, then of snippets.
pub type KeptVersions = (Vec<(String, u32)>, Vec<(String, u32)>);

/// One snippet a pack installed: the record, and how the snippet stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetLink {
    /// The snippet's name in the pack.
    pub name: String,
    /// Its path in the pack (under `snippets/`).
    pub file: String,
    /// sha256 of the YAML the pack last delivered.
    pub pack_hash: String,
    /// The snippet; `None` when the user removed it.
    pub snippet: Option<SnippetId>,
    /// sha256 of its current version; `None` when the user removed it.
    pub current_hash: Option<String>,
}

/// What a pack is and where it came from, for an install or an update.
#[derive(Debug, Clone, Copy)]
pub struct PackSource<'a> {
    pub name: &'a str,
    pub version: &'a str,
    /// The manifest, as JSON.
    pub manifest: &'a str,
    pub origin: &'a Origin,
    /// Put before a file's path in messages (the pack folder, the bundle's name), so a
    /// problem found while writing names a file the person can open.
    pub display: &'a str,
}

/// One validated recipe of a pack.
#[derive(Debug, Clone)]
pub struct PackRecipe {
    /// Its path inside the pack.
    pub file: String,
    pub recipe: Recipe,
    /// The exact YAML text.
    pub yaml: String,
    /// sha256 of `yaml`, hex.
    pub hash: String,
}

/// One validated snippet of a pack (a `.yaml` file under its `snippets/` folder).
#[derive(Debug, Clone)]
pub struct PackSnippet {
    /// Its path inside the pack.
    pub file: String,
    pub snippet: Snippet,
    /// The exact YAML text.
    pub yaml: String,
    /// sha256 of `yaml`, hex.
    pub hash: String,
}

/// One thing an update or a removal does to a pack's recipe or snippet. Every step that
/// takes a [`PackRecipe`] or a [`PackSnippet`] also records it as the pack's (name, file,
/// hash). The pack module orders them: snippets written, snippets removed or kept, then
/// recipes, so each recipe is checked against the snippets it will have.
#[derive(Debug, Clone, Copy)]
pub enum PackStep<'a> {
    /// Store the recipe in the pack's namespace (a new recipe, or a new version of one there).
    Add(&'a PackRecipe),
    /// Store the pack's version of recipe `id`: the current one, or (not `current`) one kept
    /// in its history, reported as [`Done::Version`].
    NewVersion {
        id: RecipeId,
        file: &'a PackRecipe,
        current: bool,
    },
    /// Record the pack's file, leaving the recipe (or its absence) as it is.
    Record {
        id: Option<RecipeId>,
        file: &'a PackRecipe,
    },
    /// Delete recipe `id`, the pack's `name`, and its record.
    Remove { id: RecipeId, name: &'a str },
    /// Make recipe `id` the user's own (reported as [`Done::Renamed`]) and drop its record.
    KeepAsOwn { id: RecipeId, name: &'a str },
    /// Drop the record of the pack's `name`.
    Forget { name: &'a str },
    /// Store the snippet in the pack's namespace (new, or a new version of one there).
    SnippetAdd(&'a PackSnippet),
    /// Store the pack's version of snippet `id`: current, or (not `current`) kept in its
    /// history, reported as [`Done::Version`].
    SnippetVersion {
        id: SnippetId,
        file: &'a PackSnippet,
        current: bool,
    },
    /// Record the pack's snippet file, leaving the snippet (or its absence) as it is.
    SnippetRecord {
        id: Option<SnippetId>,
        file: &'a PackSnippet,
    },
    /// Delete snippet `id`, the pack's `name`, and its record.
    SnippetRemove { id: SnippetId, name: &'a str },
    /// Keep snippet `id` as the user's own (reported as [`Done::Renamed`]) and drop its
    /// record: it becomes the user's snippet of its name when the user has none and no
    /// recipe names it `pack/name`; else it keeps its `pack/name`.
    SnippetKeep { id: SnippetId, name: &'a str },
    /// Drop the record of the pack's snippet `name`.
    SnippetForget { name: &'a str },
}

/// What a guarded step expects to find: the current version hash of a recipe or snippet
/// (`None`: that it is gone).
#[derive(Debug, Clone, Copy)]
pub enum Guard<'a> {
    Recipe(RecipeId, Option<&'a str>),
    Snippet(SnippetId, Option<&'a str>),
}

/// A step, and the current version hash its recipe or snippet must still have for it to
/// run: the plan was shown to the person, so a recipe changed since then stops the whole
/// change.
#[derive(Debug, Clone, Copy)]
pub struct Guarded<'a> {
    pub step: PackStep<'a>,
    pub expect: Option<Guard<'a>>,
}

/// What happens to the pack's own record.
#[derive(Debug, Clone, Copy)]
pub enum PackRecordChange<'a> {
    /// Record the new version, manifest and source.
    Update(PackSource<'a>),
    /// Delete the pack's record (what is left of its recipes stays as the user's).
    Delete(&'a str),
}

/// What one step did that the person must be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Nothing,
    /// The version number the pack's version was stored as.
    Version(u32),
    /// The full name the recipe has now.
    Renamed(String),
}

impl Library {
    /// The names of the installed packs, sorted.
    pub fn pack_names(&self) -> Result<Vec<String>> {
        self.rows("SELECT name FROM packs ORDER BY name", [], |r| r.get(0))
    }

    /// The record of pack `name` and its recipes, by file; `None` when it is not installed.
    pub fn pack(&self, name: &str) -> Result<Option<(PackRecord, Vec<PackLink>)>> {
        let record = self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT name, version, manifest, source_kind, source, ref, commit_id, installed_at, updated_at
                     FROM packs WHERE name = ?1",
                    [name],
                    |r| {
                        Ok(PackRecord {
                            name: r.get(0)?,
                            version: r.get(1)?,
                            manifest: r.get(2)?,
                            origin: Origin {
                                kind: r.get(3)?,
                                location: r.get(4)?,
                                reference: r.get(5)?,
                                commit: r.get(6)?,
                            },
                            installed_at: r.get(7)?,
                            updated_at: r.get(8)?,
                        })
                    },
                )
                .optional()?)
        })?;
        let Some(record) = record else {
            return Ok(None);
        };
        let links = self.rows(
            "SELECT pr.name, pr.file, pr.hash, pr.recipe_id, v.hash FROM pack_recipes pr
             LEFT JOIN recipes r ON r.id = pr.recipe_id
             LEFT JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
             WHERE pr.pack = ?1 ORDER BY pr.file",
            [&record.name],
            |r| {
                Ok(PackLink {
                    name: r.get(0)?,
                    file: r.get(1)?,
                    pack_hash: r.get(2)?,
                    recipe: r.get::<_, Option<i64>>(3)?.map(RecipeId),
                    current_hash: r.get(4)?,
                })
            },
        )?;
        Ok(Some((record, links)))
    }

    /// The manifest (JSON) pack `name` was installed or last updated with.
    pub fn pack_manifest(&self, name: &str) -> Result<Option<String>> {
        self.read(|conn| {
            Ok(conn
                .query_row("SELECT manifest FROM packs WHERE name = ?1", [name], |r| {
                    r.get(0)
                })
                .optional()?)
        })
    }

    /// Recipe `name` of pack `pack` (installed or left from an earlier install) and the hash
    /// of its current version.
    pub fn pack_recipe(&self, pack: &str, name: &str) -> Result<Option<(RecipeId, String)>> {
        self.read(|conn| Ok(current_of(conn, pack, name)?))
    }

    /// The latest stored YAML of recipe `id` whose hash is `hash` (empty if none).
    pub fn yaml_with_hash(&self, id: RecipeId, hash: &str) -> Result<String> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT yaml FROM recipe_versions WHERE recipe_id = ?1 AND hash = ?2
                     ORDER BY version DESC LIMIT 1",
                    params![id.0, hash],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or_default())
        })
    }

    /// The names of pack `pack`'s recipes that other recipes also have, each with the other
    /// namespaces ('' for the user's own), by name.
    pub fn pack_name_clashes(&self, pack: &str) -> Result<Vec<(String, Vec<String>)>> {
        self.rows(
            "SELECT r.name, group_concat(o.namespace, ' ') FROM recipes r
             JOIN recipes o ON o.name = r.name AND o.namespace <> r.namespace
             WHERE r.namespace = ?1 GROUP BY r.name ORDER BY r.name",
            [pack],
            |r| {
                let others: String = r.get(1)?;
                Ok((r.get(0)?, others.split(' ').map(str::to_string).collect()))
            },
        )
    }

    /// The snippets pack `name` installed, by file.
    pub fn pack_snippets(&self, name: &str) -> Result<Vec<SnippetLink>> {
        self.rows(
            "SELECT ps.name, ps.file, ps.hash, ps.snippet_id, v.hash FROM pack_snippets ps
             LEFT JOIN snippets s ON s.id = ps.snippet_id
             LEFT JOIN snippet_versions v ON v.snippet_id = s.id AND v.version = s.current_version
             WHERE ps.pack = ?1 ORDER BY ps.file",
            [name],
            |r| {
                Ok(SnippetLink {
                    name: r.get(0)?,
                    file: r.get(1)?,
                    pack_hash: r.get(2)?,
                    snippet: r.get::<_, Option<i64>>(3)?.map(SnippetId),
                    current_hash: r.get(4)?,
                })
            },
        )
    }

    /// Snippet `name` of pack `pack` (installed or left from an earlier install) and the
    /// hash of its current version.
    pub fn pack_snippet(&self, pack: &str, name: &str) -> Result<Option<(SnippetId, String)>> {
        self.read(|conn| Ok(snippet_current_of(conn, pack, name)?))
    }

    /// The latest stored YAML of snippet `id` whose hash is `hash` (empty if none).
    pub fn snippet_yaml_with_hash(&self, id: SnippetId, hash: &str) -> Result<String> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT yaml FROM snippet_versions WHERE snippet_id = ?1 AND hash = ?2
                     ORDER BY version DESC LIMIT 1",
                    params![id.0, hash],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or_default())
        })
    }

    /// The full names of the recipes that include snippet `id` (directly or through other
    /// snippets), as their current versions find it.
    /// Snippets outside its pack that include it count too (named `snippet NAME`): removing
    /// it would leave them including nothing.
    pub fn snippet_users_of(&self, id: SnippetId) -> Result<Vec<String>> {
        self.read(|conn| {
            let mut users: Vec<String> = users_of(conn, id.0)?.into_iter().map(|u| u.1).collect();
            let namespace: String = conn.query_row(
                "SELECT namespace FROM snippets WHERE id = ?1",
                [id.0],
                |r| r.get(0),
            )?;
            let own = format!("{namespace}/");
            users.extend(
                includers_of(conn, id.0)?
                    .into_iter()
                    .filter(|s| namespace.is_empty() || !s.starts_with(&own))
                    .map(|s| format!("snippet {s}")),
            );
            Ok(users)
        })
    }

    /// Installs a pack in one transaction: its record, its snippets, then each recipe in
    /// its namespace. A recipe or snippet left there by an earlier install keeps the user's
    /// version when it differs; the pack's is stored in its history, reported as (full
    /// name, version) — recipes first, then snippets. Every recipe's snippets are checked
    /// against the pack's and the user's before any recipe is written: problems (a snippet
    /// neither has, a variable a snippet reads that the recipe lacks) are gathered, each
    /// with its file, line and column, into one error made by `invalid`, and nothing is
    /// stored. `progress` is told how many recipes were stored, now and then.
    pub fn install_pack(
        &mut self,
        source: &PackSource<'_>,
        snippets: &[PackSnippet],
        files: &[PackRecipe],
        progress: &mut dyn FnMut(u64),
        invalid: &dyn Fn(Vec<String>) -> Error,
    ) -> Result<KeptVersions> {
        self.write(|tx| -> Sql<_> {
            tx.execute(
                &format!(
                    "INSERT INTO packs (name, version, manifest, source_kind, source, ref, commit_id, installed_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {NOW}, {NOW})"
                ),
                params![
                    source.name,
                    source.version,
                    source.manifest,
                    source.origin.kind,
                    source.origin.location,
                    source.origin.reference,
                    source.origin.commit
                ],
            )?;
            let mut kept_snippets = Vec::new();
            let mut written = Vec::with_capacity(snippets.len());
            for s in snippets {
                let id = match snippet_current_of(tx, source.name, s.snippet.name())? {
                    None => SnippetId(put_snippet(tx, source.name, &s.snippet, &s.yaml)?.0),
                    Some((id, current)) => {
                        if current != s.hash {
                            let v = snippet_history_version(tx, id, s)?;
                            kept_snippets.push((address(source.name, s.snippet.name()), v));
                        }
                        id
                    }
                };
                link_snippet(tx, source.name, Some(id), s)?;
                written.push((id, s));
            }
            for (id, s) in written {
                check_snippet(tx, id.0, &s.snippet, &format!("{}{}", source.display, s.file))?;
            }
            let mut found = Vec::new();
            for f in files.iter().filter(|f| !f.recipe.compiled.snippets.is_empty()) {
                let set = gather(tx, source.name, &f.recipe.compiled.snippets)?;
                let origin = format!("{}{}", source.display, f.file);
                found.extend(problems(&f.recipe, &set).iter().map(|d| d.render(&origin)));
            }
            if !found.is_empty() {
                return Err(invalid(found).into());
            }
            let mut kept = Vec::new();
            for (i, f) in files.iter().enumerate() {
                let id = match current_of(tx, source.name, f.recipe.name())? {
                    None => RecipeId(put_in(tx, source.name, &f.recipe, &f.yaml)?.id),
                    Some((id, current)) => {
                        if current != f.hash {
                            let v = write_version(tx, id.0, &f.recipe, &f.yaml, &f.hash, Becomes::History)?;
                            kept.push((address(source.name, f.recipe.name()), v));
                        }
                        id
                    }
                };
                link(tx, source.name, Some(id), f)?;
                if i % 256 == 255 {
                    progress(256);
                }
            }
            progress((files.len() % 256) as u64);
            Ok((kept, kept_snippets))
        })
    }

    /// Changes packs in one transaction: each pack's record and its steps. When a guarded
    /// recipe or snippet changed since the plan was made, nothing is changed and the error is
    /// `moved(pack, step)` (indexes into `changes`). At the end, each snippet written is
    /// checked (what it includes, the variables its users declare), and each recipe that
    /// included a snippet removed or moved is checked again: any problem changes nothing.
    pub fn change_packs(
        &mut self,
        changes: &[(PackRecordChange<'_>, Vec<Guarded<'_>>)],
        moved: &dyn Fn(usize, usize) -> Error,
    ) -> Result<Vec<Vec<Done>>> {
        self.write(|tx| -> Sql<_> {
            let mut done = Vec::with_capacity(changes.len());
            let mut written = Vec::new();
            let mut recheck = Vec::new();
            for (p, (record, steps)) in changes.iter().enumerate() {
                let pack = match record {
                    PackRecordChange::Update(s) => {
                        tx.execute(
                            &format!(
                                "UPDATE packs SET version = ?2, manifest = ?3, source_kind = ?4, source = ?5, ref = ?6,
                                 commit_id = ?7, updated_at = {NOW} WHERE name = ?1"
                            ),
                            params![s.name, s.version, s.manifest, s.origin.kind, s.origin.location, s.origin.reference, s.origin.commit],
                        )?;
                        s.name
                    }
                    PackRecordChange::Delete(name) => name,
                };
                let display = match record {
                    PackRecordChange::Update(s) => s.display,
                    PackRecordChange::Delete(_) => "",
                };
                // The recipes that include a snippet this removes or moves, or that move
                // themselves, as they stand before any step: each must still find its
                // snippets at the end.
                for g in steps {
                    match g.step {
                        PackStep::SnippetRemove { id, .. } | PackStep::SnippetKeep { id, .. } => {
                            recheck.extend(users_of(tx, id.0)?.into_iter().map(|u| u.0));
                        }
                        PackStep::KeepAsOwn { id, .. } => recheck.push(id.0),
                        _ => {}
                    }
                }
                let mut pack_done = Vec::with_capacity(steps.len());
                for (i, g) in steps.iter().enumerate() {
                    let now = match g.expect {
                        Some(Guard::Recipe(id, _)) => current_hash(tx, id)?,
                        Some(Guard::Snippet(id, _)) => snippet_current_hash(tx, id)?,
                        None => None,
                    };
                    if let Some(Guard::Recipe(_, expect) | Guard::Snippet(_, expect)) = g.expect
                        && now.as_deref() != expect
                    {
                        return Err(moved(p, i).into());
                    }
                    if let PackStep::SnippetAdd(f)
                    | PackStep::SnippetVersion {
                        file: f,
                        current: true,
                        ..
                    } = g.step
                    {
                        written.push((pack, display, f));
                    }
                    pack_done.push(step(tx, pack, display, &g.step)?);
                }
                if let PackRecordChange::Delete(name) = record {
                    tx.execute("DELETE FROM packs WHERE name = ?1", [name])?;
                }
                done.push(pack_done);
            }
            for (pack, display, f) in written {
                if let Some((id, _)) = snippet_current_of(tx, pack, f.snippet.name())? {
                    check_snippet(tx, id.0, &f.snippet, &format!("{display}{}", f.file))?;
                }
            }
            recheck_users(tx, recheck)?;
            Ok(done)
        })
    }
}

/// Checks again each recipe in `ids` that still exists (recipes that included a snippet
/// which a change removed or moved), so no change leaves a recipe whose snippet is gone.
fn recheck_users(tx: &Transaction<'_>, mut ids: Vec<i64>) -> Sql<()> {
    ids.sort_unstable();
    ids.dedup();
    let mut broken = Vec::new();
    for id in ids {
        let row: Option<(String, String, Option<String>, String)> = tx
            .query_row(
                "SELECT r.namespace, r.name, v.render_form, v.yaml FROM recipes r
                 JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
                 WHERE r.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((ns, name, form, yaml)) = row else {
            continue;
        };
        let full = address(&ns, &name);
        let Ok(recipe) = Recipe::from_render_form(form.as_deref(), &yaml, &full) else {
            continue;
        };
        if check_recipe(tx, &ns, &full, &recipe).is_err() {
            let set = gather(tx, &ns, &recipe.compiled.snippets)?;
            broken.extend(problems(&recipe, &set).iter().map(|d| d.render(&full)));
        }
    }
    if broken.is_empty() {
        return Ok(());
    }
    Err(Error::usage(format!(
        "this would leave recipes without the snippets they include:\n  {}",
        broken.join("\n  ")
    ))
    .hint("nothing was changed; edit those recipes so they no longer include the snippets (`promptbook edit NAME`), then try again")
    .into())
}

fn step(tx: &Transaction<'_>, pack: &str, display: &str, step: &PackStep<'_>) -> Sql<Done> {
    Ok(match *step {
        PackStep::Add(f) => {
            precheck(tx, pack, display, f)?;
            let put = put_in(tx, pack, &f.recipe, &f.yaml)?;
            link(tx, pack, Some(RecipeId(put.id)), f)?;
            Done::Nothing
        }
        PackStep::NewVersion { id, file, current } => {
            let becomes = if current {
                Becomes::Current
            } else {
                Becomes::History
            };
            if current {
                precheck(tx, pack, display, file)?;
            }
            let v = write_version(tx, id.0, &file.recipe, &file.yaml, &file.hash, becomes)?;
            link(tx, pack, Some(id), file)?;
            if current {
                Done::Nothing
            } else {
                Done::Version(v)
            }
        }
        PackStep::Record { id, file } => {
            link(tx, pack, id, file)?;
            Done::Nothing
        }
        PackStep::Remove { id, name } => {
            delete(tx, id.0)?;
            unlink(tx, pack, name)?;
            Done::Nothing
        }
        PackStep::KeepAsOwn { id, name } => {
            let now = keep_as_own(tx, id, name)?;
            unlink(tx, pack, name)?;
            Done::Renamed(now)
        }
        PackStep::Forget { name } => {
            unlink(tx, pack, name)?;
            Done::Nothing
        }
        PackStep::SnippetAdd(f) => {
            let (id, _) = put_snippet(tx, pack, &f.snippet, &f.yaml)?;
            link_snippet(tx, pack, Some(SnippetId(id)), f)?;
            Done::Nothing
        }
        PackStep::SnippetVersion { id, file, current } => {
            let done = if current {
                put_snippet(tx, pack, &file.snippet, &file.yaml)?;
                Done::Nothing
            } else {
                Done::Version(snippet_history_version(tx, id, file)?)
            };
            link_snippet(tx, pack, Some(id), file)?;
            done
        }
        PackStep::SnippetRecord { id, file } => {
            link_snippet(tx, pack, id, file)?;
            Done::Nothing
        }
        PackStep::SnippetRemove { id, name } => {
            tx.execute("DELETE FROM snippet_versions WHERE snippet_id = ?1", [id.0])?;
            tx.execute("DELETE FROM snippets WHERE id = ?1", [id.0])?;
            unlink_snippet(tx, pack, name)?;
            Done::Nothing
        }
        PackStep::SnippetKeep { id, name } => {
            let now = keep_snippet_as_own(tx, id, pack, name)?;
            unlink_snippet(tx, pack, name)?;
            Done::Renamed(now)
        }
        PackStep::SnippetForget { name } => {
            unlink_snippet(tx, pack, name)?;
            Done::Nothing
        }
    })
}

/// Refuses the pack's recipe `f` when its snippets, found for the pack, are wrong; the
/// problems are placed in its file (the write's own check would name the recipe only).
fn precheck(tx: &Transaction<'_>, pack: &str, display: &str, f: &PackRecipe) -> Sql<()> {
    if f.recipe.compiled.snippets.is_empty() {
        return Ok(());
    }
    check_recipe(tx, pack, &format!("{display}{}", f.file), &f.recipe)
}

/// The id and current hash of snippet `name` in namespace `pack`.
fn snippet_current_of(
    conn: &rusqlite::Connection,
    pack: &str,
    name: &str,
) -> rusqlite::Result<Option<(SnippetId, String)>> {
    conn.prepare_cached(
        "SELECT s.id, v.hash FROM snippets s
         JOIN snippet_versions v ON v.snippet_id = s.id AND v.version = s.current_version
         WHERE s.name = ?1 AND s.namespace = ?2",
    )?
    .query_row(params![name, pack], |r| {
        Ok((SnippetId(r.get(0)?), r.get(1)?))
    })
    .optional()
}

fn snippet_current_hash(tx: &Transaction<'_>, id: SnippetId) -> rusqlite::Result<Option<String>> {
    tx.prepare_cached(
        "SELECT v.hash FROM snippets s
         JOIN snippet_versions v ON v.snippet_id = s.id AND v.version = s.current_version WHERE s.id = ?1",
    )?
    .query_row([id.0], |r| r.get(0))
    .optional()
}

/// Stores `file` as the next version of snippet `id` without making it current (the user
/// changed the snippet; the pack's version waits in its history). Returns its number.
fn snippet_history_version(
    tx: &Transaction<'_>,
    id: SnippetId,
    file: &PackSnippet,
) -> rusqlite::Result<u32> {
    let version: u32 = tx
        .prepare_cached(
            "SELECT coalesce(max(version), 0) + 1 FROM snippet_versions WHERE snippet_id = ?1",
        )?
        .query_row([id.0], |r| r.get(0))?;
    tx.prepare_cached(&format!(
        "INSERT INTO snippet_versions (snippet_id, version, yaml, hash, template, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, {NOW})"
    ))?
    .execute(params![
        id.0,
        version,
        file.yaml,
        file.hash,
        file.snippet.def.template.value
    ])?;
    Ok(version)
}

/// Records `file` as the pack's snippet of its name, pointing at `id`.
fn link_snippet(
    tx: &Transaction<'_>,
    pack: &str,
    id: Option<SnippetId>,
    file: &PackSnippet,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO pack_snippets (pack, name, snippet_id, file, hash) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (pack, name) DO UPDATE SET snippet_id = ?3, file = ?4, hash = ?5",
    )?
    .execute(params![
        pack,
        file.snippet.name(),
        id.map(|i| i.0),
        file.file,
        file.hash
    ])?;
    Ok(())
}

fn unlink_snippet(tx: &Transaction<'_>, pack: &str, name: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM pack_snippets WHERE pack = ?1 AND name = ?2")?
        .execute(params![pack, name])?;
    Ok(())
}

/// Makes a pack's snippet the user's own: it moves out of the pack's namespace when the
/// user has no snippet of that name and no recipe includes it as `pack/name` (which would
/// then find nothing); else it keeps its `pack/name`. Returns its full name now.
/// Whether recipe `id` includes, by a bare name, a snippet that is found in namespace `ns`.
fn includes_own_snippets(tx: &Transaction<'_>, id: RecipeId, ns: &str) -> Sql<bool> {
    let uses: Vec<SnippetUse> = tx
        .prepare_cached("SELECT snippet FROM recipe_snippets WHERE recipe_id = ?1")?
        .query_map([id.0], |r| r.get::<_, String>(0))?
        .filter_map(|n| match n {
            Ok(n) if n.contains('/') => None,
            n => Some(n.map(|name| SnippetUse {
                name,
                position: Default::default(),
            })),
        })
        .collect::<rusqlite::Result<_>>()?;
    if uses.is_empty() {
        return Ok(false);
    }
    let set = gather(tx, ns, &uses)?;
    let prefix = format!("{ns}/");
    Ok(set.found.values().any(|f| f.full_name.starts_with(&prefix)))
}

fn keep_snippet_as_own(
    tx: &Transaction<'_>,
    id: SnippetId,
    pack: &str,
    name: &str,
) -> rusqlite::Result<String> {
    let (ns, stays): (String, bool) = tx.query_row(
        "SELECT namespace, EXISTS (SELECT 1 FROM snippets WHERE name = ?2 AND namespace = '')
             OR EXISTS (SELECT 1 FROM recipe_snippets WHERE snippet = ?3)
             -- a snippet that names it in full (`{{> pack/name}}`) keeps finding it
             OR EXISTS (SELECT 1 FROM snippets s JOIN snippet_versions v
                          ON v.snippet_id = s.id AND v.version = s.current_version
                        WHERE s.id <> ?1 AND instr(v.template, ?3) > 0)
         FROM snippets WHERE id = ?1",
        params![id.0, name, address(pack, name)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if stays {
        return Ok(address(&ns, name));
    }
    tx.execute("UPDATE snippets SET namespace = '' WHERE id = ?1", [id.0])?;
    Ok(name.to_string())
}

/// The id and current hash of recipe `name` in namespace `pack`.
fn current_of(
    conn: &rusqlite::Connection,
    pack: &str,
    name: &str,
) -> rusqlite::Result<Option<(RecipeId, String)>> {
    conn.prepare_cached(
        "SELECT r.id, v.hash FROM recipes r
         JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
         WHERE r.name = ?1 AND r.namespace = ?2",
    )?
    .query_row(params![name, pack], |r| {
        Ok((RecipeId(r.get(0)?), r.get(1)?))
    })
    .optional()
}

fn current_hash(tx: &Transaction<'_>, id: RecipeId) -> rusqlite::Result<Option<String>> {
    tx.prepare_cached(
        "SELECT v.hash FROM recipes r
         JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version WHERE r.id = ?1",
    )?
    .query_row([id.0], |r| r.get(0))
    .optional()
}

/// Records `file` as the pack's recipe of its name, pointing at `id`.
fn link(
    tx: &Transaction<'_>,
    pack: &str,
    id: Option<RecipeId>,
    file: &PackRecipe,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO pack_recipes (pack, name, recipe_id, file, hash) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (pack, name) DO UPDATE SET recipe_id = ?3, file = ?4, hash = ?5",
    )?
    .execute(params![
        pack,
        file.recipe.name(),
        id.map(|i| i.0),
        file.file,
        file.hash
    ])?;
    Ok(())
}

fn unlink(tx: &Transaction<'_>, pack: &str, name: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM pack_recipes WHERE pack = ?1 AND name = ?2")?
        .execute(params![pack, name])?;
    Ok(())
}

/// Makes a pack's recipe the user's own: it moves out of the pack's namespace when the user
/// has no recipe of that name and it includes none of the pack's snippets by a bare name
/// (which, moved, it would no longer find); else it keeps its `pack/name`. Returns its full
/// name now.
fn keep_as_own(tx: &Transaction<'_>, id: RecipeId, name: &str) -> Sql<String> {
    let (ns, taken): (String, bool) = tx.query_row(
        "SELECT namespace, EXISTS (SELECT 1 FROM recipes WHERE name = ?2 AND namespace = '')
         FROM recipes WHERE id = ?1",
        params![id.0, name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if taken || includes_own_snippets(tx, id, &ns)? {
        return Ok(address(&ns, name));
    }
    tx.execute("UPDATE recipes SET namespace = '' WHERE id = ?1", [id.0])?;
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::content_hash;

    fn recipe(name: &str, text: &str) -> PackRecipe {
        let yaml = format!("name: {name}\ntitle: T\nprompt: {text}\n");
        PackRecipe {
            file: format!("{name}.yaml"),
            recipe: Recipe::parse(&yaml, "x.yaml").unwrap(),
            hash: content_hash(&yaml),
            yaml,
        }
    }

    /// A recipe changed after the plan was made stops the whole change: nothing is written.
    #[test]
    fn a_guarded_step_whose_recipe_moved_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(&dir.path().join("l.sqlite3")).unwrap();
        let origin = Origin {
            kind: "folder".into(),
            location: "/p".into(),
            reference: None,
            commit: None,
        };
        let source = PackSource {
            name: "team",
            version: "1.0.0",
            manifest: "{}",
            origin: &origin,
            display: "",
        };
        let (a, b) = (recipe("a", "A"), recipe("b", "B"));
        lib.install_pack(&source, &[], &[a.clone(), b.clone()], &mut |_| {}, &|p| {
            Error::invalid(p.join("\n"))
        })
        .unwrap();
        let (id_a, hash_a) = lib.pack_recipe("team", "a").unwrap().unwrap();
        let (id_b, hash_b) = lib.pack_recipe("team", "b").unwrap().unwrap();
        // Someone edits `b` after the plan below was made.
        let edited = recipe("b", "mine");
        lib.add(&[(edited.recipe.clone(), edited.yaml.clone())])
            .unwrap();

        let steps = vec![
            Guarded {
                step: PackStep::Remove {
                    id: id_a,
                    name: "a",
                },
                expect: Some(Guard::Recipe(id_a, Some(&hash_a))),
            },
            Guarded {
                step: PackStep::Remove {
                    id: id_b,
                    name: "b",
                },
                expect: Some(Guard::Recipe(id_b, Some(&hash_b))),
            },
        ];
        let e = lib
            .change_packs(&[(PackRecordChange::Delete("team"), steps)], &|p, i| {
                Error::failed(format!("moved {p} {i}"))
            })
            .unwrap_err();
        assert_eq!(e.message, "moved 0 1");
        assert!(lib.get("team/a").is_ok(), "the first step was rolled back");
        assert_eq!(lib.pack_names().unwrap(), ["team"]);
        assert_eq!(lib.get("team/b").unwrap().yaml, edited.yaml);
    }
}
