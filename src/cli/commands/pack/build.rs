//! `promptbook pack build DIR`: a pack folder as one bundle file.

use std::path::PathBuf;

use super::ui::{Bar, count};
use crate::cli::Ctx;
use crate::cli::output::write_file;
use crate::error::Result;
use crate::pack::{bundle, files};

/// Check a pack folder and make a single-file bundle of it.
///
/// Every recipe is checked as `pack add` would. The bundle is text (readable in a diff, safe
/// to send by mail or chat) with a SHA-256 for every recipe, so a changed or damaged bundle is
/// refused when installed.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook pack build team-prompts                 (writes NAME-VERSION.pbpack.yaml)
  promptbook pack build team-prompts -o team.pbpack.yaml")]
pub struct Args {
    /// The pack folder (with pack.yaml).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The bundle file to write (`-` for standard output).
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let raw = files::read_folder(&args.dir)?;
    let pack = crate::pack::validate(raw, &Bar::new())?;
    let text = bundle::write(&pack);
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from(bundle::default_file_name(&pack.manifest)));
    if out.as_os_str() == "-" {
        return ctx.out.print(&text);
    }
    write_file(&out, &text)?;
    eprintln!(
        "Built {} {} ({}); install it with `promptbook pack add {}`.",
        pack.manifest.name(),
        pack.manifest.version(),
        count(pack.recipes.len(), "recipe"),
        out.display()
    );
    Ok(())
}
