//! Recipe packs: a folder with `pack.yaml`, recipe files and snippets (the `.yaml` files
//! under `snippets/`), the same content as one bundle file, or a git repository at a pinned
//! ref. A pack is untrusted input: everything read from
//! one is bounded ([`limits`]), validated in full before the library is touched, and installed
//! in one transaction ([`install`]).
//!
//! The flow: a [`source::Source`] is parsed from what the user typed, fetched into a
//! [`RawPack`] (files and bytes, nothing interpreted), validated into a [`Pack`] (manifest and
//! parsed recipes, every problem with its file and line), then installed, planned for update,
//! or written out again (bundle or folder).

pub mod bundle;
pub mod export;
pub mod files;
pub mod git;
pub mod install;
pub mod manifest;
pub mod source;

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::check::lint::default_render_problem;
use crate::error::{Error, Result};
use crate::recipe::snippet::{Snippet, SnippetSet};
use crate::recipe::{Invalid, Recipe, SnippetUse};
use crate::store::content_hash;

pub use manifest::Manifest;

/// The bounds on what a pack may contain; documented in README.md ("Limits").
pub mod limits {
    /// The most recipe files in one pack.
    pub const MAX_RECIPES: usize = 20_000;
    /// The most bytes of one recipe file (the same limit as any recipe file).
    pub const MAX_RECIPE_BYTES: usize = crate::recipe::MAX_RECIPE_BYTES;
    /// The most bytes of all of a pack's files together, and of a bundle file.
    pub const MAX_PACK_BYTES: u64 = 64 * 1024 * 1024;
    /// The most bytes of `pack.yaml`.
    pub const MAX_MANIFEST_BYTES: usize = 64 * 1024;
    /// The longest path of a file inside a pack, in bytes.
    pub const MAX_PATH_BYTES: usize = 255;
    /// The deepest folder nesting inside a pack.
    pub const MAX_DEPTH: usize = 16;
    /// The most entries (files and folders of any kind) a pack folder's walk looks at.
    pub const MAX_ENTRIES: usize = 200_000;
}

/// Reports progress of long steps (reading and installing thousands of recipes). The core
/// only counts; a face decides how to show it (the command line draws a bar on a terminal).
pub trait Progress: Sync {
    /// A step with `total` units begins.
    fn start(&self, step: &str, total: u64);
    /// `n` more units are done.
    fn advance(&self, n: u64);
    /// The step is over.
    fn finish(&self);
}

/// Progress that shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// One file read from a pack, not yet interpreted.
#[derive(Debug, Clone)]
pub struct RawFile {
    /// Its path inside the pack, with `/` separators; checked by [`files::check_rel_path`].
    pub path: String,
    pub bytes: Vec<u8>,
    /// The SHA-256 the bundle promises for it (bundles only).
    pub expected_hash: Option<String>,
}

/// The manifest as read: the text of `pack.yaml`, or already parsed from a bundle.
#[derive(Debug, Clone)]
pub enum RawManifest {
    Text(Vec<u8>),
    Parsed(Manifest),
}

/// A pack's content as fetched from its source, before any validation.
#[derive(Debug, Clone)]
pub struct RawPack {
    pub manifest: RawManifest,
    pub files: Vec<RawFile>,
    /// Put before a file's path in messages (a folder's path, a bundle's file name), so an
    /// error names a file the user can open.
    pub display_prefix: String,
    /// Files passed over while reading (bundles beside the recipes), each said in a note.
    pub skipped: Vec<String>,
}

impl RawPack {
    /// How messages name `path` of this pack.
    pub fn display(&self, path: &str) -> String {
        format!("{}{path}", self.display_prefix)
    }
}

pub use crate::store::packs::{PackRecipe, PackSnippet};

/// The folder at the top of a pack whose `.yaml` files are its snippets, not recipes.
pub const SNIPPETS_DIR: &str = "snippets/";

/// Whether the file at `path` (inside a pack) is one of its snippets.
pub fn is_snippet_path(path: &str) -> bool {
    path.starts_with(SNIPPETS_DIR)
}

/// A validated pack: a manifest, recipes and snippets with distinct names, each sorted by
/// file.
#[derive(Debug, Clone)]
pub struct Pack {
    pub manifest: Manifest,
    pub recipes: Vec<PackRecipe>,
    /// The snippets under `snippets/`: the pack's recipes include them before the user's.
    pub snippets: Vec<PackSnippet>,
    /// Put before a file's path in messages (see [`RawPack::display_prefix`]).
    pub display_prefix: String,
    /// The snippets its recipes (or snippets) include that the pack does not have, each
    /// where it is included: whoever installs the pack needs them. `pack build` says so.
    pub needs: Vec<String>,
    /// Files of the pack folder that are not recipes (a bundle built into it, other YAML),
    /// each with why it was left out: the faces show them as notes.
    pub notes: Vec<String>,
}

/// Validates everything in `raw`: the manifest, every recipe (in parallel), the promised
/// hashes, distinct names and the limits. Every problem is reported at once, each with its
/// file and line; nothing is stored here.
pub fn validate(raw: RawPack, progress: &dyn Progress) -> Result<Pack> {
    let manifest = match &raw.manifest {
        RawManifest::Text(bytes) => Manifest::parse(bytes, &raw.display("pack.yaml"))?,
        RawManifest::Parsed(m) => {
            m.check(&raw.display("pack.yaml"))?;
            m.clone()
        }
    };
    manifest.check_promptbook_version()?;
    if raw.files.len() > limits::MAX_RECIPES {
        return Err(Error::new(
            crate::ErrorKind::TooLarge,
            format!(
                "the pack `{}` has {} recipe files, over the limit of {}",
                manifest.name.value,
                raw.files.len(),
                limits::MAX_RECIPES
            ),
        )
        .hint("split it into several packs"));
    }
    let (snippet_files, recipe_files): (Vec<&RawFile>, Vec<&RawFile>) =
        raw.files.iter().partition(|f| is_snippet_path(&f.path));
    progress.start("Checking recipes", recipe_files.len() as u64);
    let parsed = parse_all(&raw, &recipe_files, progress);
    progress.finish();
    let mut problems: Vec<String> = Vec::new();
    let mut notes = raw.skipped.clone();
    let mut recipes = Vec::with_capacity(parsed.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    for (file, result) in recipe_files.iter().zip(parsed) {
        match result {
            Ok(r) => {
                if let Some(first) = seen.insert(r.recipe.name().to_string(), file.path.clone()) {
                    problems.push(format!(
                        "{}: the name `{}` is also used by {}",
                        raw.display(&file.path),
                        r.recipe.name(),
                        raw.display(&first)
                    ));
                }
                recipes.push(r);
            }
            Err(message) => match not_a_recipe(&file.bytes) {
                Some(why) => notes.push(format!("{}: skipped: {why}", raw.display(&file.path))),
                None => problems.push(message),
            },
        }
    }
    let mut snippets = Vec::with_capacity(snippet_files.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    for file in snippet_files {
        match parse_snippet(&raw, file) {
            Ok(s) => {
                if let Some(first) = seen.insert(s.snippet.name().to_string(), file.path.clone()) {
                    problems.push(format!(
                        "{}: the snippet name `{}` is also used by {}",
                        raw.display(&file.path),
                        s.snippet.name(),
                        raw.display(&first)
                    ));
                }
                snippets.push(s);
            }
            Err(message) => problems.push(message),
        }
    }
    let mut needs = Vec::new();
    if problems.is_empty() {
        problems.extend(check_snippets(&raw, manifest.name(), &recipes, &snippets));
        needs = outside_snippets(&raw, &manifest, &recipes, &snippets);
    }
    if problems.is_empty() {
        problems.extend(default_render_problems(
            &raw,
            manifest.name(),
            &recipes,
            &snippets,
        ));
    }
    if !problems.is_empty() {
        let tampered = problems.iter().any(|p| p.contains(HASH_MISMATCH));
        let e = invalid_pack(&manifest.name.value, raw.files.len(), problems);
        return Err(if tampered {
            e.hint("a bundle must arrive exactly as it was built: ask for a fresh one, or build it again from the pack's folder with `promptbook pack build`")
        } else {
            e
        });
    }
    if recipes.is_empty() {
        return Err(
            Error::invalid(format!("the pack `{}` has no recipes", manifest.name.value))
                .hint("add recipe files (.yaml) next to pack.yaml, in it or in folders below it"),
        );
    }
    recipes.sort_by(|a, b| a.file.cmp(&b.file));
    snippets.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(Pack {
        manifest,
        recipes,
        snippets,
        display_prefix: raw.display_prefix,
        needs,
        notes,
    })
}

/// What is wrong with the pack's recipes' and snippets' uses of the pack's own snippets (a
/// cycle, nesting too deep, a variable a snippet reads that a recipe including it lacks),
/// each at its file, line and column. A snippet the pack lacks is not a problem here: the
/// person installing it may have it (the install checks that against their library).
fn check_snippets(
    raw: &RawPack,
    pack: &str,
    recipes: &[PackRecipe],
    snippets: &[PackSnippet],
) -> Vec<String> {
    use crate::recipe::snippet::{check_uses, problems_in};
    if snippets.is_empty() {
        return Vec::new();
    }
    let set = own_snippets(pack, snippets);
    let outside = |d: &crate::recipe::Diagnostic| d.message.contains("not in the library");
    let mut out = Vec::new();
    for s in snippets {
        let origin = raw.display(&s.file);
        out.extend(
            check_uses(
                &s.snippet.uses.snippets,
                |_| true,
                &set,
                Vec::new,
                Some(s.snippet.name()),
            )
            .into_iter()
            .filter(|d| !outside(d))
            .map(|d| d.render(&origin)),
        );
    }
    for r in recipes {
        let origin = raw.display(&r.file);
        out.extend(
            problems_in(&r.recipe, &set)
                .into_iter()
                .filter(|d| !outside(d))
                .map(|d| d.render(&origin)),
        );
    }
    out
}

/// The pack's recipes that include snippets and do not render with their defaults (what
/// `add` refuses), each at its file, line and column. Only recipes whose every snippet, and
/// every snippet those include, is the pack's own are rendered here: the rest include a
/// snippet the person installing supplies, which the install checks against their library.
fn default_render_problems(
    raw: &RawPack,
    pack: &str,
    recipes: &[PackRecipe],
    snippets: &[PackSnippet],
) -> Vec<String> {
    let set = own_snippets(pack, snippets);
    recipes
        .iter()
        .filter(|r| {
            let uses = &r.recipe.compiled.snippets;
            !uses.is_empty() && unresolved(&set, uses).is_empty()
        })
        .filter_map(|r| {
            default_render_problem(&r.recipe, &set).map(|d| d.render(&raw.display(&r.file)))
        })
        .collect()
}

/// The pack's own snippets as a render of one of its recipes finds them: by the bare name
/// and as `pack/name`.
pub(crate) fn own_snippets(pack: &str, snippets: &[PackSnippet]) -> SnippetSet {
    use crate::recipe::snippet::Found;
    let mut set = SnippetSet::default();
    for s in snippets {
        let found = Found {
            full_name: crate::store::address(pack, s.snippet.name()),
            version: 1,
            snippet: std::sync::Arc::new(s.snippet.clone()),
        };
        set.found
            .insert(s.snippet.name().to_string(), found.clone());
        set.found
            .insert(crate::store::address(pack, s.snippet.name()), found);
    }
    set
}

/// The snippets `uses` reach, through the snippets `set` holds, that `set` lacks.
pub(crate) fn unresolved(set: &SnippetSet, uses: &[SnippetUse]) -> Vec<SnippetUse> {
    let mut stack: Vec<&SnippetUse> = uses.iter().collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    while let Some(u) = stack.pop() {
        if !seen.insert(u.name.as_str()) {
            continue;
        }
        match set.found.get(&u.name) {
            Some(found) => stack.extend(found.snippet.uses.snippets.iter()),
            None => out.push(u.clone()),
        }
    }
    out
}

/// The file's sha256, or the problem when a bundle promised another (`what`: recipe or
/// snippet).
fn checked_hash(file: &RawFile, origin: &str, what: &str) -> Result<String, String> {
    let hash = hex_sha256(&file.bytes);
    match &file.expected_hash {
        Some(expected) if !expected.eq_ignore_ascii_case(&hash) => Err(format!(
            "{origin}: the {what} {HASH_MISMATCH} in the bundle (the bundle was changed after it was built, or damaged on the way)"
        )),
        _ => Ok(hash),
    }
}

/// Where the pack's recipes and snippets include a snippet the pack does not have (a bare
/// name it lacks, or another pack's `pack/name`), as `file:line:col: …` lines.
fn outside_snippets(
    raw: &RawPack,
    manifest: &Manifest,
    recipes: &[PackRecipe],
    snippets: &[PackSnippet],
) -> Vec<String> {
    let own: std::collections::HashSet<&str> = snippets.iter().map(|s| s.snippet.name()).collect();
    let uses = recipes
        .iter()
        .map(|r| (&r.file, &r.recipe.compiled.snippets))
        .chain(snippets.iter().map(|s| (&s.file, &s.snippet.uses.snippets)));
    let mut out = Vec::new();
    for (file, uses) in uses {
        for u in uses.iter() {
            let (pack, bare) = crate::store::split_address(&u.name);
            let inside = pack.is_none_or(|p| p == manifest.name()) && own.contains(bare);
            if !inside {
                out.push(format!(
                    "{}:{}:{}: `{{{{> {}}}}}` is not a snippet of this pack: whoever installs it needs {}",
                    raw.display(file),
                    u.position.line,
                    u.position.column,
                    u.name,
                    match pack {
                        Some(p) => format!("the pack `{p}` installed"),
                        None => format!("a snippet `{bare}` of their own"),
                    }
                ));
            }
        }
    }
    out
}

fn parse_snippet(raw: &RawPack, file: &RawFile) -> Result<PackSnippet, String> {
    let origin = raw.display(&file.path);
    let hash = checked_hash(file, &origin, "snippet")?;
    let snippet = Snippet::parse_bytes(&file.bytes, &origin).map_err(|inv| render_invalid(&inv))?;
    let yaml = String::from_utf8(file.bytes.clone()).expect("checked by parse_bytes");
    Ok(PackSnippet {
        file: file.path.clone(),
        snippet,
        yaml,
        hash,
    })
}

/// What note a bundle found among a pack's files gets.
pub const BUNDLE_SKIPPED: &str = "a pack bundle (made by `promptbook pack build`), not a recipe; keep bundles outside the pack folder";

/// The top-level fields that make a YAML file a recipe (with errors) rather than some other
/// file: one of them and it is checked as a recipe.
const RECIPE_FIELDS: &[&str] = &[
    "prompt",
    "messages",
    "system",
    "variables",
    "examples",
    "tests",
    "model",
];

/// Why a file that is not a valid recipe is not meant as one at all, so it is passed over
/// with a note instead of failing the pack: a bundle (`pack build` into the pack folder, then
/// committed), or YAML without any of a recipe's fields (a CI or tool configuration). A file
/// that is not YAML, or has a recipe's fields, is a broken recipe and stays an error.
fn not_a_recipe(bytes: &[u8]) -> Option<String> {
    use serde_json::Value;
    let text = std::str::from_utf8(bytes).ok()?;
    let value: Value = crate::yaml::from_str(text).ok()?;
    match value {
        Value::Object(map) if map.contains_key("bundle") && map.contains_key("recipes") => {
            Some(BUNDLE_SKIPPED.to_string())
        }
        Value::Object(map) if map.keys().any(|k| RECIPE_FIELDS.contains(&k.as_str())) => None,
        Value::Object(_) => Some(
            "YAML without any of a recipe's fields (prompt, messages, variables, …), so not a recipe"
                .to_string(),
        ),
        Value::Null => Some("an empty file, not a recipe".to_string()),
        _ => Some("YAML that is not a mapping of fields, so not a recipe".to_string()),
    }
}

/// The error for a pack with bad files: the first problems in full, and how many more.
fn invalid_pack(name: &str, total: usize, problems: Vec<String>) -> Error {
    const SHOWN: usize = 20;
    let mut message = if problems.len() == 1 {
        format!("the pack `{name}` has a problem:")
    } else {
        format!(
            "the pack `{name}` has {} problems (in {total} files):",
            problems.len()
        )
    };
    for p in problems.iter().take(SHOWN) {
        let _ = write!(message, "\n  {}", p.replace('\n', "\n  "));
    }
    if problems.len() > SHOWN {
        let _ = write!(message, "\n  … and {} more", problems.len() - SHOWN);
    }
    Error::invalid(message).hint(
        "nothing was changed; fix the files above (or ask the pack's authors to) and try again",
    )
}

/// Parses every file, on all cores: thousands of recipes each compile their templates.
fn parse_all(
    raw: &RawPack,
    files: &[&RawFile],
    progress: &dyn Progress,
) -> Vec<Result<PackRecipe, String>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = files.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|files| {
                scope.spawn(move || {
                    let mut out = Vec::with_capacity(files.len());
                    for (i, f) in files.iter().enumerate() {
                        out.push(parse_one(raw, f));
                        if i % 64 == 63 {
                            progress.advance(64);
                        }
                    }
                    progress.advance((files.len() % 64) as u64);
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a recipe parser thread panicked"))
            .collect()
    })
}

const HASH_MISMATCH: &str = "does not match its sha256";

fn parse_one(raw: &RawPack, file: &RawFile) -> Result<PackRecipe, String> {
    let origin = raw.display(&file.path);
    let hash = checked_hash(file, &origin, "recipe")?;
    let recipe = Recipe::parse_bytes(&file.bytes, &origin).map_err(|inv| render_invalid(&inv))?;
    // What `add` refuses, a pack cannot install. A recipe that includes snippets is checked
    // once the pack's snippets are read ([`default_render_problems`]).
    if recipe.compiled.snippets.is_empty()
        && let Some(d) = default_render_problem(&recipe, &SnippetSet::default())
    {
        return Err(d.render(&origin));
    }
    let yaml = String::from_utf8(file.bytes.clone()).expect("checked by parse_bytes");
    Ok(PackRecipe {
        file: file.path.clone(),
        recipe,
        yaml,
        hash,
    })
}

/// Every error of an invalid recipe, one per line, each with file:line:column.
fn render_invalid(inv: &Invalid) -> String {
    inv.diagnostics
        .iter()
        .filter(|d| d.severity == crate::recipe::Severity::Error)
        .map(|d| d.render(&inv.origin))
        .collect::<Vec<_>>()
        .join("\n")
}

fn hex_sha256(bytes: &[u8]) -> String {
    // The same digest as the store's content hash, which takes text.
    match std::str::from_utf8(bytes) {
        Ok(s) => content_hash(s),
        Err(_) => {
            use sha2::{Digest, Sha256};
            Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        }
    }
}
