//! Flags that several commands share, so each is declared once: how values are given, what
//! to produce, and version numbers.

use std::path::PathBuf;

use crate::error::Result;
use crate::render::targets::Format;
use crate::session::Target;

/// How values are given, shared by `render` and `fill`.
#[derive(Debug, clap::Args)]
pub struct ValueArgs {
    /// A variable's value: NAME=VALUE, NAME=@FILE or NAME=- (standard input).
    #[arg(long = "var", short = 'v', value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// A YAML or JSON file mapping variable names to values.
    #[arg(long = "vars", value_name = "FILE")]
    pub vars_file: Option<PathBuf>,
}

/// What to produce and for which model, shared by `render` and `fill`.
#[derive(Debug, clap::Args)]
pub struct FormatArgs {
    /// What to produce.
    #[arg(long, short, default_value = "text", value_parser = clap::builder::PossibleValuesParser::new(Format::NAMES))]
    pub format: String,
    /// The model to use instead of the recipe's hint (a family like sonnet, or a model id).
    #[arg(long, short)]
    pub model: Option<String>,
    /// Render even if the prompt does not fit the model's context window.
    #[arg(long)]
    pub force: bool,
    /// Do not mark a long system prompt and examples for prompt caching (anthropic, curl),
    /// nor show cache prices (json).
    #[arg(long)]
    pub no_cache: bool,
}

impl FormatArgs {
    /// The chosen format (clap has already checked the name).
    pub fn format(&self) -> Result<Format> {
        self.format.parse()
    }

    /// The render target these flags ask for.
    pub fn target(&self) -> Result<Target> {
        Ok(Target {
            format: self.format()?,
            model: self.model.clone(),
            force: self.force,
            no_cache: self.no_cache,
        })
    }
}

/// The two versions `diff` and `snippet diff` compare.
#[derive(Debug, clap::Args)]
pub struct VersionPair {
    /// The older version (default: the one before TO).
    #[arg(value_parser = parse_version)]
    pub from: Option<u32>,
    /// The newer version (default: the current one).
    #[arg(value_parser = parse_version)]
    pub to: Option<u32>,
}

/// Reads `3` or `v3`.
pub fn parse_version(s: &str) -> std::result::Result<u32, String> {
    s.strip_prefix('v')
        .unwrap_or(s)
        .parse::<u32>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("{s:?} is not a version number; write it as 3 or v3"))
}
