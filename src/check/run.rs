//! The offline test runner behind `promptbook test`: renders each `tests:` case of a recipe
//! and checks its expectations, with a diff-like detail for each failure.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::catalog::{self, Catalog, Provider};
use crate::recipe::snippet::SnippetSet;
use crate::recipe::{Recipe, TestCase};
use crate::render::targets::{anthropic_body, group};
use crate::render::{Input, Prompt, render_with, resolve};

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// One line: what was expected and what happened.
    pub message: String,
    /// Lines that show the difference (`- expected` / `+ rendered`), when there is one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diff: Vec<String>,
}

impl Failure {
    fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            diff: Vec::new(),
        }
    }
}

/// The result of one test case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseResult {
    /// 1-based, in file order.
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub failures: Vec<Failure>,
}

impl CaseResult {
    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// `test 2 (long notes)`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("test {} ({n})", self.index),
            None => format!("test {}", self.index),
        }
    }
}

/// Runs every test case of `recipe`.
/// `snippets` are the snippets the recipe includes, as the library has them.
pub fn run_tests(recipe: &Recipe, catalog: &Catalog, snippets: &SnippetSet) -> Vec<CaseResult> {
    recipe
        .tests
        .iter()
        .enumerate()
        .map(|(i, case)| CaseResult {
            index: i + 1,
            name: case.name.clone(),
            failures: run_case(recipe, case, catalog, snippets),
        })
        .collect()
}

fn run_case(
    recipe: &Recipe,
    case: &TestCase,
    catalog: &Catalog,
    snippets: &SnippetSet,
) -> Vec<Failure> {
    let given: Vec<(String, Input)> = case
        .vars
        .iter()
        .map(|(k, v)| (k.clone(), Input::Value(v.clone())))
        .collect();
    let values = match resolve(recipe, &given) {
        Ok(v) => v,
        Err(e) => {
            let e = e.to_error(recipe, &|n| format!("add `{n}` to the case's `vars:`"));
            return vec![Failure::new(format!(
                "the values do not fit: {}",
                e.message
            ))];
        }
    };
    let prompt = match render_with(recipe, &values, snippets) {
        Ok(p) => p,
        Err(e) => return vec![Failure::new(format!("does not render: {}", e.message))],
    };
    // The examples are the same in every case: the checks look at what the values render.
    let text = prompt.text_without_examples();
    let expect = &case.expect;
    let mut failures = Vec::new();
    for wanted in &expect.contains {
        if !text.contains(wanted.as_str()) {
            failures.push(Failure {
                message: format!("the prompt does not contain {wanted:?}"),
                diff: closest(wanted, &text),
            });
        }
    }
    for unwanted in &expect.not_contains {
        if let Some(at) = text.find(unwanted.as_str()) {
            let line_no = text[..at].matches('\n').count() + 1;
            let line = text.lines().nth(line_no - 1).unwrap_or("");
            failures.push(Failure {
                message: format!("the prompt contains {unwanted:?}, which it must not"),
                diff: vec![format!("  rendered line {line_no}: {line}")],
            });
        }
    }
    for pattern in &expect.matches {
        match regex::Regex::new(pattern) {
            Ok(re) if re.is_match(&text) => {}
            Ok(_) => failures.push(Failure::new(format!(
                "the prompt does not match the regex {pattern:?}"
            ))),
            Err(e) => failures.push(Failure::new(format!("invalid regex {pattern:?}: {e}"))),
        }
    }
    if let Some(max) = expect.max_input_tokens
        && prompt.byte_len() as u64 > max
    {
        let tokens = prompt.estimated_tokens() as u64;
        if tokens > max {
            failures.push(Failure::new(format!(
                "the prompt takes about {} input tokens, over max_input_tokens {}",
                group(tokens),
                group(max)
            )));
        }
    }
    if let (Some(answer), Some(schema)) = (&expect.answer, &prompt.output_schema) {
        let checked = crate::recipe::output::validator(schema)
            .and_then(|v| crate::recipe::output::validate_answer(&v, answer));
        if let Err(problem) = checked {
            failures.push(Failure::new(format!("the sample answer {problem}")));
        }
    }
    for problem in anthropic_problems(&prompt, catalog) {
        failures.push(Failure::new(format!(
            "the anthropic request body is not valid: {problem}"
        )));
    }
    failures
}

/// What would make the Messages API refuse the body rendered for the recipe's preferred
/// model: fields it requires or limits, and a prompt over the model's context window.
pub fn anthropic_problems(prompt: &Prompt, catalog: &Catalog) -> Vec<String> {
    let model = match catalog.pick(Provider::Anthropic, None, prompt.hints.prefer.as_deref()) {
        Ok(m) => m,
        Err(e) => return vec![e.message],
    };
    let body = anthropic_body(prompt, &model, false);
    let mut problems = body_problems(&body);
    let max_tokens = body["max_tokens"].as_u64().unwrap_or(0);
    if let Some(window) = model.context_window
        && !catalog::fits_without_counting(prompt.byte_len(), max_tokens as u32, window)
    {
        let tokens = prompt.estimated_tokens() as u64;
        if tokens + max_tokens > window {
            problems.push(format!(
                "about {} input tokens + {} max_tokens do not fit the {}-token window of {}",
                group(tokens),
                group(max_tokens),
                group(window),
                model.id
            ));
        }
    }
    problems
}

/// Checks the shape of an Anthropic Messages API body.
pub fn body_problems(body: &Value) -> Vec<String> {
    let mut p = Vec::new();
    if body["model"].as_str().is_none_or(str::is_empty) {
        p.push("`model` must be a model id".to_string());
    }
    if body["max_tokens"].as_u64().is_none_or(|n| n < 1) {
        p.push("`max_tokens` must be a whole number of at least 1".into());
    }
    if let Some(t) = body.get("temperature")
        && !t.as_f64().is_some_and(|t| (0.0..=1.0).contains(&t))
    {
        p.push(format!(
            "`temperature` must be from 0 to 1 for this API, not {t}"
        ));
    }
    if let Some(s) = body.get("system")
        && s.as_str().is_none_or(|s| s.trim().is_empty())
    {
        p.push("`system` renders empty; leave it out or give it text".into());
    }
    match body["messages"].as_array() {
        None => p.push("`messages` is missing".into()),
        Some(m) if m.is_empty() => p.push("`messages` is empty".into()),
        Some(messages) => {
            if messages[0]["role"] != "user" {
                p.push("the first message must be a user turn".into());
            }
            for (i, m) in messages.iter().enumerate() {
                let role = m["role"].as_str().unwrap_or("");
                if role != "user" && role != "assistant" {
                    p.push(format!("message {} has the role {role:?}", i + 1));
                }
                if m["content"].as_str().is_none_or(|c| c.trim().is_empty()) {
                    p.push(format!(
                        "message {} ({role}) renders empty; the API refuses empty turns",
                        i + 1
                    ));
                }
            }
        }
    }
    p
}

/// The part of `text` most like `wanted`, as `- wanted` / `+ rendered` lines, so a near miss
/// (a changed word, a missing period) shows at a glance.
fn closest(wanted: &str, text: &str) -> Vec<String> {
    let want_lines = wanted.lines().count().max(1);
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return vec![format!("- {wanted}"), "+ (the prompt is empty)".into()];
    }
    let mut best = (f32::MIN, 0usize);
    for start in 0..lines.len() {
        let end = (start + want_lines).min(lines.len());
        let window = lines[start..end].join("\n");
        let ratio = likeness(wanted, &window);
        if ratio > best.0 {
            best = (ratio, start);
        }
    }
    let end = (best.1 + want_lines).min(lines.len());
    let mut out = Vec::new();
    for l in wanted.lines() {
        out.push(format!("- {l}"));
    }
    if wanted.ends_with('\n') {
        out.push("- ⏎ (a line break)".into());
    }
    for (i, l) in lines[best.1..end].iter().enumerate() {
        let mut s = String::new();
        let _ = write!(s, "+ {l}");
        if i == 0 && best.0 < 0.3 {
            s.push_str("   (nothing close; this is the most similar line)");
        }
        out.push(s);
    }
    out
}

/// How alike `wanted` is to `window` (0 to 1). A one-line `wanted` is compared with the
/// stretch of the line that starts at each word, so a short phrase finds its place in a
/// long line instead of matching a short line by length alone.
fn likeness(wanted: &str, window: &str) -> f32 {
    let ratio = |a: &str, b: &str| strsim::normalized_levenshtein(a, b) as f32;
    let mut best = ratio(wanted, window);
    if wanted.contains('\n') {
        return best;
    }
    let len = wanted.chars().count();
    let starts: Vec<usize> = window.char_indices().map(|(i, _)| i).collect();
    for (n, &at) in starts.iter().enumerate() {
        let word_start = n == 0 || !window[..at].ends_with(char::is_alphanumeric);
        if !word_start {
            continue;
        }
        let end = starts.get(n + len).copied().unwrap_or(window.len());
        best = best.max(ratio(wanted, &window[at..end]));
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"name: demo
title: Demo
model: { prefer: haiku, temperature: 0.5 }
variables:
  topic: { type: string, required: true }
prompt: |
  Write about <topic>{{topic}}</topic>.
  Be brief.
tests:
  - vars: { topic: cats }
    expect: { contains: ["<topic>cats</topic>"], not_contains: ["{{"], matches: ["Be \\w+"], max_input_tokens: 50 }
  - name: near misses
    vars: { topic: dogs }
    expect: { contains: ["Write about <topic>dog</topic>."], not_contains: ["Be brief"], matches: ["^Nope"], max_input_tokens: 3 }
"#;

    #[test]
    fn passes_and_fails_with_details() {
        let r = Recipe::parse(SRC, "demo.yaml").unwrap();
        let results = run_tests(&r, &Catalog::shipped(), &SnippetSet::default());
        assert!(results[0].passed(), "{:?}", results[0]);
        let f = &results[1].failures;
        assert_eq!(results[1].label(), "test 2 (near misses)");
        assert_eq!(f.len(), 4, "{f:?}");
        assert_eq!(
            f[0].diff,
            [
                "- Write about <topic>dog</topic>.",
                "+ Write about <topic>dogs</topic>."
            ]
        );
        assert_eq!(f[1].diff, ["  rendered line 2: Be brief."]);
        assert!(f[2].message.contains("^Nope"));
        assert!(
            f[3].message.contains("over max_input_tokens 3"),
            "{:?}",
            f[3]
        );
    }

    #[test]
    fn the_examples_neither_satisfy_nor_trip_the_text_checks() {
        let src = r#"name: demo
title: Demo
variables:
  topic: { type: string, required: true }
  notes: { type: text }
prompt: |
  Write about <topic>{{topic}}</topic>.
  {{#if notes}}<notes>{{notes}}</notes>{{/if}}
examples:
  - input: { topic: cats, notes: they nap }
    output: Cats nap all day long, and this answer is long enough to count.
tests:
  - vars: { topic: dogs }
    expect: { not_contains: ["<notes>"], matches: ["(?s)\\A[^<]*<topic>dogs"] }
  - vars: { topic: dogs }
    expect: { contains: ["<topic>cats</topic>"], max_input_tokens: 12 }
"#;
        let r = Recipe::parse(src, "demo.yaml").unwrap();
        let results = run_tests(&r, &Catalog::shipped(), &SnippetSet::default());
        assert!(results[0].passed(), "{:?}", results[0]);
        let f = &results[1].failures;
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f[0].message.contains("does not contain"), "{f:?}");
        // The size still counts the examples: they are sent.
        assert!(f[1].message.contains("over max_input_tokens 12"), "{f:?}");
    }

    #[test]
    fn a_short_phrase_finds_its_place_in_a_long_line() {
        let text = "Summarise today's stand-up for the team as prose.\n<notes>\nx\n</notes>\n";
        assert_eq!(
            closest("as bullets", text),
            [
                "- as bullets",
                "+ Summarise today's stand-up for the team as prose."
            ]
        );
    }

    #[test]
    fn anthropic_body_rules() {
        let body = serde_json::json!({
            "model": "claude-haiku-4-5", "max_tokens": 0, "temperature": 1.5, "system": " ",
            "messages": [{"role": "assistant", "content": ""}]
        });
        assert_eq!(body_problems(&body).len(), 5, "{:?}", body_problems(&body));
        let r = Recipe::parse(&SRC.replace("0.5", "1.5"), "demo.yaml").unwrap();
        let results = run_tests(&r, &Catalog::shipped(), &SnippetSet::default());
        assert!(
            results[0].failures[0]
                .message
                .contains("`temperature` must be from 0 to 1"),
            "{:?}",
            results[0]
        );
    }
}
