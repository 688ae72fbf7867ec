//! The user's settings: `config.yaml` in the config folder (`$XDG_CONFIG_HOME/promptbook/`
//! on Linux). Every key is optional, and a missing file means all defaults, so nobody has
//! to write one; it exists for choices people make once, not per command.
//!
//! ```yaml
//! # ~/.config/promptbook/config.yaml
//! clipboard: auto   # how --copy reaches the clipboard: auto, wayland, x11, xclip, xsel, osc52, native
//! history: true     # remember each recipe's last answers for --again (false: store nothing)
//! ```
//!
//! The clipboard setting is kept as text here: the core does not know the clipboard (a
//! face), so the face that copies parses the name and reports a bad one with this file's
//! path.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result, did_you_mean};
use crate::yaml;

/// The file name inside the config folder.
pub const FILE_NAME: &str = "config.yaml";

/// The keys `config.yaml` may contain, for "did you mean" and the error's list.
pub const KEYS: [&str; 2] = ["clipboard", "history"];

/// The settings, with defaults for every key the file leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The clipboard backend `--copy` uses unless `--clipboard` names one: `auto` (the
    /// default) tries the ones that fit the session.
    #[serde(default)]
    pub clipboard: Option<String>,
    /// Whether `render` and `fill` remember each recipe's last answers for `--again`
    /// (default true). With `false` nothing is stored; `--no-history` does the same for one
    /// command.
    #[serde(default = "yes")]
    pub history: bool,
    /// Where the settings were read from (None: no file, all defaults).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

fn yes() -> bool {
    true
}

impl Default for Config {
    fn default() -> Self {
        Config {
            clipboard: None,
            history: true,
            path: None,
        }
    }
}

impl Config {
    /// Where `config.yaml` would be (`None` when there is no home folder).
    pub fn default_path() -> Option<PathBuf> {
        crate::paths::config_dir().map(|d| d.join(FILE_NAME))
    }

    /// The user's settings: the defaults when the file does not exist.
    ///
    /// # Errors
    ///
    /// A file that cannot be read or is not valid (an unknown key, a wrong type) fails with
    /// its path, line and column, and how to fix it: a setting that silently does nothing
    /// (a typo like `histroy: false`) would betray the user's intent, e.g. for privacy.
    pub fn load() -> Result<Config> {
        match Config::default_path() {
            Some(path) if path.exists() => Config::load_from(&path),
            _ => Ok(Config::default()),
        }
    }

    /// The settings in `path`, which must exist.
    pub fn load_from(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::failed(format!("cannot read the settings {}: {e}", path.display()))
                .hint("check its permissions, or remove it to use the defaults")
        })?;
        let mut config = Config::parse(&text, path)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses the text of a settings file; `path` is only for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        yaml::from_str::<Config>(text).map_err(|e| {
            let at = e
                .position
                .map(|p| format!(":{}:{}", p.line, p.column))
                .unwrap_or_default();
            let mut err = Error::usage(format!("{}{at}: {}", path.display(), e.message));
            if let Some(key) = unknown_key(&e.message)
                && let Some(close) = did_you_mean(key, KEYS)
            {
                err = err.hint(format!("did you mean `{close}`?"));
            }
            err.hint(
                "the settings are `clipboard` (auto, wayland, x11, xclip, xsel, osc52, native) and `history` (true or false); see README.md, \"Settings\"",
            )
        })
    }
}

/// The key named in an "unknown field `x`" message.
fn unknown_key(message: &str) -> Option<&str> {
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("config.yaml"))
    }

    #[test]
    fn missing_keys_take_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(parse("# nothing\n").unwrap(), Config::default());
        let c = parse("history: false\n").unwrap();
        assert!(!c.history);
        assert_eq!(c.clipboard, None);
        let c = parse("clipboard: osc52\n").unwrap();
        assert_eq!(c.clipboard.as_deref(), Some("osc52"));
        assert!(c.history);
    }

    #[test]
    fn typos_are_errors_with_position_and_suggestion() {
        let e = parse("clipboard: auto\nhistroy: false\n").unwrap_err();
        assert!(e.message.starts_with("config.yaml:2:1: "), "{}", e.message);
        assert!(
            e.hints[0].contains("did you mean `history`?"),
            "{:?}",
            e.hints
        );
        let e = parse("history: nope\n").unwrap_err();
        assert!(e.message.starts_with("config.yaml:1:"), "{}", e.message);
    }
}
