//! `promptbook pack build DIR`: a pack folder as one bundle file.

use std::path::{Path, PathBuf};

use super::ui::{Bar, count, notes};
use crate::cli::Ctx;
use crate::cli::output::{write_bytes, write_file};
use crate::error::Result;
use crate::pack::{bundle, files};

/// Check a pack folder and make a single-file bundle of it.
///
/// Every recipe and snippet (the .yaml files under snippets/) is checked as `pack add` would,
/// except that a snippet the pack lacks may come from the library it is installed into (a
/// note names each, where it is included). The
/// bundle is text (readable in a diff, safe to send by mail or chat) with a SHA-256 for every
/// file, so a changed or damaged bundle is refused when installed.
#[derive(Debug, clap::Args)]
///
/// The bundle is written beside the pack folder, never into it: into the current folder, or,
/// when you run it inside the pack folder, into the folder that holds the pack folder.
#[command(after_help = "Examples:
  promptbook pack build team-prompts                 (writes ./NAME-VERSION.pbpack.yaml)
  cd team-prompts && promptbook pack build .         (writes ../NAME-VERSION.pbpack.yaml)
  promptbook pack build team-prompts -o team.pbpack.yaml
  promptbook pack build team-prompts -o team.pbpack.yaml.gz   (compressed)")]
pub struct Args {
    /// The pack folder (with pack.yaml).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The bundle file to write (`-` for standard output; a name ending in .gz is compressed).
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let raw = files::read_folder(&args.dir)?;
    let pack = crate::pack::validate(raw, &Bar::new())?;
    notes(&pack);
    for need in &pack.needs {
        eprintln!("note: {need}");
    }
    let text = bundle::write(&pack);
    let out = match args.out {
        Some(out) => out,
        None => outside(&args.dir, &bundle::default_file_name(&pack.manifest)),
    };
    if out.as_os_str() == "-" {
        return ctx.out.print(&text);
    }
    if bundle::is_gzip_name(&out) {
        write_bytes(&out, &bundle::gzip(&text))?;
    } else {
        write_file(&out, &text)?;
    }
    let snippets = if pack.snippets.is_empty() {
        String::new()
    } else {
        format!(", {}", count(pack.snippets.len(), "snippet"))
    };
    eprintln!(
        "Built {} {} ({}{snippets}); install it with `promptbook pack add {}`.",
        pack.manifest.name(),
        pack.manifest.version(),
        count(pack.recipes.len(), "recipe"),
        out.display()
    );
    Ok(())
}

/// Where the bundle goes by default: `name` in the current folder, unless that is the pack
/// folder or inside it; then beside the pack folder (`../name`, as many `..` as it takes), so
/// the next build, and a commit of the folder, never take the bundle in.
fn outside(dir: &Path, name: &str) -> PathBuf {
    let (Ok(pack), Ok(here)) = (
        std::fs::canonicalize(dir),
        std::env::current_dir().and_then(std::fs::canonicalize),
    ) else {
        return PathBuf::from(name);
    };
    match here.strip_prefix(&pack) {
        Ok(inside) => {
            let mut out = PathBuf::new();
            for _ in 0..=inside.components().count() {
                out.push("..");
            }
            out.join(name)
        }
        Err(_) => PathBuf::from(name),
    }
}
