//! The editor session `new` and `edit` share, for recipes and snippets alike: run it, say
//! what happened, and ask on the terminal whether to re-open the editor.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use super::Ctx;
use crate::edit::{Drafts, EditorCommand, Kind, Outcome, Session, Target, Ui};
use crate::error::{Error, Result};
use crate::store::SaveOutcome;

/// `edit`: opens the stored `yaml` of the recipe or snippet `name` (its full name, which
/// finds it again), made from version `version`, and stores what is saved on top of it.
pub fn edit_stored(ctx: &mut Ctx, kind: Kind, name: &str, version: u32, yaml: &str) -> Result<()> {
    let editor = EditorCommand::from_env(std::io::stdin().is_terminal())?;
    let drafts = drafts_of(kind)?;
    // A pack's recipe is named `pack/name`; its drafts are files named `pack.name-…`.
    let label = name.replace('/', ".");
    note_kept_drafts(&drafts, &label);
    let target = Target::Existing {
        name: name.to_string(),
        base: version,
    };
    edit_session(ctx, kind, &editor, &drafts, &target, &label, yaml)
}

/// `new`: opens `initial` (a scaffold or a copy) for a new recipe or snippet `name`, stored
/// only if its name is free.
pub fn write_new(ctx: &mut Ctx, kind: Kind, name: &str, initial: &str) -> Result<()> {
    let editor = EditorCommand::from_env(std::io::stdin().is_terminal())?;
    let drafts = drafts_of(kind)?;
    note_kept_drafts(&drafts, name);
    edit_session(ctx, kind, &editor, &drafts, &Target::New, name, initial)
}

/// Where drafts of `kind` are kept.
fn drafts_of(kind: Kind) -> Result<Drafts> {
    let drafts = Drafts::default_location()?;
    Ok(match kind {
        Kind::Recipe => drafts,
        Kind::Snippet => drafts.of_snippets(),
    })
}

/// Runs a session for `new` and `edit` (of a recipe or a snippet: `kind`), and says what
/// happened.
fn edit_session(
    ctx: &mut Ctx,
    kind: Kind,
    editor: &EditorCommand,
    drafts: &Drafts,
    target: &Target,
    label: &str,
    initial: &str,
) -> Result<()> {
    let mut ui = TerminalUi {
        interactive: std::io::stdin().is_terminal(),
        declined: false,
    };
    let library = ctx.library()?;
    let mut session = Session {
        library,
        editor,
        drafts,
        kind,
    };
    match session.run(target, label, initial, &mut ui) {
        Ok(Outcome::Unchanged) => {
            eprintln!("No changes, so nothing was stored.");
            Ok(())
        }
        Ok(Outcome::Stored(outcome)) => {
            match outcome {
                SaveOutcome::Created { name } => eprintln!("Added `{name}` (version 1)."),
                SaveOutcome::NewVersion {
                    name,
                    version,
                    renamed_from: None,
                } => eprintln!("Stored `{name}` version {version}."),
                SaveOutcome::NewVersion {
                    name,
                    version,
                    renamed_from: Some(old),
                } => eprintln!("Renamed `{old}` to `{name}` and stored version {version}."),
                SaveOutcome::Unchanged { .. } => {
                    eprintln!("No changes, so nothing was stored.")
                }
            }
            Ok(())
        }
        Err(mut e) => {
            if ui.declined {
                // The problem was shown before the question; say only what happens now.
                e.message = format!("the {} was not stored", kind.noun());
                e.hints.retain(|h| h.starts_with("your text is kept"));
            }
            Err(e)
        }
    }
}

/// Prints where drafts from earlier sessions (kept, or left by a crash) are.
fn note_kept_drafts(drafts: &Drafts, name: &str) {
    for path in drafts.kept(name) {
        eprintln!(
            "note: an earlier draft of `{name}` is kept in {}",
            path.display()
        );
    }
}

/// Asks on the terminal whether to re-open the editor; without a terminal it never asks.
struct TerminalUi {
    interactive: bool,
    declined: bool,
}

impl Ui for TerminalUi {
    fn reopen(&mut self, problem: &Error, draft: &Path) -> bool {
        if !self.interactive {
            return false;
        }
        super::report(problem);
        eprint!("Open the editor again on your text to fix it? [Y/n] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let again = match std::io::stdin().lock().read_line(&mut answer) {
            Ok(0) | Err(_) => false,
            Ok(_) => !matches!(answer.trim().to_ascii_lowercase().as_str(), "n" | "no"),
        };
        if !again {
            self.declined = true;
            eprintln!("Keeping your text in {}.", draft.display());
        }
        again
    }
}
