//! The answers a command renders with, as the command line words them: the given values
//! (`--var`, `--vars`), the last answers (`--again`), and remembering them once the prompt
//! was delivered. The rules themselves are the core's ([`crate::session`]).

use serde_json::{Map, Value};

use super::Ctx;
use crate::error::{Error, Result};
use crate::render::Input;
use crate::session::{Rendered, Session};

/// How the command line tells a person to give a variable's value.
pub fn flag_naming(name: &str) -> String {
    format!("--var {name}=…")
}

/// Whether this command may remember answers: not with `--no-history`, not with
/// `history: false` in the settings.
pub fn history_on(ctx: &mut Ctx, no_history: bool) -> Result<bool> {
    Ok(!no_history && ctx.config()?.history)
}

/// The recipe `--again` means when no name is given: the one answered most recently.
pub fn last_recipe(ctx: &mut Ctx, command: &str) -> Result<String> {
    crate::session::last_answered(ctx.library()?)?.ok_or_else(|| {
        Error::not_found("there are no earlier answers to reuse yet").hint(format!(
            "name the recipe: promptbook {command} NAME (answers are remembered after each render)"
        ))
    })
}

/// The last answers for the session's recipe (`--again`), with a note on standard error
/// for each answer that no longer fits (so the recipe's default or a question takes over).
pub fn previous(ctx: &mut Ctx, session: &Session, command: &str) -> Result<Map<String, Value>> {
    let history_off = !ctx.config()?.history;
    let name = session.name();
    let Some(earlier) = session.last_answers(ctx.library()?)? else {
        let e = Error::not_found(format!(
            "there are no earlier answers for `{name}` to reuse"
        ));
        return Err(if history_off {
            e.hint("answers are not remembered: the setting `history: false` turns that off")
        } else {
            e.hint(format!(
                "run `promptbook {command} {name}` once without --again; its answers are then remembered (unless --no-history)"
            ))
        });
    };
    for (var, why) in &earlier.dropped {
        eprintln!(
            "note: the earlier answer for `{var}` no longer fits the recipe ({why}), so it was left out"
        );
    }
    Ok(earlier.values)
}

/// Remembers what a delivered prompt was rendered with. Any failure is a warning, not an
/// error: the prompt itself was produced and delivered.
pub fn remember(ctx: &mut Ctx, rendered: &Rendered, on: bool) {
    if !on {
        return;
    }
    let Ok(lib) = ctx.library() else { return };
    if let Err(e) = rendered.remember(lib) {
        eprintln!(
            "warning: the answers were not remembered for --again: {}",
            e.message
        );
    }
}

/// Typed values as inputs for a render.
pub fn as_inputs(values: &Map<String, Value>) -> Vec<(String, Input)> {
    values
        .iter()
        .map(|(k, v)| (k.clone(), Input::Value(v.clone())))
        .collect()
}
