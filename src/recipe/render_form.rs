//! A recipe's render form: the fields rendering reads, as JSON that keeps each field's
//! position in the YAML file. The store writes it beside every version's YAML, so `render`
//! reads a small JSON document instead of parsing YAML (which was a third of its time).
//! The form is the recipe type's own serde form (no parallel struct), stamped with the
//! promptbook that wrote it. The YAML stays the source of truth: a form that is missing,
//! written by another promptbook or unreadable is ignored and the YAML is parsed instead.

use serde::{Deserialize, Serialize};

use super::RecipeFile;
use super::located::reading_form;
use super::template_form::TemplateForm;

/// Which promptbook wrote a form, and the layout of its types (raise it when the serde
/// form of the recipe types changes between releases). A form with another stamp was written
/// by another promptbook and is never trusted: the YAML is read instead. Raising the layout
/// needs a migration that writes the stored forms again (as `0006` does), or an existing
/// library renders from YAML until each recipe is stored again.
const STAMP: &str = concat!(env!("CARGO_PKG_VERSION"), "/3");

/// How every form this promptbook writes begins ([`STAMP`] as the first field).
const PREFIX: &str = concat!("{\"promptbook\":\"", env!("CARGO_PKG_VERSION"), "/3\",");

/// The templates as parsed, in the order the recipe's fields hold them (system, prompt,
/// messages): `None` for one whose text holds no `{{`, which is that text.
pub type Templates = Vec<Option<TemplateForm>>;

/// Where each `{{> name}}` of the templates stands in the file, in order: (name, line,
/// column). A template rebuilt from its form has no positions of its own.
pub type SnippetPlaces = Vec<(String, usize, usize)>;

#[derive(Serialize)]
struct Written<'a> {
    promptbook: &'a str,
    recipe: &'a RecipeFile,
    #[serde(skip_serializing_if = "Option::is_none")]
    templates: Option<&'a [Option<TemplateForm>]>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    snippets: &'a [(String, usize, usize)],
}

/// A stored form, read: the recipe, and its templates as parsed with where its snippets
/// stand, when they were stored.
#[derive(Deserialize)]
pub struct Read {
    pub recipe: RecipeFile,
    #[serde(default)]
    pub templates: Option<Templates>,
    #[serde(default)]
    pub snippets: SnippetPlaces,
}

/// The render form of `def`: the recipe type's own serde form (each located value as
/// `[line, column, value]`, without `tests`) and its parsed templates when they can be
/// stored, stamped with this promptbook's version.
pub fn write(
    def: &RecipeFile,
    templates: Option<&[Option<TemplateForm>]>,
    snippets: &[(String, usize, usize)],
) -> String {
    serde_json::to_string(&Written {
        promptbook: STAMP,
        recipe: def,
        templates,
        snippets,
    })
    .expect("a recipe always serializes to JSON")
}

/// The recipe (without its `tests`) and its parsed templates (if stored) from a stored
/// form; `None` when another promptbook wrote it or it cannot be read, and the YAML must be
/// parsed instead.
pub fn read(json: &str) -> Option<Read> {
    if !json.starts_with(PREFIX) {
        return None;
    }
    reading_form(|| serde_json::from_str(json).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::Recipe;

    /// The prefix a form is recognised by is the stamp it is written with.
    #[test]
    fn the_prefix_holds_the_stamp() {
        assert_eq!(PREFIX, format!("{{\"promptbook\":\"{STAMP}\","));
    }

    /// Every starter recipe reads back from its form exactly as from its YAML (positions
    /// included), so rendering from either gives the same prompt.
    #[test]
    fn the_form_reads_back_as_the_yaml_does() {
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/recipes")).unwrap() {
            let path = entry.unwrap().path();
            let yaml = std::fs::read_to_string(&path).unwrap();
            let origin = path.display().to_string();
            let mut from_yaml = Recipe::parse(&yaml, &origin).unwrap().def;
            let from_form = read(&write(&from_yaml, None, &[]))
                .expect("the form reads back")
                .recipe;
            from_yaml.tests.clear();
            assert_eq!(
                format!("{from_form:?}"),
                format!("{from_yaml:?}"),
                "{origin}"
            );
        }
    }

    /// Every starter recipe's templates are stored parsed, so rendering one never runs the
    /// template parser.
    #[test]
    fn starter_templates_are_stored_parsed() {
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/recipes")).unwrap() {
            let path = entry.unwrap().path();
            let yaml = std::fs::read_to_string(&path).unwrap();
            let recipe = Recipe::parse(&yaml, "starter").unwrap();
            let templates = read(&recipe.render_form()).unwrap().templates;
            let templates = templates.unwrap_or_else(|| panic!("{}", path.display()));
            assert!(templates.iter().any(Option::is_some), "{}", path.display());
        }
    }

    /// A recipe that includes snippets keeps them, at their places in the file, when read
    /// back from its form.
    #[test]
    fn snippet_places_survive_the_form() {
        let yaml = "name: demo\ntitle: Demo\nprompt: |\n  Hello\n  {{> brand-voice}}\n  and {{> team/house-style}} too\n";
        let full = Recipe::parse(yaml, "demo.yaml").unwrap();
        let form = full.render_form();
        assert!(read(&form).unwrap().templates.is_some());
        let stored = Recipe::from_render_form(Some(&form), yaml, "demo.yaml").unwrap();
        assert_eq!(full.compiled.snippets.len(), 2);
        assert_eq!(stored.compiled.snippets, full.compiled.snippets);
    }

    #[test]
    fn a_form_of_another_layout_or_garbled_is_ignored() {
        let yaml = include_str!("../../recipes/blog-draft.yaml");
        let form = Recipe::parse(yaml, "blog-draft.yaml")
            .unwrap()
            .render_form();
        assert!(read(&form).is_some());
        let other = form.replacen(STAMP, "0.0.1/1", 1);
        assert_ne!(other, form);
        assert!(read(&other).is_none(), "a form from another promptbook");
        assert!(read(&form[..form.len() - 1]).is_none(), "a form cut short");
        let earlier = "{\"layout\":1,\"name\":[1,7,\"blog-draft\"]}";
        assert!(read(earlier).is_none(), "a form of the first layout");
    }
}
