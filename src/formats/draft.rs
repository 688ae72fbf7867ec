//! An imported recipe before it is a recipe: the fields every importer fills in, written out
//! as recipe YAML that people can read and edit (block scalars for long text), then parsed
//! and validated like any file `add` reads.

use std::fmt::Write;

use indexmap::IndexMap;
use serde_json::Value;

use crate::recipe::{ModelHints, Role, VarType, Variable};

/// A recipe being imported.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub name: String,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub model: ModelHints,
    pub variables: IndexMap<String, Variable>,
    /// The system prompt, in promptbook's Handlebars.
    pub system: Option<String>,
    /// The turns after the examples; one user turn becomes `prompt:`.
    pub turns: Vec<(Role, String)>,
    /// Few-shot examples: the user turn as literal text, and the answer.
    pub examples: Vec<(String, String)>,
    /// Test cases: a name and the variable values.
    pub tests: Vec<(String, IndexMap<String, Value>)>,
    /// Lines kept as YAML comments at the top (e.g. a dotprompt output schema).
    pub comments: Vec<String>,
}

impl Draft {
    /// The recipe YAML.
    pub fn to_yaml(&self) -> String {
        let mut y = String::new();
        for c in &self.comments {
            for line in c.lines() {
                let _ = writeln!(y, "# {line}");
            }
        }
        let _ = writeln!(y, "name: {}", self.name);
        field(&mut y, 0, "title", &self.title);
        if !self.description.is_empty() {
            field(&mut y, 0, "description", &self.description);
        }
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|t| scalar(t)).collect();
            let _ = writeln!(y, "tags: [{}]", tags.join(", "));
        }
        let m = &self.model;
        if *m != ModelHints::default() {
            y.push_str("model:\n");
            if let Some(p) = &m.prefer {
                field(&mut y, 2, "prefer", p);
            }
            if let Some(t) = m.temperature {
                let _ = writeln!(y, "  temperature: {t}");
            }
            if let Some(t) = m.max_tokens {
                let _ = writeln!(y, "  max_tokens: {t}");
            }
            if let Some(w) = &m.why {
                field(&mut y, 2, "why", w);
            }
        }
        if !self.variables.is_empty() {
            y.push_str("variables:\n");
            for (name, v) in &self.variables {
                let _ = writeln!(y, "  {name}:");
                if v.kind != VarType::String {
                    let _ = writeln!(y, "    type: {}", v.kind.as_str());
                }
                if v.required {
                    y.push_str("    required: true\n");
                }
                if let Some(d) = &v.description {
                    field(&mut y, 4, "description", d);
                }
                if !v.choices.is_empty() {
                    let c: Vec<String> = v.choices.iter().map(|c| scalar(c)).collect();
                    let _ = writeln!(y, "    choices: [{}]", c.join(", "));
                }
                if let Some(d) = &v.default {
                    let _ = writeln!(y, "    default: {}", json_flow(d));
                }
                if let Some(n) = v.min {
                    let _ = writeln!(y, "    min: {n}");
                }
                if let Some(n) = v.max {
                    let _ = writeln!(y, "    max: {n}");
                }
            }
        }
        if let Some(s) = &self.system {
            field(&mut y, 0, "system", s);
        }
        match self.turns.as_slice() {
            [(Role::User, p)] => field(&mut y, 0, "prompt", p),
            turns => {
                y.push_str("messages:\n");
                for (role, content) in turns {
                    let _ = writeln!(y, "  - role: {}", role.as_str());
                    field(&mut y, 4, "content", content);
                }
            }
        }
        if !self.examples.is_empty() {
            y.push_str("examples:\n");
            for (input, output) in &self.examples {
                y.push_str("  - ");
                field_inline(&mut y, 4, "input", input);
                field(&mut y, 4, "output", output);
            }
        }
        if !self.tests.is_empty() {
            y.push_str("tests:\n");
            for (name, vars) in &self.tests {
                y.push_str("  - ");
                field_inline(&mut y, 4, "name", name);
                let v = Value::Object(vars.clone().into_iter().collect());
                let _ = writeln!(y, "    vars: {}", json_flow(&v));
            }
        }
        y
    }
}

/// `key: value` at `indent`, multi-line text as a block scalar.
fn field(y: &mut String, indent: usize, key: &str, value: &str) {
    y.push_str(&" ".repeat(indent));
    field_inline(y, indent, key, value);
}

fn field_inline(y: &mut String, indent: usize, key: &str, value: &str) {
    let _ = write!(y, "{key}: ");
    if block_ok(value) {
        let chomp = if value.ends_with("\n\n") {
            "+"
        } else if value.ends_with('\n') {
            ""
        } else {
            "-"
        };
        let lead = if value.starts_with(' ') { "2" } else { "" };
        let _ = writeln!(y, "|{lead}{chomp}");
        let pad = " ".repeat(indent + 2);
        let body = value.strip_suffix('\n').unwrap_or(value);
        for line in body.split('\n') {
            if line.is_empty() {
                y.push('\n');
            } else {
                let _ = writeln!(y, "{pad}{line}");
            }
        }
        if chomp == "+" {
            // Block scalars keep the trailing blank lines counted above.
        }
    } else {
        let _ = writeln!(y, "{}", scalar(value));
    }
}

fn block_ok(value: &str) -> bool {
    value.contains('\n')
        && !value.trim().is_empty()
        && !value.starts_with('\n')
        && !value
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{feff}')
}

/// A one-line YAML scalar: plain when that reads back as the same string, else quoted.
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || " _-./()'?!,;&+".contains(c))
        && !s.starts_with([' ', '-', '?', '\'', '!', '&'])
        && !s.ends_with(' ')
        && s.parse::<f64>().is_err()
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
        );
    if plain {
        s.to_string()
    } else {
        json_flow(&Value::String(s.to_string()))
    }
}

/// JSON is YAML flow syntax: values, lists and maps written on one line.
fn json_flow(v: &Value) -> String {
    serde_json::to_string(v).expect("JSON values serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::Recipe;

    #[test]
    fn the_yaml_reads_back_as_written() {
        let mut d = Draft {
            name: "demo".into(),
            title: "Demo: yes".into(),
            system: Some("  indented first\nline two\n\n".into()),
            turns: vec![(Role::User, "Say {{topic}}\n".into())],
            examples: vec![("x: y".into(), "one\ntwo".into())],
            ..Draft::default()
        };
        d.variables.insert(
            "topic".into(),
            Variable {
                kind: VarType::Choice,
                choices: vec!["a b".into(), "true".into()],
                default: Some(Value::String("true".into())),
                ..Variable::default()
            },
        );
        let yaml = d.to_yaml();
        let r = Recipe::parse(&yaml, "demo.yaml").unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
        assert_eq!(r.title, "Demo: yes");
        assert_eq!(
            r.system.as_ref().unwrap().value,
            "  indented first\nline two\n\n"
        );
        assert_eq!(r.prompt.as_ref().unwrap().value, "Say {{topic}}\n");
        assert_eq!(r.variables["topic"].value.choices, ["a b", "true"]);
    }
}
