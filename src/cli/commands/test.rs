//! `promptbook test`: run recipes' `tests:` cases offline.

use std::fmt::Write as _;

use crate::catalog::Catalog;
use crate::check;
use crate::cli::Ctx;
use crate::cli::sources::{gather, snippets_for};
use crate::error::{Error, ErrorKind, Result};
use crate::recipe::Recipe;

/// Render each recipe's `tests:` cases and check their expectations.
///
/// A case may expect the rendered prompt to contain strings (`contains`), not to contain
/// them (`not_contains`), to match regexes (`matches`), and to stay under an estimated
/// token count (`max_input_tokens`); every case also checks that the Anthropic request body
/// is valid for the preferred model. The text checks read the system prompt and what the
/// case's values render, not the few-shot examples, which are the same in every case; the
/// token count includes them. A regex can check order: `(?s)</code>.*Review`. Prints a
/// line per failure with the difference, and a last line `N passed, N failed`; exits 1 on
/// any failure (3 if a file is not a valid recipe, which counts as one failure). Works on files not yet added, so a team can run
/// it in CI on a pack folder; with no arguments it runs every recipe in the library.
/// Nothing is sent anywhere.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook test
  promptbook test blog-draft
  promptbook test recipes/")]
pub struct Args {
    /// Recipe names in the library, recipe files, or folders of them.
    #[arg(value_name = "NAME|FILE")]
    pub targets: Vec<String>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let (sources, local) = gather(&args.targets, ctx)?;
    let catalog = Catalog::load()?;
    let (mut passed, mut failed, mut invalid) = (0usize, 0usize, 0usize);
    let mut out = String::new();
    for source in &sources {
        let recipe = match Recipe::parse_bytes(&source.bytes, &source.origin) {
            Ok(r) => r,
            Err(e) => {
                invalid += 1;
                failed += 1;
                crate::cli::report(&Error::from(e));
                let _ = writeln!(
                    out,
                    "{} {}: not a valid recipe (see the error above)",
                    fail(ctx),
                    source.origin
                );
                continue;
            }
        };
        let snippets = snippets_for(ctx, &local, &recipe, source.pack.as_deref())?;
        let problems = crate::recipe::snippet::problems_in(&recipe, &snippets);
        if !problems.is_empty() {
            invalid += 1;
            failed += 1;
            crate::cli::report(&Error::from(crate::recipe::Invalid {
                origin: source.origin.clone(),
                diagnostics: problems,
            }));
            let _ = writeln!(
                out,
                "{} {}: its snippets do not fit (see the error above)",
                fail(ctx),
                source.origin
            );
            continue;
        }
        for case in check::run_tests(&recipe, &catalog, &snippets) {
            if case.passed() {
                passed += 1;
                continue;
            }
            failed += 1;
            for f in &case.failures {
                let _ = writeln!(
                    out,
                    "{} {} {}: {}",
                    fail(ctx),
                    source.origin,
                    case.label(),
                    f.message
                );
                for d in &f.diff {
                    let _ = writeln!(out, "    {}", paint(ctx, d));
                }
            }
        }
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    ctx.out.print(&out)?;
    if invalid > 0 {
        return Err(Error::new(
            ErrorKind::InvalidRecipe,
            format!(
                "{invalid} file{} could not be tested because {} not a valid recipe",
                if invalid == 1 { "" } else { "s" },
                if invalid == 1 { "it is" } else { "they are" }
            ),
        )
        .hint("fix the errors shown above (`promptbook lint FILE` lists them all)"));
    }
    if failed > 0 {
        return Err(Error::failed(format!(
            "{failed} of {} test{} failed",
            passed + failed,
            if passed + failed == 1 { "" } else { "s" }
        ))
        .hint("each FAIL line says which case and why; `-` is what was expected, `+` the closest rendered text"));
    }
    Ok(())
}

fn fail(ctx: &Ctx) -> &'static str {
    if ctx.out.color {
        "\x1b[1;31mFAIL\x1b[0m"
    } else {
        "FAIL"
    }
}

fn paint(ctx: &Ctx, line: &str) -> String {
    if !ctx.out.color {
        return line.to_string();
    }
    match line.chars().next() {
        Some('-') => format!("\x1b[31m{line}\x1b[0m"),
        Some('+') => format!("\x1b[32m{line}\x1b[0m"),
        _ => line.to_string(),
    }
}
