//! A recipe's render form: the fields rendering reads, as JSON that keeps each field's
//! position in the YAML file. The store writes it beside every version's YAML, so `render`
//! reads a small JSON document instead of parsing YAML (which was a third of its time).
//! The form is the recipe type's own serde form (no parallel struct), stamped with the
//! promptbook that wrote it. The YAML stays the source of truth: a form that is missing,
//! written by another promptbook or unreadable is ignored and the YAML is parsed instead.

use super::RecipeFile;
use super::located::reading_form;

/// Which promptbook wrote a form, and the layout of its types (raise it when the serde
/// form of the recipe types changes between releases). A form with another stamp was written
/// by another promptbook and is never trusted: the YAML is read instead.
const STAMP: &str = concat!(env!("CARGO_PKG_VERSION"), "/2");

/// How every form this promptbook writes begins.
fn prefix() -> String {
    format!("{{\"promptbook\":\"{STAMP}\",\"recipe\":")
}

/// The render form of `def`: the recipe type's own serde form (each located value as
/// `[line, column, value]`, without `tests`), stamped with this promptbook's version.
pub fn write(def: &RecipeFile) -> String {
    let recipe = serde_json::to_string(def).expect("a recipe always serializes to JSON");
    format!("{}{recipe}}}", prefix())
}

/// The recipe (without its `tests`) from a stored form; `None` when another promptbook wrote
/// it or it cannot be read, and the YAML must be parsed instead.
pub fn read(json: &str) -> Option<RecipeFile> {
    let recipe = json.strip_prefix(&prefix())?.strip_suffix('}')?;
    reading_form(|| serde_json::from_str(recipe).ok())
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
        let other = form.replacen(STAMP, "0.0.1/1", 1);
        assert_ne!(other, form);
        assert!(read(&other).is_none(), "a form from another promptbook");
        assert!(read(&form[..form.len() - 1]).is_none(), "a form cut short");
        let earlier = "{\"layout\":1,\"name\":[1,7,\"blog-draft\"]}";
        assert!(read(earlier).is_none(), "a form of the first layout");
    }
}
