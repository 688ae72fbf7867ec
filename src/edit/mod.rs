//! Editor sessions for `new` and `edit`: the text goes to a draft file, the person's editor
//! opens it, and what they save is validated and stored as one transaction — or kept.
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
use crate::recipe::Recipe;
use crate::store::{Library, SaveOutcome};

/// What is being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A new recipe: stored only if its name is free.
    New,
    /// The stored recipe `name`, edited from its version `base`.
    Existing { name: String, base: u32 },
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
        let kept = |e: Error| -> Error {
            e.hint(format!(
                "your text is kept in {}; when it is right, store it with `promptbook add {}`",
                draft.display(),
                draft.display()
            ))
        };
        loop {
            let exit = match self.editor.run(&draft) {
                Ok(exit) => exit,
                Err(e) => {
                    return Err(if read(&draft).is_ok_and(|t| t == initial.as_bytes()) {
                        Drafts::discard(&draft);
                        e.hint("nothing was stored")
                    } else {
                        kept(e)
                    });
                }
            };
            let text = read(&draft)?;
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
                        "`{name}` is as it was; to remove it use `promptbook rm {name}`"
                    )),
                    Target::New => e.hint("no recipe was created"),
                });
            }
            let problem = match Recipe::parse_bytes(&text, &draft.display().to_string()) {
                Err(invalid) => Error::from(invalid),
                Ok(recipe) => {
                    let yaml = String::from_utf8(text).expect("checked by parse_bytes");
                    let saved = match target {
                        Target::New => self.library.create(&recipe, &yaml),
                        Target::Existing { name, base } => {
                            self.library.save_version(name, *base, &recipe, &yaml)
                        }
                    };
                    match saved {
                        Ok(SaveOutcome::Unchanged { .. }) => {
                            Drafts::discard(&draft);
                            return Ok(Outcome::Unchanged);
                        }
                        Ok(outcome) => {
                            Drafts::discard(&draft);
                            return Ok(Outcome::Stored(outcome));
                        }
                        // A name already taken: fixable in the text, like any invalid recipe.
                        Err(e) if e.kind == ErrorKind::InvalidRecipe => e,
                        Err(e) => return Err(kept(e)),
                    }
                }
            };
            if !ui.reopen(&problem, &draft) {
                return Err(kept(problem));
            }
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    crate::limits::read_file(
        path,
        crate::recipe::MAX_RECIPE_BYTES as u64,
        "the draft",
        crate::error::ErrorKind::InvalidRecipe,
    )
    .map_err(|e| e.hint("the editor may have moved, deleted or overgrown it; nothing was stored"))
}
