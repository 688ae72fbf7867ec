//! `promptbook man`: the manual pages, made by clap_mangen from the same definitions as
//! `--help`, so the two never disagree.

use std::path::PathBuf;

use crate::cli::Ctx;
use crate::error::{Error, Result};

/// Print the manual page, or write one page per command into a folder.
///
/// The pages say what `--help` says. To read one: `promptbook man | man -l -`. To install
/// them all where `man` finds them: `promptbook man --out ~/.local/share/man/man1`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook man | man -l -
  promptbook man --out ~/.local/share/man/man1 && man promptbook-render")]
pub struct Args {
    /// Write promptbook.1 and a page per command (promptbook-render.1, …) into this folder
    /// (created if needed) instead of printing the main page.
    #[arg(long, short, value_name = "FOLDER")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args, cmd: clap::Command, ctx: &mut Ctx) -> Result<()> {
    let Some(dir) = args.out else {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd)
            .render(&mut page)
            .map_err(|e| Error::failed(format!("cannot make the manual page: {e}")))?;
        return ctx.out.print(&String::from_utf8_lossy(&page));
    };
    let cannot = |e: std::io::Error| {
        Error::failed(format!(
            "cannot write the manual pages to {}: {e}",
            dir.display()
        ))
        .hint("check that you may write to that folder")
    };
    std::fs::create_dir_all(&dir).map_err(cannot)?;
    clap_mangen::generate_to(cmd, &dir).map_err(cannot)?;
    let pages = std::fs::read_dir(&dir)
        .map_err(cannot)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".1"))
        .count();
    eprintln!(
        "Wrote {pages} manual pages to {}; `man promptbook` reads them when that folder is on your MANPATH (~/.local/share/man is by default).",
        dir.display()
    );
    Ok(())
}
