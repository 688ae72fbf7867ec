//! From the library to a pack: choose recipes (by name, tag, pack, or all), with the snippets
//! they include (and every snippet of a chosen pack), then write them as a bundle or as a
//! folder ready to commit to a repository.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::recipe::Recipe;
use crate::store::{Library, split_address};

use super::files::SafeWriter;
use super::{Manifest, bundle, install};

/// Which recipes to export.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Recipe names (`name` or `pack/name`).
    pub recipes: Vec<String>,
    /// Every recipe with one of these tags.
    pub tags: Vec<String>,
    /// Every recipe of these installed packs (as the user has them now).
    pub packs: Vec<String>,
    /// Every recipe in the library.
    pub all: bool,
}

impl Selection {
    /// Whether nothing was chosen.
    pub fn is_empty(&self) -> bool {
        self.recipes.is_empty() && self.tags.is_empty() && self.packs.is_empty() && !self.all
    }
}

/// One recipe to export: where it goes in the pack, and its current YAML.
#[derive(Debug, Clone)]
pub struct Item {
    /// Its full name in the library.
    pub address: String,
    /// Its path in the exported pack: the path it had in its pack, else `NAME.yaml`.
    pub file: String,
    pub yaml: String,
    pub hash: String,
}

/// The chosen recipes' current versions (a user's local edits included), by file. Fails when
/// two chosen recipes share a name, since names are unique within a pack.
pub fn collect(lib: &Library, selection: &Selection) -> Result<Vec<Item>> {
    let mut addresses: Vec<String> = selection.recipes.clone();
    if selection.all {
        addresses.extend(lib.list(None)?.into_iter().map(|s| s.name));
    }
    for tag in &selection.tags {
        let tagged = lib.list(Some(tag))?;
        if tagged.is_empty() {
            return Err(Error::not_found(format!("no recipe has the tag `{tag}`"))
                .hint("`promptbook list` shows the recipes and their tags"));
        }
        addresses.extend(tagged.into_iter().map(|s| s.name));
    }
    let mut files: HashMap<String, String> = HashMap::new();
    for pack in &selection.packs {
        let p = install::get(lib, pack)?;
        for r in p.recipes {
            if r.state != install::RecipeState::RemovedByYou {
                files.insert(r.address.clone(), r.file.clone());
                addresses.push(r.address);
            }
        }
    }
    let mut by_name: BTreeMap<String, Item> = BTreeMap::new();
    let mut seen_address: HashMap<String, ()> = HashMap::new();
    for a in addresses {
        let stored = lib.get(&a)?;
        let full = stored.name.clone();
        if seen_address.insert(full.clone(), ()).is_some() {
            continue;
        }
        let file = match (&stored.pack, files.get(&full)) {
            (_, Some(f)) => f.clone(),
            (Some(pack), None) => install::get(lib, pack)
                .ok()
                .and_then(|p| p.recipes.into_iter().find(|r| r.address == full))
                .map_or_else(|| format!("{}.yaml", stored.bare_name()), |r| r.file),
            (None, None) => format!("{}.yaml", stored.bare_name()),
        };
        if let Some(other) = by_name.get(stored.bare_name()) {
            return Err(Error::usage(format!(
                "`{}` and `{full}` have the same name; a pack's recipe names must differ",
                other.address
            ))
            .hint("export one of them, e.g. by naming the recipes instead of --all or --tag"));
        }
        by_name.insert(
            stored.bare_name().to_string(),
            Item {
                address: full,
                file,
                yaml: stored.yaml,
                hash: stored.hash,
            },
        );
    }
    let mut items: Vec<Item> = by_name.into_values().collect();
    items.sort_by(|a, b| a.file.cmp(&b.file));
    let mut seen_file: HashMap<&str, &str> = HashMap::new();
    for item in &items {
        if let Some(other) = seen_file.insert(&item.file, &item.address) {
            return Err(Error::usage(format!(
                "`{other}` and `{}` would both be written to {}",
                item.address, item.file
            ))
            .hint("export them separately"));
        }
    }
    Ok(items)
}

/// The snippets that go with `recipes` (collected for `selection`), by file, and notes for
/// the person: each snippet they include, found for each recipe's place (its pack's own
/// first, then the user's), and every snippet of the packs chosen, as the user has them now.
/// A pack's recipe that falls back to one of the user's own snippets relies on whoever
/// installs the pack having one: that snippet stays private (a note says so); so does one
/// a recipe names with its pack (`{{> other/name}}`), which keeps naming that pack's. A pack's
/// snippet keeps its path in the pack; another goes to `snippets/NAME.yaml`. Fails when two
/// of them share a name, since a pack's snippet names must differ.
pub fn snippets(
    lib: &Library,
    selection: &Selection,
    recipes: &[Item],
) -> Result<(Vec<Item>, Vec<String>)> {
    let mut notes = Vec::new();
    let mut wanted: Vec<String> = Vec::new();
    let mut files: HashMap<String, String> = HashMap::new();
    for pack in &selection.packs {
        for s in install::get(lib, pack)?.snippets {
            if s.state != install::RecipeState::RemovedByYou {
                files.insert(s.address.clone(), s.file.clone());
                wanted.push(s.address);
            }
        }
    }
    for item in recipes {
        let recipe = Recipe::parse(&item.yaml, &item.address)?;
        let (pack, _) = split_address(&item.address);
        let set = lib.snippets_for(&recipe, pack)?;
        for (written, f) in set.found {
            if written.contains('/') {
                // `{{> other/name}}` keeps naming that pack's snippet after an install: a
                // copy in this pack would never be used.
                notes.push(format!(
                    "{} includes `{written}`, a snippet of the pack `{}`, which is not exported: whoever installs the pack needs that pack too",
                    item.address,
                    split_address(&written).0.unwrap_or_default()
                ));
            } else if pack.is_some() && !f.full_name.contains('/') {
                notes.push(format!(
                    "{} includes your own snippet `{}`, which is not exported: whoever installs the pack needs one of that name",
                    item.address, f.full_name
                ));
            } else {
                wanted.push(f.full_name);
            }
        }
    }
    notes.sort();
    notes.dedup();
    let mut by_name: BTreeMap<String, Item> = BTreeMap::new();
    for full in wanted {
        let stored = lib.snippet(&full)?;
        let bare = split_address(&stored.name).1.to_string();
        if let Some(other) = by_name.get(&bare) {
            if other.address == stored.name {
                continue;
            }
            return Err(Error::usage(format!(
                "the snippets `{}` and `{}` have the same name; a pack's snippet names must differ",
                other.address, stored.name
            ))
            .hint("export the recipes that include them separately"));
        }
        let file = match (&stored.pack, files.get(&stored.name)) {
            (_, Some(f)) => f.clone(),
            (Some(pack), None) => install::get(lib, pack)
                .ok()
                .and_then(|p| p.snippets.into_iter().find(|s| s.address == stored.name))
                .map_or_else(|| format!("{}{bare}.yaml", super::SNIPPETS_DIR), |s| s.file),
            (None, None) => format!("{}{bare}.yaml", super::SNIPPETS_DIR),
        };
        by_name.insert(
            bare,
            Item {
                address: stored.name,
                file,
                yaml: stored.yaml,
                hash: stored.hash,
            },
        );
    }
    let mut items: Vec<Item> = by_name.into_values().collect();
    items.sort_by(|a, b| a.file.cmp(&b.file));
    Ok((items, notes))
}

/// The bundle text of `recipes` and `snippets` under `manifest`.
pub fn to_bundle(manifest: &Manifest, recipes: &[Item], snippets: &[Item]) -> String {
    fn entries(items: &[Item]) -> Vec<(&str, &str, &str)> {
        items
            .iter()
            .map(|i| (i.file.as_str(), i.hash.as_str(), i.yaml.as_str()))
            .collect()
    }
    bundle::write_entries(manifest, &entries(recipes), &entries(snippets))
}

/// Writes `items` (recipes and snippets) into `dir` (created if missing), and `pack.yaml`
/// when `manifest` is given. Existing files of the same paths are replaced; nothing is
/// written outside `dir`.
pub fn to_folder(dir: &Path, manifest: Option<&Manifest>, items: &[Item]) -> Result<Vec<PathBuf>> {
    let writer = SafeWriter::new(dir)?;
    // Check every path before writing anything.
    for item in items {
        writer.path(&item.file)?;
    }
    let mut written = Vec::with_capacity(items.len() + 1);
    if let Some(m) = manifest {
        written.push(writer.write("pack.yaml", m.to_yaml().as_bytes(), true)?);
    }
    for item in items {
        written.push(writer.write(&item.file, item.yaml.as_bytes(), true)?);
    }
    Ok(written)
}
