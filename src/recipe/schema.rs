//! The JSON Schema of the recipe format, generated from the Rust types so editors with a YAML
//! language server validate recipe files exactly as promptbook does.

/// The schema as pretty JSON (what `schema/recipe.schema.json` holds).
pub fn recipe_schema_json() -> String {
    let schema = schemars::schema_for!(super::RecipeFile);
    let mut s = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    /// Fails when the committed schema is stale; `PROMPTBOOK_UPDATE_SCHEMA=1 cargo test`
    /// rewrites it.
    #[test]
    fn committed_schema_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/recipe.schema.json");
        let fresh = super::recipe_schema_json();
        if std::env::var_os("PROMPTBOOK_UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == fresh,
            "schema/recipe.schema.json is stale: run `PROMPTBOOK_UPDATE_SCHEMA=1 cargo test --lib schema` and commit it"
        );
    }
}
