//! The answers a command renders with: the given values (`--var`, `--vars`), the last
//! answers (`--again`), and remembering them for next time.

use serde_json::{Map, Value};

use super::Ctx;
use crate::error::{Error, Result};
use crate::recipe::Recipe;
use crate::render::{Input, check_given};

/// Whether this command may remember answers: not with `--no-history`, not with
/// `history: false` in the settings.
pub fn history_on(ctx: &mut Ctx, no_history: bool) -> Result<bool> {
    Ok(!no_history && ctx.config()?.history)
}

/// The recipe `--again` means when no name is given: the one answered most recently.
pub fn last_recipe(ctx: &mut Ctx, command: &str) -> Result<String> {
    ctx.library()?.last_answered()?.ok_or_else(|| {
        Error::not_found("there are no earlier answers to reuse yet").hint(format!(
            "name the recipe: promptbook {command} NAME (answers are remembered after each render)"
        ))
    })
}

/// The last answers for `recipe`, stored as `name` (`StoredRecipe::name`), checked against
/// its current version: answers for variables it no longer has are dropped, and answers
/// that no longer fit are left out with a note on standard error (so the recipe's default
/// or a question takes over).
pub fn previous(
    ctx: &mut Ctx,
    name: &str,
    recipe: &Recipe,
    command: &str,
) -> Result<Map<String, Value>> {
    let history_off = !ctx.config()?.history;
    let Some(last) = ctx.library()?.last_answers(name)? else {
        let mut e = Error::not_found(format!(
            "there are no earlier answers for `{name}` to reuse"
        ));
        e = if history_off {
            e.hint("answers are not remembered: the setting `history: false` turns that off")
        } else {
            e.hint(format!(
                "run `promptbook {command} {name}` once without --again; its answers are then remembered (unless --no-history)"
            ))
        };
        return Err(e);
    };
    let inputs: Vec<(String, Input)> = last
        .answers
        .into_iter()
        .filter(|(k, _)| recipe.variables.contains_key(k))
        .map(|(k, v)| (k, Input::Value(v)))
        .collect();
    let (values, problems) = check_given(recipe, &inputs);
    for (var, e) in &problems.invalid {
        eprintln!(
            "note: the earlier answer for `{var}` no longer fits the recipe ({}), so it was left out",
            e.message
        );
    }
    Ok(values)
}

/// Remembers the values a prompt was rendered with, in declaration order, for the recipe
/// stored as `name` (`StoredRecipe::name`: `pack/recipe` for a pack's). A read-only
/// library is skipped silently (the person chose it); any other failure is a warning, not
/// an error: the prompt itself was produced.
pub fn remember(
    ctx: &mut Ctx,
    name: &str,
    recipe: &Recipe,
    version: u32,
    values: &Map<String, Value>,
    on: bool,
) {
    if !on {
        return;
    }
    let Ok(lib) = ctx.library() else { return };
    if lib.is_read_only() {
        return;
    }
    let ordered: Map<String, Value> = recipe
        .variables
        .keys()
        .filter_map(|k| values.get(k).map(|v| (k.clone(), v.clone())))
        .collect();
    if let Err(e) = lib.remember_answers(name, version, &ordered) {
        eprintln!(
            "warning: the answers were not remembered for --again: {}",
            e.message
        );
    }
}

/// Checks the given values, failing (before anything is asked) on unknown names and bad
/// values with the same error `render` gives.
pub fn check_flags(recipe: &Recipe, given: &[(String, Input)]) -> Result<Map<String, Value>> {
    let (values, mut problems) = check_given(recipe, given);
    problems.missing.clear();
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems.to_error(recipe, &|n| format!("--var {n}=…")))
    }
}

/// Typed values as inputs for [`crate::render::resolve`].
pub fn as_inputs(values: &Map<String, Value>) -> Vec<(String, Input)> {
    values
        .iter()
        .map(|(k, v)| (k.clone(), Input::Value(v.clone())))
        .collect()
}
