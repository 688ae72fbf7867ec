//! The fill logic with a scripted prompter: which questions are asked, in which order,
//! with which defaults, and how bad answers are re-asked.

use std::collections::VecDeque;

use serde_json::json;

use super::*;

/// One scripted answer.
#[derive(Debug, Clone)]
enum A {
    Text(&'static str),
    Pick(usize),
    Yes(bool),
    Cancel,
    /// The editor closed without saving.
    NotSaved,
}

/// Plays back answers and records every question and warning.
#[derive(Default)]
struct Script {
    answers: VecDeque<A>,
    log: Vec<String>,
    editor: Option<String>,
}

impl Script {
    fn new(answers: &[A]) -> Script {
        Script {
            answers: answers.iter().cloned().collect(),
            ..Default::default()
        }
    }
    fn next(&mut self) -> Result<A> {
        match self
            .answers
            .pop_front()
            .expect("the script ran out of answers")
        {
            A::Cancel => Err(cancelled()),
            a => Ok(a),
        }
    }
}

impl Prompter for Script {
    fn say(&mut self, text: &str) -> Result<()> {
        self.log.push(format!("say {text}"));
        Ok(())
    }
    fn warn(&mut self, text: &str) -> Result<()> {
        self.log.push(format!("warn {text}"));
        Ok(())
    }
    fn line(&mut self, prompt: &str, initial: &str) -> Result<String> {
        self.log.push(format!("line {prompt} [{initial}]"));
        match self.next()? {
            A::Text(t) => Ok(t.to_string()),
            other => panic!("line got {other:?}"),
        }
    }
    fn lines(&mut self, prompt: &str, note: &str, initial: &str) -> Result<String> {
        self.log.push(format!("lines {prompt} [{initial}]"));
        if !note.is_empty() {
            self.log.push(format!("note {note}"));
        }
        match self.next()? {
            A::Text(t) => Ok(t.to_string()),
            other => panic!("lines got {other:?}"),
        }
    }
    fn editor_name(&self) -> Option<String> {
        self.editor.clone()
    }
    fn edit(&mut self, initial: &str) -> Result<Option<String>> {
        self.log.push(format!("edit [{initial}]"));
        match self.next()? {
            A::Text(t) => Ok(Some(t.to_string())),
            A::NotSaved => Ok(None),
            other => panic!("edit got {other:?}"),
        }
    }
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize> {
        self.log
            .push(format!("select {prompt} {items:?} default {default}"));
        match self.next()? {
            A::Pick(i) => Ok(i),
            other => panic!("select got {other:?}"),
        }
    }
    fn fuzzy_select(&mut self, prompt: &str, items: &[String]) -> Result<usize> {
        self.log.push(format!("fuzzy {prompt} {items:?}"));
        match self.next()? {
            A::Pick(i) => Ok(i),
            other => panic!("fuzzy got {other:?}"),
        }
    }
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        self.log.push(format!("confirm {prompt} default {default}"));
        match self.next()? {
            A::Yes(y) => Ok(y),
            other => panic!("confirm got {other:?}"),
        }
    }
}

const RECIPE: &str = r#"name: demo
title: Demo
variables:
  topic:    { type: string, required: true, description: What the post is about }
  audience: { type: string, default: busy product managers }
  tone:     { type: choice, choices: [friendly, formal, playful], default: friendly }
  words:    { type: integer, default: 800, min: 200, max: 4000, description: Target length }
  keywords: { type: list, default: [] }
  draft:    { type: boolean }
  notes:    { type: text, description: Facts to work in }
prompt: "{{topic}} {{audience}} {{tone}} {{words}} {{join keywords}} {{draft}} {{notes}}"
"#;

fn recipe() -> Recipe {
    Recipe::parse(RECIPE, "demo.yaml").unwrap()
}

fn names(given: &[&str]) -> IndexSet<String> {
    given.iter().map(|s| s.to_string()).collect()
}

#[test]
fn asks_every_variable_in_order_with_defaults_prefilled() {
    let r = recipe();
    let mut p = Script::new(&[
        A::Text("remote onboarding"),
        A::Text("busy product managers"),
        A::Pick(1),
        A::Text("1200"),
        A::Text("agents\nevals, tools"),
        A::Yes(true),
        A::Text("line one\nline two"),
    ]);
    let answers = ask_all(&mut p, &r, &names(&[]), &Map::new(), Mode::All).unwrap();
    assert_eq!(
        serde_json::Value::Object(answers),
        json!({
            "topic": "remote onboarding",
            "audience": "busy product managers",
            "tone": "formal",
            "words": 1200,
            // One item per line: the line is the item, commas and all.
            "keywords": ["agents", "evals, tools"],
            "draft": true,
            "notes": "line one\nline two",
        })
    );
    let asked: Vec<&str> = p
        .log
        .iter()
        .filter(|l| !l.starts_with("say"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        asked,
        [
            "line What the post is about (topic, required) []",
            "line audience [busy product managers]",
            "select tone [\"friendly\", \"formal\", \"playful\"] default 0",
            "line Target length (words, a whole number from 200 to 4000) [800]",
            "lines keywords (comma-separated, or one per line) — an empty line finishes []",
            "confirm draft default false",
            "lines Facts to work in (notes) — type or paste, then an empty line to finish []",
        ]
    );
}

#[test]
fn given_values_are_not_asked_and_missing_mode_asks_only_required() {
    let r = recipe();
    let mut p = Script::new(&[A::Text("x")]);
    let answers = ask_all(&mut p, &r, &names(&["words"]), &Map::new(), Mode::Missing).unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers["topic"], json!("x"));
    let mut p = Script::new(&[]);
    let mut known = Map::new();
    known.insert("topic".into(), json!("known"));
    assert!(
        ask_all(&mut p, &r, &names(&[]), &known, Mode::Missing)
            .unwrap()
            .is_empty()
    );
    let mut p = Script::new(&[]);
    assert!(
        ask_all(&mut p, &r, &names(&["topic"]), &Map::new(), Mode::Missing)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn earlier_answers_are_the_defaults() {
    let r = recipe();
    let mut known = Map::new();
    known.insert("tone".into(), json!("playful"));
    known.insert("keywords".into(), json!(["a", "b"]));
    known.insert("draft".into(), json!(true));
    let mut p = Script::new(&[
        A::Text("t"),
        A::Text("busy product managers"),
        A::Pick(2),
        A::Text("800"),
        A::Text("a, b"),
        A::Yes(true),
        A::Text(""),
    ]);
    ask_all(&mut p, &r, &names(&[]), &known, Mode::All).unwrap();
    let log = p.log.join("\n");
    assert!(log.contains("default 2"), "{log}");
    assert!(log.contains("finishes [a, b]"), "{log}");
    assert!(log.contains("confirm draft default true"), "{log}");
}

#[test]
fn bad_numbers_are_asked_again_with_the_reason_from_the_core() {
    let r = recipe();
    let var = &r.variables["words"];
    let mut p = Script::new(&[
        A::Text("lots"),
        A::Text("50"),
        A::Text("2.5"),
        A::Text("300"),
    ]);
    let v = ask_one(&mut p, "words", var, var.default.as_ref()).unwrap();
    assert_eq!(v, Some(json!(300)));
    let warnings: Vec<&str> = p
        .log
        .iter()
        .filter_map(|l| l.strip_prefix("warn "))
        .collect();
    assert_eq!(
        warnings,
        [
            "`words` must be a whole number, not \"lots\"",
            "`words` must be at least 200, not 50 — give a value from 200 to 4000",
            "`words` must be a whole number, not 2.5",
        ]
    );
}

#[test]
fn required_values_cannot_be_left_empty_and_optional_numbers_fall_back() {
    let r = recipe();
    let mut p = Script::new(&[A::Text("  "), A::Text("ok")]);
    let v = ask_one(&mut p, "topic", &r.variables["topic"], None).unwrap();
    assert_eq!(v, Some(json!("ok")));
    assert!(p.log.iter().any(|l| l.contains("`topic` is required")));
    let mut p = Script::new(&[A::Text("")]);
    assert_eq!(
        ask_one(&mut p, "words", &r.variables["words"], None).unwrap(),
        None
    );
}

#[test]
fn multi_line_answers_to_one_line_strings_are_refused() {
    let r = recipe();
    let mut p = Script::new(&[A::Text("a\nb"), A::Text("a")]);
    // A pasted line editor can deliver several lines; the core's check catches it.
    let v = ask_one(&mut p, "audience", &r.variables["audience"], None).unwrap();
    assert_eq!(v, Some(json!("a")));
    assert!(p.log.iter().any(|l| l.contains("one-line string")));
}

#[test]
fn text_uses_the_editor_when_one_is_set() {
    let r = recipe();
    let var = &r.variables["notes"];
    let mut p = Script::new(&[A::Text("from the editor")]);
    p.editor = Some("nano".into());
    assert_eq!(
        ask_one(&mut p, "notes", var, None).unwrap(),
        Some(json!("from the editor"))
    );
    assert!(
        p.log[0].contains("opening your editor (nano)"),
        "{:?}",
        p.log
    );
    // Closed without saving: the current value stays.
    let mut p = Script::new(&[A::NotSaved]);
    p.editor = Some("nano".into());
    let current = json!("kept");
    assert_eq!(
        ask_one(&mut p, "notes", var, Some(&current)).unwrap(),
        Some(json!("kept"))
    );
}

#[test]
fn optional_choice_without_default_offers_none() {
    let src = "name: c\ntitle: C\nvariables:\n  x: { type: choice, choices: [a, b] }\nprompt: \"{{x}}\"\n";
    let r = Recipe::parse(src, "c.yaml").unwrap();
    let mut p = Script::new(&[A::Pick(2)]);
    assert_eq!(
        ask_one(&mut p, "x", &r.variables["x"], None).unwrap(),
        Some(Value::Null)
    );
    assert!(p.log[0].contains("\"(none)\"] default 2"), "{:?}", p.log);
}

#[test]
fn cancel_stops_at_once() {
    let r = recipe();
    let mut p = Script::new(&[A::Text("t"), A::Cancel]);
    let e = ask_all(&mut p, &r, &names(&[]), &Map::new(), Mode::All).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Interrupted);
    assert_eq!(e.exit_code(), 130);
}

#[test]
fn picker_lists_name_title_and_tags() {
    let mut p = Script::new(&[A::Pick(1)]);
    let recipes = vec![
        ("a".to_string(), "Alpha".to_string(), vec![]),
        (
            "b".to_string(),
            "Beta".to_string(),
            vec!["x".to_string(), "y".to_string()],
        ),
    ];
    assert_eq!(pick_recipe(&mut p, &recipes).unwrap(), "b");
    assert!(
        p.log[0].contains("[\"a — Alpha\", \"b — Beta  [x, y]\"]"),
        "{:?}",
        p.log
    );
}

fn preview(values: &Map<String, Value>) -> Result<Preview> {
    Ok(Preview {
        title: "demo".into(),
        text: format!(
            "topic={}",
            values.get("topic").map(as_text).unwrap_or_default()
        ),
        summary: "≈ 3 tokens".into(),
    })
}

#[test]
fn review_changes_an_answer_then_renders_again() {
    let r = recipe();
    let mut values = Map::new();
    values.insert("topic".into(), json!("first"));
    let mut p = Script::new(&[
        A::Pick(3),        // change an answer
        A::Pick(0),        // topic
        A::Text("second"), // new value
        A::Pick(1),        // print
    ]);
    let action = review(&mut p, &r, &mut values, &mut preview, "demo.txt", true).unwrap();
    assert_eq!(action, Action::Print);
    assert_eq!(values["topic"], json!("second"));
    let log = p.log.join("\n");
    assert!(log.contains("say topic=first"), "{log}");
    assert!(log.contains("say topic=second"), "{log}");
    assert!(
        log.contains("line What the post is about (topic, required) [first]"),
        "{log}"
    );
}

#[test]
fn review_saves_to_a_file_and_asks_before_replacing() {
    let r = recipe();
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("x.txt");
    std::fs::write(&existing, "old").unwrap();
    let existing_str: &'static str = Box::leak(existing.display().to_string().into_boxed_str());
    let mut values = Map::new();
    let mut p = Script::new(&[
        A::Pick(2),
        A::Text(existing_str),
        A::Yes(false), // do not replace: back to the menu
        A::Pick(2),
        A::Text("new.txt"),
    ]);
    let action = review(&mut p, &r, &mut values, &mut preview, "demo.txt", false).unwrap();
    assert_eq!(action, Action::Save("new.txt".into()));
    assert!(
        p.log
            .iter()
            .any(|l| l.contains("line Save to file [demo.txt]"))
    );
    assert!(
        !p.log.iter().any(|l| l.starts_with("say topic=")),
        "not shown again: {:?}",
        p.log
    );
}

#[test]
fn a_render_error_offers_only_change_and_quit() {
    let r = recipe();
    let mut values = Map::new();
    let mut p = Script::new(&[A::Pick(1)]);
    let action = review(
        &mut p,
        &r,
        &mut values,
        &mut |_| Err(Error::new(ErrorKind::TooLarge, "too big").hint("shorten it")),
        "demo.txt",
        true,
    )
    .unwrap();
    assert_eq!(action, Action::Quit);
    let log = p.log.join("\n");
    assert!(log.contains("warn too big\n  hint: shorten it"), "{log}");
    assert!(
        log.contains("[\"Change an answer…\", \"Quit without using it\"]"),
        "{log}"
    );
}
