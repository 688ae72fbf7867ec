//! Markdown files with YAML front matter between `---` lines (dotprompt, Prompty, Claude
//! Code, Agent Skills).

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::yaml::Position;

/// A file split into its front matter and its body.
pub struct Split<'a> {
    /// The front matter's keys (empty when the file has none).
    pub meta: Map<String, Value>,
    pub body: &'a str,
    /// Where the body starts in the file.
    pub body_at: Position,
}

/// Splits `text`; a front matter that is opened but never closed is an error at line 1.
pub fn split<'a>(text: &'a str, origin: &str) -> Result<Split<'a>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Ok(Split {
            meta: Map::new(),
            body: text,
            body_at: Position { line: 1, column: 1 },
        });
    }
    let mut offset = first_end + 1;
    let mut line = 2;
    while offset <= text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |p| offset + p);
        if text[offset..end].trim_end() == "---" {
            let yaml = &text[first_end + 1..offset];
            let meta = if yaml.trim().is_empty() {
                Map::new()
            } else {
                match crate::yaml::from_str::<Value>(yaml).or_else(|e| lenient(yaml).ok_or(e)) {
                    Ok(Value::Object(m)) => m,
                    Ok(_) => {
                        return Err(Error::invalid(format!(
                            "{origin}:2:1: the front matter must be a map of `key: value` lines"
                        )));
                    }
                    Err(e) => {
                        let at = e
                            .position
                            .map_or(String::new(), |p| format!(":{}:{}", p.line + 1, p.column));
                        return Err(Error::invalid(format!(
                            "{origin}{at}: the front matter is not valid YAML: {}",
                            e.message
                        ))
                        .hint("check the indentation and quoting; a value with `: ` or `#` needs quotes"));
                    }
                }
            };
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                meta,
                body: &text[body_start..],
                body_at: Position {
                    line: line + 1,
                    column: 1,
                },
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err(Error::invalid(format!(
        "{origin}:1:1: the front matter opened by `---` on line 1 is never closed"
    ))
    .hint("end the front matter with a line holding only `---`"))
}

/// A string field of the front matter, if present.
pub fn string(meta: &Map<String, Value>, key: &str) -> Option<String> {
    match meta.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// Claude Code reads `key: value` lines even when the value is not valid YAML (its own
/// documentation writes `argument-hint: [pr-number] [priority]`); so do we, when every line
/// is such a pair.
fn lenient(yaml: &str) -> Option<Value> {
    let mut m = Map::new();
    for line in yaml.lines().filter(|l| !l.trim().is_empty()) {
        let (k, v) = line.split_once(':')?;
        if k.starts_with(' ') || k.contains(' ') {
            return None;
        }
        m.insert(k.to_string(), Value::String(v.trim().to_string()));
    }
    Some(Value::Object(m))
}
