//! `promptbook render`: fill a recipe with values and print, or save, the prompt.

use std::path::PathBuf;

use indexmap::IndexSet;
use serde_json::Map;

use crate::cli::Ctx;
use crate::cli::answers::{self, flag_naming};
use crate::cli::deliver::{CopyArgs, Targets, deliver_rendered};
use crate::cli::flags::{FormatArgs, ValueArgs};
use crate::cli::inputs::{fill_from_piped_stdin, gather_inputs, piped_hint};
use crate::error::Result;
use crate::fill::{self, Mode, term::Terminal};
use crate::session::Session;

/// Render a recipe into a ready-to-send prompt.
///
/// Give values with --var NAME=VALUE (repeat it; a list variable also takes comma-separated
/// items). A value of @FILE reads the file, - reads standard input, and @@text means the
/// literal text @text. Defaults fill what you leave out. With --interactive, whatever is
/// still missing is asked for on the terminal; with --again, the last answers for the recipe
/// are used for every value you do not give.
///
/// Text piped in (not a terminal) is read only when asked with NAME=-, or when exactly one
/// required text value is missing: then it is that value, as in
/// `pbpaste | promptbook render paper-summary`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook render blog-draft --var topic=\"remote onboarding\"
  promptbook render blog-draft --var topic=AI --var keywords=agents,evals --var tone=formal
  promptbook render blog-draft -i --copy
  promptbook render blog-draft --again --var tone=formal
  promptbook render unit-tests --var code=@src/lib.rs --format anthropic -o body.json
  git diff | promptbook render code-review --var code=-
  pbpaste | promptbook render paper-summary
  promptbook render blog-draft --vars answers.yaml --format curl | sh")]
pub struct Args {
    /// The recipe's name (with --again: default the recipe answered last).
    #[arg(required_unless_present = "again", add = crate::cli::complete::recipes())]
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
    let target = args.target.target()?;
    let name = match &args.name {
        Some(n) => n.clone(),
        None => answers::last_recipe(ctx, "render")?,
    };
    let session = Session::open(ctx.library()?, &name)?;
    let mut stdin = std::io::stdin().lock();
    let given = gather_inputs(
        &args.values.vars,
        args.values.vars_file.as_deref(),
        &mut stdin,
    )?;
    let ask = args.interactive && Terminal::available();
    let given_values = if ask {
        session.check(&given, &flag_naming)?
    } else {
        Map::new()
    };
    let given_names: IndexSet<String> = given.iter().map(|(n, _)| n.clone()).collect();
    let mut inputs = Vec::new();
    let mut known = Map::new();
    if args.again {
        let mut previous = answers::previous(ctx, &session, "render")?;
        previous.retain(|k, _| !given_names.contains(k));
        inputs.extend(answers::as_inputs(&previous));
        known = previous;
    }
    inputs.extend(given);
    if ask {
        known.extend(given_values);
        crate::cli::interrupt::install();
        let mut term = Terminal::new();
        let asked = fill::ask_all(
            &mut term,
            session.recipe(),
            &given_names,
            &known,
            Mode::Missing,
        )?;
        inputs.extend(answers::as_inputs(&asked));
    } else {
        fill_from_piped_stdin(&session, &args.values.vars, &mut inputs, &mut stdin)?;
    }
    let rendered = session
        .render(&inputs, &target, &flag_naming)
        .map_err(|e| piped_hint(e, &session, &args.values.vars, &inputs))?;
    let history = answers::history_on(ctx, args.no_history)?;
    let targets = Targets::from_flags(args.copy.copy, false, args.out.clone());
    deliver_rendered(ctx, &rendered, &targets, args.copy.clipboard, history)
}
