//! Names from other formats made into promptbook names: recipe names are kebab-case,
//! variable names snake_case.

use crate::error::{Error, Result};
use crate::recipe::is_kebab;

/// Splits `firstName`, `first_name`, `First Name`, `first-name` into lowercase words.
fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            cur.push(c.to_ascii_lowercase());
        } else {
            prev_lower = false;
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A kebab-case recipe name made from a file or folder name, or an error suggesting one.
pub fn recipe_name(raw: &str, origin: &str) -> Result<String> {
    if is_kebab(raw) {
        return Ok(raw.to_string());
    }
    let mut name = words(raw).join("-");
    name.truncate(64);
    let name = name.trim_end_matches('-').to_string();
    if is_kebab(&name) {
        return Ok(name);
    }
    Err(Error::invalid(format!(
        "{origin}: `{raw}` cannot be made into a recipe name (lowercase letters, digits and dashes, at most 64 characters)"
    ))
    .hint("rename the file or folder, e.g. to `my-prompt`"))
}

/// A name given inside a file that must already be valid (an Agent Skill's `name`), or an
/// error suggesting the valid form.
pub fn strict_recipe_name(raw: &str, origin: &str, field: &str) -> Result<String> {
    if is_kebab(raw) {
        return Ok(raw.to_string());
    }
    let mut suggestion = words(raw).join("-");
    suggestion.truncate(64);
    let suggestion = suggestion.trim_end_matches('-').to_string();
    let mut e = Error::invalid(format!(
        "{origin}: {field} `{raw}` is not a valid name: lowercase letters, digits and single dashes, at most 64 characters"
    ));
    if is_kebab(&suggestion) {
        e = e.hint(format!("write `{field}: {suggestion}`"));
    }
    Err(e)
}

/// A snake_case variable name (`firstName` → `first_name`).
pub fn var_name(raw: &str) -> String {
    let mut n = words(raw).join("_");
    if n.is_empty() || n.starts_with(|c: char| c.is_ascii_digit()) {
        n.insert(0, '_');
    }
    n
}

/// "extract-wisdom" → "Extract wisdom".
pub fn title_of(name: &str) -> String {
    let t = name.replace(['-', '_'], " ");
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_kebab_and_snake() {
        assert_eq!(
            recipe_name("extract_wisdom", "x").unwrap(),
            "extract-wisdom"
        );
        assert_eq!(recipe_name("Basic Prompt", "x").unwrap(), "basic-prompt");
        assert!(recipe_name("日本", "x").is_err());
        assert_eq!(var_name("firstName"), "first_name");
        assert_eq!(var_name("pr-number"), "pr_number");
        let e = strict_recipe_name("PDF_Tool", "SKILL.md", "name").unwrap_err();
        assert!(e.hints[0].contains("pdf-tool"));
    }
}
