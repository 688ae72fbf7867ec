//! Editor sessions for `new` and `edit`, of recipes and of snippets: the text goes to a
//! draft file, the person's editor opens it, and what they save is validated and stored as
//! one transaction — or kept.
//!
//! The rule is that nothing typed is lost: the draft is removed only once its text is
//! stored, or when it holds nothing the person wrote (unchanged, or saved empty). Every other
//! ending — invalid text they chose to keep, an editor that failed, a name already taken,
//! a library that cannot be written — leaves the draft in place and names its path.

pub mod drafts;
pub mod editor;

use std::path::Path;

pub use drafts::Drafts;
pub use editor::{EditorCommand, EditorExit};

use crate::error::{Error, ErrorKind, Result};
use crate::recipe::snippet::{MAX_SNIPPET_BYTES, Snippet, about_snippets};
use crate::recipe::{Diagnostic, Invalid, MAX_RECIPE_BYTES, Recipe};
use crate::store::{AddOutcome, Library, SaveOutcome};

/// What is being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A new recipe or snippet: stored only if its name is free.
    New,
    /// The stored recipe or snippet `name`, edited from its version `base`.
    Existing { name: String, base: u32 },
}

/// The kind of text a session edits: each is parsed, stored and named its own way, and the
/// rest of the session (drafts, the editor, asking again) is the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Recipe,
    Snippet,
}

impl Kind {
    /// `recipe` or `snippet`, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Recipe => "recipe",
            Kind::Snippet => "snippet",
        }
    }

    /// The command that stores a file of this kind, for the hint on a kept draft.
    fn add_command(self) -> &'static str {
        match self {
            Kind::Recipe => "promptbook add",
            Kind::Snippet => "promptbook snippet add",
        }
    }

    /// The command that removes one.
    fn rm_command(self) -> &'static str {
        match self {
            Kind::Recipe => "promptbook rm",
            Kind::Snippet => "promptbook snippet rm",
        }
    }

    /// The largest file of this kind.
    fn max_bytes(self) -> usize {
        match self {
            Kind::Recipe => MAX_RECIPE_BYTES,
            Kind::Snippet => MAX_SNIPPET_BYTES,
        }
    }
}

/// The question a session asks. The command line asks it on a terminal; without one it
/// answers "keep" at once, so a session never waits for input no one can give.
pub trait Ui {
    /// The saved text has `problem`: return true to open the editor again on that same text,
    /// false to stop and keep it as the file `draft`.
    fn reopen(&mut self, problem: &Error, draft: &Path) -> bool;
}

/// How a session ended without an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The text was stored.
    Stored(SaveOutcome),
    /// The file was closed unchanged: nothing was stored.
    Unchanged,
}

/// What a session works with.
pub struct Session<'a> {
    pub library: &'a mut Library,
    pub editor: &'a EditorCommand,
    pub drafts: &'a Drafts,
    pub kind: Kind,
}

impl Session<'_> {
    /// Opens `initial` in the editor (as a draft named after `label`) until the saved text is
    /// stored, left unchanged, or kept as a file. Errors say where the text is kept.
    pub fn run(
        &mut self,
        target: &Target,
        label: &str,
        initial: &str,
        ui: &mut dyn Ui,
    ) -> Result<Outcome> {
        let draft = self.drafts.create(label, initial)?;
        let kind = self.kind;
        let kept = |e: Error| -> Error {
            e.hint(format!(
                "your text is kept in {}; when it is right, store it with `{} {}`",
                draft.display(),
                kind.add_command(),
                draft.display()
            ))
        };
        loop {
            let exit = match self.editor.run(&draft) {
                Ok(exit) => exit,
                Err(e) => {
                    return Err(
                        if read(&draft, kind).is_ok_and(|t| t == initial.as_bytes()) {
                            Drafts::discard(&draft);
                            e.hint("nothing was stored")
                        } else {
                            kept(e)
                        },
                    );
                }
            };
            let text = read(&draft, kind)?;
            if let EditorExit::Failed(code) = exit {
                let status = code.map_or("was stopped by a signal".to_string(), |c| {
                    format!("exited with status {c}")
                });
                let e = Error::new(
                    ErrorKind::Failed,
                    format!(
                        "the editor {} {status}, so nothing was stored",
                        self.editor.describe()
                    ),
                );
                if text == initial.as_bytes() {
                    Drafts::discard(&draft);
                    return Err(e);
                }
                return Err(kept(e));
            }
            if text == initial.as_bytes() {
                Drafts::discard(&draft);
                return Ok(Outcome::Unchanged);
            }
            if text.iter().all(u8::is_ascii_whitespace) {
                Drafts::discard(&draft);
                let e = Error::failed("the file was saved empty, so nothing was stored");
                return Err(match target {
                    Target::Existing { name, .. } => e.hint(format!(
                        "`{name}` is as it was; to remove it use `{} {name}`",
                        kind.rm_command()
                    )),
                    Target::New => e.hint(format!("no {} was created", kind.noun())),
                });
            }
            let problem = match self.store(target, text, &draft.display().to_string()) {
                Ok(SaveOutcome::Unchanged { .. }) => {
                    Drafts::discard(&draft);
                    return Ok(Outcome::Unchanged);
                }
                Ok(outcome) => {
                    Drafts::discard(&draft);
                    return Ok(Outcome::Stored(outcome));
                }
                // Invalid text, or a name already taken: fixable in the text.
                Err(e) if e.kind == ErrorKind::InvalidRecipe => e,
                Err(e) => return Err(kept(e)),
            };
            if !ui.reopen(&problem, &draft) {
                return Err(kept(problem));
            }
        }
    }
}

impl Session<'_> {
    /// Parses the saved `text` (from the draft `origin`) and stores it as `target` says. An
    /// error of kind `InvalidRecipe` is one the person can fix in the editor.
    fn store(&mut self, target: &Target, text: Vec<u8>, origin: &str) -> Result<SaveOutcome> {
        match self.kind {
            Kind::Recipe => self.store_recipe(target, text, origin),
            Kind::Snippet => self
                .store_snippet(target, text, origin)
                .map_err(about_snippets),
        }
    }

    fn store_recipe(
        &mut self,
        target: &Target,
        text: Vec<u8>,
        origin: &str,
    ) -> Result<SaveOutcome> {
        let recipe = Recipe::parse_bytes(&text, origin)?;
        let yaml = String::from_utf8(text).expect("checked by parse_bytes");
        // What `add` refuses, an edit refuses too: a recipe that does not render.
        let pack = match target {
            Target::New => None,
            Target::Existing { name, .. } => crate::store::split_address(name).0,
        };
        let snippets = self.library.snippets_for(&recipe, pack)?;
        let problems = crate::check::lint::refusals(&recipe, &snippets);
        if !problems.is_empty() {
            return Err(crate::recipe::Invalid {
                origin: origin.to_string(),
                diagnostics: problems,
            }
            .into());
        }
        match target {
            Target::New => self.library.create(&recipe, &yaml),
            Target::Existing { name, base } => {
                self.library.save_version(name, *base, &recipe, &yaml)
            }
        }
    }

    fn store_snippet(
        &mut self,
        target: &Target,
        text: Vec<u8>,
        origin: &str,
    ) -> Result<SaveOutcome> {
        let snippet = Snippet::parse_bytes(&text, origin)?;
        let yaml = String::from_utf8(text).expect("checked by parse_bytes");
        let name = snippet.name().to_string();
        let stored = match target {
            Target::New => {
                let taken = match self.library.snippet(&name) {
                    Err(e) => e.kind != ErrorKind::NotFound,
                    Ok(_) => true,
                };
                if taken {
                    return Err(misnamed(
                        &snippet,
                        origin,
                        format!("a snippet named `{name}` is already in the library"),
                        format!(
                            "choose another `name:`, or change that one with `promptbook snippet edit {name}`"
                        ),
                    ));
                }
                let entry = (snippet, yaml, origin.to_string());
                let mut outcomes = self.library.add_snippets(std::slice::from_ref(&entry))?;
                outcomes.pop().expect("one outcome per snippet")
            }
            Target::Existing {
                name: editing,
                base,
            } => {
                // Recipes include a snippet by its name, so a snippet is not renamed.
                let bare = editing.rsplit('/').next().unwrap_or(editing);
                if name != bare {
                    return Err(misnamed(
                        &snippet,
                        origin,
                        format!(
                            "the snippet is named `{name}`, but you are editing `{editing}`; a snippet keeps its name, because recipes include it by that name"
                        ),
                        format!(
                            "change `name:` back to `{bare}`; for a new snippet, `promptbook snippet new {name}`"
                        ),
                    ));
                }
                let broken: Vec<String> =
                    renders_with_changed_snippet(self.library, editing, &snippet)?
                        .into_iter()
                        .map(|p| format!("{origin}: {p}"))
                        .collect();
                if !broken.is_empty() {
                    return Err(unrenderable_change(&broken));
                }
                self.library
                    .save_snippet_on(editing, *base, &snippet, &yaml, origin)?
            }
        };
        Ok(match stored {
            AddOutcome::Added { name } => SaveOutcome::Created { name },
            AddOutcome::Updated { name, version } => SaveOutcome::NewVersion {
                name,
                version,
                renamed_from: None,
            },
            AddOutcome::Unchanged { name, version } => SaveOutcome::Unchanged { name, version },
        })
    }
}

/// A snippet whose `name:` cannot be stored, reported at that line like any problem in the
/// file, so the person fixes it in the editor.
fn misnamed(snippet: &Snippet, origin: &str, message: String, hint: String) -> Error {
    Error::from(Invalid {
        origin: origin.to_string(),
        diagnostics: vec![Diagnostic::error(message, Some(snippet.def.name.position)).hint(hint)],
    })
}

fn read(path: &Path, kind: Kind) -> Result<Vec<u8>> {
    crate::limits::read_file(
        path,
        kind.max_bytes() as u64,
        "the draft",
        crate::error::ErrorKind::InvalidRecipe,
    )
    .map_err(|e| e.hint("the editor may have moved, deleted or overgrown it; nothing was stored"))
}

/// Makes version `version` of recipe `name` current again, as a new version, if the recipe
/// is still at `base`: what `revert` and the web page's history do. An old version is
/// refused as `add` would refuse it today (a snippet it includes has changed or gone, or
/// it no longer renders with its defaults), with nothing stored.
pub fn revert(library: &mut Library, name: &str, version: u32, base: u32) -> Result<SaveOutcome> {
    let old = library.get_version(name, version)?;
    let recipe = old.parse()?;
    let snippets = library.snippets_for(&recipe, old.pack.as_deref())?;
    let problems = crate::check::lint::refusals(&recipe, &snippets);
    if !problems.is_empty() {
        return Err(Error::from(Invalid {
            origin: format!("{} version {version}", old.name),
            diagnostics: problems,
        })
        .hint("nothing was stored; bring the old text back by hand instead (`promptbook diff` shows it), changed so it fits today's snippets"));
    }
    library.save_version(&old.name, base, &recipe, &old.yaml)
}

/// Why snippet `full` (`pack/name` for a pack's) may not become `snippet`: one line for each
/// recipe including it that would then not render with its defaults (a snippet may read a
/// variable in a way its recipes' values do not allow, e.g. `{{#each audience}}` over a
/// text), naming it and why. The store checks names and variables as it writes; this
/// renders, which the store cannot. `snippet add`, `snippet edit` and `snippet revert` ask.
pub fn renders_with_changed_snippet(
    library: &Library,
    full: &str,
    snippet: &Snippet,
) -> Result<Vec<String>> {
    renders_with_changed_snippet_except(library, full, snippet, &|_| false)
}

/// [`renders_with_changed_snippet`] over the including recipes `skip` does not name (those
/// a pack update replaces along with the snippet).
pub fn renders_with_changed_snippet_except(
    library: &Library,
    full: &str,
    snippet: &Snippet,
    skip: &dyn Fn(&str) -> bool,
) -> Result<Vec<String>> {
    let users = match library.snippet_users(full) {
        Ok(users) => users,
        Err(e) if e.kind == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut problems = Vec::new();
    for user in users.into_iter().filter(|u| !skip(u)) {
        let stored = library.get(&user)?;
        let recipe = stored.parse_for_render()?;
        let mut set = library.snippets_for(&recipe, stored.pack.as_deref())?;
        for found in set.found.values_mut() {
            if found.full_name == full {
                found.snippet = std::sync::Arc::new(snippet.clone());
            }
        }
        // Missing names and undeclared variables are the store's to report, at their place.
        if !crate::recipe::snippet::problems_in(&recipe, &set).is_empty() {
            continue;
        }
        if let Err(e) = crate::check::lint::render_with_defaults(&recipe, &set) {
            problems.push(format!(
                "`{user}` would not render with its defaults: {}",
                e.message
            ));
        }
    }
    Ok(problems)
}

/// The error when a snippet change would stop recipes from rendering: `lines`, each a
/// problem from [`renders_with_changed_snippet`] after the snippet's file.
pub fn unrenderable_change(lines: &[String]) -> Error {
    Error::invalid(lines.join("\n"))
    .hint("change the snippet so it reads the recipes' variables as their types allow (a `{{#each}}` needs a list), or change those recipes first")
}
