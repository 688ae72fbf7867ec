//! Recipe YAML → [`RecipeFile`], field by field: every wrong type, unknown field and
//! out-of-range value in the file is reported at once, by its path and position, in words
//! (see [`crate::decode`]). What needs more than one field (a template's variables, an
//! example's values) is checked afterwards by `validate` in `mod.rs`.

use indexmap::IndexMap;
use serde_json::Value;

use super::{
    Example, ExampleInput, Expect, JsonDoc, Located, MessageTemplate, ModelHints, Output,
    OutputFormat, RecipeFile, Role, TestCase, VarType, Variable,
};
use crate::decode::{Decoder, Fields, join};
use crate::yaml::Position;
use crate::yaml::{Node, NodeValue};

/// The top-level fields of a recipe file.
pub const FIELDS: &[&str] = &[
    "name",
    "title",
    "description",
    "version",
    "tags",
    "model",
    "variables",
    "system",
    "prompt",
    "messages",
    "examples",
    "output",
    "tests",
];
const MODEL_FIELDS: &[&str] = &["prefer", "temperature", "max_tokens", "why"];
const VARIABLE_FIELDS: &[&str] = &[
    "type",
    "description",
    "required",
    "default",
    "choices",
    "min",
    "max",
];
const TYPES: &[&str] = &[
    "string", "text", "choice", "integer", "number", "boolean", "list",
];
const MESSAGE_FIELDS: &[&str] = &["role", "content"];
const EXAMPLE_FIELDS: &[&str] = &["input", "output"];
const TEST_FIELDS: &[&str] = &["name", "vars", "expect"];
const EXPECT_FIELDS: &[&str] = &[
    "contains",
    "not_contains",
    "matches",
    "max_input_tokens",
    "answer",
];
const OUTPUT_FIELDS: &[&str] = &["format", "schema"];

/// The largest `model.max_tokens` accepted: above every model's output limit.
pub const MAX_TOKENS_LIMIT: i128 = 1_000_000;

/// A recipe read from its tree, with what could not be read left at neutral values and
/// named, so the checks that follow do not report it a second time.
#[derive(Debug)]
pub struct Decoded {
    pub def: RecipeFile,
    /// `name` or `title` was missing or not text.
    pub broken_head: bool,
    /// Variables whose settings had a problem (kept as plain strings meanwhile).
    pub broken_vars: Vec<String>,
}

/// Reads a recipe from its YAML tree; `with_tests` false skips `tests:` (the render path).
/// None when the document is not a mapping at all.
pub fn recipe(root: &Node, with_tests: bool, d: &mut Decoder) -> Option<Decoded> {
    d.nested = vec![("model", MODEL_FIELDS)];
    let f = match &root.value {
        NodeValue::Map(_) => d.fields(root, "", "a recipe's fields", FIELDS)?,
        _ => {
            d.problem(
                Some(root),
                format!(
                    "the file must be a recipe: `name:`, `title:`, `prompt:` and the other fields, one per line; not {}",
                    root.describe()
                ),
                Some("start from `promptbook new NAME`, or see the recipe format in README.md".into()),
            );
            return None;
        }
    };
    let name = required_text(d, &f, root, "name", "a kebab-case name, e.g. blog-draft");
    let title = required_text(d, &f, root, "title", "a short title, e.g. Blog post draft");
    let description = opt_text(d, &f, "description").unwrap_or_default();
    let version = opt_text(d, &f, "version");
    let tags = f
        .get("tags")
        .map(|n| d.texts("tags", n, "`tags: [writing, email]`"))
        .unwrap_or_default();
    let model = f.get("model").map(|n| model(d, n)).unwrap_or_default();
    let mut broken_vars = Vec::new();
    let variables = f
        .get("variables")
        .map(|n| variables(d, n, &mut broken_vars))
        .unwrap_or_default();
    let system = located_text(d, &f, "system");
    let prompt = located_text(d, &f, "prompt");
    let messages = f
        .get("messages")
        .and_then(|n| d.list("messages", n, "`- role: user` then `content: …`"))
        .map(|items| {
            items
                .iter()
                .enumerate()
                .filter_map(|(i, n)| message(d, &format!("messages[{}]", i + 1), n))
                .collect()
        })
        .unwrap_or_default();
    let examples = f
        .get("examples")
        .and_then(|n| d.list("examples", n, "`- input: …` then `output: …`"))
        .map(|items| {
            items
                .iter()
                .enumerate()
                .filter_map(|(i, n)| example(d, &format!("examples[{}]", i + 1), n))
                .collect()
        })
        .unwrap_or_default();
    let output = f.get("output").and_then(|n| output(d, n));
    let tests = match f.get("tests") {
        Some(n) if with_tests => d
            .list("tests", n, "`- vars: { … }` then `expect: { … }`")
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, n)| test(d, &format!("tests[{}]", i + 1), n))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let broken_head = name.is_none() || title.is_none();
    let def = RecipeFile {
        name: name.unwrap_or_else(|| Located {
            value: String::new(),
            position: root.position,
        }),
        title: title.map(|t| t.value).unwrap_or_default(),
        description,
        version,
        tags,
        model,
        variables,
        system,
        prompt,
        messages,
        examples,
        output,
        tests,
    };
    Some(Decoded {
        def,
        broken_head,
        broken_vars,
    })
}

fn required_text(
    d: &mut Decoder,
    f: &Fields,
    parent: &Node,
    key: &str,
    expected: &str,
) -> Option<Located<String>> {
    match f.get_raw(key) {
        None => {
            d.problem(
                Some(parent),
                format!("the recipe has no `{key}`"),
                Some(format!("add `{key}:`, {expected}")),
            );
            None
        }
        Some(n) => d.text(key, n, expected).map(|value| Located {
            value,
            position: n.position,
        }),
    }
}

fn opt_text(d: &mut Decoder, f: &Fields, key: &str) -> Option<String> {
    f.get(key).and_then(|n| d.text(key, n, "text"))
}

fn located_text(d: &mut Decoder, f: &Fields, key: &str) -> Option<Located<String>> {
    let n = f.get(key)?;
    let value = d.text(key, n, "text (a template)")?;
    Some(Located {
        value,
        position: n.position,
    })
}

fn model(d: &mut Decoder, node: &Node) -> ModelHints {
    let Some(f) = d.fields(node, "model", "`model`'s fields", MODEL_FIELDS) else {
        return ModelHints::default();
    };
    ModelHints {
        prefer: f.get_raw("prefer").and_then(|n| {
            d.text(
                "model.prefer",
                n,
                "a family (haiku, sonnet, opus) or a model id",
            )
        }),
        temperature: f.get("temperature").and_then(|n| {
            d.number(
                "model.temperature",
                n,
                Some((0.0, 2.0, "from 0 to 2, e.g. 0.7")),
            )
        }),
        max_tokens: f.get("max_tokens").and_then(|n| {
            d.whole("model.max_tokens", n, 1, MAX_TOKENS_LIMIT)
                .map(|v| v as u32)
        }),
        why: f.get("why").and_then(|n| d.text("model.why", n, "text")),
    }
}

fn variables(
    d: &mut Decoder,
    node: &Node,
    broken: &mut Vec<String>,
) -> IndexMap<String, Located<Variable>> {
    let mut out = IndexMap::new();
    let NodeValue::Map(entries) = &node.value else {
        let hint = matches!(node.value, NodeValue::Seq(_)).then(|| {
            "write each variable as `name: { type: string }` under `variables:`, not as `- name`"
                .to_string()
        });
        d.expected(
            "variables",
            node,
            "a mapping of variable names to their settings, e.g. `topic: { type: string }`",
            hint,
        );
        return out;
    };
    for (k, v) in entries {
        let Some(name) = k.as_text() else {
            d.expected("variables", k, "variable names as text", None);
            continue;
        };
        let before = d.problems.len();
        let var = variable(d, &name, v);
        if d.problems.len() > before {
            broken.push(name.clone());
        }
        out.insert(
            name,
            Located {
                value: var.unwrap_or_default(),
                position: v.position,
            },
        );
    }
    out
}

fn variable(d: &mut Decoder, name: &str, node: &Node) -> Option<Variable> {
    let path = join("variables", name);
    if !matches!(node.value, NodeValue::Map(_)) {
        let hint = match (node.as_text(), &node.value) {
            (Some(t), _) if TYPES.contains(&t.as_str()) => {
                format!("write `{name}: {{ type: {t} }}`")
            }
            (_, NodeValue::Null) => format!("write `{name}: {{ type: string }}`"),
            _ => format!(
                "write `{name}: {{ type: string, description: … }}`; its fields are: {}",
                VARIABLE_FIELDS.join(", ")
            ),
        };
        d.expected(
            &path,
            node,
            "a mapping of the variable's settings, e.g. `{ type: string, required: true }`",
            Some(hint),
        );
        return None;
    }
    let f = d.fields(node, &path, "a variable's fields", VARIABLE_FIELDS)?;
    let kind = match f.get("type") {
        None => Some(VarType::String),
        Some(n) => d.one_of(&join(&path, "type"), n, TYPES).map(|t| match t {
            "text" => VarType::Text,
            "choice" => VarType::Choice,
            "integer" => VarType::Integer,
            "number" => VarType::Number,
            "boolean" => VarType::Boolean,
            "list" => VarType::List,
            _ => VarType::String,
        }),
    };
    let var = Variable {
        kind: kind.unwrap_or_default(),
        description: f
            .get("description")
            .and_then(|n| d.text(&join(&path, "description"), n, "text")),
        required: f
            .get("required")
            .and_then(|n| d.boolean(&join(&path, "required"), n))
            .unwrap_or(false),
        default: f.get("default").map(Node::to_json),
        choices: f
            .get("choices")
            .map(|n| d.texts(&join(&path, "choices"), n, "`choices: [friendly, formal]`"))
            .unwrap_or_default(),
        min: f
            .get("min")
            .and_then(|n| d.number(&join(&path, "min"), n, None)),
        max: f
            .get("max")
            .and_then(|n| d.number(&join(&path, "max"), n, None)),
    };
    kind.map(|_| var)
}

fn message(d: &mut Decoder, path: &str, node: &Node) -> Option<Located<MessageTemplate>> {
    let f = d.fields(node, path, "a message's fields", MESSAGE_FIELDS)?;
    let role = match f.get_raw("role") {
        None => {
            d.problem(
                Some(node),
                format!("`{path}` has no `role`"),
                Some("add `role: user` or `role: assistant`".into()),
            );
            None
        }
        Some(n) => match d.one_of(&join(path, "role"), n, &["user", "assistant"])? {
            "user" => Some(Role::User),
            _ => Some(Role::Assistant),
        },
    };
    let content = match f.get_raw("content") {
        None => {
            d.problem(
                Some(node),
                format!("`{path}` has no `content`"),
                Some("add `content: |` and the text of the turn".into()),
            );
            None
        }
        Some(n) => d
            .text(&join(path, "content"), n, "text (a template)")
            .map(|value| Located {
                value,
                position: n.position,
            }),
    };
    Some(Located {
        value: MessageTemplate {
            role: role?,
            content: content?,
        },
        position: node.position,
    })
}

fn example(d: &mut Decoder, path: &str, node: &Node) -> Option<Located<Example>> {
    let f = d.fields(node, path, "an example's fields", EXAMPLE_FIELDS)?;
    let input = match f.get_raw("input") {
        None => {
            d.problem(
                Some(node),
                format!("`{path}` has no `input`"),
                Some("add `input:` with the variables' values, or the text of the request".into()),
            );
            None
        }
        Some(n) => match &n.value {
            NodeValue::Map(_) => Some(ExampleInput::Vars(values(d, &join(path, "input"), n)?)),
            _ => d
                .text(
                    &join(path, "input"),
                    n,
                    "the variables' values (`topic: …`) or the text of the request",
                )
                .map(ExampleInput::Text),
        },
    };
    let output = match f.get_raw("output") {
        None => {
            d.problem(
                Some(node),
                format!("`{path}` has no `output`"),
                Some("add `output: |` and the ideal answer".into()),
            );
            None
        }
        Some(n) => d.text(&join(path, "output"), n, "text (the ideal answer)"),
    };
    Some(Located {
        value: Example {
            input: input?,
            output: output?,
        },
        position: node.position,
    })
}

/// Variable values (an example's input, a test's vars): names to any value.
fn values(d: &mut Decoder, path: &str, node: &Node) -> Option<IndexMap<String, Value>> {
    let NodeValue::Map(entries) = &node.value else {
        d.expected(
            path,
            node,
            "a mapping of variable names to values, e.g. `{ topic: tea }`",
            None,
        );
        return None;
    };
    let mut out = IndexMap::new();
    for (k, v) in entries {
        match k.as_text() {
            Some(name) => {
                out.insert(name, v.to_json());
            }
            None => d.expected(path, k, "variable names as text", None),
        }
    }
    Some(out)
}

fn test(d: &mut Decoder, path: &str, node: &Node) -> Option<Located<TestCase>> {
    let f = d.fields(node, path, "a test's fields", TEST_FIELDS)?;
    let name = f
        .get("name")
        .and_then(|n| d.text(&join(path, "name"), n, "text"));
    let vars = match f.get("vars") {
        Some(n) => values(d, &join(path, "vars"), n)?,
        None => IndexMap::new(),
    };
    let expect = match f.get("expect") {
        Some(n) => expect(d, &join(path, "expect"), n)?,
        None => Expect::default(),
    };
    Some(Located {
        value: TestCase { name, vars, expect },
        position: node.position,
    })
}

fn expect(d: &mut Decoder, path: &str, node: &Node) -> Option<Expect> {
    let f = d.fields(node, path, "`expect`'s fields", EXPECT_FIELDS)?;
    let mut texts = |key: &str| {
        f.get(key)
            .map(|n| d.texts(&join(path, key), n, &format!("`{key}: [some words]`")))
            .unwrap_or_default()
    };
    let contains = texts("contains");
    let not_contains = texts("not_contains");
    let matches = texts("matches");
    let max_input_tokens = f.get("max_input_tokens").and_then(|n| {
        d.whole(&join(path, "max_input_tokens"), n, 1, 100_000_000)
            .map(|v| v as u64)
    });
    let answer = f
        .get("answer")
        .and_then(|n| d.text(&join(path, "answer"), n, "text (a sample answer, as JSON)"));
    Some(Expect {
        contains,
        not_contains,
        matches,
        max_input_tokens,
        answer,
    })
}

/// `output: { format: json, schema: … }`; the schema keeps every node's position.
fn output(d: &mut Decoder, node: &Node) -> Option<Located<Output>> {
    let f = d.fields(node, "output", "`output`'s fields", OUTPUT_FIELDS)?;
    let format = match f.get("format") {
        Some(n) => d.one_of("output.format", n, &["json"])?,
        None => {
            d.problem(
                Some(node),
                "`output` has no `format`".into(),
                Some("add `format: json`".into()),
            );
            return None;
        }
    };
    let Some(schema) = f.get("schema") else {
        d.problem(
            Some(node),
            "`output` has no `schema`".into(),
            Some("add `schema:` with a JSON Schema of the answer, e.g. `{ type: object, properties: { … }, required: [ … ], additionalProperties: false }`".into()),
        );
        return None;
    };
    let mut at = IndexMap::new();
    at.insert(String::new(), schema.position);
    positions(schema, "", &mut at);
    debug_assert_eq!(format, "json");
    Some(Located {
        value: Output {
            format: OutputFormat::Json,
            schema: JsonDoc::with_positions(schema.to_json(), at),
        },
        position: node.position,
    })
}

/// The position of every key and item under `node`, by JSON Pointer.
fn positions(node: &Node, pointer: &str, at: &mut IndexMap<String, Position>) {
    match &node.value {
        NodeValue::Map(entries) => {
            for (k, v) in entries {
                let key = k.as_text().unwrap_or_default();
                let p = format!("{pointer}/{}", super::output::segment(&key));
                at.insert(p.clone(), k.position);
                positions(v, &p, at);
            }
        }
        NodeValue::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{pointer}/{i}");
                at.insert(p.clone(), v.position);
                positions(v, &p, at);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_tree;

    fn problems(src: &str) -> Vec<String> {
        let mut d = Decoder::default();
        recipe(&parse_tree(src).unwrap(), true, &mut d);
        d.problems
            .sort_by_key(|p| p.position.map(|p| (p.line, p.column)));
        d.problems
            .iter()
            .map(|p| {
                let at = p.position.map(|p| format!("{}:{}: ", p.line, p.column));
                format!("{}{}", at.unwrap_or_default(), p.message)
            })
            .collect()
    }

    #[test]
    fn every_wrong_type_is_named_by_its_path() {
        let src = "name: [a]\ntitle: T\ntags: 5\nmodel:\n  prefer: [x]\n  max_tokens: -5\n  temperature: hot\nvariables:\n  words: { type: int, min: two hundred }\n  topic: string\nexamples: {}\ntests: 3\nprompt: hi\n";
        assert_eq!(
            problems(src),
            [
                "1:7: `name` must be a kebab-case name, e.g. blog-draft, not a list",
                "3:7: `tags` must be a list, e.g. `tags: [writing, email]`, not the number 5",
                "5:11: `model.prefer` must be a family (haiku, sonnet, opus) or a model id, not a list",
                "6:15: `model.max_tokens` must be a whole number from 1 to 1,000,000, not the number -5",
                "7:16: `model.temperature` must be a number from 0 to 2, e.g. 0.7, not the text \"hot\"",
                "9:18: `variables.words.type` must be one of string, text, choice, integer, number, boolean, list, not the text \"int\"",
                "9:28: `variables.words.min` must be a number, e.g. 10 or 2.5, not the text \"two hundred\"",
                "10:10: `variables.topic` must be a mapping of the variable's settings, e.g. `{ type: string, required: true }`, not the text \"string\"",
                "11:11: `examples` must be a list, e.g. `- input: …` then `output: …`, not a mapping (`key: value` lines)",
                "12:8: `tests` must be a list, e.g. `- vars: { … }` then `expect: { … }`, not the number 3",
            ]
        );
    }
}
