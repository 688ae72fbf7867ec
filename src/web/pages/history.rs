//! A recipe's history: every version with what it changed, a diff between any two, and
//! revert (which stores an old version's text as a new version: history is never
//! rewritten).

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use maud::html;
use serde::Deserialize;

use super::{PageResult, Section, csrf_field, diff_block, layout, page, recipe_url};
use crate::recipe::changes;
use crate::store::SaveOutcome;
use crate::web::app::App;

#[derive(Debug, Default, Deserialize)]
pub struct Compare {
    a: Option<u32>,
    b: Option<u32>,
}

/// `GET /history/NAME?a=&b=`: the versions, newest first, and the diff from `a` to `b`
/// (default: the version before the current one, to the current one).
pub async fn history(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Query(c): Query<Compare>,
) -> PageResult {
    let signature = app.snapshot()?.signature;
    let versions = app.lib().all_versions(&name)?;
    let full = versions.last().map(|v| v.name.clone()).unwrap_or(name);
    let mut entries = changes::history(versions.iter().map(|v| {
        (
            v.version,
            v.created_at.as_str(),
            v.hash.as_str(),
            v.yaml.as_str(),
        )
    }));
    entries.reverse();
    let current = entries.first().map_or(1, |e| e.version);
    let b = c.b.unwrap_or(current);
    let a = c.a.unwrap_or(b.saturating_sub(1).max(1));
    let text = |v: u32| {
        versions
            .iter()
            .find(|s| s.version == v)
            .map(|s| s.yaml.as_str())
    };
    let diff = match (text(a), text(b)) {
        (Some(x), Some(y)) => Some(changes::unified(x, y, &format!("v{a}"), &format!("v{b}"))),
        _ => None,
    };
    let body = html! {
        h1 { "History of " code { (full) } }
        p.actions { a href=(recipe_url("/fill", &full)) { "Fill" } a href=(recipe_url("/edit", &full)) { "Edit" } }
        form.compare method="get" action=(recipe_url("/history", &full)) {
            table.versions {
                thead { tr { th { "from" } th { "to" } th { "version" } th { "stored (UTC)" } th { "changes" } th {} } }
                tbody {
                    @for e in &entries {
                        tr data-version=(e.version) {
                            td { input type="radio" name="a" value=(e.version) checked[e.version == a] aria-label=(format!("compare from version {}", e.version)); }
                            td { input type="radio" name="b" value=(e.version) checked[e.version == b] aria-label=(format!("compare to version {}", e.version)); }
                            td { "v" (e.version) @if e.version == current { " (current)" } }
                            td { (e.created_at.replacen('T', " ", 1).split('.').next().unwrap_or("").trim_end_matches('Z')) }
                            td { (e.summary) }
                            td {
                                @if e.version != current {
                                    button.secondary type="submit" form=(format!("revert-{}", e.version)) { "Revert to v" (e.version) }
                                }
                            }
                        }
                    }
                }
            }
            div.buttons { button type="submit" { "Compare" } }
        }
        @for e in entries.iter().filter(|e| e.version != current) {
            form id=(format!("revert-{}", e.version)) method="post" action=(recipe_url("/revert", &full)) hidden {
                (csrf_field(&app))
                input type="hidden" name="version" value=(e.version);
                input type="hidden" name="base" value=(current);
            }
        }
        @if let Some(d) = diff {
            h2 { "Changes from v" (a) " to v" (b) }
            @if d.is_empty() { p { "The two versions have the same text." } }
            @else {
                (diff_block(&d))
            }
        }
    };
    page(layout(
        &app,
        &format!("History of {full}"),
        Section::Library,
        signature,
        body,
    ))
}

#[derive(Debug, Deserialize)]
pub struct RevertForm {
    version: u32,
    base: u32,
}

/// `POST /revert/NAME`: store version `version`'s text as the new current version, if the
/// recipe is still at `base`.
pub async fn revert(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Form(form): Form<RevertForm>,
) -> PageResult {
    let saved = app.write(|lib| crate::edit::revert(lib, &name, form.version, form.base))?;
    let (stored, version) = match saved {
        SaveOutcome::Created { name } => (name, 1),
        SaveOutcome::NewVersion { name, version, .. }
        | SaveOutcome::Unchanged { name, version } => (name, version),
    };
    let full = match name.split_once('/') {
        Some((pack, _)) => format!("{pack}/{stored}"),
        None => stored,
    };
    let to = format!("{}?saved={version}", recipe_url("/fill", &full));
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response())
}
