//! A recipe's render form: the fields rendering reads, as JSON that keeps each field's
//! position in the YAML file. The store writes it beside every version's YAML, so `render`
//! reads a small JSON document instead of parsing YAML (which was a third of its time).
//! The YAML stays the source of truth: a form that is missing, of another layout or
//! unreadable is ignored and the YAML is parsed instead.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{Example, Located, MessageTemplate, ModelHints, RecipeFile, Role, Variable};
use crate::yaml::Position;

/// The layout of the form. Change it whenever the form changes: stored forms of another
/// layout are then ignored, never misread.
const LAYOUT: u32 = 1;

/// A value and its line and column in the YAML file.
#[derive(Serialize, Deserialize)]
struct At<T>(usize, usize, T);

impl<T: Clone> From<&Located<T>> for At<T> {
    fn from(l: &Located<T>) -> Self {
        At(l.position.line, l.position.column, l.value.clone())
    }
}

impl<T> From<At<T>> for Located<T> {
    fn from(At(line, column, value): At<T>) -> Self {
        Located {
            value,
            position: Position { line, column },
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Turn {
    role: Role,
    content: At<String>,
}

#[derive(Serialize, Deserialize)]
struct Form {
    layout: u32,
    name: At<String>,
    title: String,
    description: String,
    version: Option<String>,
    tags: Vec<String>,
    model: ModelHints,
    variables: IndexMap<String, At<Variable>>,
    system: Option<At<String>>,
    prompt: Option<At<String>>,
    messages: Vec<At<Turn>>,
    examples: Vec<At<Example>>,
}

/// The render form of `def` (everything but its `tests`).
pub fn write(def: &RecipeFile) -> String {
    let form = Form {
        layout: LAYOUT,
        name: (&def.name).into(),
        title: def.title.clone(),
        description: def.description.clone(),
        version: def.version.clone(),
        tags: def.tags.clone(),
        model: def.model.clone(),
        variables: def
            .variables
            .iter()
            .map(|(k, v)| (k.clone(), v.into()))
            .collect(),
        system: def.system.as_ref().map(At::from),
        prompt: def.prompt.as_ref().map(At::from),
        messages: def
            .messages
            .iter()
            .map(|m| {
                At(
                    m.position.line,
                    m.position.column,
                    Turn {
                        role: m.role,
                        content: (&m.content).into(),
                    },
                )
            })
            .collect(),
        examples: def.examples.iter().map(At::from).collect(),
    };
    serde_json::to_string(&form).expect("a recipe always serializes to JSON")
}

/// The recipe (without its `tests`) from a stored form; `None` when the form is of another
/// layout or cannot be read, and the YAML must be parsed instead.
pub fn read(json: &str) -> Option<RecipeFile> {
    let form: Form = serde_json::from_str(json).ok()?;
    if form.layout != LAYOUT {
        return None;
    }
    Some(RecipeFile {
        name: form.name.into(),
        title: form.title,
        description: form.description,
        version: form.version,
        tags: form.tags,
        model: form.model,
        variables: form
            .variables
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect(),
        system: form.system.map(Located::from),
        prompt: form.prompt.map(Located::from),
        messages: form
            .messages
            .into_iter()
            .map(|At(line, column, t)| Located {
                value: MessageTemplate {
                    role: t.role,
                    content: t.content.into(),
                },
                position: Position { line, column },
            })
            .collect(),
        examples: form.examples.into_iter().map(Located::from).collect(),
        tests: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::Recipe;

    /// Every starter recipe reads back from its form exactly as from its YAML (positions
    /// included), so rendering from either gives the same prompt.
    #[test]
    fn the_form_reads_back_as_the_yaml_does() {
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/recipes")).unwrap() {
            let path = entry.unwrap().path();
            let yaml = std::fs::read_to_string(&path).unwrap();
            let origin = path.display().to_string();
            let mut from_yaml = Recipe::parse(&yaml, &origin).unwrap().def;
            let from_form = read(&write(&from_yaml)).expect("the form reads back");
            from_yaml.tests.clear();
            assert_eq!(
                format!("{from_form:?}"),
                format!("{from_yaml:?}"),
                "{origin}"
            );
        }
    }

    #[test]
    fn a_form_of_another_layout_or_garbled_is_ignored() {
        let yaml = include_str!("../../recipes/blog-draft.yaml");
        let def = Recipe::parse(yaml, "blog-draft.yaml").unwrap().def;
        let form = write(&def);
        assert!(read(&form).is_some());
        let other = form.replacen(&format!("\"layout\":{LAYOUT}"), "\"layout\":999", 1);
        assert!(read(&other).is_none());
        assert!(read("{\"layout\":1").is_none());
    }
}
