//! The model catalog: context windows, prices and the date the prices were taken.

use std::sync::Arc;

use axum::extract::State;
use maud::html;

use super::{PageResult, Section, layout, page};
use crate::catalog::{Catalog, Provider};
use crate::render::targets::{group, usd};
use crate::web::app::App;

/// `GET /models`.
pub async fn models(State(app): State<Arc<App>>) -> PageResult {
    let signature = app.snapshot()?.signature;
    let catalog = Catalog::load()?;
    let body = html! {
        h1 { "Models" }
        p { "List prices in US dollars per million tokens, as of " strong #prices-as-of { (catalog.prices_as_of) } ". Token counts in the previews are estimates." }
        @if let Some(path) = Catalog::override_path().filter(|_| Catalog::has_override()) {
            p.muted { "Your own catalog " code { (path.display()) } " adds to or replaces these." }
        }
        table.models {
            thead { tr { th { "model" } th { "API" } th { "family" } th.num { "context window" } th.num { "input" } th.num { "output" } } }
            tbody {
                @for m in &catalog.models {
                    tr {
                        td { code { (m.id) } }
                        td { (match m.provider { Provider::Anthropic => "Anthropic", Provider::Openai => "OpenAI" }) }
                        td { (m.family.as_deref().unwrap_or("")) }
                        td.num { (m.context_window.map(group).unwrap_or_else(|| "not published".into())) }
                        td.num { (usd(m.input_per_mtok)) }
                        td.num { (usd(m.output_per_mtok)) }
                    }
                }
            }
        }
        @if !catalog.families.is_empty() {
            p { "Families: " @for (f, id) in &catalog.families { code { (f) } " → " code { (id) } "  " } }
        }
    };
    page(layout(&app, "Models", Section::Models, signature, body))
}
