//! Interactive fill: ask for a recipe's values one question at a time, show the rendered
//! prompt with its estimated size and cost, and let the person choose what to do with it.
//!
//! This module is a face. The questions and the review menu are written against the small
//! [`Prompter`] trait, so the logic (which variables to ask, in which order, with which
//! default; re-asking after a bad answer; the menu) is tested with a scripted prompter,
//! while [`term::Terminal`] is the real one (dialoguer widgets on standard error, reading
//! keys from the terminal). Every answer is checked by the core
//! ([`crate::recipe::values::from_text`] / [`crate::recipe::values::check`]): there is no
//! second copy of the validation rules here.
//!
//! Cancelling (Esc at any question, or Ctrl-C) is an error of kind
//! [`ErrorKind::Interrupted`] (exit code 130); nothing here writes to the library, so a
//! cancelled fill leaves it unchanged.

pub mod term;

use std::path::PathBuf;

use indexmap::IndexSet;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::recipe::values::{self, fmt_num};
use crate::recipe::{Recipe, VarType, Variable};

/// The widgets interactive fill needs. Each call asks one thing and returns the answer, or
/// an [`ErrorKind::Interrupted`] error when the person cancels (Esc, Ctrl-C).
pub trait Prompter {
    /// Shows a line of information (a recipe's title, a preview, a summary).
    fn say(&mut self, text: &str) -> Result<()>;
    /// Shows why an answer was not accepted, before the question is asked again.
    fn warn(&mut self, text: &str) -> Result<()>;
    /// One line of text, with `initial` already typed in (so Enter keeps it).
    fn line(&mut self, prompt: &str, initial: &str) -> Result<String>;
    /// Several lines, ended by an empty line; `note` (if not empty) is shown under the
    /// prompt, and `initial` is typed into the first line. Returns the lines joined by
    /// `\n`, without the empty last one.
    fn lines(&mut self, prompt: &str, note: &str, initial: &str) -> Result<String>;
    /// The person's editor (`$VISUAL`, else `$EDITOR`), if they have one set.
    fn editor_name(&self) -> Option<String>;
    /// Opens the editor on `initial`; `None` when it was closed without saving.
    fn edit(&mut self, initial: &str) -> Result<Option<String>>;
    /// One of `items` (arrow keys and Enter), starting at `default`.
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize>;
    /// One of `items`, narrowed by typing (fuzzy matching).
    fn fuzzy_select(&mut self, prompt: &str, items: &[String]) -> Result<usize>;
    /// Yes or no.
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool>;
}

/// The error for a question the person cancelled; every face reports it the same way.
pub fn cancelled() -> Error {
    Error::new(
        ErrorKind::Interrupted,
        "cancelled: nothing was copied, printed or saved, and the library is unchanged",
    )
}

/// Which variables to ask about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every variable that was not given (`fill`): the person sees and may change each
    /// default.
    All,
    /// Only required variables that still have no value (`render --interactive`).
    Missing,
}

/// One line describing a recipe in the picker: name, title and tags, all matched by the
/// fuzzy search.
pub fn picker_line(name: &str, title: &str, tags: &[String]) -> String {
    if tags.is_empty() {
        format!("{name} — {title}")
    } else {
        format!("{name} — {title}  [{}]", tags.join(", "))
    }
}

/// Lets the person pick one of `recipes` (name, title, tags) by typing part of it; returns
/// the chosen name.
pub fn pick_recipe(
    p: &mut dyn Prompter,
    recipes: &[(String, String, Vec<String>)],
) -> Result<String> {
    if recipes.is_empty() {
        return Err(Error::not_found("the library has no recipes to fill")
            .hint("add one with `promptbook add FILE`"));
    }
    let items: Vec<String> = recipes
        .iter()
        .map(|(n, t, tags)| picker_line(n, t, tags))
        .collect();
    let i = p.fuzzy_select(
        "Which recipe? (type to search, Enter to choose, Esc to cancel)",
        &items,
    )?;
    Ok(recipes[i].0.clone())
}

/// Asks for the variables of `recipe` in declaration order and returns the answers.
///
/// `given` are the names whose values came from `--var`/`--vars` (never asked again);
/// `current` holds the values known so far (earlier answers with `--again`, and the given
/// ones), shown as each question's default ahead of the recipe's own default.
pub fn ask_all(
    p: &mut dyn Prompter,
    recipe: &Recipe,
    given: &IndexSet<String>,
    current: &Map<String, Value>,
    mode: Mode,
) -> Result<Map<String, Value>> {
    let mut answers = Map::new();
    for (name, var) in &recipe.variables {
        if given.contains(name) {
            continue;
        }
        if mode == Mode::Missing && (current.contains_key(name) || !var.needs_value()) {
            continue;
        }
        let start = current.get(name).or(var.default.as_ref());
        if let Some(v) = ask_one(p, name, var, start)? {
            answers.insert(name.clone(), v);
        }
    }
    Ok(answers)
}

/// The question for one variable: its description (or name), and what kind of answer fits.
pub fn question(name: &str, var: &Variable) -> String {
    let mut facts = vec![name.to_string()];
    if var.needs_value() {
        facts.push("required".into());
    }
    match var.kind {
        VarType::Integer | VarType::Number => {
            let what = if var.kind == VarType::Integer {
                "a whole number"
            } else {
                "a number"
            };
            facts.push(match (var.min, var.max) {
                (Some(a), Some(b)) => format!("{what} from {} to {}", fmt_num(a), fmt_num(b)),
                (Some(a), None) => format!("{what}, {} or more", fmt_num(a)),
                (None, Some(b)) => format!("{what}, {} or less", fmt_num(b)),
                (None, None) => what.to_string(),
            });
        }
        VarType::List => facts.push("comma-separated, or one per line".into()),
        _ => {}
    }
    match &var.description {
        Some(d) if !d.trim().is_empty() => format!("{} ({})", d.trim(), facts.join(", ")),
        _ => match facts.len() {
            1 => name.to_string(),
            _ => format!("{name} ({})", facts[1..].join(", ")),
        },
    }
}

/// The text to pre-fill for a value (a list as comma-separated items).
pub fn as_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// Asks for one variable until the answer fits it; `None` leaves it unset (the recipe's
/// default, or empty, applies).
pub fn ask_one(
    p: &mut dyn Prompter,
    name: &str,
    var: &Variable,
    start: Option<&Value>,
) -> Result<Option<Value>> {
    let q = question(name, var);
    let initial = start.map(as_text).unwrap_or_default();
    let required = var.required;
    let mut first = true;
    loop {
        // The editor opens for the first try only: someone who closed it without writing
        // anything is not sent back into it, but asked here (where Esc cancels).
        let use_editor = std::mem::replace(&mut first, false);
        let text = match var.kind {
            VarType::Choice => return ask_choice(p, &q, name, var, start).map(Some),
            VarType::Boolean => {
                let default = start.and_then(Value::as_bool).unwrap_or(false);
                let yes = p.confirm(&q, default)?;
                return Ok(Some(Value::Bool(yes)));
            }
            VarType::Text => match ask_text(p, &q, start, use_editor)? {
                Some(t) => t,
                None => return Ok(start.cloned()),
            },
            VarType::List => p.lines(&format!("{q} — an empty line finishes"), "", &initial)?,
            VarType::String | VarType::Integer | VarType::Number => p.line(&q, &initial)?,
        };
        if text.trim().is_empty() {
            if required {
                p.warn(&format!("`{name}` is required: type a value (Esc cancels)"))?;
                continue;
            }
            match var.kind {
                // No number is "empty": leave it unset, so the recipe's default applies.
                VarType::Integer | VarType::Number => return Ok(None),
                _ => {}
            }
        }
        match values::from_text(name, var, &text) {
            Ok(v) => return Ok(Some(v)),
            Err(e) => {
                let reason = match &e.hint {
                    Some(h) => format!("{} — {h}", e.message),
                    None => e.message.clone(),
                };
                p.warn(&reason)?;
            }
        }
    }
}

fn ask_choice(
    p: &mut dyn Prompter,
    q: &str,
    name: &str,
    var: &Variable,
    start: Option<&Value>,
) -> Result<Value> {
    let mut items = var.choices.clone();
    let may_be_empty = !var.required && var.default.is_none();
    if may_be_empty {
        items.push("(none)".to_string());
    }
    let current = start.map(as_text);
    let default = current
        .and_then(|c| var.choices.iter().position(|x| *x == c))
        .unwrap_or(if may_be_empty { items.len() - 1 } else { 0 });
    let i = p.select(q, &items, default)?;
    if i >= var.choices.len() {
        return Ok(Value::Null);
    }
    values::check(name, var, Value::String(var.choices[i].clone())).map_err(|e| {
        Error::invalid(e.message).hint("the recipe's choices do not pass its own checks")
    })
}

/// A `text` answer: the editor when one is set, else typed or pasted lines. `None` keeps
/// `start` (the editor closed without saving, or an empty first line with a value shown).
fn ask_text(
    p: &mut dyn Prompter,
    q: &str,
    start: Option<&Value>,
    use_editor: bool,
) -> Result<Option<String>> {
    let current = start.map(as_text).filter(|s| !s.is_empty());
    if let Some(editor) = p.editor_name().filter(|_| use_editor) {
        p.say(&format!(
            "{q} — opening your editor ({editor}); save and close it to continue"
        ))?;
        match p.edit(current.as_deref().unwrap_or("")) {
            Ok(Some(t)) => return Ok(Some(t)),
            Ok(None) => {
                p.say("  (not saved: the value is unchanged)")?;
                return Ok(current.map(|_| None).unwrap_or(Some(String::new())));
            }
            Err(e) if e.kind == ErrorKind::Interrupted => return Err(e),
            Err(e) => p.warn(&format!(
                "{} — type or paste the text here instead",
                e.message
            ))?,
        }
    }
    let note = match &current {
        Some(c) => {
            let first = c.lines().next().unwrap_or("");
            let more = c.lines().count().saturating_sub(1);
            let shown = if more > 0 {
                format!("{first} … (+{more} more lines)")
            } else {
                first.to_string()
            };
            format!("  current value: {shown}\n  an empty first line keeps it")
        }
        None => String::new(),
    };
    let text = p.lines(
        &format!("{q} — type or paste, then an empty line to finish"),
        &note,
        "",
    )?;
    if text.is_empty() && current.is_some() {
        return Ok(None);
    }
    Ok(Some(text))
}

/// What the person chose to do with the rendered prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Copy it to the clipboard.
    Copy,
    /// Print it on standard output.
    Print,
    /// Save it to this file.
    Save(PathBuf),
    /// Leave without using it.
    Quit,
}

/// A rendered prompt as the review shows it: the exact text, and one line with its
/// estimated tokens and cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub title: String,
    pub text: String,
    pub summary: String,
}

/// The menu after the preview, in order.
pub const MENU: [&str; 5] = [
    "Copy to the clipboard",
    "Print it",
    "Save to a file…",
    "Change an answer…",
    "Quit without using it",
];

/// Shows the rendered prompt and asks what to do with it, until the person picks an
/// action. "Change an answer" asks that variable again (with its current value) and
/// renders anew. `render` turns the values into a preview; an error from it (a prompt too
/// large for the model, say) is shown, and only changing an answer or quitting is offered.
/// `suggested_file` pre-fills the file name for saving; `show_first: false` skips showing
/// the first preview again (when the menu comes back after a failed copy, so the error
/// stays in view).
pub fn review(
    p: &mut dyn Prompter,
    recipe: &Recipe,
    values: &mut Map<String, Value>,
    render: &mut dyn FnMut(&Map<String, Value>) -> Result<Preview>,
    suggested_file: &str,
    show_first: bool,
) -> Result<Action> {
    let mut show = show_first;
    // Rendered (and shown) again only after an answer changed.
    let mut state: Option<bool> = None;
    loop {
        let usable = match state {
            Some(usable) => usable,
            None => {
                let usable = match render(values) {
                    Ok(preview) => {
                        if show {
                            let rule = "─".repeat(48);
                            let head = format!("── {} ", preview.title);
                            let pad = 48usize.saturating_sub(head.chars().count());
                            p.say(&format!("\n{head}{}", "─".repeat(pad)))?;
                            p.say(preview.text.trim_end_matches('\n'))?;
                            p.say(&rule)?;
                            p.say(&preview.summary)?;
                        }
                        true
                    }
                    Err(e) => {
                        let mut msg = e.message.clone();
                        for h in &e.hints {
                            msg.push_str("\n  hint: ");
                            msg.push_str(h);
                        }
                        p.warn(&msg)?;
                        false
                    }
                };
                show = true;
                *state.insert(usable)
            }
        };
        let items: Vec<String> = if usable {
            MENU.iter().map(|s| s.to_string()).collect()
        } else {
            vec![MENU[3].to_string(), MENU[4].to_string()]
        };
        let chosen = p.select("What to do with it", &items, 0)?;
        let chosen = if usable { chosen } else { chosen + 3 };
        match chosen {
            0 => return Ok(Action::Copy),
            1 => return Ok(Action::Print),
            2 => {
                let path = p.line("Save to file", suggested_file)?;
                let path = path.trim();
                if path.is_empty() {
                    continue;
                }
                let path = PathBuf::from(path);
                if path.exists()
                    && !p.confirm(&format!("{} exists. Replace it?", path.display()), false)?
                {
                    continue;
                }
                return Ok(Action::Save(path));
            }
            3 => {
                change_answer(p, recipe, values)?;
                state = None;
            }
            _ => return Ok(Action::Quit),
        }
    }
}

/// Asks which variable to change, then asks it again with its current value.
fn change_answer(
    p: &mut dyn Prompter,
    recipe: &Recipe,
    values: &mut Map<String, Value>,
) -> Result<()> {
    if recipe.variables.is_empty() {
        p.warn("this recipe has no variables to change")?;
        return Ok(());
    }
    let names: Vec<&String> = recipe.variables.keys().collect();
    let items: Vec<String> = recipe
        .variables
        .iter()
        .map(|(name, var)| {
            let v = values.get(name).or(var.default.as_ref());
            let shown = v.map(as_text).unwrap_or_default();
            let first = shown.lines().next().unwrap_or("");
            let shown = if first.chars().count() > 50 || shown.contains('\n') {
                format!("{}…", first.chars().take(50).collect::<String>())
            } else {
                first.to_string()
            };
            format!("{name}: {shown}")
        })
        .collect();
    let i = p.select("Change which answer?", &items, 0)?;
    let name = names[i];
    let var = &recipe.variables[name];
    let start = values.get(name).or(var.default.as_ref()).cloned();
    match ask_one(p, name, var, start.as_ref())? {
        Some(v) => {
            values.insert(name.clone(), v);
        }
        None => {
            values.remove(name);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
