//! The packs' tables (`packs`, `pack_recipes`): what each installed pack recorded, and the
//! writes that install, update and remove a pack, each in one transaction. The pack module
//! decides what to do (a plan of [`PackStep`]s); these calls do it and nothing else.

use rusqlite::{OptionalExtension, Transaction, params};

use super::sql::Sql;
use super::write::{Becomes, NOW, delete, put_in, write_version};
use super::{Library, address};
use crate::error::{Error, Result};
use crate::recipe::Recipe;

/// A recipe row, as the pack module names it between planning and applying (the recipe may
/// be renamed or moved meanwhile; its row stays).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecipeId(i64);

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

/// What a pack is and where it came from, for an install or an update.
#[derive(Debug, Clone, Copy)]
pub struct PackSource<'a> {
    pub name: &'a str,
    pub version: &'a str,
    /// The manifest, as JSON.
    pub manifest: &'a str,
    pub origin: &'a Origin,
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

/// One thing an update or a removal does to a pack's recipe. Every step that takes a
/// [`PackRecipe`] also records it as the pack's (name, file, hash).
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
}

/// A step, and the current version hash recipe `id` must still have for it to run: the plan
/// was shown to the person, so a recipe changed since then stops the whole change.
#[derive(Debug, Clone, Copy)]
pub struct Guarded<'a> {
    pub step: PackStep<'a>,
    pub expect: Option<(RecipeId, Option<&'a str>)>,
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

    /// Installs a pack in one transaction: its record, and each recipe in its namespace. A
    /// recipe left there by an earlier install keeps the user's version when it differs; the
    /// pack's is stored in its history, reported as (full name, version). `progress` is told
    /// how many recipes were stored, now and then.
    pub fn install_pack(
        &mut self,
        source: &PackSource<'_>,
        files: &[PackRecipe],
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<(String, u32)>> {
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
            Ok(kept)
        })
    }

    /// Changes packs in one transaction: each pack's record and its steps. When a guarded
    /// recipe changed since the plan was made, nothing is changed and the error is
    /// `moved(pack, step)` (indexes into `changes`).
    pub fn change_packs(
        &mut self,
        changes: &[(PackRecordChange<'_>, Vec<Guarded<'_>>)],
        moved: &dyn Fn(usize, usize) -> Error,
    ) -> Result<Vec<Vec<Done>>> {
        self.write(|tx| -> Sql<_> {
            let mut done = Vec::with_capacity(changes.len());
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
                let mut pack_done = Vec::with_capacity(steps.len());
                for (i, g) in steps.iter().enumerate() {
                    if let Some((id, expect)) = g.expect
                        && current_hash(tx, id)?.as_deref() != expect
                    {
                        return Err(moved(p, i).into());
                    }
                    pack_done.push(step(tx, pack, &g.step)?);
                }
                if let PackRecordChange::Delete(name) = record {
                    tx.execute("DELETE FROM packs WHERE name = ?1", [name])?;
                }
                done.push(pack_done);
            }
            Ok(done)
        })
    }
}

fn step(tx: &Transaction<'_>, pack: &str, step: &PackStep<'_>) -> Sql<Done> {
    Ok(match *step {
        PackStep::Add(f) => {
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
    })
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
/// has no recipe of that name, else it keeps its `pack/name`. Returns its full name now.
fn keep_as_own(tx: &Transaction<'_>, id: RecipeId, name: &str) -> rusqlite::Result<String> {
    let (ns, taken): (String, bool) = tx.query_row(
        "SELECT namespace, EXISTS (SELECT 1 FROM recipes WHERE name = ?2 AND namespace = '')
         FROM recipes WHERE id = ?1",
        params![id.0, name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if taken {
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
        };
        let (a, b) = (recipe("a", "A"), recipe("b", "B"));
        lib.install_pack(&source, &[a.clone(), b.clone()], &mut |_| {})
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
                expect: Some((id_a, Some(&hash_a))),
            },
            Guarded {
                step: PackStep::Remove {
                    id: id_b,
                    name: "b",
                },
                expect: Some((id_b, Some(&hash_b))),
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
