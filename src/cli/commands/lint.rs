//! `promptbook lint`: errors and warnings for recipes, with line, column and a fix.

use std::fmt::Write as _;

use crate::catalog::Catalog;
use crate::check::{LintReport, lint};
use crate::cli::Ctx;
use crate::cli::output::count;
use crate::cli::sources::{gather, snippets_for};
use crate::error::{Error, Result};
use crate::recipe::{Diagnostic, Severity};

/// Check recipes for errors and warnings, each with file, line, column and a fix.
///
/// Errors (the recipe cannot be stored): invalid YAML, a template that uses an undeclared
/// variable, a default outside its choices or range, an example or test naming an unknown
/// variable, an invalid regex. Warnings: a declared variable no template uses, no
/// description, no examples, a prompt that with its defaults exceeds the preferred model's
/// context window, and text in `{{! … }}` that Handlebars drops as a comment. A recipe that
/// includes snippets (`{{> name}}`) is checked against the library's: each must exist, and
/// the recipe must declare every variable they read. Exits 1 if
/// there is any error. Give recipe names, files or folders; with none, every recipe in the
/// library is checked.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook lint
  promptbook lint my-recipe.yaml
  promptbook lint recipes/ --json")]
pub struct Args {
    /// Recipe names in the library, recipe files, or folders of them.
    #[arg(value_name = "NAME|FILE")]
    pub targets: Vec<String>,
    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let (sources, local) = gather(&args.targets, ctx)?;
    let catalog = Catalog::load()?;
    let shared = std::cell::RefCell::new(&mut *ctx);
    let reports: Vec<LintReport> = sources
        .iter()
        .map(|s| {
            let find = |r: &crate::recipe::Recipe| {
                snippets_for(&mut shared.borrow_mut(), &local, r, s.pack.as_deref())
            };
            lint(&s.bytes, &s.origin, &catalog, &find)
        })
        .collect();
    let errors: usize = reports.iter().map(LintReport::errors).sum();
    let warnings: usize = reports.iter().map(LintReport::warnings).sum();
    if args.json {
        let json = serde_json::json!({
            "errors": errors,
            "warnings": warnings,
            "files": reports,
        });
        ctx.out
            .print(&(serde_json::to_string_pretty(&json).expect("serializable") + "\n"))?;
    } else {
        let mut s = String::new();
        for r in &reports {
            for d in &r.diagnostics {
                s.push_str(&line(ctx, &r.origin, d));
            }
        }
        ctx.out.print(&s)?;
    }
    let files = reports.len();
    let in_files = format!("in {files} recipe{}", if files == 1 { "" } else { "s" });
    if errors > 0 {
        return Err(Error::failed(format!(
            "lint found {} and {} {in_files}",
            count(errors, "error"),
            count(warnings, "warning"),
        ))
        .hint("fix each error at the line and column shown; the hint under it says how"));
    }
    if warnings > 0 {
        eprintln!("{} {in_files}, no errors.", count(warnings, "warning"));
    } else {
        eprintln!(
            "Checked {files} recipe{}: no errors, no warnings.",
            if files == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

/// `file:line:col: warning: message` and the fix under it.
fn line(ctx: &Ctx, origin: &str, d: &Diagnostic) -> String {
    let mut s = match d.position {
        Some(p) if p.line > 0 => format!("{origin}:{}:{}: ", p.line, p.column),
        _ => format!("{origin}: "),
    };
    let label = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    if ctx.out.color {
        let code = if d.severity == Severity::Error {
            "1;31"
        } else {
            "1;33"
        };
        let _ = write!(s, "\x1b[{code}m{label}\x1b[0m: ");
    } else {
        let _ = write!(s, "{label}: ");
    }
    s.push_str(&d.message);
    s.push('\n');
    if let Some(h) = &d.hint {
        let _ = writeln!(s, "  hint: {h}");
    }
    s
}
