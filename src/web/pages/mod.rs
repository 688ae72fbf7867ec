//! The HTML pages, written with maud: templates checked when the crate compiles, and every
//! value escaped unless marked otherwise (nothing here is). Recipes and packs may come from
//! anyone, so nothing of theirs is ever trusted as markup.

pub mod fill;
pub mod history;
pub mod library;
pub mod models;
pub mod packs;
pub mod write;

use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use super::api::status;
use super::app::App;
use super::guard::CSRF_FIELD;
use crate::error::Error;

/// Which part of the site a page belongs to (the highlighted link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Library,
    Write,
    Packs,
    Models,
}

/// The frame of every page: the navigation, the change notice, the page's own content.
pub fn layout(app: &App, title: &str, section: Section, signature: u64, body: Markup) -> Markup {
    let link = |href: &str, label: &str, s: Section| {
        html! { a href=(href) aria-current=[(s == section).then_some("page")] { (label) } }
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="csrf-token" content=(app.csrf);
                title { (title) " · promptbook" }
                link rel="stylesheet" href="/assets/style.css";
                script src="/assets/app.js" defer {}
            }
            body data-signature=(format!("{signature:x}")) {
                header.top {
                    a.brand href="/" { "promptbook" }
                    nav {
                        (link("/", "Library", Section::Library))
                        (link("/new", "New recipe", Section::Write))
                        (link("/packs", "Packs", Section::Packs))
                        (link("/models", "Models", Section::Models))
                    }
                }
                p #changed .notice hidden {
                    "The library was changed by another promptbook. "
                    a href="" { "Reload to see it" }
                }
                main { (body) }
            }
        }
    }
}

/// The hidden CSRF field every state-changing form carries.
pub fn csrf_field(app: &App) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(app.csrf); }
}

/// An error, with its hints, as a block in a page.
pub fn error_block(e: &Error) -> Markup {
    html! {
        div.error role="alert" {
            p.message { (e.message) }
            @for h in &e.hints { p.hint { "hint: " (h) } }
        }
    }
}

/// A unified diff, each line marked as added, removed, a hunk header or context.
pub fn diff_block(diff: &str) -> Markup {
    html! {
        pre.diff {
            @for line in diff.lines() {
                @let class = match line.chars().next() {
                    Some('+') if !line.starts_with("+++") => "add",
                    Some('-') if !line.starts_with("---") => "del",
                    Some('@') => "hunk",
                    _ => "ctx",
                };
                span class=(class) { (line) } "\n"
            }
        }
    }
}

/// A percent-encoded path segment or query value.
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The address of a recipe's page under `prefix` (`/fill`, `/edit`, `/history`), keeping
/// the `/` of `pack/name`.
pub fn recipe_url(prefix: &str, name: &str) -> String {
    let parts: Vec<String> = name.split('/').map(enc).collect();
    format!("{prefix}/{}", parts.join("/"))
}

/// A page that could not be made: the core's error as a page, with its status.
pub struct PageError(pub Error);

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let body = html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { "Error · promptbook" }
                    link rel="stylesheet" href="/assets/style.css";
                }
                body {
                    header.top { a.brand href="/" { "promptbook" } }
                    main { h1 { "Something went wrong" } (error_block(&self.0)) p { a href="/" { "Back to the library" } } }
                }
            }
        };
        (status(self.0.kind), Html(body.into_string())).into_response()
    }
}

/// What page handlers return.
pub type PageResult = Result<Response, PageError>;

/// A finished page.
pub fn page(markup: Markup) -> PageResult {
    Ok(Html(markup.into_string()).into_response())
}
