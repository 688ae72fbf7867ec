//! `promptbook render`: fill a recipe with values and print, or save, the prompt.

use std::io::Read;
use std::path::{Path, PathBuf};

use indexmap::{IndexMap, IndexSet};
use serde_json::{Map, Value};

use super::Ctx;
use super::answers;
use super::deliver::{CopyArgs, Targets, deliver};
use crate::error::{Error, ErrorKind, Result};
use crate::fill::{self, Mode, term::Terminal};
use crate::recipe::Recipe;
use crate::render::targets::{Format, produce};
use crate::render::{Input, Prompt, render, resolve};
use crate::yaml;

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

/// How values are given, shared by `render` and `fill`.
#[derive(Debug, clap::Args)]
pub struct ValueArgs {
    /// A variable's value: NAME=VALUE, NAME=@FILE or NAME=- (standard input).
    #[arg(long = "var", short = 'v', value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// A YAML or JSON file mapping variable names to values.
    #[arg(long = "vars", value_name = "FILE")]
    pub vars_file: Option<PathBuf>,
}

/// What to produce and for which model, shared by `render` and `fill`.
#[derive(Debug, clap::Args)]
pub struct FormatArgs {
    /// What to produce.
    #[arg(long, short, default_value = "text", value_parser = clap::builder::PossibleValuesParser::new(Format::NAMES))]
    pub format: String,
    /// The model to use instead of the recipe's hint (a family like sonnet, or a model id).
    #[arg(long, short)]
    pub model: Option<String>,
    /// Render even if the prompt does not fit the model's context window.
    #[arg(long)]
    pub force: bool,
}

impl FormatArgs {
    /// The chosen format (clap has already checked the name).
    pub fn format(&self) -> Result<Format> {
        self.format.parse()
    }
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
        super::interrupt::install();
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

/// Resolves and renders, returning the values used too (to remember them for --again).
pub fn resolve_and_render(
    recipe: &Recipe,
    given: &[(String, Input)],
) -> Result<(Map<String, Value>, Prompt)> {
    let values =
        resolve(recipe, given).map_err(|e| e.to_error(recipe, &|n| format!("--var {n}=…")))?;
    let prompt = render(recipe, &values)?;
    Ok((values, prompt))
}

/// Reads `--vars FILE` and every `--var`, in that order (so flags win over the file).
pub fn gather_inputs(
    flags: &[String],
    file: Option<&Path>,
    stdin: &mut dyn Read,
) -> Result<Vec<(String, Input)>> {
    let mut given = Vec::new();
    if let Some(path) = file {
        let text = read_text_file(path, "--vars file")?;
        let map: IndexMap<String, Value> = yaml::from_str(&text).map_err(|e| {
            let at = e
                .position
                .map(|p| format!(":{}:{}", p.line, p.column))
                .unwrap_or_default();
            Error::usage(format!("{}{at}: {}", path.display(), e.message))
                .hint("a --vars file is a YAML or JSON mapping, e.g. `topic: remote onboarding`")
        })?;
        given.extend(map.into_iter().map(|(k, v)| (k, Input::Value(v))));
    }
    let mut stdin_used = false;
    for flag in flags {
        let Some((name, raw)) = flag.split_once('=') else {
            return Err(Error::usage(format!("--var {flag:?} has no `=`"))
                .hint(format!("write it as --var {flag}=VALUE")));
        };
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(
                Error::usage(format!("--var {flag:?} has no variable name before `=`"))
                    .hint("write it as --var NAME=VALUE, e.g. --var topic=\"remote onboarding\""),
            );
        }
        let value = if raw == "-" {
            if stdin_used {
                return Err(
                    Error::usage("standard input (`-`) can be read for one variable only")
                        .hint("give the other values with @FILE"),
                );
            }
            stdin_used = true;
            let mut buf = Vec::new();
            stdin
                .read_to_end(&mut buf)
                .map_err(|e| Error::failed(format!("cannot read standard input: {e}")))?;
            String::from_utf8(buf).map_err(|_| {
                Error::usage(format!("standard input for `{name}` is not UTF-8 text"))
                    .hint("convert it to UTF-8 first")
            })?
        } else if let Some(literal) = raw.strip_prefix("@@") {
            format!("@{literal}")
        } else if let Some(path) = raw.strip_prefix('@') {
            read_text_file(Path::new(path), &format!("the file for `{name}`"))?
        } else {
            raw.to_string()
        };
        given.push((name, Input::Text(value)));
    }
    Ok(given)
}

/// Reads a UTF-8 text file given by the user, with errors that say which and why.
pub fn read_text_file(path: &Path, what: &str) -> Result<String> {
    let limit = crate::recipe::values::MAX_VALUE_BYTES as u64;
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::new(
            ErrorKind::NotFound,
            format!("cannot read {what} {}: {}", path.display(), io_reason(&e)),
        )
        .hint("check the path; it is relative to the folder you run promptbook in")
    })?;
    if meta.len() > limit {
        return Err(Error::usage(format!(
            "{what} {} is {} bytes, over the limit of {limit} bytes (1 MiB)",
            path.display(),
            meta.len()
        ))
        .hint("check that this is the right file"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Error::failed(format!(
            "cannot read {what} {}: {}",
            path.display(),
            io_reason(&e)
        ))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Error::usage(format!(
            "{what} {} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
        .hint("convert it to UTF-8, e.g. iconv -f latin1 -t utf-8")
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
