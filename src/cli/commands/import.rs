//! `promptbook import`: other tools' prompt files as recipes, all stored in one transaction.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::catalog::Catalog;
use crate::check::lint;
use crate::cli::Ctx;
use crate::error::{Error, Result};
use crate::formats::{self, Format, Imported};
use crate::store::AddOutcome;

/// Import prompts from other tools as recipes.
///
/// Reads Fabric pattern folders (system.md, user.md), dotprompt .prompt files, Prompty
/// .prompty files, llm templates (YAML), GitHub Models .prompt.yml files, Claude Code
/// commands (.claude/commands/*.md) and Agent Skills (folders with SKILL.md). The format is
/// recognised from each file unless --from names it. Templates are translated to
/// promptbook's; each file's report says what it became and what could not be carried.
/// Nothing is stored if any file is bad, unless --skip-bad.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook import ~/fabric/patterns
  promptbook import summarize.prompt review.prompty
  promptbook import .claude/commands --dry-run
  promptbook import templates/ --from llm --skip-bad")]
pub struct Args {
    /// Files or folders to import.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The format of the files: yaml, fabric, dotprompt, prompty, llm, github-prompt,
    /// claude-command, claude-skill.
    #[arg(long, value_name = "FORMAT")]
    pub from: Option<String>,
    /// Report what would be imported; store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Store the good files and list the bad ones, instead of storing nothing.
    #[arg(long)]
    pub skip_bad: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let from = args.from.as_deref().map(Format::from_word).transpose()?;
    let units = formats::collect(&args.paths, from)?;
    let mut good: Vec<Imported> = Vec::new();
    let mut bad: Vec<Error> = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for unit in &units {
        match formats::import(unit) {
            Ok(i) => {
                if let Some(first) = seen.insert(i.recipe.name().to_string(), i.source.clone()) {
                    bad.push(
                        Error::invalid(format!(
                            "{}: the name `{}` is also used by {}",
                            i.source.display(),
                            i.recipe.name(),
                            first.display()
                        ))
                        .hint("rename one of the files"),
                    );
                } else {
                    good.push(i);
                }
            }
            Err(e) => bad.push(e),
        }
    }
    if !bad.is_empty() && !args.skip_bad {
        let mut e = bad[0].clone();
        if bad.len() > 1 {
            e.message = bad
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join("\n");
            e.hints.clear();
        }
        e.hints.push(
            "nothing was imported; fix the files above, or add --skip-bad to import the others"
                .into(),
        );
        return Err(e);
    }
    let catalog = Catalog::load()?;
    let mut report = String::new();
    let mut unrenderable: Vec<String> = Vec::new();
    for i in &good {
        report.push_str(&format!(
            "{} ({}) → {}\n",
            i.source.display(),
            i.format.word(),
            i.recipe.name()
        ));
        for n in &i.notes {
            report.push_str(&format!("  note: {n}\n"));
        }
        let snippets = match i.recipe.compiled.snippets.is_empty() {
            true => Default::default(),
            false => ctx.library()?.snippets_for(&i.recipe, None)?,
        };
        for w in lint::warnings(&i.recipe, &i.yaml, &catalog, &snippets) {
            if w.severity == crate::recipe::Severity::Error {
                // What `add` refuses is not imported either.
                unrenderable.push(format!("{}: {}", i.source.display(), w.message));
            } else {
                report.push_str(&format!("  lint: {}\n", w.message));
            }
        }
    }
    if !unrenderable.is_empty() && !args.skip_bad {
        return Err(Error::invalid(unrenderable.join("\n")).hint(
            "nothing was imported; fix the files above, or add --skip-bad to import the others",
        ));
    }
    for u in &unrenderable {
        report.push_str(&format!("skipped: {u}\n"));
    }
    let skipped: Vec<String> = unrenderable
        .iter()
        .filter_map(|u| u.split_once(": ").map(|(f, _)| f.to_string()))
        .collect();
    good.retain(|i| !skipped.contains(&i.source.display().to_string()));
    for b in &bad {
        report.push_str(&format!("skipped: {}\n", b.message));
    }
    eprint!("{report}");
    if args.dry_run {
        eprintln!("dry run: nothing was stored");
        return Ok(());
    }
    if good.is_empty() {
        return Err(Error::invalid("nothing to import: every file was bad"));
    }
    let recipes: Vec<_> = good.into_iter().map(|i| (i.recipe, i.yaml)).collect();
    for o in ctx.library()?.add(&recipes)? {
        match o {
            AddOutcome::Added { name } => eprintln!("added {name}"),
            AddOutcome::Updated { name, version } => {
                // The name was taken, perhaps by an unrelated recipe: say how to go back.
                eprintln!(
                    "updated {name} (now version {version}): a recipe of that name was already in the library; `promptbook diff {name}` shows the change, `promptbook revert {name} {}` undoes it",
                    version - 1
                )
            }
            AddOutcome::Unchanged { name, version } => {
                eprintln!("unchanged {name}: identical to stored version {version}")
            }
        }
    }
    Ok(())
}
