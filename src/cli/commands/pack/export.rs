//! `promptbook pack export`: recipes from the library as a bundle or a pack folder.

use std::path::PathBuf;

use super::ui::count;
use crate::cli::Ctx;
use crate::cli::exports::{report_notes, write_into};
use crate::cli::output::{write_bytes, write_file};
use crate::error::{Error, Result};
use crate::formats::{self, Format};
use crate::pack::Manifest;
use crate::pack::export::{self, Selection};
use crate::pack::install;

/// Export recipes as a pack: one bundle file, or a folder ready to commit to a repository.
///
/// Choose recipes by name, by --tag, by --pack (an installed pack, with your changes), or
/// --all. The snippets they include come along, under snippets/ (with --pack, every snippet
/// of the pack). The pack's name and version come from --name/--pack-version, else from the folder's
/// pack.yaml, else from the one installed pack exported.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook pack export --tag team --name team-prompts --dir team-prompts
  promptbook pack export blog-draft email-triage --name writing -o writing.pbpack.yaml
  promptbook pack export --pack team-prompts --dir ~/src/team-prompts   (your edits, to push)
  promptbook pack export --all --name everything -o all.pbpack.yaml.gz   (compressed)")]
#[command(group = clap::ArgGroup::new("target").required(true).args(["out", "dir"]))]
pub struct Args {
    /// Recipes to export (NAME or PACK/NAME).
    #[arg(value_name = "RECIPE", add = crate::cli::complete::recipes())]
    pub recipes: Vec<String>,
    /// Every recipe with this tag (repeatable).
    #[arg(long, short, value_name = "TAG")]
    pub tag: Vec<String>,
    /// Every recipe of this installed pack (repeatable).
    #[arg(long, short, value_name = "PACK")]
    pub pack: Vec<String>,
    /// Every recipe in the library.
    #[arg(long)]
    pub all: bool,
    /// Write a bundle file (`-` for standard output; a name ending in .gz is compressed).
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write a pack folder (created if missing; recipe files there are replaced).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The pack's name (kebab-case).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The pack's version (default 0.1.0 for a new pack).
    #[arg(long, value_name = "VERSION")]
    pub pack_version: Option<String>,
    /// The pack's description.
    #[arg(long)]
    pub description: Option<String>,
    /// An author (repeatable).
    #[arg(long, value_name = "AUTHOR")]
    pub author: Vec<String>,
    /// The recipes' license.
    #[arg(long)]
    pub license: Option<String>,
    /// Write each recipe in another tool's format into --dir instead of a pack: dotprompt,
    /// prompty, llm, github-prompt, claude-command or claude-skill.
    #[arg(long = "as", value_name = "FORMAT", requires = "dir")]
    pub format: Option<String>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let selection = Selection {
        recipes: args.recipes.clone(),
        tags: args.tag.clone(),
        packs: args.pack.clone(),
        all: args.all,
    };
    if selection.is_empty() {
        return Err(Error::usage("no recipes chosen to export")
            .hint("name recipes, or pass --tag TAG, --pack PACK or --all"));
    }
    let lib = ctx.library()?;
    let items = export::collect(lib, &selection)?;
    if let Some(word) = &args.format {
        let dir = args.dir.as_deref().expect("clap requires --dir with --as");
        return in_format(lib, &items, word, dir);
    }
    let (snippets, notes) = export::snippets(lib, &selection, &items)?;
    for note in notes {
        eprintln!("note: {note}");
    }
    let existing = match &args.dir {
        Some(dir) if dir.join("pack.yaml").is_file() => {
            let path = dir.join("pack.yaml");
            let bytes = crate::limits::read_file(
                &path,
                crate::pack::limits::MAX_MANIFEST_BYTES as u64,
                "the manifest",
                crate::error::ErrorKind::InvalidRecipe,
            )?;
            Some(Manifest::parse(&bytes, &path.display().to_string())?)
        }
        _ => None,
    };
    let base = match (&existing, selection.packs.as_slice()) {
        (Some(m), _) => Some(m.clone()),
        (None, [one])
            if selection.recipes.is_empty() && selection.tags.is_empty() && !selection.all =>
        {
            Some(install::manifest(lib, one)?)
        }
        _ => None,
    };
    let mut manifest = match (base, &args.name) {
        (Some(m), _) => m,
        (None, Some(name)) => Manifest::new(name, "0.1.0"),
        (None, None) => {
            return Err(Error::usage("the pack needs a name")
                .hint("pass --name NAME (kebab-case), e.g. --name team-prompts"));
        }
    };
    if let Some(n) = &args.name {
        manifest.name = crate::recipe::Located::unplaced(n.clone());
    }
    if let Some(v) = &args.pack_version {
        manifest.version = crate::recipe::Located::unplaced(v.clone());
    }
    if let Some(d) = &args.description {
        manifest.description = d.clone();
    }
    if !args.author.is_empty() {
        manifest.authors = args.author.clone();
    }
    if let Some(l) = &args.license {
        manifest.license = Some(l.clone());
    }
    manifest.check("the exported pack.yaml")?;
    match (&args.out, &args.dir) {
        (Some(out), _) => {
            let text = export::to_bundle(&manifest, &items, &snippets);
            if out.as_os_str() == "-" {
                ctx.out.print(&text)?;
            } else if crate::pack::bundle::is_gzip_name(out) {
                write_bytes(out, &crate::pack::bundle::gzip(&text))?;
            } else {
                write_file(out, &text)?;
            }
            eprintln!(
                "Exported {}{} as the pack {} {}; install it with `promptbook pack add {}`.",
                count(items.len(), "recipe"),
                and_snippets(&snippets),
                manifest.name(),
                manifest.version(),
                if out.as_os_str() == "-" {
                    "FILE".to_string()
                } else {
                    out.display().to_string()
                }
            );
        }
        (None, Some(dir)) => {
            let write_manifest = existing.as_ref() != Some(&manifest);
            let all: Vec<export::Item> = items.iter().chain(&snippets).cloned().collect();
            export::to_folder(dir, write_manifest.then_some(&manifest), &all)?;
            eprintln!(
                "Wrote {} to {}.",
                listing(&items, &snippets, write_manifest),
                dir.display()
            );
            eprintln!(
                "Commit and push it (git -C {0} add -A && git -C {0} commit -m \"Update recipes\" && git -C {0} push); \
                 your team installs it with `promptbook pack add URL`.",
                dir.display()
            );
        }
        (None, None) => unreachable!("clap requires --out or --dir"),
    }
    Ok(())
}

/// "N recipes, M snippets and pack.yaml", leaving out what is not written.
fn listing(recipes: &[export::Item], snippets: &[export::Item], manifest: bool) -> String {
    let mut parts = vec![count(recipes.len(), "recipe")];
    if !snippets.is_empty() {
        parts.push(count(snippets.len(), "snippet"));
    }
    if manifest {
        parts.push("pack.yaml".into());
    }
    match parts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// ` and N snippets` when there are any.
fn and_snippets(snippets: &[export::Item]) -> String {
    if snippets.is_empty() {
        String::new()
    } else {
        format!(" and {}", count(snippets.len(), "snippet"))
    }
}

/// Every chosen recipe in another tool's format, written into `dir` only if all of them
/// could be exported.
fn in_format(
    lib: &crate::store::Library,
    items: &[export::Item],
    word: &str,
    dir: &std::path::Path,
) -> Result<()> {
    let format = Format::from_word(word)?;
    let mut done = Vec::new();
    let mut problems = Vec::new();
    for item in items {
        let recipe = crate::recipe::Recipe::parse(&item.yaml, &item.address)?;
        let pack = crate::store::split_address(&item.address).0;
        let snippets = lib.snippets_for(&recipe, pack)?;
        match formats::export(&recipe, &item.yaml, format, &snippets) {
            Ok(e) => done.push((recipe.name().to_string(), e)),
            Err(e) => problems.push(format!("{}: {}", item.address, e.message)),
        }
    }
    if !problems.is_empty() {
        return Err(Error::usage(problems.join("\n"))
            .hint(format!("nothing was written; export these recipes with another --as than {word}, or leave them out")));
    }
    for (name, e) in &done {
        report_notes(name, e);
        write_into(dir, e)?;
    }
    eprintln!(
        "Exported {} as {word} to {}.",
        count(done.len(), "recipe"),
        dir.display()
    );
    Ok(())
}
