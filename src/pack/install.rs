//! Packs in the library: install, update (planned, shown, then applied), remove, and what is
//! installed. This module decides (a plan: what to add, change, keep); the store's pack calls
//! write it, each change in one transaction: it all happens or none of it does. A recipe or
//! snippet the user changed is never overwritten by a pack.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Result, did_you_mean};
pub use crate::store::packs::Origin;
use crate::store::packs::{
    Done, Guard, Guarded, PackRecordChange, PackSource, PackStep, RecipeId, SnippetId,
};
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

/// One snippet of an installed pack.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InstalledSnippet {
    /// The snippet's full name, `pack/name`.
    pub address: String,
    /// Its path in the pack.
    pub file: String,
    pub state: RecipeState,
    /// sha256 of the YAML the pack last delivered.
    pub pack_hash: String,
    #[serde(skip)]
    snippet_id: Option<SnippetId>,
    #[serde(skip)]
    current_hash: Option<String>,
    #[serde(skip)]
    name: String,
}

/// How a recipe or snippet stands, from the hash the pack delivered and its current one.
fn state(pack_hash: &str, current: Option<&str>) -> RecipeState {
    match current {
        None => RecipeState::RemovedByYou,
        Some(h) if h == pack_hash => RecipeState::AsInstalled,
        Some(_) => RecipeState::ChangedLocally,
    }
}

/// An installed pack: its manifest, origin, recipes and snippets.
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
    pub snippets: Vec<InstalledSnippet>,
}

impl InstalledPack {
    /// How many of its recipes the user changed.
    pub fn changed(&self) -> usize {
        self.recipes
            .iter()
            .filter(|r| r.state == RecipeState::ChangedLocally)
            .count()
    }

    /// How many of its snippets the user changed.
    pub fn changed_snippets(&self) -> usize {
        self.snippets
            .iter()
            .filter(|s| s.state == RecipeState::ChangedLocally)
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
        .map(|l| InstalledRecipe {
            address: address(&record.name, &l.name),
            file: l.file,
            state: state(&l.pack_hash, l.current_hash.as_deref()),
            pack_hash: l.pack_hash,
            recipe_id: l.recipe,
            current_hash: l.current_hash,
            name: l.name,
        })
        .collect();
    let snippets = lib
        .pack_snippets(&record.name)?
        .into_iter()
        .map(|l| InstalledSnippet {
            address: address(&record.name, &l.name),
            file: l.file,
            state: state(&l.pack_hash, l.current_hash.as_deref()),
            pack_hash: l.pack_hash,
            snippet_id: l.snippet,
            current_hash: l.current_hash,
            name: l.name,
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
        snippets,
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
    /// The full names of the snippets installed.
    pub snippets: Vec<String>,
    /// Things the user should know: names their own recipes keep, names in several packs,
    /// recipes and snippets left from an earlier install that kept the user's version.
    pub notes: Vec<String>,
}

/// Installs a validated pack in one transaction: its snippets, then its recipes. Fails,
/// changing nothing, when a pack of that name is installed already, or when a recipe
/// includes a snippet that neither the pack nor the user has (with its file, line and
/// column).
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
        display: &pack.display_prefix,
    };
    let files = pack.recipes.len() + pack.snippets.len();
    let invalid = |problems: Vec<String>| {
        super::invalid_pack(&name, files, problems).hint(
            "a recipe may include the pack's snippets (files under snippets/) and your own; \
             add the missing snippet to the pack, or to your library first",
        )
    };
    refuse_unrenderable(lib, pack)?;
    progress.start("Installing", pack.recipes.len() as u64);
    let result = lib.install_pack(
        &source,
        &pack.snippets,
        &pack.recipes,
        &mut |n| progress.advance(n),
        &invalid,
    );
    progress.finish();
    let (kept, kept_snippets) = result?;
    let mut notes: Vec<String> = kept
        .into_iter()
        .map(|(full, v)| {
            format!("{full}: your version from before is kept; the pack's is stored as version {v}")
        })
        .collect();
    notes.extend(kept_snippets.into_iter().map(|(full, v)| {
        format!("the snippet {full}: your version from before is kept; the pack's is stored as version {v}")
    }));
    notes.extend(name_notes(lib, &name)?);
    Ok(Installed {
        recipes: pack
            .recipes
            .iter()
            .map(|r| address(&name, r.recipe.name()))
            .collect(),
        snippets: pack
            .snippets
            .iter()
            .map(|s| address(&name, s.snippet.name()))
            .collect(),
        version: pack.manifest.version().to_string(),
        name,
        notes,
    })
}

/// Refuses the pack's recipes that include a snippet from outside the pack (the user's own,
/// or another pack's) and do not render with their defaults once the library supplies it,
/// as `add` refuses such a recipe; `validate` rendered the others. A snippet the library
/// lacks is left to the store's checks, which name it.
fn refuse_unrenderable(lib: &Library, pack: &Pack) -> Result<()> {
    use super::{own_snippets, unresolved};
    let ns = pack.manifest.name();
    let own = own_snippets(ns, &pack.snippets);
    let mut problems = Vec::new();
    for r in &pack.recipes {
        let uses = &r.recipe.compiled.snippets;
        if uses.is_empty() || unresolved(&own, uses).is_empty() {
            continue;
        }
        let mut set = own.clone();
        let complete = loop {
            let wanted = unresolved(&set, uses);
            if wanted.is_empty() {
                break true;
            }
            let mut grew = false;
            for (name, found) in lib.snippets_named(Some(ns), &wanted)?.found {
                if !set.found.contains_key(&name) {
                    set.found.insert(name, found);
                    grew = true;
                }
            }
            if !grew {
                break false;
            }
        };
        if complete && let Some(d) = crate::check::lint::default_render_problem(&r.recipe, &set) {
            problems.push(d.render(&format!("{}{}", pack.display_prefix, r.file)));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(super::invalid_pack(
        ns,
        pack.recipes.len() + pack.snippets.len(),
        problems,
    ))
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

/// What an update does to one recipe or snippet.
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
    /// Gone from the pack, but the user changed it (or, for a snippet, recipes that stay
    /// include it): it stays, as the user's own.
    KeptAsYours,
    /// The user removed it and the pack changed it: not brought back.
    StaysRemoved,
    /// `--theirs`: the user removed it; it is installed again.
    Restored,
    /// Nothing to show: the record is brought in step (a moved file, an edit equal to the
    /// pack's new version, a dropped record).
    Record,
}

/// Which of the library's rows a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Recipe(Option<RecipeId>),
    Snippet(Option<SnippetId>),
}

/// One recipe's or snippet's change in an update plan.
#[derive(Debug, Clone)]
pub struct Change {
    pub kind: ChangeKind,
    /// The full name, `pack/name`.
    pub address: String,
    /// Whether it is a snippet (else a recipe).
    pub snippet: bool,
    /// The YAML before (left side of the diff), when there is a diff to show.
    pub before: Option<String>,
    /// The YAML after (right side of the diff).
    pub after: Option<String>,
    /// Why, when the kind alone does not say (a snippet kept because recipes include it).
    pub note: Option<String>,
    /// The name in the pack.
    name: String,
    row: Row,
    /// The current hash seen when planning: the apply step refuses if it moved meanwhile.
    expect_current: Option<String>,
    /// Index of the new recipe (or snippet) in the fetched pack.
    new_index: Option<usize>,
}

impl Change {
    /// Whether it changes recipes or snippets (as opposed to records only).
    pub fn visible(&self) -> bool {
        self.kind != ChangeKind::Record
    }

    /// `recipe` or `snippet`.
    pub fn noun(&self) -> &'static str {
        if self.snippet { "snippet" } else { "recipe" }
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
    /// The recipes' changes, then the snippets'.
    pub changes: Vec<Change>,
    pack: Pack,
}

impl UpdatePlan {
    /// Whether applying it changes any recipe or snippet.
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

/// A recipe or snippet as installed, for planning.
struct Was<'a> {
    file: &'a str,
    pack_hash: &'a str,
    /// Its current hash; `None` when the user removed it.
    current: Option<&'a str>,
}

/// Which text the diff of a change starts from.
enum Before<'a> {
    /// Its version with this hash.
    Hash(&'a str),
    None,
}

/// What an update does to one recipe or snippet the fetched pack has (`file`, `hash`):
/// `was` is the pack's record of it, `left` the current hash of one of its name left in
/// the pack's namespace without a record. `None`: nothing at all.
fn decide<'a>(
    was: Option<&Was<'a>>,
    left: Option<&'a str>,
    file: &str,
    hash: &str,
    theirs: bool,
) -> Option<(ChangeKind, Before<'a>)> {
    let mine_or_theirs = if theirs {
        ChangeKind::TakeTheirs
    } else {
        ChangeKind::KeptYours
    };
    let Some(old) = was else {
        return Some(match left {
            None => (ChangeKind::Added, Before::None),
            Some(cur) if cur != hash => (mine_or_theirs, Before::Hash(cur)),
            Some(_) => (ChangeKind::Record, Before::None),
        });
    };
    let pack_changed = old.pack_hash != hash;
    let moved = old.file != file;
    let Some(cur) = old.current else {
        return if theirs {
            Some((ChangeKind::Restored, Before::None))
        } else if pack_changed {
            Some((ChangeKind::StaysRemoved, Before::None))
        } else {
            moved.then_some((ChangeKind::Record, Before::None))
        };
    };
    let user_changed = cur != old.pack_hash;
    if cur == hash {
        // Already what the pack now has (the user made the same edit).
        return (pack_changed || moved).then_some((ChangeKind::Record, Before::None));
    }
    Some(if user_changed && theirs {
        (ChangeKind::TakeTheirs, Before::Hash(cur))
    } else if user_changed && pack_changed {
        (ChangeKind::KeptYours, Before::Hash(old.pack_hash))
    } else if pack_changed {
        (ChangeKind::Changed, Before::Hash(cur))
    } else if moved {
        (ChangeKind::Record, Before::None)
    } else {
        return None;
    })
}

/// Plans the update of installed pack `installed` to the fetched `pack`. With `theirs`, the
/// pack's versions replace the user's changes (and bring back recipes and snippets the user
/// removed); what the pack dropped but the user changed is kept either way, and so is a
/// dropped snippet that recipes staying in the library include.
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
    refuse_unrenderable(lib, &pack)?;
    let ns = installed.name.as_str();
    let mut changes = Vec::new();
    let by_name: HashMap<&str, &InstalledRecipe> = installed
        .recipes
        .iter()
        .map(|r| (r.name.as_str(), r))
        .collect();
    for (i, new) in pack.recipes.iter().enumerate() {
        let name = new.recipe.name();
        let old = by_name.get(name);
        let was = old.map(|o| Was {
            file: &o.file,
            pack_hash: &o.pack_hash,
            current: o.current_hash.as_deref().filter(|_| o.recipe_id.is_some()),
        });
        let left = match old {
            Some(_) => None,
            None => lib.pack_recipe(ns, name)?,
        };
        let id = old.and_then(|o| o.recipe_id).or(left.as_ref().map(|l| l.0));
        let Some((kind, before)) = decide(
            was.as_ref(),
            left.as_ref().map(|l| l.1.as_str()),
            &new.file,
            &new.hash,
            theirs,
        ) else {
            continue;
        };
        let before = match (before, id) {
            (Before::Hash(h), Some(id)) => Some(lib.yaml_with_hash(id, h)?),
            _ => None,
        };
        changes.push(Change {
            after: shows_after(kind).then(|| new.yaml.clone()),
            kind,
            address: address(ns, name),
            snippet: false,
            before,
            note: None,
            name: name.to_string(),
            row: Row::Recipe(id),
            expect_current: old
                .and_then(|o| o.current_hash.clone())
                .or(left.map(|l| l.1)),
            new_index: Some(i),
        });
    }
    let fetched: HashSet<&str> = pack.recipes.iter().map(|r| r.recipe.name()).collect();
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
            snippet: false,
            before: None,
            after: None,
            note: None,
            name: old.name.clone(),
            row: Row::Recipe(old.recipe_id),
            expect_current: old.current_hash.clone(),
            new_index: None,
        });
    }
    // Recipes whose current version the update replaces or removes: whether they include a
    // dropped snippet does not keep it (their new version is checked as it is written).
    let replaced: HashSet<String> = changes
        .iter()
        .filter(|c| {
            matches!(
                c.kind,
                ChangeKind::Removed | ChangeKind::Changed | ChangeKind::TakeTheirs
            )
        })
        .map(|c| c.address.clone())
        .collect();
    let by_name: HashMap<&str, &InstalledSnippet> = installed
        .snippets
        .iter()
        .map(|s| (s.name.as_str(), s))
        .collect();
    for (i, new) in pack.snippets.iter().enumerate() {
        let name = new.snippet.name();
        let old = by_name.get(name);
        let was = old.map(|o| Was {
            file: &o.file,
            pack_hash: &o.pack_hash,
            current: o.current_hash.as_deref().filter(|_| o.snippet_id.is_some()),
        });
        let left = match old {
            Some(_) => None,
            None => lib.pack_snippet(ns, name)?,
        };
        let id = old
            .and_then(|o| o.snippet_id)
            .or(left.as_ref().map(|l| l.0));
        let Some((kind, before)) = decide(
            was.as_ref(),
            left.as_ref().map(|l| l.1.as_str()),
            &new.file,
            &new.hash,
            theirs,
        ) else {
            continue;
        };
        let before = match (before, id) {
            (Before::Hash(h), Some(id)) => Some(lib.snippet_yaml_with_hash(id, h)?),
            _ => None,
        };
        changes.push(Change {
            after: shows_after(kind).then(|| new.yaml.clone()),
            kind,
            address: address(ns, name),
            snippet: true,
            before,
            note: None,
            name: name.to_string(),
            row: Row::Snippet(id),
            expect_current: old
                .and_then(|o| o.current_hash.clone())
                .or(left.map(|l| l.1)),
            new_index: Some(i),
        });
    }
    let fetched: HashSet<&str> = pack.snippets.iter().map(|s| s.snippet.name()).collect();
    for old in &installed.snippets {
        if fetched.contains(old.name.as_str()) {
            continue;
        }
        let (kind, note) = match (&old.current_hash, old.snippet_id) {
            (Some(cur), Some(id)) if *cur == old.pack_hash => {
                let users = staying_users(lib, id, &replaced)?;
                if users.is_empty() {
                    (ChangeKind::Removed, None)
                } else {
                    (ChangeKind::KeptAsYours, Some(used_by(&users)))
                }
            }
            (Some(_), Some(_)) => (ChangeKind::KeptAsYours, None),
            _ => (ChangeKind::Record, None),
        };
        changes.push(Change {
            kind,
            address: old.address.clone(),
            snippet: true,
            before: None,
            after: None,
            note,
            name: old.name.clone(),
            row: Row::Snippet(old.snippet_id),
            expect_current: old.current_hash.clone(),
            new_index: None,
        });
    }
    let plan = UpdatePlan {
        name: installed.name.clone(),
        from_version: installed.version.clone(),
        to_version: pack.manifest.version().to_string(),
        from_commit: installed.commit.clone(),
        to_commit: origin.commit.clone(),
        origin,
        changes,
        pack,
    };
    refuse_breaking_snippets(lib, &plan)?;
    Ok(plan)
}

/// Refuses an update whose new snippet versions would stop a recipe that the update leaves
/// as it is (the user's own, another pack's, or one of this pack's the user changed) from
/// rendering with its defaults. The pack's own new recipes were rendered with the new
/// snippets already ([`refuse_unrenderable`]).
fn refuse_breaking_snippets(lib: &Library, plan: &UpdatePlan) -> Result<()> {
    use ChangeKind::{Added, Changed, Removed, Restored, TakeTheirs};
    let replaced: HashSet<&str> = plan
        .changes
        .iter()
        .filter(|c| {
            !c.snippet && matches!(c.kind, Added | Changed | TakeTheirs | Restored | Removed)
        })
        .map(|c| c.address.as_str())
        .collect();
    let mut problems = Vec::new();
    for c in &plan.changes {
        if !c.snippet || !matches!(c.kind, Changed | TakeTheirs) {
            continue;
        }
        let Some(new) = c.new_index.and_then(|i| plan.pack.snippets.get(i)) else {
            continue;
        };
        problems.extend(
            crate::edit::renders_with_changed_snippet_except(
                lib,
                &c.address,
                &new.snippet,
                &|user| replaced.contains(user),
            )?
            .into_iter()
            .map(|p| format!("the snippet {}: {p}", c.address)),
        );
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "updating `{}` would stop recipes from rendering with their defaults:\n  {}",
        plan.name,
        problems.join("\n  ")
    ))
    .hint("nothing was changed; change those recipes first (`promptbook edit NAME`), or ask the pack's authors about the snippet"))
}

/// Whether a change of this kind shows the pack's new text.
fn shows_after(kind: ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::Added
            | ChangeKind::Restored
            | ChangeKind::Changed
            | ChangeKind::TakeTheirs
            | ChangeKind::KeptYours
    )
}

/// The recipes that include snippet `id`, leaving out those in `going`.
fn staying_users(lib: &Library, id: SnippetId, going: &HashSet<String>) -> Result<Vec<String>> {
    Ok(lib
        .snippet_users_of(id)?
        .into_iter()
        .filter(|u| !going.contains(u))
        .collect())
}

/// "recipes include it: `a`, `b`".
fn used_by(users: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut list: Vec<String> = users.iter().take(SHOWN).map(|u| format!("`{u}`")).collect();
    if users.len() > SHOWN {
        list.push(format!("and {} more", users.len() - SHOWN));
    }
    let what = if users.iter().any(|u| u.starts_with("snippet ")) {
        "recipes or snippets"
    } else {
        "recipes"
    };
    format!("{what} that stay include it: {}", list.join(", "))
}

/// What applying the plans did that the user must be told.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// For each recipe or snippet whose pack version was kept in the history: its full
    /// name, that version's number, and whether it is a snippet.
    pub kept: Vec<(String, u32, bool)>,
    /// What the pack dropped that stays as the user's: (old full name, new full name,
    /// whether it is a snippet).
    pub kept_as_yours: Vec<(String, String, bool)>,
}

/// The order a plan's changes are applied in: snippets written, snippets removed or kept,
/// then recipes, so every recipe written is checked against the snippets it will have.
fn apply_order(plan: &UpdatePlan) -> Vec<usize> {
    let rank = |c: &Change| match (c.snippet, c.new_index) {
        (true, Some(_)) => 0,
        (true, None) => 1,
        (false, _) => 2,
    };
    let mut order: Vec<usize> = (0..plan.changes.len()).collect();
    order.sort_by_key(|&i| rank(&plan.changes[i]));
    order
}

/// Applies update plans in one transaction. Refuses, changing nothing, when a recipe or
/// snippet changed since the plan was made (another process wrote to the library
/// meanwhile), or when a recipe would be left without a snippet it includes.
pub fn apply_updates(lib: &mut Library, plans: &[UpdatePlan]) -> Result<Applied> {
    let manifests: Vec<String> = plans
        .iter()
        .map(|p| serde_json::to_string(&p.pack.manifest).expect("a manifest serializes"))
        .collect();
    let orders: Vec<Vec<usize>> = plans.iter().map(apply_order).collect();
    let changes: Vec<_> = plans
        .iter()
        .zip(&manifests)
        .zip(&orders)
        .map(|((plan, manifest), order)| {
            let source = PackSource {
                name: &plan.name,
                version: &plan.to_version,
                manifest,
                origin: &plan.origin,
                display: &plan.pack.display_prefix,
            };
            let steps = order
                .iter()
                .map(|&i| update_step(plan, &plan.changes[i]))
                .collect();
            (PackRecordChange::Update(source), steps)
        })
        .collect();
    let done = lib.change_packs(&changes, &|p, i| {
        Error::failed(format!(
            "`{}` changed while the update was waiting; nothing was changed",
            plans[p].changes[orders[p][i]].address
        ))
        .hint("run the same command again to see the update as it now stands")
    })?;
    let mut applied = Applied::default();
    for ((plan, order), done) in plans.iter().zip(&orders).zip(done) {
        for (&i, d) in order.iter().zip(done) {
            let c = &plan.changes[i];
            match d {
                Done::Version(v) => applied.kept.push((c.address.clone(), v, c.snippet)),
                Done::Renamed(now) => {
                    applied
                        .kept_as_yours
                        .push((c.address.clone(), now, c.snippet))
                }
                Done::Nothing => {}
            }
        }
    }
    Ok(applied)
}

/// What a change does, whether to a recipe or a snippet.
enum Action {
    Add,
    /// A new version: current, or kept in the history.
    Version(bool),
    Record,
    Remove,
    Keep,
    Forget,
}

impl Action {
    fn of(c: &Change) -> Action {
        match c.kind {
            ChangeKind::Added | ChangeKind::Restored => Action::Add,
            ChangeKind::Changed | ChangeKind::TakeTheirs => Action::Version(true),
            ChangeKind::KeptYours => Action::Version(false),
            ChangeKind::Removed => Action::Remove,
            ChangeKind::KeptAsYours => Action::Keep,
            ChangeKind::StaysRemoved | ChangeKind::Record if c.new_index.is_some() => {
                Action::Record
            }
            ChangeKind::StaysRemoved | ChangeKind::Record => Action::Forget,
        }
    }
}

/// The store's step for one change of an update plan.
fn update_step<'a>(plan: &'a UpdatePlan, c: &'a Change) -> Guarded<'a> {
    let expect = c.expect_current.as_deref();
    let name = c.name.as_str();
    match c.row {
        Row::Recipe(id) => {
            let file = || &plan.pack.recipes[c.new_index.expect("in the pack")];
            let id_ = || id.expect("an installed recipe");
            let step = match Action::of(c) {
                Action::Add => PackStep::Add(file()),
                Action::Version(current) => PackStep::NewVersion {
                    id: id_(),
                    file: file(),
                    current,
                },
                Action::Record => PackStep::Record { id, file: file() },
                Action::Remove => PackStep::Remove { id: id_(), name },
                Action::Keep => PackStep::KeepAsOwn { id: id_(), name },
                Action::Forget => PackStep::Forget { name },
            };
            Guarded {
                step,
                expect: id.map(|id| Guard::Recipe(id, expect)),
            }
        }
        Row::Snippet(id) => {
            let file = || &plan.pack.snippets[c.new_index.expect("in the pack")];
            let id_ = || id.expect("an installed snippet");
            let step = match Action::of(c) {
                Action::Add => PackStep::SnippetAdd(file()),
                Action::Version(current) => PackStep::SnippetVersion {
                    id: id_(),
                    file: file(),
                    current,
                },
                Action::Record => PackStep::SnippetRecord { id, file: file() },
                Action::Remove => PackStep::SnippetRemove { id: id_(), name },
                Action::Keep => PackStep::SnippetKeep { id: id_(), name },
                Action::Forget => PackStep::SnippetForget { name },
            };
            Guarded {
                step,
                expect: id.map(|id| Guard::Snippet(id, expect)),
            }
        }
    }
}

/// The plan to remove a pack: which recipes and snippets go, and which stay as the user's
/// own.
#[derive(Debug, Clone)]
pub struct RemovePlan {
    pub name: String,
    pub version: String,
    /// Full names of the recipes removed (unchanged by the user).
    pub removed: Vec<String>,
    /// Full names of the recipes the user changed, which stay.
    pub kept: Vec<String>,
    /// Full names of the snippets removed.
    pub snippets_removed: Vec<String>,
    /// The snippets that stay as the user's own: full name, and why (changed by the user,
    /// or included by recipes that stay).
    pub snippets_kept: Vec<(String, String)>,
    remove_ids: Vec<(RecipeId, String, Option<String>)>,
    keep_ids: Vec<(RecipeId, String, Option<String>)>,
    snippet_steps: Vec<(SnippetId, String, Option<String>, bool)>,
}

/// Plans removing pack `name`: a snippet the user changed, or that recipes staying in the
/// library include, stays as the user's own.
pub fn plan_remove(lib: &Library, name: &str) -> Result<RemovePlan> {
    let p = get(lib, name)?;
    let mut plan = RemovePlan {
        name: p.name.clone(),
        version: p.version.clone(),
        removed: Vec::new(),
        kept: Vec::new(),
        snippets_removed: Vec::new(),
        snippets_kept: Vec::new(),
        remove_ids: Vec::new(),
        keep_ids: Vec::new(),
        snippet_steps: Vec::new(),
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
    let going: HashSet<String> = plan.removed.iter().cloned().collect();
    for s in &p.snippets {
        let Some(id) = s.snippet_id else { continue };
        let why = match s.state {
            RecipeState::ChangedLocally => Some("you changed it".to_string()),
            _ => {
                let users = staying_users(lib, id, &going)?;
                (!users.is_empty()).then(|| used_by(&users))
            }
        };
        let keep = why.is_some();
        match why {
            Some(why) => plan.snippets_kept.push((s.address.clone(), why)),
            None => plan.snippets_removed.push(s.address.clone()),
        }
        plan.snippet_steps
            .push((id, s.name.clone(), s.current_hash.clone(), keep));
    }
    Ok(plan)
}

/// Removes a pack as planned, in one transaction; returns the full names the kept recipes
/// and snippets have now (whether each is a snippet beside it).
pub fn apply_remove(lib: &mut Library, plan: &RemovePlan) -> Result<Vec<(String, bool)>> {
    fn guarded(r: &(RecipeId, String, Option<String>), keep: bool) -> Guarded<'_> {
        let (id, name, expect) = (r.0, r.1.as_str(), r.2.as_deref());
        let step = if keep {
            PackStep::KeepAsOwn { id, name }
        } else {
            PackStep::Remove { id, name }
        };
        Guarded {
            step,
            expect: Some(Guard::Recipe(id, expect)),
        }
    }
    let steps: Vec<Guarded<'_>> = plan
        .remove_ids
        .iter()
        .map(|r| guarded(r, false))
        .chain(plan.keep_ids.iter().map(|r| guarded(r, true)))
        .chain(plan.snippet_steps.iter().map(|(id, name, expect, keep)| {
            let (id, name) = (*id, name.as_str());
            Guarded {
                step: if *keep {
                    PackStep::SnippetKeep { id, name }
                } else {
                    PackStep::SnippetRemove { id, name }
                },
                expect: Some(Guard::Snippet(id, expect.as_deref())),
            }
        }))
        .collect();
    let snippet_from = plan.remove_ids.len() + plan.keep_ids.len();
    let done = lib.change_packs(&[(PackRecordChange::Delete(&plan.name), steps)], &|_, _| {
        Error::failed(format!(
            "the recipes or snippets of `{}` changed while waiting; nothing was changed",
            plan.name
        ))
        .hint("run the same command again")
    })?;
    Ok(done
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, d)| match d {
            Done::Renamed(now) => Some((now, i >= snippet_from)),
            _ => None,
        })
        .collect())
}
