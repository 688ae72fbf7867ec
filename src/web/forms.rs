//! Between the page's fields and the core's values: what a field sends becomes a render
//! input, and a value (a default, a last answer) becomes what a field shows.

use serde_json::{Map, Value};

use crate::recipe::{Recipe, VarType, values::fmt_num};
use crate::render::Input;

/// The render inputs for the values a page sent (field name → string, boolean or list of
/// strings). Text goes through the same reading as `--var` text; an empty number field, or
/// a choice left at "—", means "not given" (its default applies). Names the recipe does not have are passed on,
/// so the core reports them as it does everywhere.
pub fn inputs(recipe: &Recipe, sent: &Map<String, Value>) -> Vec<(String, Input)> {
    let mut out = Vec::with_capacity(sent.len());
    for (name, value) in sent {
        let kind = recipe.variables.get(name).map(|v| v.kind);
        match value {
            Value::String(s)
                if s.trim().is_empty()
                    && matches!(
                        kind,
                        Some(VarType::Integer | VarType::Number | VarType::Choice)
                    ) => {}
            Value::String(s) => out.push((name.clone(), Input::Text(s.clone()))),
            other => out.push((name.clone(), Input::Value(other.clone()))),
        }
    }
    out
}

/// What a field shows for `value`: the text of a one-line, multi-line, choice or number
/// field.
pub fn field_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.as_f64().map(fmt_num).unwrap_or_else(|| n.to_string()),
        Some(Value::Bool(b)) => b.to_string(),
        Some(other) => other.to_string(),
    }
}

/// The items of a list field.
pub fn field_items(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().map(|v| field_text(Some(v))).collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Whether a checkbox starts ticked.
pub fn field_checked(value: Option<&Value>) -> bool {
    matches!(value, Some(Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_number_and_choice_fields_are_not_given() {
        let recipe = Recipe::parse(
            "name: t\ntitle: T\nvariables:\n  n: { type: integer }\n  c: { type: choice, choices: [a, b] }\n  s: { type: string }\n  f: { type: boolean }\nprompt: \"{{n}}{{c}}{{s}}{{f}}\"\n",
            "t",
        )
        .unwrap();
        let sent = json!({ "n": " ", "c": "", "s": "", "f": true, "x": "1" });
        let got = inputs(&recipe, sent.as_object().unwrap());
        assert_eq!(
            got,
            vec![
                ("s".to_string(), Input::Text(String::new())),
                ("f".to_string(), Input::Value(json!(true))),
                ("x".to_string(), Input::Text("1".into())),
            ]
        );
    }

    #[test]
    fn fields_show_values_as_people_type_them() {
        assert_eq!(field_text(Some(&json!(800))), "800");
        assert_eq!(field_text(Some(&json!(0.5))), "0.5");
        assert_eq!(field_text(None), "");
        assert_eq!(field_items(Some(&json!(["a", "b"]))), ["a", "b"]);
        assert!(field_checked(Some(&json!(true))));
    }
}
