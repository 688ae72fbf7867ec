//! The numbered SQL migrations under `schema/sqlite/`, applied in order.

use rusqlite_migration::{M, Migrations};

/// Every migration, oldest first, numbered in the order they are applied. Append new files
/// at the end; never edit an applied one, nor move it.
const STEPS: &[&str] = &[
    include_str!("../../schema/sqlite/0001_recipes.sql"),
    include_str!("../../schema/sqlite/0002_fill_history.sql"),
    include_str!("../../schema/sqlite/0003_packs.sql"),
];

/// The migrations to apply. They run with foreign keys off (see `Library::open`), so each is
/// followed by a foreign key check that fails the migration if it left a dangling reference.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(
        STEPS
            .iter()
            .map(|sql| M::up(sql).foreign_key_check())
            .collect(),
    )
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
