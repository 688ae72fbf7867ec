//! The library page: every recipe as a card, search as you type (the store's full-text
//! search), and filters by tag and by pack.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse};
use maud::{Markup, html};
use serde::Deserialize;

use super::{PageResult, Section, enc, error_block, layout, page, recipe_url};
use crate::error::ErrorKind;
use crate::store::Summary;
use crate::web::app::App;

/// The most cards one page shows; a search or a filter narrows a larger library.
const MAX_CARDS: usize = 300;
/// The most search matches asked of the store.
const MAX_HITS: usize = 300;

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    pack: String,
    /// Only the cards (what the page's script swaps in as people type).
    #[serde(default)]
    partial: Option<String>,
}

/// `GET /`.
pub async fn library(State(app): State<Arc<App>>, Query(f): Query<Filter>) -> PageResult {
    let snapshot = app.snapshot()?;
    let all = &snapshot.summaries;
    let q = f.q.trim();
    let (matched, problem): (Vec<&Summary>, _) = if q.is_empty() {
        (all.iter().collect(), None)
    } else {
        match app.lib().search(q, MAX_HITS) {
            Ok(hits) => {
                let by_name: HashMap<&str, &Summary> =
                    all.iter().map(|s| (s.name.as_str(), s)).collect();
                (
                    hits.iter()
                        .filter_map(|h| by_name.get(h.name.as_str()).copied())
                        .collect(),
                    None,
                )
            }
            // Only punctuation typed so far: no words to search for yet.
            Err(e) if e.kind == ErrorKind::Usage => (Vec::new(), Some(e)),
            Err(e) => return Err(e.into()),
        }
    };
    let shown: Vec<&Summary> = matched
        .into_iter()
        .filter(|s| f.tag.is_empty() || s.tags.contains(&f.tag))
        .filter(|s| f.pack.is_empty() || s.pack.as_deref() == Some(f.pack.as_str()))
        .collect();
    let cards = cards(&shown, all.len(), q, problem.as_ref());
    if f.partial.is_some() {
        return Ok(Html(cards.into_string()).into_response());
    }
    let tags: BTreeSet<&str> = all
        .iter()
        .flat_map(|s| s.tags.iter().map(String::as_str))
        .collect();
    let packs: BTreeSet<&str> = all.iter().filter_map(|s| s.pack.as_deref()).collect();
    let body = html! {
        h1 { "Your recipes" }
        form #filters .filters method="get" action="/" role="search" {
            label.grow {
                span.label { "Search" }
                input #q type="search" name="q" value=(f.q) placeholder="words from a title, description, tag or template" autocomplete="off" autofocus;
            }
            label {
                span.label { "Tag" }
                select #tag name="tag" {
                    option value="" { "any tag" }
                    @for t in &tags { option value=(t) selected[*t == f.tag] { (t) } }
                }
            }
            label {
                span.label { "Pack" }
                select #pack name="pack" {
                    option value="" { "any pack" }
                    @for p in &packs { option value=(p) selected[*p == f.pack] { (p) } }
                }
            }
            noscript { button type="submit" { "Search" } }
        }
        div #results aria-live="polite" { (cards) }
    };
    page(layout(
        &app,
        "Library",
        Section::Library,
        snapshot.signature,
        body,
    ))
}

fn cards(shown: &[&Summary], total: usize, q: &str, problem: Option<&crate::Error>) -> Markup {
    html! {
        @if let Some(e) = problem { (error_block(e)) }
        p.count {
            @if shown.len() == total { (total) " recipes" }
            @else { (shown.len()) " of " (total) " recipes" }
            @if shown.len() > MAX_CARDS { " — showing the first " (MAX_CARDS) "; search or pick a tag to narrow them" }
        }
        @if shown.is_empty() && !q.is_empty() {
            p.empty { "No recipe matches “" (q) "”." }
        }
        ul #cards .cards {
            @for s in shown.iter().take(MAX_CARDS) {
                li.card data-name=(s.name) {
                    h2 { a href=(recipe_url("/fill", &s.name)) { (s.title) } }
                    p.name { code { (s.name) } }
                    @if !s.description.is_empty() { p.description { (s.description) } }
                    p.meta {
                        @for t in &s.tags { a.tag href=(format!("/?tag={}", enc(t))) { (t) } " " }
                        @if let Some(m) = &s.model { span.model title="preferred model" { (m) } " " }
                        @if let Some(p) = &s.pack { a.pack href=(format!("/?pack={}", enc(p))) { "pack " (p) } }
                    }
                }
            }
        }
    }
}
