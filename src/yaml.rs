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

/// The deepest nesting of lists and mappings in a YAML document.
pub const MAX_DEPTH: usize = 24;

/// The most aliases one document may expand: bounds "billion laughs" documents.
const MAX_ALIAS_EXPANSIONS: usize = 1_000;

fn options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    options.strict_booleans = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.alias_limits.max_alias_expansions_per_anchor = MAX_ALIAS_EXPANSIONS;
    options.alias_limits.max_total_replayed_events = 100_000;
    // Deep nesting is refused before it can exhaust the stack (each level is several
    // deserializer frames); recipes, settings and packs need well under ten levels.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.flow_nesting_limit = MAX_DEPTH;
    options.budget = Some(budget);
    options
}

/// Parses one YAML document into `T`, with unknown and duplicate keys as errors.
pub fn from_str<T: DeserializeOwned>(source: &str) -> Result<T, YamlError> {
    from_str_with(source, options())
}

fn from_str_with<T: DeserializeOwned>(
    source: &str,
    options: serde_saphyr::Options,
) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options(source, options).map_err(|e| {
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
    if m.starts_with("recursion limit exceeded") || m.starts_with("budget breached: Depth") {
        m = format!("lists and mappings are nested more than {MAX_DEPTH} levels deep");
    }
    m
}

/// A YAML node with its position: what [`parse_tree`] gives, so that callers can check a
/// document field by field and report every problem in their own words, instead of the first
/// one in the deserializer's.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    pub position: Position,
    /// The node's text as written, for plain scalars (a `version: 1.10` stays "1.10").
    pub raw: Option<String>,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in the order written (duplicates are refused while parsing).
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar as text, as written (numbers and booleans included); None for null and
    /// collections.
    pub fn as_text(&self) -> Option<String> {
        match &self.value {
            NodeValue::Str(s) => Some(s.clone()),
            NodeValue::Int(_) | NodeValue::Float(_) | NodeValue::Bool(_) => Some(
                self.raw
                    .clone()
                    .unwrap_or_else(|| self.value.to_json().to_string()),
            ),
            _ => None,
        }
    }

    /// What the node is, in words for an error message: `a list`, `the text "hot"`.
    pub fn describe(&self) -> String {
        match &self.value {
            NodeValue::Null => "nothing (an empty value)".into(),
            NodeValue::Bool(b) => format!("{b}"),
            NodeValue::Int(_) | NodeValue::Float(_) => {
                format!("the number {}", self.as_text().unwrap_or_default())
            }
            NodeValue::Str(s) => {
                let mut short: String = s.chars().take(40).collect();
                if short.len() < s.len() {
                    short.push('…');
                }
                format!("the text {short:?}")
            }
            NodeValue::Seq(_) => "a list".into(),
            NodeValue::Map(_) => "a mapping (`key: value` lines)".into(),
        }
    }

    /// The node as a JSON value (positions dropped); keys are the keys' text.
    pub fn to_json(&self) -> serde_json::Value {
        self.value.to_json()
    }
}

impl NodeValue {
    fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Int(i) => i64::try_from(*i)
                .map(Value::from)
                .or_else(|_| u64::try_from(*i).map(Value::from))
                .unwrap_or_else(|_| Value::from(*i as f64)),
            NodeValue::Float(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            NodeValue::Str(s) => Value::String(s.clone()),
            NodeValue::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_text().unwrap_or_default(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Parses one YAML document into a tree of located nodes. An empty document is a null node.
pub fn parse_tree(source: &str) -> Result<Node, YamlError> {
    // `.inf` and `.nan` reach the tree as numbers, so the field that reads one can say
    // what it wanted instead.
    let mut options = options();
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
    let mut node: Node = from_str_with(source, options)?;
    fill_raw(&mut node, source);
    Ok(node)
}

/// Numbers and booleans keep the text they were written as, so a field that wants text
/// (`version: 1.10`) gets "1.10", not the number 1.1.
fn fill_raw(node: &mut Node, source: &str) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &mut n.value {
            NodeValue::Seq(items) => stack.extend(items.iter_mut()),
            NodeValue::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    stack.push(k);
                    stack.push(v);
                }
            }
            NodeValue::Int(_) | NodeValue::Float(_) | NodeValue::Bool(_) => {
                if let Some((from, len)) = n.raw.take().and_then(|r| {
                    let (a, b) = r.split_once(':')?;
                    Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?))
                }) && let Some(text) = source.get(from..from + len)
                {
                    n.raw = Some(text.trim().to_string());
                }
            }
            NodeValue::Str(_) => {
                // A quoted scalar's position is its quote; its text starts one column on,
                // which is where positions inside the text (a template's) count from.
                let from = n
                    .raw
                    .take()
                    .and_then(|r| r.split_once(':')?.0.parse::<usize>().ok());
                if from
                    .and_then(|f| source.as_bytes().get(f))
                    .is_some_and(|b| matches!(b, b'"' | b'\''))
                {
                    n.position.column += 1;
                }
            }
            _ => n.raw = None,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<NodeValue>::deserialize(d)?;
        let span = s.referenced.span();
        // The byte span, kept as text until `fill_raw` has the source to cut it from.
        let raw = match (span.byte_offset(), span.byte_len()) {
            (Some(o), Some(l)) => Some(format!("{o}:{l}")),
            _ => None,
        };
        Ok(Node {
            value: s.value,
            position: Position {
                line: s.referenced.line() as usize,
                column: s.referenced.column() as usize,
            },
            raw,
        })
    }
}

impl<'de> serde::Deserialize<'de> for NodeValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> serde::de::Visitor<'de> for NodeVisitor {
    type Value = NodeValue;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<NodeValue, E> {
        Ok(NodeValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<NodeValue, E> {
        Ok(NodeValue::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<NodeValue, E> {
        Ok(NodeValue::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<NodeValue, E> {
        Ok(NodeValue::Int(v))
    }
    fn visit_u128<E>(self, v: u128) -> Result<NodeValue, E> {
        Ok(i128::try_from(v).map_or(NodeValue::Float(v as f64), NodeValue::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<NodeValue, E> {
        Ok(NodeValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<NodeValue, E> {
        Ok(NodeValue::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<NodeValue, E> {
        Ok(NodeValue::Str(v))
    }
    fn visit_unit<E>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }
    fn visit_none<E>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<NodeValue, D::Error> {
        serde::Deserialize::deserialize(d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<NodeValue, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(NodeValue::Seq(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<NodeValue, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(NodeValue::Map(entries))
    }
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
    fn a_tree_keeps_positions_and_the_text_of_numbers() {
        let t = parse_tree("a: 1.10\nb:\n  - x\n  - 10000000000000\nc: ~\nd: yes\n").unwrap();
        let NodeValue::Map(m) = &t.value else {
            panic!("{t:?}")
        };
        assert_eq!(m[0].1.as_text().as_deref(), Some("1.10"));
        assert_eq!(m[0].1.position, Position { line: 1, column: 4 });
        let NodeValue::Seq(items) = &m[1].1.value else {
            panic!()
        };
        assert_eq!(items[1].value, NodeValue::Int(10_000_000_000_000));
        assert_eq!(items[1].position, Position { line: 4, column: 5 });
        assert_eq!(m[2].1.value, NodeValue::Null);
        assert_eq!(m[3].1.value, NodeValue::Str("yes".into()));
        assert_eq!(parse_tree("").unwrap().value, NodeValue::Null);
        let e = parse_tree("a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.message, "duplicate mapping key: a");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let fine: String = (0..20).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
        parse_tree(&fine).unwrap();
        for doc in [
            "[".repeat(300),
            "[".repeat(100_000),
            (0..100)
                .map(|i| format!("{}a:\n", " ".repeat(i)))
                .collect::<String>(),
            (0..1400)
                .map(|i| format!("{}a:\n", " ".repeat(i)))
                .collect::<String>(),
        ] {
            let e = parse_tree(&doc).unwrap_err();
            assert_eq!(
                e.message,
                "lists and mappings are nested more than 24 levels deep"
            );
            assert!(e.position.is_some(), "{e:?}");
        }
    }

    #[test]
    fn only_true_and_false_are_booleans() {
        let v: serde_json::Value = from_str("[y, no, on, true]").unwrap();
        assert_eq!(v, serde_json::json!(["y", "no", "on", true]));
    }
}
