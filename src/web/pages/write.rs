//! Writing recipes in the page: a new one from the scaffold or as a copy, or a change to
//! one; the YAML is edited in a text area. On save the text is checked as `add` and `edit`
//! check it; an invalid text stays in the editor with every error's line and column, and
//! is kept as a draft file (as `edit` keeps it) until it is stored.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse};
use maud::html;
use serde::Deserialize;

use super::{PageResult, Section, csrf_field, error_block, layout, page, recipe_url};
use crate::error::Error;
use crate::recipe::{Diagnostic, Recipe, Severity, is_kebab, scaffold};
use crate::store::SaveOutcome;
use crate::web::app::App;

/// What the editor is for.
enum Target<'a> {
    New,
    Existing { name: &'a str, base: u32 },
}

/// The problems shown above the editor.
enum Problems {
    None,
    Diagnostics(Vec<Diagnostic>),
    Error(Error),
}

struct Editor<'a> {
    target: Target<'a>,
    text: &'a str,
    /// The draft file (its name in the drafts folder) keeping this text.
    draft: Option<String>,
    problems: Problems,
}

fn editor(app: &App, signature: u64, ed: Editor<'_>) -> maud::Markup {
    let (title, heading) = match ed.target {
        Target::New => ("New recipe".to_string(), html! { "A new recipe" }),
        Target::Existing { name, base } => (
            format!("Edit {name}"),
            html! { "Edit " code { (name) } " " span.muted { "(from version " (base) ")" } },
        ),
    };
    let body = html! {
        h1 { (heading) }
        @match &ed.problems {
            Problems::None => {},
            Problems::Error(e) => (error_block(e)),
            Problems::Diagnostics(ds) => div.error #problems role="alert" {
                p.message { "The recipe was not stored: fix " @if ds.len() == 1 { "this problem" } @else { "these " (ds.len()) " problems" } " and save again." }
                ol.diagnostics {
                    @for d in ds {
                        li data-line=[d.position.map(|p| p.line)] data-column=[d.position.map(|p| p.column)] {
                            @if let Some(p) = d.position { span.position { "line " (p.line) ", column " (p.column) } ": " }
                            span.msg { (d.message) }
                            @if let Some(h) = &d.hint { br; span.hint { "hint: " (h) } }
                        }
                    }
                }
            },
        }
        @if let Some(d) = &ed.draft {
            p.notice role="status" { "Your text is kept as a draft (" code { (d) } ") until it is stored." }
        }
        form #editor .editor method="post" action="/save" {
            (csrf_field(app))
            @match ed.target {
                Target::New => input type="hidden" name="target" value="";,
                Target::Existing { name, base } => {
                    input type="hidden" name="target" value=(name);
                    input type="hidden" name="base" value=(base);
                },
            }
            @if let Some(d) = &ed.draft { input type="hidden" name="draft" value=(d); }
            label for="yaml" { span.label { "Recipe (YAML)" } }
            textarea #yaml name="yaml" rows="28" spellcheck="false" autocapitalize="off" { (ed.text) }
            div.buttons {
                button type="submit" { "Save" }
                @if let Target::Existing { name, .. } = ed.target { a href=(recipe_url("/fill", name)) { "Cancel" } }
                @else { a href="/" { "Cancel" } }
            }
        }
    };
    layout(app, &title, Section::Write, signature, body)
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    name: String,
    #[serde(default)]
    from: String,
}

/// `GET /new?name=&from=`: pick a name (and what to start from), then the editor.
pub async fn new(State(app): State<Arc<App>>, Query(q): Query<NewQuery>) -> PageResult {
    let signature = app.snapshot()?.signature;
    let name = q.name.trim();
    let from = q.from.trim();
    let mut problem = None;
    if !name.is_empty() {
        if !is_kebab(name) {
            problem = Some(Error::usage(format!("{name:?} is not a recipe name")).hint(
                "use lowercase letters, digits and single dashes, e.g. `release-notes` (64 characters at most)",
            ));
        } else {
            let lib = app.lib();
            if lib.get(name).is_ok() {
                problem = Some(
                    Error::usage(format!("a recipe named `{name}` already exists"))
                        .hint("open it from the library to edit it, or choose another name"),
                );
            } else {
                let text = if from.is_empty() {
                    Ok(scaffold::scaffold(name))
                } else {
                    lib.get(from).and_then(|stored| {
                        let line = stored.parse()?.def.name.position.line;
                        Ok(scaffold::renamed(&stored.yaml, line, name))
                    })
                };
                drop(lib);
                match text {
                    Ok(text) => {
                        return page(editor(
                            &app,
                            signature,
                            Editor {
                                target: Target::New,
                                text: &text,
                                draft: None,
                                problems: Problems::None,
                            },
                        ));
                    }
                    Err(e) => problem = Some(e),
                }
            }
        }
    }
    let body = html! {
        h1 { "A new recipe" }
        @if let Some(e) = &problem { (error_block(e)) }
        form.new method="get" action="/new" {
            label { span.label { "Name" } input #new-name type="text" name="name" value=(name) placeholder="release-notes" required pattern="[a-z0-9]+(-[a-z0-9]+)*"; }
            label { span.label { "Start from a copy of (leave empty for the scaffold)" } input #new-from type="text" name="from" value=(from) placeholder="blog-draft"; }
            div.buttons { button type="submit" { "Open the editor" } }
        }
    };
    page(layout(&app, "New recipe", Section::Write, signature, body))
}

/// `GET /edit/NAME`: the editor on the current version.
pub async fn edit(State(app): State<Arc<App>>, Path(name): Path<String>) -> PageResult {
    let signature = app.snapshot()?.signature;
    let stored = app.lib().get(&name)?;
    page(editor(
        &app,
        signature,
        Editor {
            target: Target::Existing {
                name: &stored.name,
                base: stored.version,
            },
            text: &stored.yaml,
            draft: None,
            problems: Problems::None,
        },
    ))
}

#[derive(Debug, Deserialize)]
pub struct SaveForm {
    yaml: String,
    /// The recipe edited; empty for a new one.
    #[serde(default)]
    target: String,
    #[serde(default)]
    base: Option<u32>,
    #[serde(default)]
    draft: Option<String>,
}

/// `POST /save`: check and store, or keep the text (in the editor and as a draft).
pub async fn save(State(app): State<Arc<App>>, Form(form): Form<SaveForm>) -> PageResult {
    // The page's text area sends CRLF line ends; the recipe is stored as people wrote it.
    let text = form.yaml.replace("\r\n", "\n");
    let target = if form.target.is_empty() {
        Target::New
    } else {
        Target::Existing {
            name: &form.target,
            base: form.base.unwrap_or(0),
        }
    };
    let label = match &target {
        Target::New => "new-recipe".to_string(),
        Target::Existing { name, .. } => name.replace('/', "."),
    };
    let outcome = match Recipe::parse(&text, "the recipe") {
        Err(invalid) => Err(Problems::Diagnostics(
            invalid
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect(),
        )),
        Ok(recipe) => app
            .write(|lib| {
                // What `add` refuses, the page refuses too: a recipe that does not render.
                let pack = match &target {
                    Target::New => None,
                    Target::Existing { name, .. } => crate::store::split_address(name).0,
                };
                let snippets = lib.snippets_for(&recipe, pack)?;
                let problems = crate::check::lint::refusals(&recipe, &snippets);
                if !problems.is_empty() {
                    return Err(crate::recipe::Invalid {
                        origin: "the recipe".to_string(),
                        diagnostics: problems,
                    }
                    .into());
                }
                // Checked and stored under one hold of the library, so no snippet changes
                // in between.
                match &target {
                    Target::New => lib.create(&recipe, &text),
                    Target::Existing { name, base } => {
                        lib.save_version(name, *base, &recipe, &text)
                    }
                }
            })
            .map_err(Problems::Error),
    };
    let kept = form.draft.as_deref().and_then(|d| draft_path(&app, d));
    match outcome {
        Ok(saved) => {
            if let Some(path) = kept {
                crate::edit::Drafts::discard(&path);
            }
            let (name, version) = match saved {
                SaveOutcome::Created { name } => (name, 1),
                SaveOutcome::NewVersion { name, version, .. }
                | SaveOutcome::Unchanged { name, version } => (name, version),
            };
            // The stored name: `pack/name` for a pack's recipe.
            let full = match &target {
                Target::Existing { name: old, .. } => match old.split_once('/') {
                    Some((pack, _)) => format!("{pack}/{name}"),
                    None => name,
                },
                Target::New => name,
            };
            let to = format!("{}?saved={version}", recipe_url("/fill", &full));
            Ok((StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response())
        }
        Err(problems) => {
            let draft = keep_draft(&app, kept, &label, &text);
            let (draft, problems) = match draft {
                Ok(d) => (Some(d), problems),
                Err(e) => (None, Problems::Error(e)),
            };
            let signature = app.snapshot()?.signature;
            let markup = editor(
                &app,
                signature,
                Editor {
                    target,
                    text: &text,
                    draft,
                    problems,
                },
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(markup.into_string())).into_response())
        }
    }
}

/// The path of draft `file` if it is a plain file name in the drafts folder (the page sends
/// it back; nothing else is ever written or removed).
fn draft_path(app: &App, file: &str) -> Option<PathBuf> {
    let plain = !file.is_empty()
        && file.ends_with(".yaml")
        && !file.starts_with('.')
        && file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let path = app.drafts.dir.join(file);
    (plain && path.is_file()).then_some(path)
}

/// Writes `text` to the draft kept so far (or a new one); returns its file name.
fn keep_draft(app: &App, kept: Option<PathBuf>, label: &str, text: &str) -> Result<String, Error> {
    let path = match kept {
        Some(path) => {
            std::fs::write(&path, text).map_err(|e| {
                Error::failed(format!("cannot write the draft {}: {e}", path.display()))
            })?;
            path
        }
        None => app.drafts.create(label, text)?,
    };
    Ok(path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default())
}
