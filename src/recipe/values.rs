//! Checking variable values against their declared type, choices and range.

use serde_json::Value;

use super::{VarType, Variable};
use crate::error::did_you_mean;

/// The largest value one variable may take, in bytes (1 MiB): far above any context window's
/// worth of text, low enough that a wrong file is caught before it is sent anywhere.
pub const MAX_VALUE_BYTES: usize = 1024 * 1024;

/// A value that does not fit its variable: the reason, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueError {
    pub message: String,
    pub hint: Option<String>,
}

impl ValueError {
    fn new(message: String) -> Self {
        ValueError {
            message,
            hint: None,
        }
    }
    fn with_hint(message: String, hint: String) -> Self {
        ValueError {
            message,
            hint: Some(hint),
        }
    }
}

/// The items of a list given as text: one per line when there are several lines (the line
/// is the item, commas and all: "C3, C4 and CAM plants"), else the one line split on commas.
/// Blank items are dropped.
pub fn list_items(text: &str) -> impl Iterator<Item = String> + '_ {
    let several_lines = text.lines().filter(|l| !l.trim().is_empty()).count() > 1;
    let sep: &[char] = if several_lines { &['\n'] } else { &[',', '\n'] };
    text.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Converts text given on the command line (or read from a file) into a typed value.
pub fn from_text(name: &str, var: &Variable, text: &str) -> Result<Value, ValueError> {
    check_size(name, text.len())?;
    let value = match var.kind {
        VarType::List => Value::Array(list_items(text).map(Value::String).collect()),
        VarType::Integer | VarType::Number => match text.trim().parse::<serde_json::Number>() {
            Ok(n) => Value::Number(n),
            Err(_) => {
                return Err(ValueError::new(format!(
                    "`{name}` must be {}, not {:?}",
                    article(var.kind),
                    text
                )));
            }
        },
        VarType::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" | "1" => Value::Bool(true),
            "false" | "no" | "n" | "off" | "0" => Value::Bool(false),
            _ => {
                return Err(ValueError::with_hint(
                    format!("`{name}` must be true or false, not {text:?}"),
                    "use true/false, yes/no or 1/0".into(),
                ));
            }
        },
        _ => Value::String(text.to_string()),
    };
    check(name, var, value)
}

/// Checks a typed value (from a vars file, a default, an example) and normalises it.
pub fn check(name: &str, var: &Variable, value: Value) -> Result<Value, ValueError> {
    let wrong = |v: &Value| {
        ValueError::new(format!(
            "`{name}` must be {}, not {}",
            article(var.kind),
            describe(v)
        ))
    };
    match var.kind {
        VarType::String | VarType::Text => {
            let s = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => return Err(wrong(&other)),
            };
            check_size(name, s.len())?;
            if var.kind == VarType::String && s.trim_end_matches('\n').contains('\n') {
                return Err(ValueError::with_hint(
                    format!("`{name}` is a one-line string, but the value has several lines"),
                    format!("give one line, or declare `{name}` as `type: text` in the recipe"),
                ));
            }
            let s = if var.kind == VarType::String {
                s.trim_end_matches('\n').to_string()
            } else {
                s
            };
            Ok(Value::String(s))
        }
        VarType::Choice => {
            let s = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => return Err(wrong(&other)),
            };
            if var.choices.contains(&s) {
                return Ok(Value::String(s));
            }
            let list = var.choices.join(", ");
            let hint = match did_you_mean(&s, var.choices.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`? The choices are: {list}"),
                None => format!("the choices are: {list}"),
            };
            Err(ValueError::with_hint(
                format!("`{name}` cannot be {s:?}"),
                hint,
            ))
        }
        VarType::Integer | VarType::Number => {
            let n = match &value {
                Value::Number(n) => n.clone(),
                Value::String(s) => s
                    .trim()
                    .parse::<serde_json::Number>()
                    .map_err(|_| wrong(&value))?,
                _ => return Err(wrong(&value)),
            };
            let f = n.as_f64().unwrap_or(f64::NAN);
            if var.kind == VarType::Integer && !(n.is_i64() || n.is_u64()) {
                return Err(ValueError::new(format!(
                    "`{name}` must be a whole number, not {n}"
                )));
            }
            if let Some(min) = var.min.filter(|m| f < *m) {
                return Err(range_error(
                    name,
                    &n,
                    var,
                    format!("at least {}", fmt_num(min)),
                ));
            }
            if let Some(max) = var.max.filter(|m| f > *m) {
                return Err(range_error(
                    name,
                    &n,
                    var,
                    format!("at most {}", fmt_num(max)),
                ));
            }
            Ok(Value::Number(n))
        }
        VarType::Boolean => match value {
            Value::Bool(b) => Ok(Value::Bool(b)),
            Value::String(s) => from_text(name, var, &s),
            other => Err(wrong(&other)),
        },
        VarType::List => match value {
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut size = 0;
                for item in items {
                    let s = match item {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        other => {
                            return Err(ValueError::new(format!(
                                "`{name}` must be a list of strings, but an item is {}",
                                describe(&other)
                            )));
                        }
                    };
                    size += s.len();
                    out.push(Value::String(s));
                }
                check_size(name, size)?;
                Ok(Value::Array(out))
            }
            Value::String(s) => from_text(name, var, &s),
            other => Err(wrong(&other)),
        },
    }
}

fn range_error(name: &str, n: &serde_json::Number, var: &Variable, bound: String) -> ValueError {
    let range = match (var.min, var.max) {
        (Some(a), Some(b)) => format!("from {} to {}", fmt_num(a), fmt_num(b)),
        (Some(a), None) => format!("{} or more", fmt_num(a)),
        (None, Some(b)) => format!("{} or less", fmt_num(b)),
        (None, None) => String::new(),
    };
    ValueError::with_hint(
        format!("`{name}` must be {bound}, not {n}"),
        format!("give a value {range}"),
    )
}

fn check_size(name: &str, len: usize) -> Result<(), ValueError> {
    if len > MAX_VALUE_BYTES {
        return Err(ValueError::with_hint(
            format!(
                "the value of `{name}` is {len} bytes, over the limit of {MAX_VALUE_BYTES} bytes (1 MiB)"
            ),
            "check that the right file was given; a prompt this long would not fit any model"
                .into(),
        ));
    }
    Ok(())
}

/// Formats a number without a needless `.0`.
pub fn fmt_num(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

fn article(kind: VarType) -> &'static str {
    match kind {
        VarType::String => "a one-line string",
        VarType::Text => "text",
        VarType::Choice => "one of its choices",
        VarType::Integer => "a whole number",
        VarType::Number => "a number",
        VarType::Boolean => "true or false",
        VarType::List => "a list",
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn var(kind: VarType) -> Variable {
        Variable {
            kind,
            ..Default::default()
        }
    }

    #[test]
    fn text_becomes_typed_values() {
        assert_eq!(
            from_text("n", &var(VarType::Integer), " 42 ").unwrap(),
            json!(42)
        );
        assert_eq!(
            from_text("b", &var(VarType::Boolean), "yes").unwrap(),
            json!(true)
        );
        assert_eq!(
            from_text("l", &var(VarType::List), "a, b,,c").unwrap(),
            json!(["a", "b", "c"])
        );
        // One item per line: the line is the item, commas and all.
        assert_eq!(
            from_text(
                "l",
                &var(VarType::List),
                "Compare C3 and C4 plants, and CAM\n\nrice, wheat\n"
            )
            .unwrap(),
            json!(["Compare C3 and C4 plants, and CAM", "rice, wheat"])
        );
        assert_eq!(
            from_text("l", &var(VarType::List), "\n  a, b \n").unwrap(),
            json!(["a", "b"])
        );
        assert_eq!(
            from_text("s", &var(VarType::String), "{{x}} $y\n").unwrap(),
            json!("{{x}} $y")
        );
    }

    #[test]
    fn range_and_choices_are_enforced() {
        let words = Variable {
            kind: VarType::Integer,
            min: Some(200.0),
            max: Some(4000.0),
            ..Default::default()
        };
        let e = from_text("words", &words, "50").unwrap_err();
        assert_eq!(e.message, "`words` must be at least 200, not 50");
        assert_eq!(e.hint.as_deref(), Some("give a value from 200 to 4000"));
        let tone = Variable {
            kind: VarType::Choice,
            choices: vec!["friendly".into(), "formal".into()],
            ..Default::default()
        };
        let e = from_text("tone", &tone, "frendly").unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean `friendly`?"));
        assert!(from_text("words", &words, "2.5").is_err());
    }

    #[test]
    fn oversized_values_are_refused() {
        let big = "x".repeat(MAX_VALUE_BYTES + 1);
        assert!(
            from_text("t", &var(VarType::Text), &big)
                .unwrap_err()
                .message
                .contains("over the limit")
        );
    }

    #[test]
    fn multi_line_strings_point_to_text() {
        let e = from_text("s", &var(VarType::String), "a\nb").unwrap_err();
        assert!(e.hint.unwrap().contains("type: text"));
    }
}
