//! `promptbook edit`: change a recipe in your editor; each valid save is a new version.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use super::Ctx;
use crate::edit::{Drafts, EditorCommand, Outcome, Session, Target, Ui};
use crate::error::{Error, Result};
use crate::store::SaveOutcome;

/// Edit a recipe in your editor ($VISUAL, else $EDITOR, else vi).
///
/// When you save and close the editor, the text is checked. A valid change is stored as a
/// new version (the old ones stay: see `history`); an unchanged file stores nothing. If it
/// has errors they are shown with line and column, and on a terminal you may open the
/// editor again on your text, or keep it as a file whose path is printed. Nothing you type
/// is lost. Changing `name:` renames the recipe, unless another recipe has that name.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook edit blog-draft
  EDITOR='code --wait' promptbook edit blog-draft
  promptbook history blog-draft")]
pub struct Args {
    /// The recipe's name.
    pub name: String,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let interactive = std::io::stdin().is_terminal();
    let stored = ctx.library()?.get(&args.name)?;
    let editor = EditorCommand::from_env(interactive)?;
    let drafts = Drafts::default_location()?;
    // A pack's recipe is named `pack/name`; its drafts are files named `pack.name-…`.
    let label = stored.name.replace('/', ".");
    note_kept_drafts(&drafts, &label);
    let target = Target::Existing {
        name: stored.name.clone(),
        base: stored.version,
    };
    edit_session(ctx, &editor, &drafts, &target, &label, &stored.yaml)
}

/// Runs a session for `new` and `edit`, and says what happened.
pub fn edit_session(
    ctx: &mut Ctx,
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
                e.message = "the recipe was not stored".into();
                e.hints.retain(|h| h.starts_with("your text is kept"));
            }
            Err(e)
        }
    }
}

/// Prints where drafts from earlier sessions (kept, or left by a crash) are.
pub fn note_kept_drafts(drafts: &Drafts, name: &str) {
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
