//! Integration tests: the real `promptbook` binary on a real library in a temporary folder.
//! One test target (like `just`), one module per command or area.

#[allow(dead_code)] // helpers used by some modules only
mod support;

mod add;
mod authoring;
mod bad_input;
mod checks;
mod copy;
mod editor_pty;
mod fill;
mod formats;
mod library;
mod limits;
mod mcp;
mod pack_snippets;
mod pack_tour;
mod packs;
mod readme;
mod render;
mod sdk;
mod servers;
mod snippet_use;
mod snippets;
mod structured;
mod tour;
mod web;
mod web_browser;
