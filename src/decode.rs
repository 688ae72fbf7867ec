//! Reading a located YAML tree ([`crate::yaml::Node`]) field by field, in our own words:
//! every wrong type, unknown field and out-of-range number is gathered with the field's path
//! (`model.max_tokens`), what was expected ("a whole number from 1 to 1,000,000"), what was
//! found and where, so one run reports every problem in a file. Recipes, settings and pack
//! manifests are read through it.

use crate::error::did_you_mean;
use crate::yaml::{Node, NodeValue, Position};

/// One problem found while reading a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub position: Option<Position>,
    pub hint: Option<String>,
}

/// Gathers the problems of one document.
#[derive(Debug, Default)]
pub struct Decoder {
    pub problems: Vec<Problem>,
    /// Sections whose fields a top-level key may have been meant for (`temprature` at the
    /// top is `model.temperature` misplaced and misspelt).
    pub nested: Vec<(&'static str, &'static [&'static str])>,
}

/// The fields of one mapping, checked against the names it may have.
pub struct Fields<'a> {
    entries: Vec<(&'a str, &'a Node)>,
}

impl<'a> Fields<'a> {
    /// The value of `key`, if given (a null value counts as not given).
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, v)| *k == key && v.value != NodeValue::Null)
            .map(|(_, v)| *v)
    }

    /// The value of `key` even when it is null (for fields where empty is a mistake).
    pub fn get_raw(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }
}

/// `parent.key`, or `key` at the top.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Formats 1000000 as "1,000,000".
pub fn thousands(n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl Decoder {
    /// Records a problem at `node`.
    pub fn problem(&mut self, node: Option<&Node>, message: String, hint: Option<String>) {
        self.problems.push(Problem {
            message,
            position: node.map(|n| n.position).filter(|p| p.line > 0),
            hint,
        });
    }

    /// Records "`path` must be EXPECTED, not FOUND".
    pub fn expected(&mut self, path: &str, node: &Node, expected: &str, hint: Option<String>) {
        let field = if path.starts_with("the ") {
            path.to_string()
        } else {
            format!("`{path}`")
        };
        self.problem(
            Some(node),
            format!("{field} must be {expected}, not {}", node.describe()),
            hint,
        );
    }

    /// The entries of a mapping whose keys must be among `allowed`; an unknown key is a
    /// problem with a did-you-mean. `what` names the keys in the hint ("a variable's
    /// fields").
    pub fn fields<'a>(
        &mut self,
        node: &'a Node,
        path: &str,
        what: &str,
        allowed: &[&str],
    ) -> Option<Fields<'a>> {
        let NodeValue::Map(entries) = &node.value else {
            let example = allowed
                .iter()
                .take(2)
                .map(|k| format!("{k}: …"))
                .collect::<Vec<_>>();
            self.expected(
                if path.is_empty() { "the file" } else { path },
                node,
                &format!("a mapping of fields ({})", example.join(", ")),
                Some(format!("{what} are: {}", allowed.join(", "))),
            );
            return None;
        };
        let mut fields = Fields {
            entries: Vec::new(),
        };
        for (k, v) in entries {
            let Some(key) = (match &k.value {
                NodeValue::Str(s) => Some(s.as_str()),
                _ => None,
            }) else {
                self.problem(
                    Some(k),
                    format!(
                        "a field name in `{}` must be text, not {}",
                        if path.is_empty() { "the file" } else { path },
                        k.describe()
                    ),
                    Some(format!("{what} are: {}", allowed.join(", "))),
                );
                continue;
            };
            if !allowed.contains(&key) {
                let close = did_you_mean(key, allowed.iter().copied());
                let nested = self
                    .nested
                    .iter()
                    .find_map(|(parent, keys)| {
                        let c = did_you_mean(key, keys.iter().copied())?;
                        Some((parent, c))
                    })
                    .filter(|_| path.is_empty());
                let hint = match (close, nested) {
                    (None, Some((parent, c))) => format!(
                        "`{c}` belongs under `{parent}:`; write it indented below `{parent}:`, e.g.\n    {parent}:\n      {c}: …"
                    ),
                    (Some(c), _) => format!(
                        "did you mean `{c}`? {} are: {}",
                        capitalized(what),
                        allowed.join(", ")
                    ),
                    (None, None) => {
                        format!("remove or rename it; {what} are: {}", allowed.join(", "))
                    }
                };
                self.problem(
                    Some(k),
                    format!("unknown field `{}`", join(path, key)),
                    Some(hint),
                );
                continue;
            }
            fields.entries.push((key, v));
        }
        Some(fields)
    }

    /// A scalar as text (numbers and booleans as written).
    pub fn text(&mut self, path: &str, node: &Node, expected: &str) -> Option<String> {
        match node.as_text() {
            Some(s) => Some(s),
            None => {
                self.expected(path, node, expected, None);
                None
            }
        }
    }

    /// The text of the field `key` that a document (`owner`, e.g. "pack.yaml") must have,
    /// with its position; a missing one is a problem at the document's top (`doc`), whose
    /// hint shows `example`.
    pub fn required_text(
        &mut self,
        doc: &Node,
        fields: &Fields<'_>,
        owner: &str,
        key: &str,
        example: &str,
    ) -> Option<(String, Position)> {
        match fields.get_raw(key) {
            None => {
                self.problem(
                    Some(doc),
                    format!("{owner} has no `{key}`"),
                    Some(format!("add `{key}: {example}`")),
                );
                None
            }
            Some(n) => self
                .text(key, n, &format!("text, e.g. {example}"))
                .map(|value| (value, n.position)),
        }
    }

    /// A whole number from `min` to `max`.
    pub fn whole(&mut self, path: &str, node: &Node, min: i128, max: i128) -> Option<i128> {
        let expected = format!(
            "a whole number from {} to {}",
            thousands(min),
            thousands(max)
        );
        match node.value {
            NodeValue::Int(i) if (min..=max).contains(&i) => Some(i),
            NodeValue::Float(f) if f.fract() == 0.0 && f >= min as f64 && f <= max as f64 => {
                Some(f as i128)
            }
            _ => {
                self.expected(path, node, &expected, None);
                None
            }
        }
    }

    /// A finite number, within `range` when given (its words, e.g. "from 0 to 2").
    pub fn number(
        &mut self,
        path: &str,
        node: &Node,
        range: Option<(f64, f64, &str)>,
    ) -> Option<f64> {
        let value = match node.value {
            NodeValue::Int(i) => Some(i as f64),
            NodeValue::Float(f) if f.is_finite() => Some(f),
            _ => None,
        };
        match (value, range) {
            (Some(v), None) => Some(v),
            (Some(v), Some((lo, hi, _))) if (lo..=hi).contains(&v) => Some(v),
            (_, Some((_, _, words))) => {
                self.expected(path, node, &format!("a number {words}"), None);
                None
            }
            (None, None) => {
                self.expected(path, node, "a number, e.g. 10 or 2.5", None);
                None
            }
        }
    }

    /// true or false.
    pub fn boolean(&mut self, path: &str, node: &Node) -> Option<bool> {
        match node.value {
            NodeValue::Bool(b) => Some(b),
            _ => {
                self.expected(path, node, "true or false", None);
                None
            }
        }
    }

    /// The items of a list (None and a problem when it is not one).
    pub fn list<'a>(&mut self, path: &str, node: &'a Node, example: &str) -> Option<&'a [Node]> {
        match &node.value {
            NodeValue::Seq(items) => Some(items),
            _ => {
                self.expected(path, node, &format!("a list, e.g. {example}"), None);
                None
            }
        }
    }

    /// A list of texts (`tags: [a, b]`).
    pub fn texts(&mut self, path: &str, node: &Node, example: &str) -> Vec<String> {
        let Some(items) = self.list(path, node, example) else {
            if let (Some(t), Some(last)) = (node.as_text(), self.problems.last_mut()) {
                let key = path.rsplit('.').next().unwrap_or(path);
                last.hint = Some(format!(
                    "a list is written `{key}: [{t}]`, or one `- item` per line below `{key}:`"
                ));
            }
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, n)| self.text(&format!("{path}[{}]", i + 1), n, "text"))
            .collect()
    }

    /// One of `names`; an unknown one lists them all, with a did-you-mean.
    pub fn one_of<'n>(&mut self, path: &str, node: &Node, names: &[&'n str]) -> Option<&'n str> {
        let text = node.as_text();
        if let Some(name) = names.iter().find(|n| Some(**n) == text.as_deref()) {
            return Some(name);
        }
        let close = text
            .as_deref()
            .and_then(|t| did_you_mean(t, names.iter().copied()));
        let hint = match close {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("use one of: {}", names.join(", ")),
        };
        self.expected(
            path,
            node,
            &format!("one of {}", names.join(", ")),
            Some(hint),
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_tree;

    #[test]
    fn numbers_are_written_with_separators() {
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(100), "100");
        assert_eq!(thousands(-1234), "-1,234");
    }

    #[test]
    fn every_problem_is_gathered_with_its_place() {
        let t = parse_tree("a: x\nb: hot\ntag: [1]\n").unwrap();
        let mut d = Decoder::default();
        let f = d
            .fields(&t, "", "a recipe's fields", &["a", "b", "tags"])
            .unwrap();
        d.whole("a", f.get("a").unwrap(), 1, 1_000_000);
        d.number("b", f.get("b").unwrap(), Some((0.0, 2.0, "from 0 to 2")));
        let m: Vec<_> = d.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            m,
            [
                "unknown field `tag`",
                "`a` must be a whole number from 1 to 1,000,000, not the text \"x\"",
                "`b` must be a number from 0 to 2, not the text \"hot\""
            ]
        );
        assert_eq!(
            d.problems[0].hint.as_deref().unwrap().split('?').next(),
            Some("did you mean `tags`")
        );
        assert_eq!(
            d.problems[2].position,
            Some(Position { line: 2, column: 4 })
        );
    }
}
