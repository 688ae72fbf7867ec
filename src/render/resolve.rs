//! Turning the values people give (text from flags, typed values from files or MCP) into the
//! checked, defaulted values a recipe renders with.

use serde_json::{Map, Value};

use crate::error::{Error, did_you_mean};
use crate::recipe::{Recipe, VarType, values};

/// A value as given by a person or a client.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Text to be read according to the variable's type (`--var k=v`, an interactive answer).
    Text(String),
    /// An already-typed value (a `--vars` file, an MCP argument).
    Value(Value),
}

/// Everything wrong with a set of given values, gathered so one error can name it all.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ResolveError {
    pub unknown: Vec<(String, Option<String>)>,
    pub invalid: Vec<(String, values::ValueError)>,
    pub missing: Vec<String>,
}

impl ResolveError {
    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.unknown.is_empty() && self.invalid.is_empty() && self.missing.is_empty()
    }

    /// The user-facing error; `how` says how to pass a value for a variable in this face
    /// (`--var topic=…` on the command line, an argument name in MCP).
    pub fn to_error(&self, recipe: &Recipe, how: &dyn Fn(&str) -> String) -> Error {
        let mut lines = Vec::new();
        let mut hints = Vec::new();
        for (name, close) in &self.unknown {
            lines.push(format!("`{}` has no variable `{name}`", recipe.name()));
            match close {
                Some(c) => hints.push(format!("did you mean `{c}`? ({})", how(c))),
                None => hints.push(format!(
                    "its variables are: {}",
                    recipe
                        .variables
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        for (_, e) in &self.invalid {
            lines.push(e.message.clone());
            if let Some(h) = &e.hint {
                hints.push(h.clone());
            }
        }
        if !self.missing.is_empty() {
            let names: Vec<String> = self.missing.iter().map(|n| format!("`{n}`")).collect();
            lines.push(format!(
                "`{}` needs a value for {} {}",
                recipe.name(),
                if names.len() == 1 {
                    "the required variable"
                } else {
                    "the required variables"
                },
                names.join(", ")
            ));
            for name in &self.missing {
                let desc = recipe
                    .variables
                    .get(name)
                    .and_then(|v| v.description.clone());
                hints.push(match desc {
                    Some(d) => format!("{}  ({d})", how(name)),
                    None => how(name),
                });
            }
        }
        let mut e = Error::usage(lines.join("\n"));
        e.hints = hints;
        e
    }
}

/// Checks each given value against its variable, without filling defaults or requiring
/// anything: the typed values, and what was unknown or invalid (`missing` stays empty).
///
/// Why: interactive fill must reject a bad `--var` before asking anything, and must know
/// which values are already given (those are not asked again); [`resolve`] is this plus
/// the defaults and the required check. A list variable given several times collects
/// every item.
pub fn check_given(
    recipe: &Recipe,
    given: &[(String, Input)],
) -> (Map<String, Value>, ResolveError) {
    let mut err = ResolveError::default();
    let mut out = Map::new();
    for (name, input) in given {
        let Some(var) = recipe.variables.get(name) else {
            let close =
                did_you_mean(name, recipe.variables.keys().map(String::as_str)).map(str::to_string);
            err.unknown.push((name.clone(), close));
            continue;
        };
        let checked = match input {
            Input::Text(t) => values::from_text(name, var, t),
            Input::Value(v) => values::check(name, var, v.clone()),
        };
        match checked {
            Ok(v) => {
                if var.kind == VarType::List
                    && let (Some(Value::Array(prev)), Value::Array(more)) = (out.get_mut(name), &v)
                {
                    prev.extend(more.iter().cloned());
                    continue;
                }
                out.insert(name.clone(), v);
            }
            Err(e) => err.invalid.push((name.clone(), e)),
        }
    }
    (out, err)
}

/// An empty string (or only white space), an empty list, or null.
fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Checks `given` against the recipe's variables and fills in defaults.
///
/// Optional variables with no value and no default become `null` (empty, and false in
/// `{{#if}}`); lists become `[]`. Every problem is gathered into one error.
pub fn resolve(
    recipe: &Recipe,
    given: &[(String, Input)],
) -> Result<Map<String, Value>, ResolveError> {
    let (mut out, mut err) = check_given(recipe, given);
    // A required variable given an empty value has not really been given one: its default
    // applies, or it is reported missing with the others.
    for (name, var) in &recipe.variables {
        if var.required && out.get(name).is_some_and(is_blank) {
            out.remove(name);
        }
    }
    for (name, var) in &recipe.variables {
        if out.contains_key(name) || err.invalid.iter().any(|(n, _)| n == name) {
            continue;
        }
        match (&var.default, var.required) {
            (Some(d), _) => {
                out.insert(
                    name.clone(),
                    values::check(name, var, d.clone()).unwrap_or_else(|_| d.clone()),
                );
            }
            (None, true) => err.missing.push(name.clone()),
            (None, false) => {
                let empty = if var.kind == VarType::List {
                    Value::Array(vec![])
                } else {
                    Value::Null
                };
                out.insert(name.clone(), empty);
            }
        }
    }
    if err.is_empty() { Ok(out) } else { Err(err) }
}
