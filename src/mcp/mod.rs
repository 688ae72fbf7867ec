//! The MCP face: `promptbook mcp` serves the library over the Model Context Protocol on
//! standard input/output, with the official Rust SDK (rmcp).
//!
//! - every served recipe is an MCP prompt (`prompts/list`, `prompts/get`), its variables the
//!   arguments; `prompts/get` renders through the core exactly as `promptbook render` does;
//! - `completion/complete` offers a choice variable's choices and true/false for a boolean;
//! - two read-only tools, `search_recipes` and `render_recipe`, let the model find and use
//!   recipes itself;
//! - a watcher notices when another promptbook process changes the library and tells the
//!   client (`notifications/prompts/list_changed`).
//!
//! Standard output carries protocol messages only; diagnostics go to standard error. The
//! server never writes to the library.

mod convert;
mod server;
mod state;

use std::sync::Arc;
use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::service::ServerInitializeError;
use tokio::sync::broadcast;

use crate::error::{Error, Result};
use crate::store::{Library, Selection};
use server::Server;
use state::{Seen, Served};

/// How many prompts one `prompts/list` page holds. Several clients never ask for a second
/// page, so any library up to this size is listed whole; larger ones are paginated with a
/// cursor.
pub const PAGE_SIZE: usize = 10_000;

/// How often the watcher checks whether another process changed the library. A check is one
/// `PRAGMA data_version` (no table read) unless something was committed.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// What to serve.
#[derive(Debug, Clone)]
pub struct Options {
    pub selection: Selection,
    /// Prompts per `prompts/list` page ([`PAGE_SIZE`] unless a test asks for less).
    pub page_size: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            selection: Selection::default(),
            page_size: PAGE_SIZE,
        }
    }
}

/// Serves `library` on standard input/output until the client closes standard input.
pub fn serve(library: Library, options: Options) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::failed(format!("cannot start the MCP server: {e}")))?;
    let result = runtime.block_on(run(library, options));
    // Nothing may keep the process alive once the client is gone.
    runtime.shutdown_background();
    result
}

async fn run(library: Library, options: Options) -> Result<()> {
    let path = library.path().display().to_string();
    let state = Arc::new(Served::new(library, options.selection, options.page_size));
    // Build the prompt list now: it checks the library and makes the first list fast.
    let count = state.prompts()?.len();
    let scope = if state.selection().tags.is_empty() {
        String::new()
    } else {
        format!(" tagged {}", state.selection().tags.join(", "))
    };
    eprintln!(
        "promptbook mcp: serving {count} recipe{}{scope} from {path} over standard input/output",
        if count == 1 { "" } else { "s" }
    );
    let mut seen = state.seen(None)?;
    let (changes, _) = broadcast::channel(16);
    let server = Server::new(state.clone(), changes.clone());
    let running = match server.serve(rmcp::transport::stdio_pipes()).await {
        Ok(r) => r,
        // The client went away before the handshake: nothing to serve, not a failure.
        Err(ServerInitializeError::ConnectionClosed(_)) => return Ok(()),
        Err(e) => {
            return Err(Error::failed(format!(
                "the MCP client did not start a session: {e}"
            ))
            .hint("promptbook mcp is started by an MCP client (Claude Desktop, Claude Code, VS Code); see the README"));
        }
    };
    let peer = running.peer().clone();
    let watcher = tokio::spawn(async move {
        let mut tick = tokio::time::interval(POLL_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut reported = false;
        loop {
            tick.tick().await;
            let now: Seen = match state.seen(Some(seen)) {
                Ok(now) => now,
                Err(e) => {
                    if !reported {
                        eprintln!(
                            "promptbook mcp: cannot check the library for changes: {}",
                            e.full_text()
                        );
                        reported = true;
                    }
                    continue;
                }
            };
            if now.recipes_changed(&seen) {
                // Subscribers on protocol 2026-07-28+ (`subscriptions/listen`) hear it here;
                let _ = changes.send(());
                // sessions that began with `initialize` get the notification directly.
                if peer.peer_info().is_some() {
                    let _ = peer.notify_prompt_list_changed().await;
                }
            }
            seen = now;
        }
    });
    let _ = running.waiting().await;
    watcher.abort();
    Ok(())
}
