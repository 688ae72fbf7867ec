//! Packs in the library: install, update (planned, shown, then applied), remove, and what is
//! installed. Every change is one transaction through [`Library::write`]: it all happens or
//! none of it does. A recipe the user changed is never overwritten by a pack.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use crate::error::{Error, Result, did_you_mean};
use crate::store::{self, Library, address};

use super::{Manifest, Pack, Progress};

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

/// How a pack's recipe stands in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipeState {
    /// As the pack delivered it.
    AsInstalled,
    /// The user changed it: updates keep the user's version.
    ChangedLocally,
    /// The user removed it: updates do not bring it back (unless `--theirs`).
    RemovedByYou,
}

/// One recipe of an installed pack.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InstalledRecipe {
    /// The recipe's full name, `pack/name`.
    pub address: String,
    /// Its path in the pack.
    pub file: String,
    pub state: RecipeState,
    /// sha256 of the YAML the pack last delivered.
    pub pack_hash: String,
    #[serde(skip)]
    recipe_id: Option<i64>,
    #[serde(skip)]
    current_hash: Option<String>,
    #[serde(skip)]
    name: String,
}

/// An installed pack: its manifest, origin and recipes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InstalledPack {
    pub name: String,
    pub version: String,
    pub description: String,
    pub authors: Vec<String>,
    pub license: Option<String>,
    pub source_kind: String,
    pub source: String,
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub commit: Option<String>,
    pub installed_at: String,
    pub updated_at: String,
    pub recipes: Vec<InstalledRecipe>,
}

impl InstalledPack {
    /// How many of its recipes the user changed.
    pub fn changed(&self) -> usize {
        self.recipes
            .iter()
            .filter(|r| r.state == RecipeState::ChangedLocally)
            .count()
    }

    /// The origin, for fetching it again.
    pub fn origin(&self) -> Origin {
        Origin {
            kind: self.source_kind.clone(),
            location: self.source.clone(),
            reference: self.reference.clone(),
            commit: self.commit.clone(),
        }
    }

    /// The source as people write it: `URL#ref`, or the path.
    pub fn source_display(&self) -> String {
        match &self.reference {
            Some(r) => format!("{}#{r}", self.source),
            None => self.source.clone(),
        }
    }
}

fn sql(lib: &Library) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::library(format!("library error in {}: {e}", lib.path().display()))
}

/// The names of the installed packs, sorted.
pub fn names(lib: &Library) -> Result<Vec<String>> {
    let conn = lib.connection();
    let mut stmt = conn
        .prepare("SELECT name FROM packs ORDER BY name")
        .map_err(sql(lib))?;
    stmt.query_map([], |r| r.get(0))
        .map_err(sql(lib))?
        .collect::<rusqlite::Result<Vec<String>>>()
        .map_err(sql(lib))
}

/// Every installed pack, by name.
pub fn list(lib: &Library) -> Result<Vec<InstalledPack>> {
    names(lib)?.iter().map(|n| get(lib, n)).collect()
}

/// The installed pack `name`, or a not-found error with a suggestion.
pub fn get(lib: &Library, name: &str) -> Result<InstalledPack> {
    let conn = lib.connection();
    let row = conn
        .query_row(
            "SELECT name, version, manifest, source_kind, source, ref, commit_id, installed_at, updated_at
             FROM packs WHERE name = ?1",
            [name],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                ))
            },
        )
        .optional()
        .map_err(sql(lib))?;
    let Some((name, version, manifest, kind, source, reference, commit, installed, updated)) = row
    else {
        return Err(not_installed(lib, name));
    };
    // The manifest is stored as JSON, which the YAML reader takes as it is.
    let manifest: Option<Manifest> = crate::yaml::from_str(&manifest).ok();
    let mut stmt = conn
        .prepare_cached(
            "SELECT pr.name, pr.file, pr.hash, pr.recipe_id, v.hash FROM pack_recipes pr
             LEFT JOIN recipes r ON r.id = pr.recipe_id
             LEFT JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
             WHERE pr.pack = ?1 ORDER BY pr.file",
        )
        .map_err(sql(lib))?;
    let recipes = stmt
        .query_map([&name], |r| {
            let recipe_name: String = r.get(0)?;
            let pack_hash: String = r.get(2)?;
            let recipe_id: Option<i64> = r.get(3)?;
            let current_hash: Option<String> = r.get(4)?;
            let state = match &current_hash {
                None => RecipeState::RemovedByYou,
                Some(h) if *h == pack_hash => RecipeState::AsInstalled,
                Some(_) => RecipeState::ChangedLocally,
            };
            Ok(InstalledRecipe {
                address: address(&name, &recipe_name),
                file: r.get(1)?,
                state,
                pack_hash,
                recipe_id,
                current_hash,
                name: recipe_name,
            })
        })
        .map_err(sql(lib))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(sql(lib))?;
    Ok(InstalledPack {
        description: manifest
            .as_ref()
            .map(|m| m.description.clone())
            .unwrap_or_default(),
        authors: manifest
            .as_ref()
            .map(|m| m.authors.clone())
            .unwrap_or_default(),
        license: manifest.as_ref().and_then(|m| m.license.clone()),
        name,
        version,
        source_kind: kind,
        source,
        reference,
        commit,
        installed_at: installed,
        updated_at: updated,
        recipes,
    })
}

/// The manifest pack `name` was installed (or last updated) with.
pub fn manifest(lib: &Library, name: &str) -> Result<Manifest> {
    let json: Option<String> = lib
        .connection()
        .query_row("SELECT manifest FROM packs WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()
        .map_err(sql(lib))?;
    let json = json.ok_or_else(|| not_installed(lib, name))?;
    crate::yaml::from_str(&json).map_err(|e| {
        Error::library(format!(
            "the stored manifest of `{name}` cannot be read: {}",
            e.message
        ))
    })
}

fn not_installed(lib: &Library, name: &str) -> Error {
    let mut e = Error::not_found(format!("no pack named `{name}` is installed"));
    if let Ok(names) = names(lib)
        && let Some(close) = did_you_mean(name, names.iter().map(String::as_str))
    {
        e = e.hint(format!("did you mean `{close}`?"));
    }
    e.hint("`promptbook pack list` shows the installed packs")
}

/// What installing a pack did.
#[derive(Debug, Clone)]
pub struct Installed {
    pub name: String,
    pub version: String,
    /// The full names of the recipes installed.
    pub recipes: Vec<String>,
    /// Things the user should know: names their own recipes keep, names in several packs,
    /// recipes left from an earlier install that kept the user's version.
    pub notes: Vec<String>,
}

/// Installs a validated pack in one transaction. Fails, changing nothing, when a pack of that
/// name is installed already.
pub fn install(
    lib: &mut Library,
    pack: &Pack,
    origin: &Origin,
    progress: &dyn Progress,
) -> Result<Installed> {
    let name = pack.manifest.name().to_string();
    if let Ok(existing) = get(lib, &name) {
        return Err(already_installed(&existing));
    }
    let path = lib.path().to_path_buf();
    let sql_err = move |e: rusqlite::Error| {
        Error::library(format!("library error in {}: {e}", path.display()))
    };
    let manifest_json = serde_json::to_string(&pack.manifest).expect("a manifest serializes");
    progress.start("Installing", pack.recipes.len() as u64);
    let result = lib.write(|tx| {
        (|| -> rusqlite::Result<Vec<String>> {
            tx.execute(
                &format!(
                    "INSERT INTO packs (name, version, manifest, source_kind, source, ref, commit_id, installed_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {NOW}, {NOW})"
                ),
                params![
                    name,
                    pack.manifest.version(),
                    manifest_json,
                    origin.kind,
                    origin.location,
                    origin.reference,
                    origin.commit
                ],
            )?;
            let mut kept = Vec::new();
            let mut link = tx.prepare_cached(
                "INSERT INTO pack_recipes (pack, name, recipe_id, file, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (i, r) in pack.recipes.iter().enumerate() {
                let id = match current_of(tx, &name, r.recipe.name())? {
                    None => store::put_in(tx, &name, &r.recipe, &r.yaml)?.id,
                    Some((id, current)) => {
                        // Left from an earlier install whose recipe the user had changed.
                        if current != r.hash {
                            let v = store::write_version(tx, id, &r.recipe, &r.yaml, &r.hash, store::Becomes::History)?;
                            kept.push(format!(
                                "{}: your version from before is kept; the pack's is stored as version {v}",
                                address(&name, r.recipe.name())
                            ));
                        }
                        id
                    }
                };
                link.execute(params![name, r.recipe.name(), id, r.file, r.hash])?;
                if i % 256 == 255 {
                    progress.advance(256);
                }
            }
            progress.advance((pack.recipes.len() % 256) as u64);
            Ok(kept)
        })()
        .map_err(sql_err)
    });
    progress.finish();
    let mut notes = result?;
    notes.extend(name_notes(lib, &name)?);
    Ok(Installed {
        recipes: pack
            .recipes
            .iter()
            .map(|r| address(&name, r.recipe.name()))
            .collect(),
        version: pack.manifest.version().to_string(),
        name,
        notes,
    })
}

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

fn already_installed(existing: &InstalledPack) -> Error {
    Error::usage(format!(
        "the pack `{}` is installed already (version {}, from {})",
        existing.name,
        existing.version,
        existing.source_display()
    ))
    .hint(format!(
        "`promptbook pack update {0}` brings it up to date; `promptbook pack update {0} --from SOURCE` updates it from this source",
        existing.name
    ))
}

/// The id and current hash of recipe `name` in namespace `pack`.
fn current_of(
    tx: &rusqlite::Transaction<'_>,
    pack: &str,
    name: &str,
) -> rusqlite::Result<Option<(i64, String)>> {
    tx.prepare_cached(
        "SELECT r.id, v.hash FROM recipes r
         JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
         WHERE r.name = ?1 AND r.namespace = ?2",
    )?
    .query_row(params![name, pack], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()
}

/// Notes on the pack's recipe names that also exist elsewhere: the user's own recipe keeps a
/// bare name; a name in several packs needs its pack.
fn name_notes(lib: &Library, pack: &str) -> Result<Vec<String>> {
    let conn = lib.connection();
    let mut stmt = conn
        .prepare(
            "SELECT r.name, group_concat(o.namespace, ' ') FROM recipes r
             JOIN recipes o ON o.name = r.name AND o.namespace <> r.namespace
             WHERE r.namespace = ?1 GROUP BY r.name ORDER BY r.name",
        )
        .map_err(sql(lib))?;
    let rows = stmt
        .query_map([pack], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(sql(lib))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(sql(lib))?;
    let mut notes = Vec::new();
    for (name, others) in rows {
        let others: Vec<&str> = others.split(' ').collect();
        let full = address(pack, &name);
        if others.contains(&"") {
            notes.push(format!(
                "`{name}` is also your own recipe, which keeps the name; use `{full}` for the pack's"
            ));
        } else {
            let list: Vec<String> = others.iter().map(|o| format!("`{o}/{name}`")).collect();
            notes.push(format!(
                "`{name}` is also in {}: use `{full}`",
                list.join(", ")
            ));
        }
    }
    Ok(notes)
}

/// What an update does to one recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// New in the pack: installed.
    Added,
    /// The pack changed it and the user did not: the pack's version becomes current.
    Changed,
    /// The pack changed it and so did the user: the user's version stays current; the
    /// pack's is stored in the history.
    KeptYours,
    /// `--theirs`: the user's version is replaced by the pack's (the user's stays in history).
    TakeTheirs,
    /// Gone from the pack, unchanged by the user: removed.
    Removed,
    /// Gone from the pack, but the user changed it: it stays, as the user's own.
    KeptAsYours,
    /// The user removed it and the pack changed it: not brought back.
    StaysRemoved,
    /// `--theirs`: the user removed it; it is installed again.
    Restored,
    /// Nothing to show: the record is brought in step (a moved file, an edit equal to the
    /// pack's new version, a dropped record).
    Record,
}

/// One recipe's change in an update plan.
#[derive(Debug, Clone)]
pub struct Change {
    pub kind: ChangeKind,
    /// The full name, `pack/name`.
    pub address: String,
    /// The YAML before (left side of the diff), when there is a diff to show.
    pub before: Option<String>,
    /// The YAML after (right side of the diff).
    pub after: Option<String>,
    /// The recipe's name in the pack.
    name: String,
    recipe_id: Option<i64>,
    /// The current hash seen when planning: the apply step refuses if it moved meanwhile.
    expect_current: Option<String>,
    /// Index of the new recipe in the fetched pack.
    new_index: Option<usize>,
}

impl Change {
    /// Whether it changes recipes (as opposed to records only).
    pub fn visible(&self) -> bool {
        self.kind != ChangeKind::Record
    }
}

/// The plan to update one pack: from what is installed to what was fetched.
#[derive(Debug, Clone)]
pub struct UpdatePlan {
    pub name: String,
    pub from_version: String,
    pub to_version: String,
    pub from_commit: Option<String>,
    pub to_commit: Option<String>,
    pub origin: Origin,
    pub changes: Vec<Change>,
    pack: Pack,
}

impl UpdatePlan {
    /// Whether applying it changes any recipe.
    pub fn changes_recipes(&self) -> bool {
        self.changes.iter().any(Change::visible)
    }

    /// Whether there is anything at all to record (recipes, version, commit, source).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.from_version == self.to_version
            && self.from_commit == self.to_commit
    }

    /// The changes of one kind.
    pub fn of(&self, kind: ChangeKind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }
}

/// Plans the update of installed pack `installed` to the fetched `pack`. With `theirs`, the
/// pack's versions replace the user's changes (and bring back recipes the user removed);
/// recipes the pack dropped but the user changed are kept either way.
pub fn plan_update(
    lib: &Library,
    installed: &InstalledPack,
    pack: Pack,
    origin: Origin,
    theirs: bool,
) -> Result<UpdatePlan> {
    if pack.manifest.name() != installed.name {
        return Err(Error::failed(format!(
            "{} now holds the pack `{}`, not `{}`; nothing was changed",
            origin.location,
            pack.manifest.name(),
            installed.name
        ))
        .hint(format!(
            "to switch, `promptbook pack remove {}` and `promptbook pack add` the new source",
            installed.name
        )));
    }
    let ns = installed.name.as_str();
    let by_name: HashMap<&str, &InstalledRecipe> = installed
        .recipes
        .iter()
        .map(|r| (r.name.as_str(), r))
        .collect();
    let mut changes = Vec::new();
    for (i, new) in pack.recipes.iter().enumerate() {
        let name = new.recipe.name();
        let mut change = Change {
            kind: ChangeKind::Record,
            address: address(ns, name),
            before: None,
            after: None,
            name: name.to_string(),
            recipe_id: None,
            expect_current: None,
            new_index: Some(i),
        };
        match by_name.get(name) {
            None => match current_in(lib, ns, name)? {
                None => {
                    change.kind = ChangeKind::Added;
                    change.after = Some(new.yaml.clone());
                }
                Some((id, cur)) => {
                    change.recipe_id = Some(id);
                    change.expect_current = Some(cur.clone());
                    if cur != new.hash {
                        change.kind = if theirs {
                            ChangeKind::TakeTheirs
                        } else {
                            ChangeKind::KeptYours
                        };
                        change.before = Some(yaml_with_hash(lib, id, &cur)?);
                        change.after = Some(new.yaml.clone());
                    }
                }
            },
            Some(old) => {
                change.recipe_id = old.recipe_id;
                change.expect_current = old.current_hash.clone();
                let pack_changed = old.pack_hash != new.hash;
                match (&old.current_hash, old.recipe_id) {
                    (None, _) | (_, None) => {
                        if theirs {
                            change.kind = ChangeKind::Restored;
                            change.after = Some(new.yaml.clone());
                        } else if pack_changed {
                            change.kind = ChangeKind::StaysRemoved;
                        } else if old.file == new.file {
                            continue;
                        }
                    }
                    (Some(cur), Some(id)) => {
                        let user_changed = *cur != old.pack_hash;
                        if *cur == new.hash {
                            // Already what the pack now has (the user made the same edit).
                            if !pack_changed && old.file == new.file {
                                continue;
                            }
                        } else if user_changed && theirs {
                            change.kind = ChangeKind::TakeTheirs;
                            change.before = Some(yaml_with_hash(lib, id, cur)?);
                            change.after = Some(new.yaml.clone());
                        } else if user_changed && pack_changed {
                            change.kind = ChangeKind::KeptYours;
                            change.before = Some(yaml_with_hash(lib, id, &old.pack_hash)?);
                            change.after = Some(new.yaml.clone());
                        } else if pack_changed {
                            change.kind = ChangeKind::Changed;
                            change.before = Some(yaml_with_hash(lib, id, cur)?);
                            change.after = Some(new.yaml.clone());
                        } else if old.file == new.file {
                            continue;
                        }
                    }
                }
            }
        }
        changes.push(change);
    }
    let fetched: std::collections::HashSet<&str> =
        pack.recipes.iter().map(|r| r.recipe.name()).collect();
    for old in &installed.recipes {
        if fetched.contains(old.name.as_str()) {
            continue;
        }
        let kind = match (&old.current_hash, old.recipe_id) {
            (Some(cur), Some(_)) if *cur == old.pack_hash => ChangeKind::Removed,
            (Some(_), Some(_)) => ChangeKind::KeptAsYours,
            _ => ChangeKind::Record,
        };
        changes.push(Change {
            kind,
            address: old.address.clone(),
            before: None,
            after: None,
            name: old.name.clone(),
            recipe_id: old.recipe_id,
            expect_current: old.current_hash.clone(),
            new_index: None,
        });
    }
    Ok(UpdatePlan {
        name: installed.name.clone(),
        from_version: installed.version.clone(),
        to_version: pack.manifest.version().to_string(),
        from_commit: installed.commit.clone(),
        to_commit: origin.commit.clone(),
        origin,
        changes,
        pack,
    })
}

fn current_in(lib: &Library, ns: &str, name: &str) -> Result<Option<(i64, String)>> {
    lib.connection()
        .query_row(
            "SELECT r.id, v.hash FROM recipes r
             JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version
             WHERE r.name = ?1 AND r.namespace = ?2",
            params![name, ns],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(sql(lib))
}

/// The latest stored YAML of recipe `id` with `hash`.
fn yaml_with_hash(lib: &Library, id: i64, hash: &str) -> Result<String> {
    Ok(lib
        .connection()
        .query_row(
            "SELECT yaml FROM recipe_versions WHERE recipe_id = ?1 AND hash = ?2
             ORDER BY version DESC LIMIT 1",
            params![id, hash],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql(lib))?
        .unwrap_or_default())
}

/// What applying the plans did that the user must be told.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// For each recipe whose pack version was kept in the history: its full name and that
    /// version's number.
    pub kept: Vec<(String, u32)>,
    /// Recipes the pack dropped that stay as the user's: (old full name, new full name).
    pub kept_as_yours: Vec<(String, String)>,
}

/// Applies update plans in one transaction. Refuses, changing nothing, when a recipe changed
/// since the plan was made (another process wrote to the library meanwhile).
pub fn apply_updates(lib: &mut Library, plans: &[UpdatePlan]) -> Result<Applied> {
    let path = lib.path().to_path_buf();
    lib.write(|tx| -> Result<_> {
        let mut applied = Applied::default();
        for plan in plans {
            apply_one(tx, plan, &mut applied).map_err(|e| match e {
                Step::Sql(e) => Error::library(format!("library error in {}: {e}", path.display())),
                Step::Moved(address) => Error::failed(format!(
                    "`{address}` changed while the update was waiting; nothing was changed"
                ))
                .hint("run the same command again to see the update as it now stands"),
            })?;
        }
        Ok(applied)
    })
}

enum Step {
    Sql(rusqlite::Error),
    Moved(String),
}

impl From<rusqlite::Error> for Step {
    fn from(e: rusqlite::Error) -> Step {
        Step::Sql(e)
    }
}

fn apply_one(
    tx: &rusqlite::Transaction<'_>,
    plan: &UpdatePlan,
    applied: &mut Applied,
) -> std::result::Result<(), Step> {
    let ns = plan.name.as_str();
    let manifest_json = serde_json::to_string(&plan.pack.manifest).expect("a manifest serializes");
    tx.execute(
        &format!(
            "UPDATE packs SET version = ?2, manifest = ?3, source_kind = ?4, source = ?5, ref = ?6,
             commit_id = ?7, updated_at = {NOW} WHERE name = ?1"
        ),
        params![
            ns,
            plan.to_version,
            manifest_json,
            plan.origin.kind,
            plan.origin.location,
            plan.origin.reference,
            plan.origin.commit
        ],
    )?;
    for c in &plan.changes {
        if let Some(id) = c.recipe_id {
            let now = current_hash(tx, id)?;
            if now != c.expect_current {
                return Err(Step::Moved(c.address.clone()));
            }
        }
        let new = c.new_index.map(|i| &plan.pack.recipes[i]);
        let upsert_link = |id: Option<i64>| -> rusqlite::Result<()> {
            let new = new.expect("a link has a new recipe");
            tx.prepare_cached(
                "INSERT INTO pack_recipes (pack, name, recipe_id, file, hash) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (pack, name) DO UPDATE SET recipe_id = ?3, file = ?4, hash = ?5",
            )?
            .execute(params![ns, c.name, id, new.file, new.hash])?;
            Ok(())
        };
        match c.kind {
            ChangeKind::Added | ChangeKind::Restored => {
                let new = new.expect("added from the pack");
                let put = store::put_in(tx, ns, &new.recipe, &new.yaml)?;
                upsert_link(Some(put.id))?;
            }
            ChangeKind::Changed | ChangeKind::TakeTheirs => {
                let new = new.expect("changed by the pack");
                let id = c.recipe_id.expect("an installed recipe");
                store::write_version(
                    tx,
                    id,
                    &new.recipe,
                    &new.yaml,
                    &new.hash,
                    store::Becomes::Current,
                )?;
                upsert_link(Some(id))?;
            }
            ChangeKind::KeptYours => {
                let new = new.expect("changed by the pack");
                let id = c.recipe_id.expect("an installed recipe");
                let v = store::write_version(
                    tx,
                    id,
                    &new.recipe,
                    &new.yaml,
                    &new.hash,
                    store::Becomes::History,
                )?;
                upsert_link(Some(id))?;
                applied.kept.push((c.address.clone(), v));
            }
            ChangeKind::Removed => {
                store::delete(tx, c.recipe_id.expect("an installed recipe"))?;
                unlink(tx, ns, &c.name)?;
            }
            ChangeKind::KeptAsYours => {
                let id = c.recipe_id.expect("an installed recipe");
                let now = keep_as_own(tx, id, &c.name)?;
                unlink(tx, ns, &c.name)?;
                applied.kept_as_yours.push((c.address.clone(), now));
            }
            ChangeKind::StaysRemoved | ChangeKind::Record => match new {
                Some(_) => upsert_link(c.recipe_id)?,
                None => unlink(tx, ns, &c.name)?,
            },
        }
    }
    Ok(())
}

fn current_hash(tx: &rusqlite::Transaction<'_>, id: i64) -> rusqlite::Result<Option<String>> {
    tx.prepare_cached(
        "SELECT v.hash FROM recipes r
         JOIN recipe_versions v ON v.recipe_id = r.id AND v.version = r.current_version WHERE r.id = ?1",
    )?
    .query_row([id], |r| r.get(0))
    .optional()
}

fn unlink(tx: &rusqlite::Transaction<'_>, pack: &str, name: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM pack_recipes WHERE pack = ?1 AND name = ?2")?
        .execute(params![pack, name])?;
    Ok(())
}

/// Makes a pack's recipe the user's own: it moves out of the pack's namespace when the user
/// has no recipe of that name, else it keeps its `pack/name`. Returns its full name now.
fn keep_as_own(tx: &rusqlite::Transaction<'_>, id: i64, name: &str) -> rusqlite::Result<String> {
    let (ns, taken): (String, bool) = tx.query_row(
        "SELECT namespace, EXISTS (SELECT 1 FROM recipes WHERE name = ?2 AND namespace = '')
         FROM recipes WHERE id = ?1",
        params![id, name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if taken {
        return Ok(address(&ns, name));
    }
    tx.execute("UPDATE recipes SET namespace = '' WHERE id = ?1", [id])?;
    Ok(name.to_string())
}

/// The plan to remove a pack: which recipes go, and which stay as the user's own.
#[derive(Debug, Clone)]
pub struct RemovePlan {
    pub name: String,
    pub version: String,
    /// Full names of the recipes removed (unchanged by the user).
    pub removed: Vec<String>,
    /// Full names of the recipes the user changed, which stay.
    pub kept: Vec<String>,
    remove_ids: Vec<(i64, Option<String>)>,
    keep_ids: Vec<(i64, String, Option<String>)>,
}

/// Plans removing pack `name`.
pub fn plan_remove(lib: &Library, name: &str) -> Result<RemovePlan> {
    let p = get(lib, name)?;
    let mut plan = RemovePlan {
        name: p.name.clone(),
        version: p.version.clone(),
        removed: Vec::new(),
        kept: Vec::new(),
        remove_ids: Vec::new(),
        keep_ids: Vec::new(),
    };
    for r in &p.recipes {
        let Some(id) = r.recipe_id else { continue };
        match r.state {
            RecipeState::ChangedLocally => {
                plan.kept.push(r.address.clone());
                plan.keep_ids
                    .push((id, r.name.clone(), r.current_hash.clone()));
            }
            _ => {
                plan.removed.push(r.address.clone());
                plan.remove_ids.push((id, r.current_hash.clone()));
            }
        }
    }
    Ok(plan)
}

/// Removes a pack as planned, in one transaction; returns the full names the kept recipes
/// have now.
pub fn apply_remove(lib: &mut Library, plan: &RemovePlan) -> Result<Vec<String>> {
    let path = lib.path().to_path_buf();
    lib.write(|tx| {
        (|| -> std::result::Result<Vec<String>, Step> {
            for (id, expect) in &plan.remove_ids {
                if current_hash(tx, *id)? != *expect {
                    return Err(Step::Moved(plan.name.clone()));
                }
                store::delete(tx, *id)?;
            }
            let mut now = Vec::new();
            for (id, name, expect) in &plan.keep_ids {
                if current_hash(tx, *id)? != *expect {
                    return Err(Step::Moved(plan.name.clone()));
                }
                now.push(keep_as_own(tx, *id, name)?);
            }
            tx.execute("DELETE FROM packs WHERE name = ?1", [&plan.name])?;
            Ok(now)
        })()
        .map_err(|e| match e {
            Step::Sql(e) => Error::library(format!("library error in {}: {e}", path.display())),
            Step::Moved(name) => Error::failed(format!(
                "the recipes of `{name}` changed while waiting; nothing was changed"
            ))
            .hint("run the same command again"),
        })
    })
}
