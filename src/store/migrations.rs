//! The numbered SQL migrations under `schema/sqlite/`, applied in order.

use rusqlite_migration::{M, Migrations};

/// Every migration, oldest first, in the order of their numbers. Append new files here;
/// never edit an applied one.
const STEPS: &[&str] = &[
    include_str!("../../schema/sqlite/0001_recipes.sql"),
    include_str!("../../schema/sqlite/0003_fill_history.sql"),
];

/// The migrations to apply.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(STEPS.iter().map(|sql| M::up(sql)).collect())
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
