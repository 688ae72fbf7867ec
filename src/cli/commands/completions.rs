//! `promptbook completions`: shell completion scripts.

use clap_complete::Shell;

use crate::error::Result;

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook completions bash > ~/.local/share/bash-completion/completions/promptbook\n  promptbook completions zsh > ~/.zfunc/_promptbook\n  promptbook completions fish > ~/.config/fish/completions/promptbook.fish"
)]
pub struct Args {
    /// The shell.
    pub shell: Shell,
}

pub fn run(args: Args, cmd: &mut clap::Command) -> Result<()> {
    clap_complete::generate(args.shell, cmd, "promptbook", &mut std::io::stdout());
    Ok(())
}
