//! Which address does what. Every route sits behind [`super::guard::guard`]; bodies are
//! bounded (413 past the limit) and every request has a deadline.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use super::app::App;
use super::guard::{BODY_LIMIT, guard};
use super::pages::{fill, history, library, models, packs, write};
use super::{api, assets};
use crate::pack::limits::MAX_PACK_BYTES;

/// How long one request may take, reading its body included (a git fetch for a pack has
/// its own bounds in the core and runs off the server's threads).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a client may take to send a request's body.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// The whole site.
pub fn router(app: Arc<App>) -> Router {
    let upload = Router::new()
        .route("/packs/upload", post(packs::upload))
        .layer(DefaultBodyLimit::max(MAX_PACK_BYTES as usize));
    Router::new()
        .route("/", get(library::library))
        .route("/fill/{*name}", get(fill::fill))
        .route("/download/{*name}", post(fill::download))
        .route("/new", get(write::new))
        .route("/edit/{*name}", get(write::edit))
        .route("/save", post(write::save))
        .route("/history/{*name}", get(history::history))
        .route("/revert/{*name}", post(history::revert))
        .route("/packs", get(packs::packs))
        .route("/packs/add", post(packs::add))
        .route("/packs/check", post(packs::check))
        .route("/packs/plan/{id}", get(packs::plan))
        .route("/packs/apply/{id}", post(packs::apply))
        .route("/models", get(models::models))
        .route("/api/recipes", get(api::list))
        .route("/api/recipes/{*name}", get(api::show))
        .route("/api/search", get(api::search))
        .route("/api/render", post(api::render))
        .route("/api/lint", post(api::lint))
        .route("/api/changes", get(api::changes))
        .route("/assets/style.css", get(assets::style))
        .route("/assets/app.js", get(assets::script))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .merge(upload)
        .layer(RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}
