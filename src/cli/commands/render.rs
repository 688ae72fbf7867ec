//! `promptbook render`: fill a recipe with values and print, or save, the prompt.

use std::path::PathBuf;

use indexmap::IndexSet;
use serde_json::Map;

use crate::cli::Ctx;
use crate::cli::answers;
use crate::cli::deliver::{CopyArgs, Targets, deliver};
use crate::cli::flags::{FormatArgs, ValueArgs};
use crate::cli::inputs::{gather_inputs, resolve_and_render};
use crate::error::Result;
use crate::fill::{self, Mode, term::Terminal};
use crate::render::targets::produce;

/// Render a recipe into a ready-to-send prompt.
///
/// Give values with --var NAME=VALUE (repeat it; a list variable also takes comma-separated
/// items). A value of @FILE reads the file, - reads standard input, and @@text means the
/// literal text @text. Defaults fill what you leave out. With --interactive, whatever is
/// still missing is asked for on the terminal; with --again, the last answers for the recipe
/// are used for every value you do not give.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook render blog-draft --var topic=\"remote onboarding\"
  promptbook render blog-draft --var topic=AI --var keywords=agents,evals --var tone=formal
  promptbook render blog-draft -i --copy
  promptbook render blog-draft --again --var tone=formal
  promptbook render unit-tests --var code=@src/lib.rs --format anthropic -o body.json
  git diff | promptbook render code-review --var code=-
  promptbook render blog-draft --vars answers.yaml --format curl | sh")]
pub struct Args {
    /// The recipe's name (with --again: default the recipe answered last).
    #[arg(required_unless_present = "again")]
    pub name: Option<String>,
    #[command(flatten)]
    pub values: ValueArgs,
    #[command(flatten)]
    pub target: FormatArgs,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Ask on the terminal for required values that are still missing (never asks when
    /// not on a terminal: then missing values are an error, as without this flag).
    #[arg(long, short)]
    pub interactive: bool,
    #[command(flatten)]
    pub copy: CopyArgs,
    /// Reuse the last answers for this recipe for every value not given now.
    #[arg(long)]
    pub again: bool,
    /// Do not remember this render's answers (see also the `history` setting).
    #[arg(long)]
    pub no_history: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let format = args.target.format()?;
    let name = match &args.name {
        Some(n) => n.clone(),
        None => answers::last_recipe(ctx, "render")?,
    };
    let stored = ctx.library()?.get(&name)?;
    let recipe = stored.parse_for_render()?;
    let given = gather_inputs(
        &args.values.vars,
        args.values.vars_file.as_deref(),
        &mut std::io::stdin().lock(),
    )?;
    let ask = args.interactive && Terminal::available();
    let given_values = if ask {
        answers::check_flags(&recipe, &given)?
    } else {
        Map::new()
    };
    let given_names: IndexSet<String> = given.iter().map(|(n, _)| n.clone()).collect();
    let mut inputs = Vec::new();
    let mut known = Map::new();
    if args.again {
        let mut previous = answers::previous(ctx, &stored.name, &recipe, "render")?;
        previous.retain(|k, _| !given_names.contains(k));
        inputs.extend(answers::as_inputs(&previous));
        known = previous;
    }
    inputs.extend(given);
    if ask {
        known.extend(given_values);
        crate::cli::interrupt::install();
        let mut term = Terminal::new();
        let asked = fill::ask_all(&mut term, &recipe, &given_names, &known, Mode::Missing)?;
        inputs.extend(answers::as_inputs(&asked));
    }
    let (values, prompt) = resolve_and_render(&recipe, &inputs)?;
    let rendered = produce(
        &prompt,
        format,
        args.target.model.as_deref(),
        args.target.force,
    )?;
    let history = answers::history_on(ctx, args.no_history)?;
    answers::remember(ctx, &stored.name, &recipe, stored.version, &values, history);
    let targets = Targets::from_flags(args.copy.copy, false, args.out.clone());
    deliver(ctx, &rendered.text, &targets, args.copy.clipboard)
}
