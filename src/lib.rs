//! promptbook: a prompt recipe library. The core (recipe, render, check, session, store,
//! catalog) is the API every face uses; the command line (`cli`), interactive fill
//! (`fill`), the clipboard (`clipboard`), the MCP server (`mcp`) and the web page (`web`)
//! are faces.

pub mod catalog;
pub mod check;
pub mod cli;
pub mod edit;
// Detaching the clipboard holder needs setsid and kill, which std does not offer.
#[allow(unsafe_code)]
pub mod clipboard;
pub mod config;
pub mod decode;
pub mod error;
pub mod fill;
pub mod formats;
#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod layers;
pub mod limits;
pub mod mcp;
pub mod pack;
pub mod paths;
pub mod recipe;
pub mod render;
pub mod session;
pub mod sniff;
pub mod store;
pub mod web;
pub mod yaml;

pub use error::{Error, ErrorKind, Result};
pub use recipe::Recipe;
pub use render::targets::{Format, Rendered, produce};
pub use render::{Input, Prompt, render, resolve};
pub use store::Library;
