//! One module per command (`promptbook NAME`), each with its clap `Args` (the `///` comments
//! are the `--help` text) and its `run`. Commands do not import each other: what two share
//! lives beside this folder in `src/cli/`.

pub mod add;
pub mod completions;
pub mod diff;
pub mod edit;
pub mod export;
pub mod fill;
pub mod history;
pub mod import;
pub mod lint;
pub mod list;
pub mod man;
pub mod mcp;
pub mod models;
pub mod new;
pub mod pack;
pub mod render;
pub mod revert;
pub mod rm;
pub mod search;
pub mod show;
pub mod snippet;
pub mod test;
pub mod web;
