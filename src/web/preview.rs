//! Rendering for the page and the API: the face's one path into the core's render flow
//! (load, resolve, render, produce the target, estimate, and remember after delivery).
//! Problems come back as the core's error, plus each invalid or missing value by field,
//! so the page can show the message and hint beside the field they belong to.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::app::App;
use super::forms;
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::render::Input;
use crate::render::targets::{self, Format};
use crate::session::{Session, Target};

/// A render request from the page or an API client.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenderRequest {
    /// The recipe: `name` or `pack/name`.
    pub name: String,
    /// Field name → text, boolean or list of strings (or any typed JSON value).
    #[serde(default)]
    pub values: Map<String, Value>,
    /// `text` (default), `anthropic`, `openai`, `json` or `curl`.
    #[serde(default)]
    pub format: Option<String>,
    /// A model id or family; default the recipe's hint.
    #[serde(default)]
    pub model: Option<String>,
    /// Remember these answers for "use my last answers" (the page sets it when the prompt
    /// is copied or downloaded).
    #[serde(default)]
    pub remember: bool,
    /// Leave out the prompt-caching marker (as `--no-cache` does).
    #[serde(default)]
    pub no_cache: bool,
}

/// A finished render with its estimate.
#[derive(Debug, Serialize)]
pub struct RenderOk {
    pub name: String,
    pub version: u32,
    pub format: &'static str,
    pub text: String,
    pub model: String,
    pub input_tokens: usize,
    pub max_tokens: u32,
    /// `None` when the catalog has no published window for the model.
    pub context_window: Option<u64>,
    /// The cost of the input, or "price unknown".
    pub input_usd: String,
    pub max_output_usd: String,
    pub prices_as_of: String,
    pub remembered: bool,
    /// What to know about this output (e.g. a temperature the model refuses, left out),
    /// as the command line prints it after `note:`.
    pub notes: Vec<String>,
    /// The snippet versions the prompt includes, so the render can be reproduced.
    pub snippets: Vec<crate::recipe::snippet::UsedSnippet>,
    #[serde(skip)]
    pub file_name: String,
}

/// One field's problem: the core's message and hint.
#[derive(Debug, Serialize)]
pub struct FieldProblem {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// A render that failed: the whole error, and the problems by field.
#[derive(Debug)]
pub struct RenderFailed {
    pub error: Error,
    pub fields: BTreeMap<String, FieldProblem>,
}

impl From<Error> for RenderFailed {
    fn from(error: Error) -> Self {
        RenderFailed {
            error,
            fields: BTreeMap::new(),
        }
    }
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Text => "text",
        Format::Anthropic => "anthropic",
        Format::Openai => "openai",
        Format::Json => "json",
        Format::Curl => "curl",
    }
}

fn extension(f: Format) -> &'static str {
    match f {
        Format::Text => "txt",
        Format::Curl => "sh",
        _ => "json",
    }
}

/// How the page names a variable in the core's messages.
pub fn field_naming(name: &str) -> String {
    format!("fill in the field `{name}`")
}

/// Renders `req` through the core's render session; with `req.remember`, remembers the
/// answers (as `render` does after delivering) once the prompt is made.
pub fn run(app: &App, req: &RenderRequest) -> Result<RenderOk, RenderFailed> {
    let format = Format::from_str(req.format.as_deref().unwrap_or("text"))?;
    let model = req
        .model
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string);
    let session = Session::open(&app.lib(), &req.name)?;
    let inputs = forms::inputs(session.recipe(), &req.values);
    let target = Target {
        format,
        model: model.clone(),
        force: false,
        no_cache: req.no_cache,
    };
    let rendered = match session.render(&inputs, &target, &field_naming) {
        Ok(r) => r,
        Err(error) if error.kind == ErrorKind::Usage => {
            return Err(RenderFailed {
                fields: field_problems(&session, &inputs),
                error,
            });
        }
        Err(e) => return Err(e.into()),
    };
    let estimate = targets::estimate(
        &rendered.prompt,
        format,
        model.as_deref(),
        rendered.output.input_tokens,
    )?;
    let mut remembered = false;
    if req.remember && history_on() {
        // A failure to remember does not undo a prompt already copied: it is not an error.
        remembered = rendered.remember(&mut app.lib()).is_ok();
    }
    Ok(RenderOk {
        name: rendered.name.clone(),
        version: rendered.version,
        format: format_name(format),
        file_name: format!("{}.{}", rendered.name.replace('/', "."), extension(format)),
        notes: rendered.output.notes.clone(),
        snippets: rendered.prompt.snippets.clone(),
        text: rendered.output.text,
        model: estimate.model.id.clone(),
        input_tokens: estimate.input_tokens,
        max_tokens: estimate.max_tokens,
        context_window: estimate.model.context_window,
        input_usd: targets::usd(estimate.input_usd()),
        max_output_usd: targets::usd(estimate.max_output_usd()),
        prices_as_of: estimate.prices_as_of.clone(),
        remembered,
    })
}

/// Each field's own problem, for showing beside it: the session's check of that value
/// alone, and the required fields still empty.
fn field_problems(session: &Session, inputs: &[(String, Input)]) -> BTreeMap<String, FieldProblem> {
    let mut fields = BTreeMap::new();
    for input in inputs {
        if let Err(e) = session.check(std::slice::from_ref(input), &field_naming) {
            fields.insert(
                input.0.clone(),
                FieldProblem {
                    message: e.message,
                    hint: e.hints.into_iter().next(),
                },
            );
        }
    }
    for name in session.missing(inputs) {
        let hint = session
            .recipe()
            .variables
            .get(&name)
            .and_then(|v| v.description.clone());
        fields.insert(
            name.clone(),
            FieldProblem {
                message: format!(
                    "`{}` needs a value for the required variable `{name}`",
                    session.recipe().name()
                ),
                hint,
            },
        );
    }
    fields
}

/// Whether answers are remembered: the `history` setting (on unless turned off), read for
/// each render so a change to the settings applies without a restart. A settings file
/// broken while the page runs remembers nothing: it may have been meant to say `false`.
fn history_on() -> bool {
    Config::load().map(|c| c.history).unwrap_or(false)
}

/// The name of an error kind in the API.
pub fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Failed => "failed",
        ErrorKind::Usage => "usage",
        ErrorKind::InvalidRecipe => "invalid_recipe",
        ErrorKind::NotFound => "not_found",
        ErrorKind::Library => "library",
        ErrorKind::TooLarge => "too_large",
        ErrorKind::Interrupted => "interrupted",
    }
}
