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

use crate::decode::Decoder;
use crate::error::{Error, Result};
use crate::yaml::{self, Position};

/// The file name inside the config folder.
pub const FILE_NAME: &str = "config.yaml";

/// The keys `config.yaml` may contain, for "did you mean" and the error's list.
pub const KEYS: [&str; 2] = ["clipboard", "history"];

/// The settings, with defaults for every key the file leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The clipboard backend `--copy` uses unless `--clipboard` names one: `auto` (the
    /// default) tries the ones that fit the session.
    pub clipboard: Option<String>,
    /// Where `clipboard` is written in the file, for the face's message about a bad name.
    pub clipboard_at: Option<Position>,
    /// Whether `render` and `fill` remember each recipe's last answers for `--again`
    /// (default true). With `false` nothing is stored; `--no-history` does the same for one
    /// command.
    pub history: bool,
    /// Where the settings were read from (None: no file, all defaults).
    pub path: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            clipboard: None,
            clipboard_at: None,
            history: true,
            path: None,
        }
    }
}

/// The largest settings file read, in bytes: a few lines are expected.
pub const MAX_CONFIG_BYTES: u64 = 64 * 1024;

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
        let text = crate::limits::read_text(path, MAX_CONFIG_BYTES, "the settings")
            .map_err(|e| e.hint("check the file, or remove it to use the defaults"))?;
        let mut config = Config::parse(&text, path)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses the text of a settings file; `path` is only for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let file = path.display();
        let tree = yaml::parse_tree(text).map_err(|e| {
            let at = e
                .position
                .map(|p| format!(":{}:{}", p.line, p.column))
                .unwrap_or_default();
            Error::usage(format!("{file}{at}: {}", e.message)).hint(SETTINGS_HINT)
        })?;
        let mut d = Decoder::default();
        let mut config = Config::default();
        if tree.value == yaml::NodeValue::Null {
            return Ok(config);
        }
        if let Some(f) = d.fields(&tree, "", "the settings", &KEYS) {
            if let Some(n) = f.get("clipboard") {
                config.clipboard = d.text(
                    "clipboard",
                    n,
                    "a clipboard name: auto, wayland, x11, xclip, xsel, osc52 or native",
                );
                config.clipboard_at = Some(n.position);
            }
            if let Some(n) = f.get("history") {
                config.history = d.boolean("history", n).unwrap_or(true);
            }
        }
        if d.problems.is_empty() {
            return Ok(config);
        }
        d.problems
            .sort_by_key(|p| p.position.map(|p| (p.line, p.column)));
        let place = |p: &crate::decode::Problem| {
            let at = p
                .position
                .map(|p| format!(":{}:{}", p.line, p.column))
                .unwrap_or_default();
            let hint = p
                .hint
                .as_ref()
                .map(|h| format!("\n  hint: {h}"))
                .unwrap_or_default();
            format!("{file}{at}: {}{hint}", p.message)
        };
        let message = match d.problems.as_slice() {
            [one] => place(one),
            many => {
                let mut m = format!("{file} has {} problems:", many.len());
                for p in many {
                    m.push_str("\n  ");
                    m.push_str(&place(p).replace('\n', "\n  "));
                }
                m
            }
        };
        // A single problem's own hint is already on its line.
        Err(Error::usage(message).hint(SETTINGS_HINT))
    }
}

const SETTINGS_HINT: &str = "the settings are `clipboard` (auto, wayland, x11, xclip, xsel, osc52, native) and `history` (true or false); see README.md, \"Settings\"";

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
            e.message.contains("did you mean `history`?"),
            "{}",
            e.message
        );
        let e = parse("history: nope\n").unwrap_err();
        assert_eq!(
            e.message,
            "config.yaml:1:10: `history` must be true or false, not the text \"nope\""
        );
        let e = parse("history: 1\nclipboard: [x]\nhistroy: false\n").unwrap_err();
        assert!(
            e.message.starts_with("config.yaml has 3 problems:"),
            "{}",
            e.message
        );
    }
}
