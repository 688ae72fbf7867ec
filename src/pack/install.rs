//! Packs in the library: install, update (planned, shown, then applied), remove, and what is
//! installed. This module decides (a plan: what to add, change, keep); the store's pack calls
//! write it, each change in one transaction: it all happens or none of it does. A recipe the
//! user changed is never overwritten by a pack.

use std::collections::HashMap;

use crate::error::{Error, Result, did_you_mean};
pub use crate::store::packs::Origin;
use crate::store::packs::{Done, Guarded, PackRecordChange, PackSource, PackStep, RecipeId};
use crate::store::{Library, address};

use super::{Manifest, Pack, Progress};

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
    recipe_id: Option<RecipeId>,
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

/// The names of the installed packs, sorted.
pub fn names(lib: &Library) -> Result<Vec<String>> {
    lib.pack_names()
}

/// Every installed pack, by name.
pub fn list(lib: &Library) -> Result<Vec<InstalledPack>> {
    names(lib)?.iter().map(|n| get(lib, n)).collect()
}

/// The installed pack `name`, or a not-found error with a suggestion.
pub fn get(lib: &Library, name: &str) -> Result<InstalledPack> {
    let Some((record, links)) = lib.pack(name)? else {
        return Err(not_installed(lib, name));
    };
    // The manifest is stored as JSON, which the YAML reader takes as it is.
    let manifest: Option<Manifest> = crate::yaml::from_str(&record.manifest).ok();
    let recipes = links
        .into_iter()
        .map(|l| {
            let state = match &l.current_hash {
                None => RecipeState::RemovedByYou,
                Some(h) if *h == l.pack_hash => RecipeState::AsInstalled,
                Some(_) => RecipeState::ChangedLocally,
            };
            InstalledRecipe {
                address: address(&record.name, &l.name),
                file: l.file,
                state,
                pack_hash: l.pack_hash,
                recipe_id: l.recipe,
                current_hash: l.current_hash,
                name: l.name,
            }
        })
        .collect();
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
        name: record.name,
        version: record.version,
        source_kind: record.origin.kind,
        source: record.origin.location,
        reference: record.origin.reference,
        commit: record.origin.commit,
        installed_at: record.installed_at,
        updated_at: record.updated_at,
        recipes,
    })
}

/// The manifest pack `name` was installed (or last updated) with.
pub fn manifest(lib: &Library, name: &str) -> Result<Manifest> {
    let json = lib
        .pack_manifest(name)?
        .ok_or_else(|| not_installed(lib, name))?;
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
    let manifest_json = serde_json::to_string(&pack.manifest).expect("a manifest serializes");
    let source = PackSource {
        name: &name,
        version: pack.manifest.version(),
        manifest: &manifest_json,
        origin,
    };
    progress.start("Installing", pack.recipes.len() as u64);
    let result = lib.install_pack(&source, &pack.recipes, &mut |n| progress.advance(n));
    progress.finish();
    let mut notes: Vec<String> = result?
        .into_iter()
        .map(|(full, v)| {
            format!("{full}: your version from before is kept; the pack's is stored as version {v}")
        })
        .collect();
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

/// Notes on the pack's recipe names that also exist elsewhere: the user's own recipe keeps a
/// bare name; a name in several packs needs its pack.
fn name_notes(lib: &Library, pack: &str) -> Result<Vec<String>> {
    let rows = lib.pack_name_clashes(pack)?;
    let mut notes = Vec::new();
    for (name, others) in rows {
        let full = address(pack, &name);
        if others.iter().any(String::is_empty) {
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
    recipe_id: Option<RecipeId>,
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
            None => match lib.pack_recipe(ns, name)? {
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
                        change.before = Some(lib.yaml_with_hash(id, &cur)?);
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
                            change.before = Some(lib.yaml_with_hash(id, cur)?);
                            change.after = Some(new.yaml.clone());
                        } else if user_changed && pack_changed {
                            change.kind = ChangeKind::KeptYours;
                            change.before = Some(lib.yaml_with_hash(id, &old.pack_hash)?);
                            change.after = Some(new.yaml.clone());
                        } else if pack_changed {
                            change.kind = ChangeKind::Changed;
                            change.before = Some(lib.yaml_with_hash(id, cur)?);
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
    let manifests: Vec<String> = plans
        .iter()
        .map(|p| serde_json::to_string(&p.pack.manifest).expect("a manifest serializes"))
        .collect();
    let changes: Vec<_> = plans
        .iter()
        .zip(&manifests)
        .map(|(plan, manifest)| {
            let source = PackSource {
                name: &plan.name,
                version: &plan.to_version,
                manifest,
                origin: &plan.origin,
            };
            let steps = plan.changes.iter().map(|c| update_step(plan, c)).collect();
            (PackRecordChange::Update(source), steps)
        })
        .collect();
    let done = lib.change_packs(&changes, &|p, i| {
        Error::failed(format!(
            "`{}` changed while the update was waiting; nothing was changed",
            plans[p].changes[i].address
        ))
        .hint("run the same command again to see the update as it now stands")
    })?;
    let mut applied = Applied::default();
    for (plan, done) in plans.iter().zip(done) {
        for (c, d) in plan.changes.iter().zip(done) {
            match d {
                Done::Version(v) => applied.kept.push((c.address.clone(), v)),
                Done::Renamed(now) => applied.kept_as_yours.push((c.address.clone(), now)),
                Done::Nothing => {}
            }
        }
    }
    Ok(applied)
}

/// The store's step for one change of an update plan.
fn update_step<'a>(plan: &'a UpdatePlan, c: &'a Change) -> Guarded<'a> {
    let new = c.new_index.map(|i| &plan.pack.recipes[i]);
    let id = || c.recipe_id.expect("an installed recipe");
    let step = match c.kind {
        ChangeKind::Added | ChangeKind::Restored => {
            PackStep::Add(new.expect("added from the pack"))
        }
        ChangeKind::Changed | ChangeKind::TakeTheirs => PackStep::NewVersion {
            id: id(),
            file: new.expect("changed by the pack"),
            current: true,
        },
        ChangeKind::KeptYours => PackStep::NewVersion {
            id: id(),
            file: new.expect("changed by the pack"),
            current: false,
        },
        ChangeKind::Removed => PackStep::Remove {
            id: id(),
            name: &c.name,
        },
        ChangeKind::KeptAsYours => PackStep::KeepAsOwn {
            id: id(),
            name: &c.name,
        },
        ChangeKind::StaysRemoved | ChangeKind::Record => match new {
            Some(file) => PackStep::Record {
                id: c.recipe_id,
                file,
            },
            None => PackStep::Forget { name: &c.name },
        },
    };
    Guarded {
        step,
        expect: c.recipe_id.map(|id| (id, c.expect_current.as_deref())),
    }
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
    remove_ids: Vec<(RecipeId, String, Option<String>)>,
    keep_ids: Vec<(RecipeId, String, Option<String>)>,
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
                plan.remove_ids
                    .push((id, r.name.clone(), r.current_hash.clone()));
            }
        }
    }
    Ok(plan)
}

/// Removes a pack as planned, in one transaction; returns the full names the kept recipes
/// have now.
pub fn apply_remove(lib: &mut Library, plan: &RemovePlan) -> Result<Vec<String>> {
    fn guarded(r: &(RecipeId, String, Option<String>), keep: bool) -> Guarded<'_> {
        let (id, name, expect) = (r.0, r.1.as_str(), r.2.as_deref());
        let step = if keep {
            PackStep::KeepAsOwn { id, name }
        } else {
            PackStep::Remove { id, name }
        };
        Guarded {
            step,
            expect: Some((id, expect)),
        }
    }
    let steps: Vec<Guarded<'_>> = plan
        .remove_ids
        .iter()
        .map(|r| guarded(r, false))
        .chain(plan.keep_ids.iter().map(|r| guarded(r, true)))
        .collect();
    let done = lib.change_packs(&[(PackRecordChange::Delete(&plan.name), steps)], &|_, _| {
        Error::failed(format!(
            "the recipes of `{}` changed while waiting; nothing was changed",
            plan.name
        ))
        .hint("run the same command again")
    })?;
    Ok(done
        .into_iter()
        .flatten()
        .filter_map(|d| match d {
            Done::Renamed(now) => Some(now),
            _ => None,
        })
        .collect())
}
