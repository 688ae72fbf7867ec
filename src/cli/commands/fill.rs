//! `promptbook fill`: answer a recipe's questions on the terminal, see the prompt with its
//! estimated tokens and cost, then copy, print or save it.

use std::path::PathBuf;

use indexmap::IndexSet;
use serde_json::Map;

use crate::cli::Ctx;
use crate::cli::answers::{self, as_inputs, flag_naming};
use crate::cli::deliver::{self, CopyArgs, Targets, deliver_rendered};
use crate::cli::flags::{FormatArgs, ValueArgs};
use crate::cli::inputs::{fill_from_piped_stdin, gather_inputs, piped_hint};
use crate::cli::interrupt;
use crate::cli::output::write_file;
use crate::error::{Error, Result};
use crate::fill::{self, Action, Mode, Preview, Prompter, term::Terminal};
use crate::recipe::Recipe;
use crate::render::targets::{Estimate, Format, estimate, group, usd};
use crate::session::{Rendered, Session};

/// Fill a recipe by answering its questions, then copy, print or save the prompt.
///
/// Asks one question per variable (those given with --var or --vars are not asked), in
/// the recipe's order, with the default (or your last answer, with --again) already
/// filled in: Enter keeps it. Text variables open your
/// editor ($VISUAL or $EDITOR) or take typed/pasted lines ended by an empty line. Then it
/// shows the prompt with its estimated tokens and cost and asks what to do with it:
/// --copy, --print and --out decide that up front. Esc or Ctrl-C cancels (exit 130).
///
/// Not on a terminal it never asks: the values must come from --var, --vars or --again,
/// as with `render`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook fill                      # pick a recipe, answer, choose what to do
  promptbook fill blog-draft
  promptbook fill blog-draft --var topic=\"remote onboarding\" --copy
  promptbook fill blog-draft --again   # your last answers as the defaults
  promptbook fill blog-draft --format anthropic -o body.json")]
pub struct Args {
    /// The recipe's name (default: choose it from a searchable list; with --again, the
    /// recipe answered last).
    #[arg(add = crate::cli::complete::recipes())]
    pub name: Option<String>,
    #[command(flatten)]
    pub values: ValueArgs,
    #[command(flatten)]
    pub target: FormatArgs,
    #[command(flatten)]
    pub copy: CopyArgs,
    /// Print the prompt on standard output (skips the menu).
    #[arg(long, short)]
    pub print: bool,
    /// Save the prompt to this file (skips the menu).
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Start from the last answers for this recipe.
    #[arg(long)]
    pub again: bool,
    /// Do not remember these answers (see also the `history` setting).
    #[arg(long)]
    pub no_history: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let target = args.target.target()?;
    let interactive = Terminal::available();
    let mut term = Terminal::new();
    if interactive {
        interrupt::install();
    }
    let name = match &args.name {
        Some(n) => n.clone(),
        None if args.again => answers::last_recipe(ctx, "fill")?,
        None if interactive => {
            let list = ctx.library()?.list(None)?;
            let items: Vec<(String, String, Vec<String>)> = list
                .into_iter()
                .map(|s| (s.name, s.title, s.tags))
                .collect();
            fill::pick_recipe(&mut term, &items)?
        }
        None => {
            return Err(Error::usage(
                "which recipe? `fill` needs a recipe name when it cannot ask (not on a terminal)",
            )
            .hint("promptbook fill NAME --var NAME=VALUE …; `promptbook list` shows the recipes"));
        }
    };
    let session = Session::open(ctx.library()?, &name)?;
    let recipe = session.recipe();
    let mut stdin = std::io::stdin().lock();
    let given = gather_inputs(
        &args.values.vars,
        args.values.vars_file.as_deref(),
        &mut stdin,
    )?;
    let given_names: IndexSet<String> = given.iter().map(|(n, _)| n.clone()).collect();
    let mut values = Map::new();
    if args.again {
        values = answers::previous(ctx, &session, "fill")?;
        values.retain(|k, _| !given_names.contains(k));
    }
    let history = answers::history_on(ctx, args.no_history)?;
    let chosen = args.copy.copy || args.print || args.out.is_some();
    let targets = Targets::from_flags(args.copy.copy, args.print, args.out.clone());

    if !interactive {
        // Never ask: exactly what `render` does with the same values.
        let mut inputs = as_inputs(&values);
        inputs.extend(given);
        fill_from_piped_stdin(&session, &args.values.vars, &mut inputs, &mut stdin)?;
        let rendered = session
            .render(&inputs, &target, &flag_naming)
            .map_err(|e| piped_hint(e, &session, &args.values.vars, &inputs))?;
        return deliver_rendered(ctx, &rendered, &targets, args.copy.clipboard, history);
    }

    values.extend(session.check(&given, &flag_naming)?);
    introduce(&mut term, recipe)?;
    let asked = fill::ask_all(&mut term, recipe, &given_names, &values, Mode::All)?;
    values.extend(asked);

    if chosen {
        let rendered = session.render(&as_inputs(&values), &target, &flag_naming)?;
        return deliver_rendered(ctx, &rendered, &targets, args.copy.clipboard, history);
    }

    let suggested = format!("{}.{}", recipe.name(), extension(target.format));
    let mut show = true;
    loop {
        let mut last: Option<Rendered> = None;
        let action = fill::review(
            &mut term,
            recipe,
            &mut values,
            &mut |vals| {
                let rendered = session.render(&as_inputs(vals), &target, &flag_naming)?;
                let est = estimate(
                    &rendered.prompt,
                    target.format,
                    target.model.as_deref(),
                    rendered.output.input_tokens,
                )?;
                let preview = Preview {
                    title: recipe.name().to_string(),
                    text: rendered.text().to_string(),
                    summary: summary(&est),
                };
                last = Some(rendered);
                Ok(preview)
            },
            &suggested,
            show,
        )?;
        show = false;
        let Some(rendered) = last else {
            return Ok(()); // quit before anything rendered
        };
        let done = match &action {
            Action::Quit => {
                eprintln!("Nothing was copied, printed or saved.");
                return Ok(());
            }
            Action::Copy => deliver::copy(
                ctx,
                rendered.text(),
                Some(&rendered.prompt),
                args.copy.clipboard,
            ),
            Action::Print => ctx.out.print(rendered.text()),
            Action::Save(path) => write_file(path, rendered.text()),
        };
        match done {
            Ok(()) => {
                deliver::print_notes(&rendered);
                answers::remember(ctx, &rendered, history);
                return Ok(());
            }
            // Not lost: say what went wrong and offer the menu again (print, save, …).
            Err(e) => {
                let mut msg = e.message.clone();
                for h in &e.hints {
                    msg.push_str("\n  hint: ");
                    msg.push_str(h);
                }
                term.warn(&msg)?;
            }
        }
    }
}

/// The recipe's title and the keys, before the first question.
fn introduce(p: &mut dyn Prompter, recipe: &Recipe) -> Result<()> {
    p.say(&format!("{} — {}", recipe.name(), recipe.title))?;
    if recipe.variables.is_empty() {
        return Ok(());
    }
    p.say("Enter keeps the value shown · Ctrl-U clears it · Esc cancels")
}

/// Two lines with the estimated size of the prompt and its cost on the chosen model.
pub fn summary(e: &Estimate) -> String {
    format!(
        "≈ {} tokens (estimate) · {}\n{} to send, up to {} for a {}-token answer (prices as of {})",
        group(e.input_tokens as u64),
        e.model.id,
        usd(e.input_usd()),
        usd(e.max_output_usd()),
        group(u64::from(e.max_tokens)),
        e.prices_as_of
    )
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Text => "txt",
        Format::Anthropic | Format::Openai | Format::Json => "json",
        Format::Curl => "sh",
    }
}
