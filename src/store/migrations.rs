//! The numbered SQL migrations under `schema/sqlite/`, applied in order.

use rusqlite::Transaction;
use rusqlite_migration::{HookResult, M, Migrations};

use crate::recipe::Recipe;

/// Every migration, oldest first, numbered in the order they are applied. Append new files
/// at the end; never edit an applied one, nor move it.
const STEPS: &[&str] = &[
    include_str!("../../schema/sqlite/0001_recipes.sql"),
    include_str!("../../schema/sqlite/0002_fill_history.sql"),
    include_str!("../../schema/sqlite/0003_packs.sql"),
    include_str!("../../schema/sqlite/0004_render_form.sql"),
    include_str!("../../schema/sqlite/0005_snippets.sql"),
    include_str!("../../schema/sqlite/0006_render_form_templates.sql"),
];

/// The migrations to apply. They run with foreign keys off (see `Library::open`), so each is
/// followed by a foreign key check that fails the migration if it left a dangling reference.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(
        STEPS
            .iter()
            .enumerate()
            .map(|(i, sql)| match i + 1 {
                // 0006: the form's layout changed; write every form again.
                4 | 6 => M::up_with_hook(sql, fill_render_forms),
                _ => M::up(sql),
            })
            .map(M::foreign_key_check)
            .collect(),
    )
}

/// 0004's and 0006's hook: writes the render form of every version stored before it. A version whose
/// YAML no longer parses keeps none, and is rendered from its YAML (which reports why).
fn fill_render_forms(tx: &Transaction) -> HookResult {
    let mut read = tx.prepare("SELECT recipe_id, version, yaml FROM recipe_versions")?;
    let mut write = tx.prepare(
        "UPDATE recipe_versions SET render_form = ?3 WHERE recipe_id = ?1 AND version = ?2",
    )?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let (id, version, yaml): (i64, i64, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        if let Ok(recipe) = Recipe::parse_for_render(&yaml, "a stored recipe") {
            write.execute(rusqlite::params![id, version, recipe.render_form()])?;
        }
    }
    Ok(())
}

/// The schema version a fully migrated library has.
pub fn latest() -> usize {
    STEPS.len()
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
