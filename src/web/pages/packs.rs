//! Packs: what is installed (source, ref, commit, the recipes changed here), adding one from
//! a git URL, a folder or an uploaded bundle, and updating with the same preview as
//! `pack update` (changes, diffs, local edits kept) before an explicit confirmation.

use std::sync::Arc;

use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::{
    PageError, PageResult, Section, csrf_field, diff_block, enc, layout, page, recipe_url,
};
use crate::error::{Error, Result};
use crate::pack::git::{GitOptions, short};
use crate::pack::install::{self, ChangeKind, Origin, RecipeState, UpdatePlan};
use crate::pack::source::Source;
use crate::pack::{NoProgress, bundle};
use crate::recipe::changes;
use crate::web::app::App;

#[derive(Debug, Default, Deserialize)]
pub struct PacksQuery {
    #[serde(default)]
    installed: Option<String>,
    #[serde(default)]
    updated: Option<String>,
}

/// `GET /packs`.
pub async fn packs(State(app): State<Arc<App>>, Query(q): Query<PacksQuery>) -> PageResult {
    let signature = app.snapshot()?.signature;
    let installed = install::list(&app.lib())?;
    let body = html! {
        h1 { "Packs" }
        @if let Some(n) = &q.installed { p.notice.ok role="status" { "Installed the pack " code { (n) } "." } }
        @if let Some(n) = &q.updated { p.notice.ok role="status" { "Updated the pack " code { (n) } "." } }
        @if installed.is_empty() { p { "No packs are installed yet." } }
        @for p in &installed {
            section.pack data-pack=(p.name) {
                h2 { (p.name) " " span.muted { (p.version) } }
                @if !p.description.is_empty() { p { (p.description) } }
                dl {
                    dt { "Source" } dd { (p.source_kind) ": " code { (p.source) } }
                    @if let Some(r) = &p.reference { dt { "Ref" } dd { code { (r) } } }
                    @if let Some(c) = &p.commit { dt { "Commit" } dd { code title=(c) { (short(c)) } } }
                    dt { "Recipes" } dd { (p.recipes.len()) " — " a href=(format!("/?pack={}", enc(&p.name))) { "show them" } }
                    @if !p.snippets.is_empty() {
                        dt { "Snippets" } dd { @for s in &p.snippets { code { (s.address) } " " } }
                    }
                    dt { "Changed here" } dd {
                        @let changed: Vec<_> = p.recipes.iter().filter(|r| r.state == RecipeState::ChangedLocally).collect();
                        @if changed.is_empty() { "none" }
                        @for r in changed { a href=(recipe_url("/history", &r.address)) { (r.address) } " " }
                    }
                    dt { "Updated" } dd { (p.updated_at) }
                }
                form method="post" action="/packs/check" {
                    (csrf_field(&app))
                    input type="hidden" name="name" value=(p.name);
                    button.secondary type="submit" { "Check for updates" }
                }
            }
        }
        h2 { "Add a pack" }
        form.add-pack method="post" action="/packs/add" {
            (csrf_field(&app))
            label.grow { span.label { "A git URL (with #ref), or a folder or bundle path on this computer" }
                input #pack-source type="text" name="source" required placeholder="https://example.org/team/prompts.git#v1.2"; }
            div.buttons { button type="submit" { "Add" } }
        }
        form #upload .add-pack {
            label.grow { span.label { "Or upload a bundle file (.pbpack.yaml)" }
                input #bundle-file type="file" accept=".yaml,.yml"; }
            div.buttons { button #upload-button type="submit" { "Upload and install" } }
            p #upload-status role="status" {}
        }
    };
    page(layout(&app, "Packs", Section::Packs, signature, body))
}

#[derive(Debug, Deserialize)]
pub struct AddForm {
    source: String,
}

/// Fetching (git can take a while) runs off the server's threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::failed(format!("the pack step stopped: {e}")))?
}

fn see_other(to: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

/// `POST /packs/add`: fetch, check every recipe, install.
pub async fn add(State(app): State<Arc<App>>, Form(form): Form<AddForm>) -> PageResult {
    let source = Source::parse(form.source.trim())?;
    let (pack, origin) = blocking(move || {
        let fetched = source.fetch(GitOptions::from_env())?;
        let origin = source.origin(&fetched);
        let pack = crate::pack::validate(fetched.raw, &NoProgress)?;
        Ok((pack, origin))
    })
    .await?;
    let done = app.write(|lib| install::install(lib, &pack, &origin, &NoProgress))?;
    Ok(see_other(format!("/packs?installed={}", enc(&done.name))))
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    #[serde(default)]
    file: String,
}

/// `POST /packs/upload?file=NAME` (the bundle's bytes as the body, sent by the page's
/// script): installs it, or, when its pack is installed, prepares the update preview.
/// Answers JSON with where to go next, or the error.
pub async fn upload(
    State(app): State<Arc<App>>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Response {
    match upload_inner(&app, &q.file, &body) {
        Ok(to) => axum::Json(json!({ "redirect": to })).into_response(),
        Err(e) => crate::web::api::ApiError(e).into_response(),
    }
}

fn upload_inner(app: &App, file: &str, body: &[u8]) -> Result<String> {
    let file = if file.trim().is_empty() {
        "the uploaded bundle"
    } else {
        file.trim()
    };
    let raw = bundle::parse(body, file)?;
    let pack = crate::pack::validate(raw, &NoProgress)?;
    let origin = Origin {
        kind: "bundle".into(),
        location: format!("uploaded: {file}"),
        reference: None,
        commit: None,
    };
    let name = pack.manifest.name().to_string();
    let installed = install::get(&app.lib(), &name).ok();
    match installed {
        None => {
            let done = app.write(|lib| install::install(lib, &pack, &origin, &NoProgress))?;
            Ok(format!("/packs?installed={}", enc(&done.name)))
        }
        Some(installed) => {
            let plan = install::plan_update(&app.lib(), &installed, pack, origin, false)?;
            Ok(app.pend(plan))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CheckForm {
    name: String,
}

/// `POST /packs/check`: fetch the pack again from its recorded source and show the plan.
pub async fn check(State(app): State<Arc<App>>, Form(form): Form<CheckForm>) -> PageResult {
    let installed = install::get(&app.lib(), &form.name)?;
    let source = Source::from_record(
        &installed.source_kind,
        &installed.source,
        installed.reference.as_deref(),
    )
    .map_err(|e| {
        e.hint("a pack installed from an uploaded bundle is updated by uploading the newer bundle")
    })?;
    let name = form.name.clone();
    let (pack, origin) = blocking(move || {
        let fetched = source.fetch(GitOptions::from_env()).map_err(|mut e| {
            e.message = format!("cannot update `{name}`: {}", e.message);
            e
        })?;
        let origin = source.origin(&fetched);
        let pack = crate::pack::validate(fetched.raw, &NoProgress)?;
        Ok((pack, origin))
    })
    .await?;
    let plan = install::plan_update(&app.lib(), &installed, pack, origin, false)?;
    Ok(see_other(app.pend(plan)))
}

/// `GET /packs/plan/ID`: what the update would do, with a button to apply it.
pub async fn plan(State(app): State<Arc<App>>, Path(id): Path<String>) -> PageResult {
    let signature = app.snapshot()?.signature;
    let Some(plan) = app.pending_plan(&id) else {
        return Err(PageError(
            Error::not_found("this update preview is no longer available")
                .hint("check for updates again on the Packs page"),
        ));
    };
    let body = html! {
        h1 { "Update " (plan.name) }
        (describe(&plan))
        @if plan.is_empty() {
            p.notice.ok { "Everything is up to date." }
            p { a href="/packs" { "Back to the packs" } }
        } @else {
            form method="post" action=(format!("/packs/apply/{}", enc(&id))) {
                (csrf_field(&app))
                div.buttons { button #apply type="submit" { "Apply these changes" } a href="/packs" { "Cancel" } }
            }
        }
    };
    page(layout(
        &app,
        &format!("Update {}", plan.name),
        Section::Packs,
        signature,
        body,
    ))
}

/// `POST /packs/apply/ID`: apply the plan shown (refused if the library moved meanwhile).
pub async fn apply(State(app): State<Arc<App>>, Path(id): Path<String>) -> PageResult {
    let Some(plan) = app.take_plan(&id) else {
        return Err(PageError(
            Error::not_found("this update was applied or cancelled already")
                .hint("check for updates again on the Packs page"),
        ));
    };
    app.write(|lib| install::apply_updates(lib, std::slice::from_ref(&plan)))?;
    Ok(see_other(format!("/packs?updated={}", enc(&plan.name))))
}

/// The plan as people read it, as `pack update` prints it: a line per recipe, then diffs.
fn describe(plan: &UpdatePlan) -> Markup {
    let commit = |c: &Option<String>| c.as_deref().map(short).unwrap_or("-").to_string();
    html! {
        p.meta {
            (plan.name) " " (plan.from_version)
            @if plan.from_version != plan.to_version { " → " (plan.to_version) }
            @if plan.from_commit != plan.to_commit { " (commit " (commit(&plan.from_commit)) " → " (commit(&plan.to_commit)) ")" }
        }
        @if !plan.changes_recipes() { p { "No recipe or snippet changes." } }
        ul.changes {
            @for c in plan.changes.iter().filter(|c| c.visible()) {
                @let (label, note) = label(c.kind);
                @let note = c.note.as_deref().unwrap_or(note);
                li { span.kind { (label) } " " @if c.snippet { "snippet " } code { (c.address) } @if !note.is_empty() { " — " (note) } }
            }
        }
        @for c in &plan.changes {
            @if let (Some(before), Some(after)) = (&c.before, &c.after) {
                h3 { code { (c.address) } }
                (diff_block(&changes::unified(before, after, "installed", &format!("pack {}", plan.to_version))))
            }
        }
    }
}

fn label(kind: ChangeKind) -> (&'static str, &'static str) {
    match kind {
        ChangeKind::Added => ("added", ""),
        ChangeKind::Changed => ("changed", ""),
        ChangeKind::KeptYours => (
            "kept yours",
            "you changed it; the pack's new version goes to its history",
        ),
        ChangeKind::TakeTheirs => (
            "take theirs",
            "your version is replaced by the pack's (yours stays in the history)",
        ),
        ChangeKind::Removed => ("removed", ""),
        ChangeKind::KeptAsYours => (
            "kept",
            "dropped by the pack, but you changed it: it stays as your own",
        ),
        ChangeKind::StaysRemoved => ("not restored", "you removed it; the pack changed it"),
        ChangeKind::Restored => ("restored", "you had removed it"),
        ChangeKind::Record => ("", ""),
    }
}
