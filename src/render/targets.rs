//! The output formats of a rendered prompt, and the context-window check before any of them.

use std::fmt::Write as _;
use std::str::FromStr;

use serde_json::{Value, json};

use super::Prompt;
use crate::catalog::{self, Catalog, DEFAULT_MAX_TOKENS, Model, Provider};
use crate::error::{Error, ErrorKind, Result};
use crate::recipe::Role;

/// What a render produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// System, few-shot turns and the task, delimited, for pasting into a chat.
    #[default]
    Text,
    /// An Anthropic Messages API request body.
    Anthropic,
    /// An OpenAI Chat Completions request body.
    Openai,
    /// The whole render result with token and cost estimates.
    Json,
    /// A runnable curl request that reads the API key from the environment.
    Curl,
}

impl Format {
    /// The names accepted by `--format`.
    pub const NAMES: [&'static str; 5] = ["text", "anthropic", "openai", "json", "curl"];
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "text" => Format::Text,
            "anthropic" => Format::Anthropic,
            "openai" => Format::Openai,
            "json" => Format::Json,
            "curl" => Format::Curl,
            _ => {
                return Err(Error::usage(format!("unknown format `{s}`"))
                    .hint(format!("use one of: {}", Format::NAMES.join(", "))));
            }
        })
    }
}

/// A finished render: the text to print, copy or save, and what it was checked against.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub text: String,
    /// The model the prompt was checked against (absent when the cheap check sufficed).
    pub model: Option<Model>,
    /// The estimated input tokens, when they were counted.
    pub input_tokens: Option<usize>,
    /// What the person should know about this output (e.g. a hint the model's API refuses,
    /// left out), for the face to show beside it.
    pub notes: Vec<String>,
}

/// Formats `prompt`, after checking that it fits the chosen model's context window.
///
/// `model` overrides the recipe's hint; `force` skips the window check; `cache` lets the
/// Anthropic body mark a long prefix for prompt caching (and the JSON result show the cost
/// with the cache). The plain text path loads neither the catalog nor the tokenizer when the
/// prompt clearly fits.
pub fn produce(
    prompt: &Prompt,
    format: Format,
    model: Option<&str>,
    force: bool,
    cache: bool,
) -> Result<Rendered> {
    let max_tokens = prompt.hints.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
    if format == Format::Text
        && model.is_none()
        && (force
            || (!Catalog::has_override()
                && catalog::fits_without_counting(
                    prompt.byte_len(),
                    max_tokens,
                    catalog::SHIPPED_MIN_WINDOW,
                )))
    {
        return Ok(Rendered {
            text: text(prompt),
            model: None,
            input_tokens: None,
            notes: Vec::new(),
        });
    }
    let catalog = Catalog::load()?;
    let chosen = choose_model(&catalog, prompt, format, model)?;
    let mut input_tokens = None;
    if !force
        && let Some(window) = chosen.context_window
        && !catalog::fits_without_counting(prompt.byte_len(), max_tokens, window)
    {
        let tokens = prompt.estimated_tokens();
        input_tokens = Some(tokens);
        if tokens as u64 + u64::from(max_tokens) > window {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!(
                    "the prompt does not fit {}: about {} input tokens + {} for the answer (max_tokens) > {} context window",
                    chosen.id,
                    group(tokens as u64),
                    group(u64::from(max_tokens)),
                    group(window)
                ),
            )
            .hint("shorten the longest values, pick a model with a larger window with --model, or pass --force to render anyway"));
        }
    }
    let text = match format {
        Format::Text => text(prompt),
        Format::Anthropic => pretty(&anthropic_body(prompt, &chosen, cache)),
        Format::Openai => pretty(&openai_body(prompt, &chosen)),
        Format::Curl => curl(prompt, &chosen, cache),
        Format::Json => {
            let tokens = *input_tokens.get_or_insert_with(|| prompt.estimated_tokens());
            pretty(&json_result(prompt, &chosen, &catalog, tokens, cache))
        }
    };
    let mut notes = Vec::new();
    if let Some(t) = prompt.hints.temperature
        && !chosen.temperature
        && matches!(format, Format::Anthropic | Format::Openai | Format::Curl)
    {
        notes.push(format!(
            "{} does not take a temperature, so the recipe's {t} is left out of the request",
            chosen.id
        ));
    }
    Ok(Rendered {
        text,
        model: Some(chosen),
        input_tokens,
        notes,
    })
}

/// The model a render of `prompt` in `format` is for: `--model` if given, else the
/// recipe's hint mapped to the format's API.
fn choose_model(
    catalog: &Catalog,
    prompt: &Prompt,
    format: Format,
    model: Option<&str>,
) -> Result<Model> {
    let hint = prompt.hints.prefer.as_deref();
    let provider = match format {
        Format::Openai => Provider::Openai,
        Format::Anthropic => Provider::Anthropic,
        _ => match model.or(hint) {
            Some(name) => catalog.provider_of(name),
            None => Provider::Anthropic,
        },
    };
    catalog.pick(provider, model, hint)
}

/// What sending a prompt would take on one model: estimated input tokens and the cost,
/// shown before a person copies it (interactive fill) so they can judge it.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The model: `--model`, or the recipe's hint.
    pub model: Model,
    /// Estimated input tokens (cl100k; Claude's own tokenizer differs).
    pub input_tokens: usize,
    /// The answer budget: the recipe's `max_tokens`, or the default.
    pub max_tokens: u32,
    /// The date the catalog's prices were taken.
    pub prices_as_of: String,
}

impl Estimate {
    /// USD for the input tokens (None: price unknown).
    pub fn input_usd(&self) -> Option<f64> {
        self.model.cost(self.input_tokens as u64, 0)
    }

    /// USD for an answer of `max_tokens`, the most it can cost (None: price unknown).
    pub fn max_output_usd(&self) -> Option<f64> {
        self.model.cost(0, u64::from(self.max_tokens))
    }
}

/// Estimates tokens and cost of `prompt` on the model a render in `format` would use
/// (loads the catalog and the tokenizer: call it only when the figures are shown).
/// `counted` is the count [`produce`] already made, if it made one (tokenizing a long
/// prompt twice would double the wait for the preview).
pub fn estimate(
    prompt: &Prompt,
    format: Format,
    model: Option<&str>,
    counted: Option<usize>,
) -> Result<Estimate> {
    let catalog = Catalog::load()?;
    let chosen = choose_model(&catalog, prompt, format, model)?;
    Ok(Estimate {
        model: chosen,
        input_tokens: counted.unwrap_or_else(|| prompt.estimated_tokens()),
        max_tokens: prompt.hints.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        prices_as_of: catalog.prices_as_of,
    })
}

/// A price in US dollars, with enough digits that small prompts do not show as $0.00;
/// "price unknown" for a model the catalog has no price for.
pub fn usd(x: Option<f64>) -> String {
    let Some(x) = x else {
        return "price unknown".to_string();
    };
    if x == 0.0 {
        "$0".to_string()
    } else if x < 0.0001 {
        "< $0.0001".to_string()
    } else if x < 0.01 {
        format!("${x:.4}")
    } else {
        format!("${x:.2}")
    }
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("JSON values always serialize");
    s.push('\n');
    s
}

/// Groups digits by thousands: 200000 → "200,000".
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The chat-ready text: the prompt alone when it is a single user turn, otherwise each part
/// under a `### ` heading; a recipe's output schema is appended as an instruction.
pub fn text(prompt: &Prompt) -> String {
    let mut out = text_turns(prompt);
    if let Some(schema) = &prompt.output_schema {
        out.push('\n');
        out.push_str(&crate::recipe::output::instruction(schema));
        out.push('\n');
    }
    out
}

fn text_turns(prompt: &Prompt) -> String {
    let mut out = String::new();
    if prompt.system.is_none() && prompt.messages.len() == 1 {
        out.push_str(&prompt.messages[0].content);
    } else {
        if let Some(sys) = &prompt.system {
            let _ = write!(out, "### System\n\n{}", sys.trim_end());
        }
        for t in &prompt.messages {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            let who = match t.role {
                Role::User => "User",
                Role::Assistant => "Assistant",
            };
            match t.example {
                Some(n) => {
                    let _ = write!(out, "### Example {n} · {who}\n\n{}", t.content.trim_end());
                }
                None => {
                    let _ = write!(out, "### {who}\n\n{}", t.content.trim_end());
                }
            }
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn turns(prompt: &Prompt) -> Vec<Value> {
    prompt
        .messages
        .iter()
        .map(|t| json!({ "role": t.role.as_str(), "content": t.content }))
        .collect()
}

/// The text sent before the final user turn (system and earlier turns): what a prompt cache
/// can hold, since the final turn changes from call to call.
fn prefix_text(prompt: &Prompt) -> String {
    let before = prompt.messages.len().saturating_sub(1);
    let mut s = prompt.system.clone().unwrap_or_default();
    for t in &prompt.messages[..before] {
        s.push('\n');
        s.push_str(&t.content);
    }
    s
}

/// A lower bound of the tokens before the final user turn, when they reach `model`'s
/// minimum cacheable prompt; `None` when they do not. Bytes (a token is at least one byte)
/// or words (each is at least one token) decide most prompts; the tokenizer runs only for
/// prefixes between the two.
pub fn cacheable_prefix(prompt: &Prompt, model: &Model) -> Option<usize> {
    let min = model.min_cacheable_tokens?;
    model.cache_read_per_mtok?;
    let before = prompt.messages.len().saturating_sub(1);
    let bytes = prompt.system.as_ref().map_or(0, String::len)
        + prompt.messages[..before]
            .iter()
            .map(|t| t.content.len())
            .sum::<usize>();
    if (bytes as u64) < min {
        return None;
    }
    let text = prefix_text(prompt);
    // Every run of non-space characters is at least one token, so a prefix with as many
    // words as the minimum reaches it without running the tokenizer.
    let words = text.split_whitespace().count();
    if words as u64 >= min {
        return Some(words);
    }
    let tokens = catalog::estimate_tokens(&text);
    model.caches(tokens as u64).then_some(tokens)
}

/// A text content block marked as the end of the cached prefix.
fn cached_block(text: &str) -> Value {
    json!([{ "type": "text", "text": text, "cache_control": { "type": "ephemeral" } }])
}

/// The Anthropic Messages API body. With `cache`, a prefix (system and few-shot turns) at
/// least as long as the model's minimum cacheable prompt is marked with `cache_control` on
/// its last block: the last turn before the final user turn, or the system prompt.
pub fn anthropic_body(prompt: &Prompt, model: &Model, cache: bool) -> Value {
    // No `temperature`: the official SDK's Messages request types no longer take sampling
    // settings (the SDK test in tests/cli/sdk.rs holds every body to them). The hint still
    // goes to the OpenAI body and shows in `show` and `--format json`.
    let mut body = json!({
        "model": model.id,
        "max_tokens": prompt.hints.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
    });
    if let Some(t) = prompt.hints.temperature
        && model.temperature
    {
        body["temperature"] = json!(t);
    }
    if let Some(sys) = &prompt.system {
        body["system"] = json!(sys);
    }
    body["messages"] = Value::Array(turns(prompt));
    if cache && model.provider == Provider::Anthropic && cacheable_prefix(prompt, model).is_some() {
        let n = prompt.messages.len();
        if n >= 2 {
            body["messages"][n - 2]["content"] = cached_block(&prompt.messages[n - 2].content);
        } else if let Some(sys) = &prompt.system {
            body["system"] = cached_block(sys);
        }
    }
    if let Some(schema) = &prompt.output_schema {
        body["output_config"] = json!({ "format": { "type": "json_schema", "schema": schema } });
    }
    body
}

/// The OpenAI Chat Completions body.
pub fn openai_body(prompt: &Prompt, model: &Model) -> Value {
    let mut messages = Vec::new();
    if let Some(sys) = &prompt.system {
        messages.push(json!({ "role": "system", "content": sys }));
    }
    messages.extend(turns(prompt));
    let mut body = json!({
        "model": model.id,
        "max_completion_tokens": prompt.hints.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
    });
    if let Some(t) = prompt.hints.temperature
        && model.temperature
    {
        body["temperature"] = json!(t);
    }
    body["messages"] = Value::Array(messages);
    if let Some(schema) = &prompt.output_schema {
        body["response_format"] = json!({
            "type": "json_schema",
            "json_schema": { "name": schema_name(&prompt.recipe), "strict": true, "schema": schema },
        });
    }
    body
}

/// The name OpenAI wants for a response format: letters, digits, `_` and `-`, 64 at most.
fn schema_name(recipe: &str) -> String {
    let name: String = recipe
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if name.is_empty() {
        "answer".into()
    } else {
        name
    }
}

/// A runnable curl request; the key comes from the environment (checked first: an unset key
/// stops with a message instead of sending an empty one), the body from a quoted
/// here-document so the shell expands nothing in it. `--fail-with-body` makes an HTTP error
/// fail (exit 22) while still showing the API's answer. The base URL can be changed with the
/// variables the official SDKs read (`ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`).
pub fn curl(prompt: &Prompt, model: &Model, cache: bool) -> String {
    let (key, base, path, headers, body) = match model.provider {
        Provider::Anthropic => (
            "ANTHROPIC_API_KEY",
            "${ANTHROPIC_BASE_URL:-https://api.anthropic.com}",
            "/v1/messages",
            "  -H \"x-api-key: $ANTHROPIC_API_KEY\" \\\n  -H \"anthropic-version: 2023-06-01\" \\\n",
            anthropic_body(prompt, model, cache),
        ),
        Provider::Openai => (
            "OPENAI_API_KEY",
            "${OPENAI_BASE_URL:-https://api.openai.com/v1}",
            "/chat/completions",
            "  -H \"Authorization: Bearer $OPENAI_API_KEY\" \\\n",
            openai_body(prompt, model),
        ),
    };
    // A subshell, so that `exit` ends the request and never the shell it is pasted into.
    format!(
        "(\nif [ -z \"${{{key}:-}}\" ]; then\n  echo \"error: {key} is not set, so nothing was sent. Set it to your API key (export {key}=...) and run this again.\" >&2\n  exit 1\nfi\ncurl -sS --fail-with-body \"{base}{path}\" \\\n{headers}  -H \"content-type: application/json\" \\\n  --data-binary @- <<'PROMPTBOOK_BODY'\n{}PROMPTBOOK_BODY\n)\n",
        pretty(&body)
    )
}

/// The whole result: messages, hints, estimated tokens and the cost on every catalog model;
/// with `cache`, for each model whose cache the prefix reaches, the input cost of a first
/// call (the prefix written to the cache) and of a repeated one (read from it).
pub fn json_result(
    prompt: &Prompt,
    model: &Model,
    catalog: &Catalog,
    input_tokens: usize,
    cache: bool,
) -> Value {
    let max_tokens = prompt.hints.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
    let prefix_tokens = if cache && prompt.messages.len() + usize::from(prompt.system.is_some()) > 1
    {
        Some(catalog::estimate_tokens(&prefix_text(prompt)) as u64)
    } else {
        None
    };
    let costs: Vec<Value> = catalog
        .models
        .iter()
        .chain(model.unlisted.then_some(model))
        .map(|m| {
            let mut cost = json!({
                "model": m.id,
                "input_usd": m.cost(input_tokens as u64, 0).map(round6),
                "max_output_usd": m.cost(0, u64::from(max_tokens)).map(round6),
                "max_total_usd": m.cost(input_tokens as u64, u64::from(max_tokens)).map(round6),
                "price_known": m.input_per_mtok.is_some() && m.output_per_mtok.is_some(),
                "fits": m.fits(input_tokens as u64, u64::from(max_tokens)),
            });
            if let Some(prefix) = prefix_tokens.filter(|p| m.caches(*p)) {
                let input = input_tokens as u64;
                cost["cache"] = json!({
                    "prefix_tokens": prefix,
                    "first_call_input_usd": m.cached_input_cost(input, prefix, false).map(round6),
                    "repeat_call_input_usd": m.cached_input_cost(input, prefix, true).map(round6),
                });
            }
            cost
        })
        .collect();
    let mut result = json!({
        "recipe": prompt.recipe,
        "model": model.id,
        "hints": prompt.hints,
        "system": prompt.system,
        "messages": prompt.messages,
        "estimate": {
            "input_tokens": input_tokens,
            "approximate": true,
            "tokenizer": "cl100k_base (an estimate; Claude's own tokenizer differs)",
        },
        "cost": costs,
        "prices_as_of": catalog.prices_as_of,
    });
    if let Some(schema) = &prompt.output_schema {
        result["output_schema"] = schema.clone();
    }
    if !prompt.snippets.is_empty() {
        result["snippets"] = json!(prompt.snippets);
    }
    result["cache"] = json!({
        "enabled": cache,
        "prefix_tokens": prefix_tokens,
        "marked": cache && model.provider == Provider::Anthropic
            && prefix_tokens.is_some_and(|p| model.caches(p)),
    });
    result
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_keep_small_amounts_visible() {
        assert_eq!(usd(Some(0.0)), "$0");
        assert_eq!(usd(Some(0.00003)), "< $0.0001");
        assert_eq!(usd(Some(0.00162)), "$0.0016");
        assert_eq!(usd(Some(0.03)), "$0.03");
        assert_eq!(usd(Some(12.345)), "$12.35");
        assert_eq!(usd(None), "price unknown");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group(200000), "200,000");
        assert_eq!(group(999), "999");
        assert_eq!(group(1234567), "1,234,567");
    }
}
