//! `promptbook pack update [NAME…]`: fetch, show what changes, apply after confirmation.

use std::fmt::Write as _;

use super::ui::{Bar, Spinner, diff, notes};
use crate::cli::Ctx;
use crate::cli::output::confirm;
use crate::error::{Error, Result};
use crate::pack::git::{GitOptions, short};
use crate::pack::install::{self, ChangeKind, UpdatePlan};
use crate::pack::source::Source;

/// Update installed packs from their sources.
///
/// Fetches each pack again (the same ref, or --ref), shows the recipes and snippets added,
/// changed (with a diff) and removed, and applies it all in one step after you confirm. A
/// recipe or snippet you changed is never overwritten: your version stays current and the
/// pack's new one is kept in its history (--theirs takes the pack's versions instead). What
/// the pack dropped but you changed stays as your own, and so does a dropped snippet that
/// recipes you keep include.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook pack update                 (every pack; asks before changing anything)
  promptbook pack update team-prompts --dry-run
  promptbook pack update team-prompts --ref v1.3 --yes
  promptbook pack update team-prompts --from team-prompts-1.3.0.pbpack.yaml
  promptbook pack update team-prompts --theirs")]
pub struct Args {
    /// The packs to update (default: all of them).
    #[arg(value_name = "NAME", add = crate::cli::complete::packs())]
    pub names: Vec<String>,
    /// Only show what would change.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Apply without asking (for scripts).
    #[arg(long, short)]
    pub yes: bool,
    /// Take the pack's version of every recipe, replacing your changes (they stay in the
    /// history) and bringing back recipes you removed.
    #[arg(long)]
    pub theirs: bool,
    /// Move a git pack to another branch, tag or commit (one pack only).
    #[arg(long = "ref", value_name = "REF", conflicts_with = "from")]
    pub reference: Option<String>,
    /// Update from another source from now on: a newer bundle file, a moved repository
    /// (one pack only).
    #[arg(long, value_name = "SOURCE", allow_hyphen_values = true)]
    pub from: Option<String>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    let names = if args.names.is_empty() {
        install::names(lib)?
    } else {
        args.names.clone()
    };
    if names.is_empty() {
        eprintln!("No packs are installed. Add one with `promptbook pack add SOURCE`.");
        return Ok(());
    }
    if (args.reference.is_some() || args.from.is_some()) && names.len() != 1 {
        return Err(Error::usage("--ref and --from change one pack: name it")
            .hint("e.g. `promptbook pack update team-prompts --ref v1.3`"));
    }
    let from = args.from.as_deref().map(Source::parse).transpose()?;
    let bar = Bar::new();
    let mut plans = Vec::with_capacity(names.len());
    for name in &names {
        let installed = install::get(lib, name)?;
        let mut source = match &from {
            Some(s) => s.clone(),
            None => Source::from_record(
                &installed.source_kind,
                &installed.source,
                installed.reference.as_deref(),
            )?,
        };
        if let Some(r) = &args.reference {
            source = source.with_reference(r)?;
        }
        let spinner = matches!(source, Source::Git { .. })
            .then(|| Spinner::new(format!("Fetching {}", source.display())));
        let fetched = source.fetch(GitOptions::from_env()).map_err(|e| {
            let mut e = e;
            e.message = format!("cannot update `{name}`: {}", e.message);
            e
        })?;
        drop(spinner);
        let origin = source.origin(&fetched);
        let pack = crate::pack::validate(fetched.raw, &bar)?;
        notes(&pack);
        plans.push(install::plan_update(
            lib,
            &installed,
            pack,
            origin,
            args.theirs,
        )?);
    }
    let mut report = String::new();
    for plan in &plans {
        describe(&mut report, plan, ctx.out.color);
    }
    ctx.out.print(&report)?;
    if plans.iter().all(UpdatePlan::is_empty) {
        eprintln!("Everything is up to date.");
        return Ok(());
    }
    if args.dry_run {
        eprintln!("Dry run: nothing was changed.");
        return Ok(());
    }
    let changes_recipes = plans.iter().any(UpdatePlan::changes_recipes);
    if changes_recipes && !args.yes {
        let refusal = Error::usage("not updating without confirmation")
            .hint("pass --yes to apply the update from a script, or --dry-run to only see it");
        if !confirm("Apply these changes?", refusal)? {
            eprintln!("Nothing was changed.");
            return Ok(());
        }
    }
    let applied = install::apply_updates(ctx.library()?, &plans).map_err(|e| {
        if e.kind == crate::error::ErrorKind::InvalidRecipe {
            e.hint("nothing was changed; fix the files above (or ask the pack's authors to) and try again")
        } else {
            e
        }
    })?;
    for plan in &plans {
        if !plan.is_empty() {
            eprintln!("Updated {} to {}.", plan.name, plan.to_version);
        }
    }
    for (address, version, snippet) in &applied.kept {
        let revert = if *snippet { "snippet revert" } else { "revert" };
        let how = format!("`promptbook {revert} {address} {version}` takes it");
        let what = if *snippet { "the snippet " } else { "" };
        eprintln!(
            "Kept your version of {what}{address}; the pack's new version is stored as version {version} ({how})."
        );
    }
    if let Some((address, _, _)) = applied.kept.first() {
        let pack = address.split('/').next().unwrap_or(address);
        eprintln!(
            "  To take all of the pack's versions: `promptbook pack update {pack} --theirs` (yours stay in the history)."
        );
    }
    for (was, now, snippet) in &applied.kept_as_yours {
        if *snippet {
            eprintln!("The snippet {was} was dropped by its pack; it stays as `{now}`.");
        } else {
            eprintln!("{was} was dropped by its pack; you changed it, so it stays as `{now}`.");
        }
    }
    Ok(())
}

/// The plan as people read it: a header, one line per changed recipe, then the diffs.
fn describe(out: &mut String, plan: &UpdatePlan, color: bool) {
    let commit = |c: &Option<String>| c.as_deref().map(short).unwrap_or("-").to_string();
    let _ = write!(out, "{} {}", plan.name, plan.from_version);
    if plan.from_version != plan.to_version {
        let _ = write!(out, " → {}", plan.to_version);
    }
    if plan.from_commit != plan.to_commit {
        let _ = write!(
            out,
            " (commit {} → {})",
            commit(&plan.from_commit),
            commit(&plan.to_commit)
        );
    } else if let Some(c) = &plan.to_commit {
        let _ = write!(out, " (commit {})", short(c));
    }
    let _ = writeln!(out);
    if !plan.changes_recipes() {
        let _ = writeln!(out, "  no recipe or snippet changes");
        return;
    }
    for c in plan.changes.iter().filter(|c| c.visible()) {
        let (label, note) = match c.kind {
            ChangeKind::Added => ("added", ""),
            ChangeKind::Changed => ("changed", ""),
            ChangeKind::KeptYours => (
                "kept yours",
                "you changed it; the pack's new version goes to its history",
            ),
            ChangeKind::TakeTheirs => (
                "take theirs",
                "your version is replaced by the pack's (yours stays in the history)",
            ),
            ChangeKind::Removed => ("removed", ""),
            ChangeKind::KeptAsYours => (
                "kept",
                "dropped by the pack, but you changed it: it stays as your own",
            ),
            ChangeKind::StaysRemoved => (
                "not restored",
                "you removed it; the pack changed it (--theirs brings it back)",
            ),
            ChangeKind::Restored => ("restored", "you had removed it"),
            ChangeKind::Record => continue,
        };
        let what = if c.snippet { "snippet " } else { "" };
        let _ = write!(out, "  {label:<13} {what}{}", c.address);
        let note = c.note.as_deref().unwrap_or(note);
        if !note.is_empty() {
            let _ = write!(out, "  ({note})");
        }
        let _ = writeln!(out);
    }
    for c in &plan.changes {
        let (Some(before), Some(after)) = (&c.before, &c.after) else {
            continue;
        };
        let (from, to) = match c.kind {
            ChangeKind::KeptYours => (
                format!("{} (pack {})", c.address, plan.from_version),
                format!("{} (pack {})", c.address, plan.to_version),
            ),
            ChangeKind::TakeTheirs => (
                format!("{} (yours)", c.address),
                format!("{} (pack {})", c.address, plan.to_version),
            ),
            _ => (
                format!("{} (installed)", c.address),
                format!("{} (pack {})", c.address, plan.to_version),
            ),
        };
        let _ = writeln!(out);
        out.push_str(&diff(before, after, &from, &to, color));
    }
    let _ = writeln!(out);
}
