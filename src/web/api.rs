//! The JSON API under `/api/` that the page uses and scripts may use too (with the token
//! as `Authorization: Bearer …`). Errors carry the same kind, message and hints as the
//! command line prints.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::app::App;
use super::preview::{self, RenderRequest, kind_name};
use crate::catalog::Catalog;
use crate::error::{Error, ErrorKind};

/// The HTTP status for an error of `kind`.
pub fn status(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Usage => StatusCode::BAD_REQUEST,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::InvalidRecipe | ErrorKind::TooLarge => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Library => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Failed | ErrorKind::Interrupted => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The JSON form of an error.
pub fn error_json(e: &Error) -> Value {
    json!({
        "kind": kind_name(e.kind),
        "message": e.message,
        "hints": e.hints,
        "exit_code": e.exit_code(),
    })
}

/// An error as an API response.
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            status(self.0.kind),
            Json(json!({ "error": error_json(&self.0) })),
        )
            .into_response()
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// The body of an API request, or the API's own error when it is not JSON of the right shape
/// (axum's rejection would answer in plain text): the status axum chose, the usual envelope.
fn body<T>(sent: Result<Json<T>, JsonRejection>) -> Result<T, Box<Response>> {
    sent.map(|Json(t)| t).map_err(|rejection| {
        let e = Error::usage(format!(
            "the request body was not accepted: {}",
            rejection.body_text()
        ))
        .hint("send JSON with `Content-Type: application/json`, as README's API table shows");
        Box::new((rejection.status(), Json(json!({ "error": error_json(&e) }))).into_response())
    })
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    tag: Option<String>,
    pack: Option<String>,
}

/// `GET /api/recipes?tag=&pack=`: every recipe's summary.
pub async fn list(
    State(app): State<Arc<App>>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Vec<crate::store::Summary>> {
    let snapshot = app.snapshot()?;
    let out = snapshot
        .summaries
        .iter()
        .filter(|s| q.tag.as_ref().is_none_or(|t| s.tags.contains(t)))
        .filter(|s| q.pack.as_ref().is_none_or(|p| s.pack.as_ref() == Some(p)))
        .cloned()
        .collect();
    Ok(Json(out))
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: String,
    limit: Option<usize>,
}

/// `GET /api/search?q=&limit=`: ranked full-text matches.
pub async fn search(
    State(app): State<Arc<App>>,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Vec<crate::store::SearchHit>> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    Ok(Json(app.lib().search(&q.q, limit)?))
}

#[derive(Debug, Serialize)]
struct VariableOut {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    choices: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<f64>,
}

/// `GET /api/recipes/NAME`: one recipe: its current version's YAML and its variables.
pub async fn show(State(app): State<Arc<App>>, Path(name): Path<String>) -> ApiResult<Value> {
    let stored = app.lib().get(&name)?;
    let recipe = stored.parse()?;
    let variables: Vec<VariableOut> = recipe
        .variables
        .iter()
        .map(|(n, v)| VariableOut {
            name: n.clone(),
            kind: v.kind.as_str(),
            required: v.required,
            description: v.description.clone(),
            default: v.default.clone(),
            choices: v.choices.clone(),
            min: v.min,
            max: v.max,
        })
        .collect();
    Ok(Json(json!({
        "name": stored.name,
        "pack": stored.pack,
        "version": stored.version,
        "title": recipe.title,
        "description": recipe.description,
        "tags": recipe.tags,
        "model": recipe.model,
        "variables": variables,
        "yaml": stored.yaml,
    })))
}

/// `POST /api/render`: a render with its estimate; a failure names the fields at fault.
pub async fn render(
    State(app): State<Arc<App>>,
    sent: Result<Json<RenderRequest>, JsonRejection>,
) -> Response {
    let req = match body(sent) {
        Ok(req) => req,
        Err(refused) => return *refused,
    };
    match preview::run(&app, &req) {
        Ok(ok) => Json(ok).into_response(),
        Err(failed) => (
            status(failed.error.kind),
            Json(json!({
                "error": error_json(&failed.error),
                "fields": failed.fields,
            })),
        )
            .into_response(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintRequest {
    yaml: String,
}

/// `POST /api/lint`: the errors and warnings `promptbook lint` gives for a recipe text.
pub async fn lint(
    State(app): State<Arc<App>>,
    sent: Result<Json<LintRequest>, JsonRejection>,
) -> Response {
    match body(sent) {
        Ok(req) => lint_text(&app, &req).into_response(),
        Err(refused) => *refused,
    }
}

fn lint_text(app: &App, req: &LintRequest) -> ApiResult<Value> {
    let catalog = Catalog::load()?;
    let find = |r: &crate::recipe::Recipe| app.lib().snippets_for(r, None);
    let report = crate::check::lint::lint(req.yaml.as_bytes(), "recipe", &catalog, &find);
    Ok(Json(json!({
        "recipe": report.recipe,
        "errors": report.errors(),
        "warnings": report.warnings(),
        "diagnostics": report.diagnostics,
    })))
}

/// `GET /api/changes`: the library's signature; it changes when a recipe is added, edited or
/// removed, by this page or any other promptbook.
pub async fn changes(State(app): State<Arc<App>>) -> ApiResult<Value> {
    let snapshot = app.snapshot()?;
    Ok(Json(
        json!({ "signature": format!("{:x}", snapshot.signature) }),
    ))
}
