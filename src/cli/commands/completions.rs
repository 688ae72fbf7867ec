//! `promptbook completions`: the script that makes a shell complete promptbook's commands,
//! options, recipe names and pack names.

use clap_complete::Shell;
use clap_complete::env::Shells;

use crate::error::{Error, Result};

/// Print a shell completion script.
///
/// The script asks promptbook for the candidates as you type (`COMPLETE=SHELL promptbook`),
/// so recipe and pack names come from your library, and new commands need no new script.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook completions bash > ~/.local/share/bash-completion/completions/promptbook\n  promptbook completions zsh > ~/.zfunc/_promptbook\n  promptbook completions fish > ~/.config/fish/completions/promptbook.fish"
)]
pub struct Args {
    /// The shell.
    pub shell: Shell,
}

pub fn run(args: Args, out: &crate::cli::Out) -> Result<()> {
    let name = args.shell.to_string();
    let shells = Shells::builtins();
    let shell = shells
        .completer(&name)
        .ok_or_else(|| Error::usage(format!("no completion script for {name}")))?;
    let mut script = Vec::new();
    shell
        .write_registration(
            "COMPLETE",
            "promptbook",
            "promptbook",
            "promptbook",
            &mut script,
        )
        .map_err(|e| Error::failed(format!("cannot write the script: {e}")))?;
    out.print(&String::from_utf8_lossy(&script))
}
