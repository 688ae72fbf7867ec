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
use crate::render::targets::{self, Format};
use crate::render::{render, resolve};

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
    pub context_window: u64,
    pub input_usd: String,
    pub max_output_usd: String,
    pub prices_as_of: String,
    pub remembered: bool,
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

/// Renders `req`; with `req.remember`, remembers the answers (as `render` does) once the
/// prompt is made.
pub fn run(app: &App, req: &RenderRequest) -> Result<RenderOk, RenderFailed> {
    let format = Format::from_str(req.format.as_deref().unwrap_or("text"))?;
    let model = req
        .model
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let stored = app.lib().get(&req.name)?;
    let recipe = stored.parse_for_render()?;
    let inputs = forms::inputs(&recipe, &req.values);
    let values = match resolve(&recipe, &inputs) {
        Ok(v) => v,
        Err(problems) => {
            let mut fields = BTreeMap::new();
            for (name, e) in &problems.invalid {
                fields.insert(
                    name.clone(),
                    FieldProblem {
                        message: e.message.clone(),
                        hint: e.hint.clone(),
                    },
                );
            }
            for name in &problems.missing {
                fields.insert(
                    name.clone(),
                    FieldProblem {
                        message: format!(
                            "`{}` needs a value for the required variable `{name}`",
                            recipe.name()
                        ),
                        hint: recipe
                            .variables
                            .get(name)
                            .and_then(|v| v.description.clone()),
                    },
                );
            }
            let error = problems.to_error(&recipe, &|n| format!("fill in the field `{n}`"));
            return Err(RenderFailed { error, fields });
        }
    };
    let prompt = render(&recipe, &values)?;
    let produced = targets::produce(&prompt, format, model, false)?;
    let estimate = targets::estimate(&prompt, format, model)?;
    let mut remembered = false;
    if req.remember && history_on() {
        let ordered: Map<String, Value> = recipe
            .variables
            .keys()
            .filter_map(|k| values.get(k).map(|v| (k.clone(), v.clone())))
            .collect();
        let mut lib = app.lib();
        if !lib.is_read_only() {
            // A failure to remember does not undo a prompt already copied: it is not an error.
            remembered = lib
                .remember_answers(&stored.name, stored.version, &ordered)
                .is_ok();
        }
    }
    Ok(RenderOk {
        name: stored.name.clone(),
        version: stored.version,
        format: format_name(format),
        text: produced.text,
        model: estimate.model.id.clone(),
        input_tokens: estimate.input_tokens,
        max_tokens: estimate.max_tokens,
        context_window: estimate.model.context_window,
        input_usd: targets::usd(estimate.input_usd()),
        max_output_usd: targets::usd(estimate.max_output_usd()),
        prices_as_of: estimate.prices_as_of.clone(),
        remembered,
        file_name: format!("{}.{}", stored.name.replace('/', "."), extension(format)),
    })
}

/// Whether answers are remembered: the `history` setting (on unless turned off).
fn history_on() -> bool {
    Config::load().map(|c| c.history).unwrap_or(true)
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
