//! Pure conversions between the core's types and MCP's: a recipe as an MCP prompt, a
//! rendered prompt as MCP messages, MCP arguments as core inputs, core errors as JSON-RPC
//! errors. No storage, no rendering here: those are the core's.

use rmcp::ErrorData;
use rmcp::model::{self, JsonObject, PromptArgument, PromptMessage};
use serde_json::{Value, json};

use crate::error::Error;
use crate::recipe::{Recipe, Role, VarType, Variable, values::fmt_num};
use crate::render::{Input, Prompt};

/// The recipe stored as `name` (`StoredRecipe::name`: `pack/recipe` for a pack's) as an MCP
/// prompt: name, title, description and one argument per variable.
pub fn prompt(name: &str, recipe: &Recipe) -> model::Prompt {
    let arguments: Vec<PromptArgument> = recipe
        .variables
        .iter()
        .map(|(name, var)| {
            let mut arg = PromptArgument::new(name);
            if let Some(d) = argument_description(var) {
                arg = arg.with_description(d);
            }
            // `required` only when rendering fails without it: a default counts as a value.
            if var.needs_value() {
                arg = arg.with_required(true);
            }
            arg
        })
        .collect();
    let description = (!recipe.description.trim().is_empty()).then(|| recipe.description.trim());
    model::Prompt::new(
        name,
        description,
        (!arguments.is_empty()).then_some(arguments),
    )
    .with_title(recipe.title.clone())
}

/// What a person filling the argument in a client needs: the variable's description, then
/// its type, choices, range and default, e.g. `Tone of voice (one of: friendly, formal;
/// default: friendly)`.
fn argument_description(var: &Variable) -> Option<String> {
    let mut details = Vec::new();
    match var.kind {
        VarType::Choice => details.push(format!("one of: {}", var.choices.join(", "))),
        VarType::Boolean => details.push("true or false".into()),
        VarType::Integer | VarType::Number => {
            let what = if var.kind == VarType::Integer {
                "a whole number"
            } else {
                "a number"
            };
            details.push(match (var.min, var.max) {
                (Some(a), Some(b)) => format!("{what} from {} to {}", fmt_num(a), fmt_num(b)),
                (Some(a), None) => format!("{what}, at least {}", fmt_num(a)),
                (None, Some(b)) => format!("{what}, at most {}", fmt_num(b)),
                (None, None) => what.to_string(),
            });
        }
        VarType::List => details.push("a comma-separated list".into()),
        VarType::String | VarType::Text => {}
    }
    match &var.default {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) if items.is_empty() => {}
        Some(d) => details.push(format!("default: {}", plain(d))),
    }
    let base = var.description.as_deref().map(str::trim).unwrap_or("");
    match (base.is_empty(), details.is_empty()) {
        (true, true) => None,
        (true, false) => Some(capitalize(&details.join("; "))),
        (false, true) => Some(base.to_string()),
        (false, false) => Some(format!("{base} ({})", details.join("; "))),
    }
}

/// A default value as a person would type it.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// MCP arguments as core inputs. Strings are read like `--var` text (so a list takes
/// comma-separated items and a boolean takes yes/no); other JSON values are typed values.
/// An empty string or null counts as not given: clients send every argument of a prompt,
/// with "" for the ones the person left blank, and blank must mean "use the default".
pub fn inputs(arguments: Option<&JsonObject>) -> Vec<(String, Input)> {
    let Some(arguments) = arguments else {
        return Vec::new();
    };
    arguments
        .iter()
        .filter_map(|(name, value)| match value {
            Value::Null => None,
            Value::String(s) if s.trim().is_empty() => None,
            Value::String(s) => Some((name.clone(), Input::Text(s.clone()))),
            other => Some((name.clone(), Input::Value(other.clone()))),
        })
        .collect()
}

/// The rendered prompt as MCP messages. MCP has no system role, so the system prompt opens
/// the first user turn of the task; few-shot examples stay user/assistant pairs before it.
pub fn messages(prompt: &Prompt) -> Vec<PromptMessage> {
    let mut out = Vec::with_capacity(prompt.messages.len() + 1);
    let mut system = prompt.system.as_deref().filter(|s| !s.trim().is_empty());
    for turn in &prompt.messages {
        let role = match turn.role {
            Role::User => model::Role::User,
            Role::Assistant => model::Role::Assistant,
        };
        if turn.example.is_none()
            && let Some(sys) = system.take()
        {
            if turn.role == Role::User {
                out.push(PromptMessage::new_text(
                    role,
                    format!("{}\n\n{}", sys.trim_end(), turn.content),
                ));
                continue;
            }
            out.push(PromptMessage::new_text(model::Role::User, sys.trim_end()));
        }
        out.push(PromptMessage::new_text(role, turn.content.clone()));
    }
    if let Some(sys) = system {
        out.push(PromptMessage::new_text(model::Role::User, sys.trim_end()));
    }
    if let Some(schema) = &prompt.output_schema {
        // A chat client has no structured-output setting: say it, as the text format does.
        out.push(PromptMessage::new_text(
            model::Role::User,
            crate::recipe::output::instruction(schema),
        ));
    }
    out
}

/// A core error as a JSON-RPC invalid-params error: the same text the command line prints
/// after `error: `, with the hints also given apart in `data.hints`.
pub fn invalid_params(e: &Error) -> ErrorData {
    ErrorData::invalid_params(e.full_text(), Some(json!({ "hints": e.hints })))
}

/// A failure that is not the client's fault (the library cannot be read, a bug).
pub fn internal(e: &Error) -> ErrorData {
    ErrorData::internal_error(e.full_text(), Some(json!({ "hints": e.hints })))
}

/// The values completing `typed` for a variable: its choices, or true/false for a boolean,
/// those that start with what was typed (ignoring case), in declaration order.
pub fn completions(var: &Variable, typed: &str) -> Vec<String> {
    let candidates: Vec<&str> = match var.kind {
        VarType::Choice => var.choices.iter().map(String::as_str).collect(),
        VarType::Boolean => vec!["true", "false"],
        _ => return Vec::new(),
    };
    let typed = typed.trim().to_lowercase();
    candidates
        .into_iter()
        .filter(|c| c.to_lowercase().starts_with(&typed))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Turn;

    fn var(kind: VarType) -> Variable {
        Variable {
            kind,
            ..Default::default()
        }
    }

    #[test]
    fn argument_descriptions_say_type_choices_and_default() {
        let tone = Variable {
            kind: VarType::Choice,
            description: Some("Tone of voice".into()),
            choices: vec!["friendly".into(), "formal".into()],
            default: Some(json!("friendly")),
            ..Default::default()
        };
        assert_eq!(
            argument_description(&tone).unwrap(),
            "Tone of voice (one of: friendly, formal; default: friendly)"
        );
        let words = Variable {
            kind: VarType::Integer,
            min: Some(200.0),
            max: Some(4000.0),
            default: Some(json!(800)),
            ..Default::default()
        };
        assert_eq!(
            argument_description(&words).unwrap(),
            "A whole number from 200 to 4000; default: 800"
        );
        assert_eq!(argument_description(&var(VarType::String)), None);
        let keywords = Variable {
            kind: VarType::List,
            default: Some(json!([])),
            ..Default::default()
        };
        assert_eq!(
            argument_description(&keywords).unwrap(),
            "A comma-separated list"
        );
    }

    #[test]
    fn blank_arguments_are_not_given() {
        let args: JsonObject = serde_json::from_value(json!({
            "a": "", "b": "  ", "c": null, "d": "x", "e": 3, "f": ["p", "q"]
        }))
        .unwrap();
        let got = inputs(Some(&args));
        assert_eq!(
            got,
            vec![
                ("d".to_string(), Input::Text("x".into())),
                ("e".to_string(), Input::Value(json!(3))),
                ("f".to_string(), Input::Value(json!(["p", "q"]))),
            ]
        );
    }

    fn turn(role: Role, content: &str, example: Option<usize>) -> Turn {
        Turn {
            role,
            content: content.into(),
            example,
        }
    }

    #[test]
    fn system_opens_the_task_turn_after_the_examples() {
        let p = Prompt {
            recipe: "r".into(),
            system: Some("Be brief.\n".into()),
            messages: vec![
                turn(Role::User, "Q1", Some(1)),
                turn(Role::Assistant, "A1", Some(1)),
                turn(Role::User, "Task", None),
            ],
            hints: Default::default(),
            output_schema: None,
            snippets: Vec::new(),
        };
        let m = messages(&p);
        let got: Vec<(model::Role, String)> = m
            .iter()
            .map(|m| match &m.content {
                model::ContentBlock::Text(t) => (m.role.clone(), t.text.clone()),
                _ => panic!("text only"),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (model::Role::User, "Q1".to_string()),
                (model::Role::Assistant, "A1".to_string()),
                (model::Role::User, "Be brief.\n\nTask".to_string()),
            ]
        );
    }

    #[test]
    fn completion_filters_by_the_typed_prefix() {
        let tone = Variable {
            kind: VarType::Choice,
            choices: vec!["friendly".into(), "formal".into(), "playful".into()],
            ..Default::default()
        };
        assert_eq!(completions(&tone, "f"), ["friendly", "formal"]);
        assert_eq!(completions(&tone, "FO"), ["formal"]);
        assert!(completions(&tone, "ful").is_empty());
        assert_eq!(completions(&tone, ""), ["friendly", "formal", "playful"]);
        assert_eq!(completions(&var(VarType::Boolean), "t"), ["true"]);
        assert!(completions(&var(VarType::String), "").is_empty());
    }
}
