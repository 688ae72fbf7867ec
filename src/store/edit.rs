//! Writes for authoring: creating a recipe that must be new, storing an edited (or reverted)
//! version on top of the version it was made from, and reading a recipe's whole history.

use rusqlite::{OptionalExtension, params};

use super::sql::Sql;
use super::write::put_in;
use super::{AddOutcome, Library};
use crate::error::{Error, ErrorKind, Result};
use crate::recipe::Recipe;

/// What storing an edited recipe did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    /// A recipe that did not exist before.
    Created { name: String },
    /// A new version of an existing recipe; `renamed_from` when its name changed.
    NewVersion {
        name: String,
        version: u32,
        renamed_from: Option<String>,
    },
    /// The text is identical to the current version: nothing was stored.
    Unchanged { name: String, version: u32 },
}

/// The error for a name that another recipe already has. Its kind is `InvalidRecipe`, so an
/// editor session treats it like any other problem in the file: fix the text and save again.
fn name_taken(new: &str, old: Option<&str>) -> Error {
    let message = match old {
        Some(old) => format!(
            "the recipe `{old}` was renamed to `{new}`, but another recipe in the library is already named `{new}`"
        ),
        None => format!("a recipe named `{new}` is already in the library"),
    };
    let e = Error::invalid(message);
    match old {
        Some(old) => e.hint(format!(
            "change `name:` back to `{old}`, or choose a name no other recipe has"
        )),
        None => e.hint(format!(
            "choose another `name:`, or change the existing one with `promptbook edit {new}`"
        )),
    }
}

impl Library {
    /// Stores `recipe` as a new recipe of the user's, refusing (and storing nothing) if the
    /// user has one of that name. `new` uses this so that a scaffold can never overwrite an
    /// existing recipe. (A pack's recipe of that name stays; the user's own wins the name.)
    pub fn create(&mut self, recipe: &Recipe, yaml: &str) -> Result<SaveOutcome> {
        self.write(|tx| -> Sql<_> {
            let taken: Option<i64> = tx
                .query_row(
                    "SELECT id FROM recipes WHERE name = ?1 AND namespace = ''",
                    [recipe.name()],
                    |r| r.get(0),
                )
                .optional()?;
            if taken.is_some() {
                return Err(name_taken(recipe.name(), None).into());
            }
            put_in(tx, "", recipe, yaml)?;
            Ok(SaveOutcome::Created {
                name: recipe.name().to_string(),
            })
        })
    }

    /// Stores `yaml` as the next version of `name`, in one transaction.
    ///
    /// `base` is the version the text was made from: if another process stored a newer
    /// version meanwhile, nothing is stored (so no one's change is silently replaced). When
    /// the text gives the recipe a new name, the recipe (with its history) is renamed, unless
    /// another recipe has that name. Identical text stores nothing.
    pub fn save_version(
        &mut self,
        name: &str,
        base: u32,
        recipe: &Recipe,
        yaml: &str,
    ) -> Result<SaveOutcome> {
        // `name` may be `pack/recipe` or a bare name: resolved as `get` does, to one row.
        let (id, namespace, old_name) = self.resolve(name)?;
        let not_found = self.not_found(name);
        self.write(|tx| -> Sql<_> {
            let row: Option<u32> = tx
                .query_row(
                    "SELECT current_version FROM recipes WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(current) = row else {
                return Err(not_found.into());
            };
            if current != base {
                return Err(Error::new(
                    ErrorKind::Failed,
                    format!(
                        "`{name}` changed while you were editing it: it is now at version {current}, and your text was made from version {base}"
                    ),
                )
                .hint(format!(
                    "see what changed with `promptbook diff {name} {base} {current}`"
                ))
                .into());
            }
            let new_name = recipe.name();
            let renamed = new_name != old_name;
            if renamed {
                let taken: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM recipes WHERE name = ?1 AND namespace = ?2",
                        params![new_name, namespace],
                        |r| r.get(0),
                    )
                    .optional()?;
                if taken.is_some() {
                    return Err(name_taken(new_name, Some(name)).into());
                }
                tx.execute(
                    "UPDATE recipes SET name = ?2 WHERE id = ?1",
                    params![id, new_name],
                )?;
            }
            let renamed_from = renamed.then(|| name.to_string());
            Ok(match put_in(tx, &namespace, recipe, yaml)?.outcome {
                AddOutcome::Unchanged { name, version } => SaveOutcome::Unchanged { name, version },
                AddOutcome::Updated { name, version } => SaveOutcome::NewVersion {
                    name,
                    version,
                    renamed_from,
                },
                AddOutcome::Added { name } => SaveOutcome::Created { name },
            })
        })
    }
}
