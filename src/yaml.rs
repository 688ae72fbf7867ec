//! YAML reading and writing, kept behind one module so the YAML crate can change in one place.

use serde::de::DeserializeOwned;

pub use serde_saphyr::Spanned;

/// Where a problem is in a source file (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A YAML error with its position and a message free of the position suffix.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub position: Option<Position>,
}

/// The most aliases one document may expand: bounds "billion laughs" documents.
const MAX_ALIAS_EXPANSIONS: usize = 1_000;

fn options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    options.strict_booleans = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.alias_limits.max_alias_expansions_per_anchor = MAX_ALIAS_EXPANSIONS;
    options.alias_limits.max_total_replayed_events = 100_000;
    options
}

/// Parses one YAML document into `T`, with unknown and duplicate keys as errors.
pub fn from_str<T: DeserializeOwned>(source: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options(source, options()).map_err(|e| {
        let position = e.location().and_then(|l| {
            (l.line() > 0).then(|| Position {
                line: l.line() as usize,
                column: l.column() as usize,
            })
        });
        YamlError {
            message: clean_message(&e.to_string()),
            position,
        }
    })
}

/// Writes `value` as YAML.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_saphyr::to_string(value).map_err(|e| e.to_string())
}

/// The crate appends " at line L, column C" and advice about its own options; people need
/// neither in our messages, which carry the position themselves.
fn clean_message(message: &str) -> String {
    let mut m = message.lines().next().unwrap_or(message).to_string();
    if let Some(i) = m.rfind(" at line ") {
        m.truncate(i);
    }
    m = m.replace(", set DuplicateKeyPolicy in Options if acceptable", "");
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn errors_carry_position_without_suffix() {
        let e = from_str::<BTreeMap<String, String>>("a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.message, "duplicate mapping key: a");
        assert_eq!(e.position, Some(Position { line: 2, column: 1 }));
    }

    #[test]
    fn only_true_and_false_are_booleans() {
        let v: serde_json::Value = from_str("[y, no, on, true]").unwrap();
        assert_eq!(v, serde_json::json!(["y", "no", "on", true]));
    }
}
