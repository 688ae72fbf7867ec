//! The fill page: one field per variable, of its type, in the recipe's order; a preview
//! that follows the values (tokens, context check, cost on a chosen model); copy and
//! download, which remember the answers.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{PageResult, Section, csrf_field, layout, page, recipe_url};
use crate::catalog::Catalog;
use crate::recipe::{VarType, Variable, values::fmt_num};
use crate::render::targets::Format;
use crate::session::Session;
use crate::web::app::App;
use crate::web::forms::{field_checked, field_items, field_text};
use crate::web::preview::{self, RenderRequest};

#[derive(Debug, Default, Deserialize)]
pub struct FillQuery {
    /// Start from the last answers.
    #[serde(default)]
    again: Option<String>,
    /// Just stored this version (after a save or a revert).
    #[serde(default)]
    saved: Option<u32>,
}

/// `GET /fill/NAME`.
pub async fn fill(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Query(q): Query<FillQuery>,
) -> PageResult {
    let signature = app.snapshot()?.signature;
    let (session, last) = {
        let lib = app.lib();
        let session = Session::open(&lib, &name)?;
        let last = session.last_answers(&lib).ok().flatten();
        (session, last)
    };
    let recipe = session.recipe();
    let pack = session.name().split_once('/').map(|(p, _)| p);
    // Last answers are checked against the recipe as it is now: those that no longer fit
    // are left out (the default shows instead).
    let mut start: Map<String, Value> = Map::new();
    let mut note = None;
    if q.again.is_some() {
        match &last {
            Some(earlier) => {
                start = earlier.values.clone();
                if !earlier.dropped.is_empty() {
                    note = Some(format!(
                        "Some earlier answers no longer fit the recipe and were left out: {}.",
                        earlier
                            .dropped
                            .iter()
                            .map(|(_, why)| why.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                }
            }
            None => note = Some("There are no earlier answers for this recipe yet.".into()),
        }
    }
    let catalog = Catalog::load()?;
    let hint = recipe.model.prefer.clone();
    let body = html! {
        div.recipe-head {
            h1 { (recipe.title) }
            @if !recipe.description.is_empty() { p.description { (recipe.description) } }
            p.meta {
                code { (session.name()) } " · version " (session.version())
                @if let Some(p) = pack { " · pack " (p) }
                @if let Some(m) = &hint { " · prefers " (m) }
            }
            @if let Some(why) = &recipe.model.why { p.why { (why) } }
            p.actions {
                @if last.is_some() { a.button #again href=(format!("{}?again=1", recipe_url("/fill", session.name()))) { "Use my last answers" } }
                a href=(recipe_url("/edit", session.name())) { "Edit" }
                a href=(recipe_url("/history", session.name())) { "History" }
                a href=(format!("/new?from={}", super::enc(session.name()))) { "Copy as a new recipe" }
            }
            @if let Some(v) = q.saved { p.notice.ok role="status" { "Stored version " (v) "." } }
            @if let Some(n) = &note { p.notice role="status" { (n) } }
        }
        div.fill-grid {
            form #fill .fields data-name=(session.name()) autocomplete="off" {
                @if recipe.variables.is_empty() { p { "This recipe has no variables: its prompt is ready as it is." } }
                @for (name, var) in &recipe.variables {
                    (field(name, var, start.get(name).or(var.default.as_ref())))
                }
            }
            section #preview-pane .preview aria-label="Preview" {
                div.controls {
                    label {
                        span.label { "Format" }
                        select #format {
                            option value="text" selected { "Text (for a chat)" }
                            option value="anthropic" { "Anthropic API body" }
                            option value="openai" { "OpenAI API body" }
                            option value="curl" { "curl command" }
                        }
                    }
                    label {
                        span.label { "Model" }
                        select #model {
                            option value="" { "the recipe's choice" @if let Some(h) = &hint { " (" (h) ")" } }
                            @for m in &catalog.models { option value=(m.id) { (m.id) } }
                        }
                    }
                }
                p #stats .stats aria-live="polite" {}
                ul #notes .notes hidden {}
                div #render-error .error role="alert" hidden {}
                pre #preview .prompt tabindex="0" {}
                div.buttons {
                    button #copy type="button" { "Copy" }
                    button #download type="button" .secondary { "Download" }
                    span #status role="status" {}
                }
                form #download-form method="post" action=(recipe_url("/download", session.name())) hidden {
                    (csrf_field(&app))
                    input type="hidden" name="values" value="{}";
                    input type="hidden" name="format" value="text";
                    input type="hidden" name="model" value="";
                }
            }
        }
    };
    page(layout(
        &app,
        &recipe.title,
        Section::Library,
        signature,
        body,
    ))
}

/// One field of the type of `var`, starting at `value`.
fn field(name: &str, var: &Variable, value: Option<&Value>) -> Markup {
    let id = format!("field-{name}");
    let number = |step: &str| {
        html! {
            input id=(id) type="number" step=(step) inputmode="decimal"
                min=[var.min.map(fmt_num)] max=[var.max.map(fmt_num)]
                value=(field_text(value)) required[var.needs_value()];
        }
    };
    html! {
        div.field data-name=(name) data-type=(var.kind.as_str()) {
            @if var.kind == VarType::Boolean {
                label.check {
                    input id=(id) type="checkbox" checked[field_checked(value)];
                    " " span.var { (name) }
                }
            } @else {
                label for=(id) {
                    span.var { (name) }
                    @if var.needs_value() { " " span.required { "required" } }
                    @if let (Some(lo), Some(hi)) = (var.min, var.max) { " " span.range { (fmt_num(lo)) "–" (fmt_num(hi)) } }
                }
            }
            @if let Some(d) = &var.description { p.description { (d) } }
            @match var.kind {
                VarType::String => input id=(id) type="text" value=(field_text(value)) required[var.needs_value()];,
                VarType::Text => textarea id=(id) rows="5" required[var.needs_value()] { (field_text(value)) },
                VarType::Choice => select id=(id) {
                    @let current = field_text(value);
                    @if !var.needs_value() && var.default.is_none() { option value="" { "—" } }
                    @for c in &var.choices { option value=(c) selected[*c == current] { (c) } }
                },
                VarType::Integer => (number("1")),
                VarType::Number => (number("any")),
                VarType::Boolean => {},
                VarType::List => div.list id=(id) {
                    ul.items {
                        @for item in field_items(value) {
                            li { input type="text" value=(item) aria-label=(format!("{name} item")); button.remove type="button" aria-label="Remove this item" { "×" } }
                        }
                    }
                    button.add type="button" { "Add an item" }
                },
            }
            p.field-error role="alert" hidden {}
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct DownloadForm {
    values: String,
    format: String,
    #[serde(default)]
    model: String,
}

/// `POST /download/NAME`: the prompt as a file, remembering the answers.
pub async fn download(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Form(form): Form<DownloadForm>,
) -> PageResult {
    let values: Map<String, Value> = serde_json::from_str(&form.values)
        .map_err(|e| crate::Error::usage(format!("the values sent are not a JSON object: {e}")))?;
    form.format.parse::<Format>()?;
    let req = RenderRequest {
        name,
        values,
        format: Some(form.format),
        model: Some(form.model),
        remember: true,
        no_cache: false,
    };
    match preview::run(&app, &req) {
        Ok(ok) => {
            let kind = if ok.format == "text" || ok.format == "curl" {
                "text/plain; charset=utf-8"
            } else {
                "application/json"
            };
            Ok((
                [
                    (header::CONTENT_TYPE, kind.to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{}\"", ok.file_name),
                    ),
                ],
                ok.text,
            )
                .into_response())
        }
        Err(failed) => Err(failed.error.into()),
    }
}
