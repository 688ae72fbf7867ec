//! Property tests ("fuzzing") over everything that reads text a person or a pack supplies:
//! recipe parsing, the template walk, value resolution, rendering, the render form, bundles
//! and nesting. Cases start from the starter recipes and mutate them.
//!
//! Properties: nothing panics (proptest catches a panic and reports the input that caused
//! it), every refusal carries a message, a recipe that parses renders with its least values
//! or refuses with a message, and values are never read as templates. Deep nesting runs in
//! a child process, so a stack overflow is reported as a failure instead of ending the run.
//!
//! `cargo test` runs a few cases per property with a fixed seed; `scripts/fuzz` runs many
//! more with fresh seeds (`PROPTEST_CASES`, `PROPTEST_RNG_SEED` override both).

use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{Map, Value, json};

use crate::Error;
use crate::check::lint::{self, render_with_defaults};
use crate::pack::{self, NoProgress, bundle, manifest::Manifest};
use crate::recipe::{Invalid, Recipe, Severity, VarType};
use crate::render::{Input, render, resolve};
use crate::session::{Session, Target};
use crate::store::STARTER;

/// The proptest settings: `cases` unless `PROPTEST_CASES` says otherwise, and a fixed seed
/// unless `PROPTEST_RNG_SEED` gives one, so `cargo test` explores the same cases every run.
fn config(cases: u32) -> Config {
    let mut c = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x7072_6f6d_7074);
    }
    c.max_shrink_iters = 2_000;
    c
}

/// The settings for properties that fork a child process per case: `cases`, or a hundredth
/// of `PROPTEST_CASES` (a fork costs a process start).
fn forking_config(cases: u32) -> Config {
    let mut c = config(cases);
    if std::env::var_os("PROPTEST_CASES").is_some() {
        c.cases = (c.cases / 100).max(cases);
    }
    c.fork = true;
    c.timeout = 60_000;
    c
}

/// Text that means something to YAML or Handlebars, or that is known to trouble parsers.
const TOKENS: &[&str] = &[
    "{{",
    "}}",
    "{{{",
    "}}}",
    "{{#if topic}}",
    "{{#if x}}",
    "{{else}}",
    "{{/if}}",
    "{{#each tags}}",
    "{{#each examples}}",
    "{{/each}}",
    "{{#with topic}}",
    "{{/with}}",
    "{{#unless a}}",
    "{{/unless}}",
    "{{> p}}",
    "{{!-- c --}}",
    "{{this}}",
    "{{@index}}",
    "{{../topic}}",
    "{{lookup topic 0}}",
    "{{join tags \", \"}}",
    "{{len x}}",
    "{{eq 1 2}}",
    "{{topic.length}}",
    "{{~",
    "~}}",
    "\\{{",
    ":",
    ": ",
    "- ",
    "-",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!str ",
    "!!binary ",
    "!!int ",
    "!custom ",
    "? ",
    "|",
    "|-\n",
    ">",
    "#",
    " #",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "  ",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "null",
    "~",
    "true",
    "no",
    "-1",
    "0",
    "1e400",
    "-1e400",
    ".nan",
    ".inf",
    "99999999999999999999999999",
    "18446744073709551616",
    "-9223372036854775809",
    "0x7f",
    "0o17",
    "\0",
    "\u{feff}",
    "\u{202e}",
    "\u{85}",
    "\u{2028}",
    "é",
    "😀",
    "type: integer",
    "type: list",
    "required: true",
    "default: ",
    "min: 5",
    "max: -5",
    "choices: []",
    "variables:",
    "prompt: ",
    "messages:",
    "examples:",
    "tests:",
    "[[[[[[[[",
    "{a: {a: {a: {a: {a:",
];

/// One change to a file's bytes; positions are fractions of its length, so they stay in range.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(f64, u8),
    Delete(f64, usize),
    Insert(f64, &'static str),
    /// Copies a span of the file to another place (a line, a value, a block).
    Duplicate(f64, usize, f64),
    /// Swaps the text after the `: ` of two lines (a number where a list was, …).
    SwapValues(f64, f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        1 => (at.clone(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        1 => (at.clone(), 1usize..40).prop_map(|(p, n)| Mutation::Delete(p, n)),
        4 => (at.clone(), proptest::sample::select(TOKENS)).prop_map(|(p, t)| Mutation::Insert(p, t)),
        1 => (at.clone(), 1usize..200, at.clone()).prop_map(|(p, n, q)| Mutation::Duplicate(p, n, q)),
        2 => (at.clone(), at).prop_map(|(p, q)| Mutation::SwapValues(p, q)),
    ]
}

fn index(len: usize, at: f64) -> usize {
    ((len as f64 * at) as usize).min(len)
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    match *m {
        Mutation::Flip(at, b) => {
            if !bytes.is_empty() {
                let i = index(bytes.len() - 1, at);
                bytes[i] ^= b.max(1);
            }
        }
        Mutation::Delete(at, n) => {
            let i = index(bytes.len(), at);
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::Insert(at, t) => {
            let i = index(bytes.len(), at);
            bytes.splice(i..i, t.bytes());
        }
        Mutation::Duplicate(from, n, to) => {
            let i = index(bytes.len(), from);
            let span: Vec<u8> = bytes[i..(i + n).min(bytes.len())].to_vec();
            let j = index(bytes.len(), to);
            bytes.splice(j..j, span);
        }
        Mutation::SwapValues(a, b) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
            let with_value: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].contains(": "))
                .collect();
            if with_value.len() < 2 {
                return;
            }
            let i = with_value[index(with_value.len() - 1, a)];
            let j = with_value[index(with_value.len() - 1, b)];
            let split = |l: &str| {
                let k = l.find(": ").unwrap() + 2;
                (l[..k].to_string(), l[k..].to_string())
            };
            let (ki, vi) = split(&lines[i]);
            let (kj, vj) = split(&lines[j]);
            lines[i] = format!("{ki}{vj}");
            lines[j] = format!("{kj}{vi}");
            *bytes = lines.join("\n").into_bytes();
        }
    }
}

/// A starter recipe's file name and its text with `mutations` applied.
fn mutated_starter() -> impl Strategy<Value = (&'static str, Vec<u8>)> {
    (
        0..STARTER.len(),
        proptest::collection::vec(mutation(), 1..6),
    )
        .prop_map(|(i, ms)| {
            let (file, yaml) = STARTER[i];
            let mut bytes = yaml.as_bytes().to_vec();
            for m in &ms {
                apply(&mut bytes, m);
            }
            (file, bytes)
        })
}

/// A refused recipe must say why: at least one error, and no empty message or hint.
fn assert_refusal(inv: &Invalid) {
    assert!(!inv.origin.is_empty());
    assert!(
        inv.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error),
        "refused without an error: {inv:?}"
    );
    for d in &inv.diagnostics {
        assert!(!d.message.trim().is_empty(), "empty message: {inv:?}");
        assert!(d.hint.as_deref().is_none_or(|h| !h.trim().is_empty()));
    }
    assert_error(&Error::from(inv.clone()));
}

fn assert_error(e: &Error) {
    assert!(
        !e.message.trim().is_empty(),
        "an error without a message: {e:?}"
    );
    for h in &e.hints {
        assert!(!h.trim().is_empty(), "an empty hint: {e:?}");
    }
}

/// What every accepted recipe must do: render with its least values (or refuse with a
/// message), read back from its render form alike, and render to every format.
fn check_accepted(recipe: Recipe, yaml: &str, origin: &str) {
    let rendered = render_with_defaults(&recipe, &Default::default());
    if let Err(e) = &rendered {
        assert_error(e);
    }
    let form = recipe.render_form();
    let again = Recipe::from_render_form(Some(&form), yaml, origin)
        .unwrap_or_else(|e| panic!("the render form of an accepted recipe is refused: {e:?}"));
    assert_eq!(again.def.variables, recipe.def.variables);
    match (&rendered, render_with_defaults(&again, &Default::default())) {
        (Ok(a), Ok(b)) => assert_eq!(a, &b, "the render form renders differently"),
        (Err(a), Err(b)) => assert_eq!(a.message, b.message),
        (a, b) => panic!("the render form disagrees: {a:?} / {b:?}"),
    }
    let quick = Recipe::parse_for_render(yaml, origin)
        .unwrap_or_else(|e| panic!("an accepted recipe is refused for rendering: {e:?}"));
    assert_eq!(quick.def.variables, recipe.def.variables);
    if rendered.is_ok() {
        let session = Session::from_parsed(
            recipe.name().to_string(),
            1,
            Arc::new(recipe),
            Default::default(),
        );
        let given = least_given(session.recipe());
        for format in [
            crate::Format::Text,
            crate::Format::Anthropic,
            crate::Format::Openai,
            crate::Format::Json,
            crate::Format::Curl,
        ] {
            let target = Target {
                format,
                model: None,
                force: true,
                no_cache: false,
            };
            if let Err(e) = session.render(&given, &target, &|n| format!("--var {n}=…")) {
                assert_error(&e);
            }
        }
    }
}

/// The values `render_with_defaults` uses, for a session (it does not expose them).
fn least_given(recipe: &Recipe) -> Vec<(String, Input)> {
    recipe
        .variables
        .iter()
        .filter(|(_, v)| v.needs_value())
        .map(|(name, v)| {
            let value = match v.kind {
                VarType::Choice => json!(v.choices.first().cloned().unwrap_or_default()),
                VarType::Integer | VarType::Number => json!(v.min.unwrap_or(0.0).ceil() as i64),
                VarType::Boolean => json!(false),
                VarType::List => json!(["x"]),
                _ => json!("x"),
            };
            (name.clone(), Input::Value(value))
        })
        .collect()
}

/// A random value for a variable: text of tokens, numbers at and past its bounds, lists,
/// choices, and values of the wrong type.
fn value_for(var: &crate::recipe::Variable) -> BoxedStrategy<Input> {
    let text = proptest::collection::vec(
        prop_oneof![
            proptest::sample::select(TOKENS).prop_map(str::to_string),
            "[a-z ]{0,8}",
            any::<String>(),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat());
    let choices = var.choices.clone();
    let bounds: Vec<f64> = [var.min, var.max]
        .into_iter()
        .flatten()
        .flat_map(|b| [b - 1.0, b, b + 0.5, b + 1.0])
        .collect();
    let typed = prop_oneof![
        text.clone().prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        proptest::collection::vec(text.clone().prop_map(Value::String), 0..4)
            .prop_map(Value::Array),
        Just(json!([[1, {"a": [null]}], {"b": "{{topic}}"}])),
        Just(json!({"topic": "x"})),
        proptest::sample::select(if choices.is_empty() {
            vec![String::new()]
        } else {
            choices.clone()
        })
        .prop_map(Value::String),
        proptest::sample::select(if bounds.is_empty() {
            vec![0.0]
        } else {
            bounds.clone()
        })
        .prop_map(|f| json!(f)),
    ];
    let as_text = prop_oneof![
        text,
        proptest::sample::select(if choices.is_empty() {
            vec![String::new()]
        } else {
            choices
        })
        .prop_map(|c| format!(" {c} ")),
        proptest::sample::select(if bounds.is_empty() { vec![0.0] } else { bounds })
            .prop_map(|f| f.to_string()),
        Just("yes".to_string()),
        Just("a, b,\n c,,".to_string()),
    ];
    prop_oneof![typed.prop_map(Input::Value), as_text.prop_map(Input::Text)].boxed()
}

/// A starter recipe and random values for some of its variables (and some unknown names).
fn starter_with_values() -> impl Strategy<Value = (Arc<Recipe>, Vec<(String, Input)>)> {
    let parsed: Vec<Arc<Recipe>> = STARTER
        .iter()
        .map(|(f, y)| Arc::new(Recipe::parse(y, f).expect("starter recipes parse")))
        .collect();
    proptest::sample::select(parsed).prop_flat_map(|recipe| {
        let mut names: Vec<String> = recipe.variables.keys().cloned().collect();
        names.push("not_a_variable".into());
        names.push("topc".into());
        let per_name: Vec<BoxedStrategy<(String, Input)>> = names
            .iter()
            .map(|n| {
                let var = recipe
                    .variables
                    .get(n)
                    .map(|v| v.value.clone())
                    .unwrap_or_default();
                let n = n.clone();
                value_for(&var).prop_map(move |i| (n.clone(), i)).boxed()
            })
            .collect();
        let picks = proptest::collection::vec(proptest::sample::select(per_name), 0..8)
            .prop_flat_map(|strats| strats);
        (Just(recipe), picks)
    })
}

/// A template made of text, the recipe's variables and Handlebars constructs.
fn template() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            3 => proptest::sample::select(&[
                "{{a}}", "{{n}}", "{{l}}", "{{b}}", "{{c}}", "{{{a}}}", "{{#if b}}", "{{#if a}}",
                "{{else}}", "{{/if}}", "{{#unless n}}", "{{/unless}}", "{{#each l}}", "{{this}}",
                "{{@index}}", "{{@first}}", "{{../a}}", "{{/each}}", "{{#with a}}", "{{/with}}",
                "{{#each examples}}", "{{input}}", "{{output}}", "{{join l \" / \"}}",
                "{{#if (eq c \"x\")}}", "{{#if (gt n 3)}}", "{{len l}}", "{{lookup l 0}}",
                "{{> p}}", "{{!-- note --}}", "{{~a~}}", "{{a.b}}", "{{undeclared}}", "\\{{a}}",
                "{{#each a}}", "{{#if}}", "{{/if", "{{#raw}}", "{{{{raw}}}}", "{{{{/raw}}}}",
                "{{#each l as |x i|}}", "{{x}}", "{{i}}", "{{#if l}}", "{{!}}", "{{&a}}",
                "{{log a}}", "{{> (a)}}", "{{*a}}", "{{#*inline \"p\"}}", "{{/inline}}",
                "{{#>p}}", "{{else if b}}", "{{^}}", "{{#if b}}{{else}}",
            ][..]).prop_map(str::to_string),
            1 => proptest::sample::select(TOKENS).prop_map(str::to_string),
            1 => "[a-z \n]{0,12}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

/// A small recipe whose prompt (and sometimes system) is `template`, declaring one variable
/// of each kind; YAML-quoted so the template arrives as written.
fn recipe_with_template(template: &str, system: Option<&str>) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap();
    let mut y = String::from(
        "name: t\ntitle: T\nvariables:\n  a: { type: string }\n  n: { type: integer, min: 1, max: 9 }\n  l: { type: list }\n  b: { type: boolean }\n  c: { type: choice, choices: [x, y] }\nexamples:\n  - input: { a: ex }\n    output: done\n",
    );
    if let Some(s) = system {
        y.push_str(&format!("system: {}\n", q(s)));
    }
    y.push_str(&format!("prompt: {}\n", q(template)));
    y
}

fn starter_bundle() -> String {
    let manifest = Manifest::new("fuzz", "1.0.0");
    let entries: Vec<(String, String, &str)> = STARTER
        .iter()
        .take(3)
        .map(|(f, y)| {
            use sha2::Digest;
            let hash = sha2::Sha256::digest(y.as_bytes());
            let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
            (f.to_string(), hex, *y)
        })
        .collect();
    let borrowed: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|(f, h, y)| (f.as_str(), h.as_str(), *y))
        .collect();
    bundle::write_entries(&manifest, &borrowed, &[])
}

proptest! {
    #![proptest_config(config(64))]

    /// A mutated starter recipe is accepted (and then renders or refuses with a message), or
    /// refused with located messages. Lint reads it alike.
    #[test]
    fn mutated_starters_parse_or_refuse((file, bytes) in mutated_starter()) {
        match Recipe::parse_bytes(&bytes, file) {
            Ok(recipe) => check_accepted(recipe, std::str::from_utf8(&bytes).unwrap(), file),
            Err(inv) => assert_refusal(&inv),
        }
        let report = lint::lint(
            &bytes,
            file,
            &crate::catalog::Catalog::shipped(),
            &lint::no_snippets,
        );
        for d in &report.diagnostics {
            prop_assert!(!d.message.trim().is_empty());
        }
        if let Ok(text) = std::str::from_utf8(&bytes)
            && let Err(inv) = Recipe::parse_for_render(text, file)
        {
            assert_refusal(&inv);
        }
    }

    /// Random values for a starter recipe's variables resolve and render, or are refused
    /// with a message naming what was wrong.
    #[test]
    fn random_values_render_or_refuse((recipe, given) in starter_with_values()) {
        match resolve(&recipe, &given) {
            Ok(values) => {
                if let Err(e) = render(&recipe, &values) {
                    assert_error(&e);
                }
            }
            Err(e) => {
                prop_assert!(!e.is_empty());
                for (_, v) in &e.invalid {
                    prop_assert!(!v.message.trim().is_empty());
                }
                assert_error(&e.to_error(&recipe, &|n| format!("--var {n}=…")));
            }
        }
        let session = Session::from_parsed(
            recipe.name().to_string(),
            1,
            recipe.clone(),
            Default::default(),
        );
        let naming = |n: &str| format!("--var {n}=…");
        if let Err(e) = session.check(&given, &naming) {
            assert_error(&e);
        }
        let target = Target { format: crate::Format::Json, model: None, force: false, no_cache: false };
        if let Err(e) = session.render(&given, &target, &naming) {
            assert_error(&e);
        }
    }

    /// A value is text, never a template: `{{…}}` in a value comes out as given.
    #[test]
    fn values_are_never_reparsed(
        value in proptest::collection::vec(prop_oneof![
            proptest::sample::select(TOKENS).prop_map(str::to_string),
            any::<String>(),
        ], 0..6).prop_map(|p| p.concat()),
        kind in proptest::sample::select(&["string", "text"][..]),
    ) {
        let yaml = format!("name: t\ntitle: T\nvariables:\n  v: {{ type: {kind} }}\n  topic: {{ type: string, default: SECRET }}\nprompt: \"<{{{{v}}}}>{{{{topic}}}}\"\n");
        let recipe = Recipe::parse(&yaml, "t.yaml").unwrap();
        match resolve(&recipe, &[("v".into(), Input::Text(value.clone()))]) {
            Ok(values) => {
                let given = values["v"].as_str().unwrap().to_string();
                let out = render(&recipe, &values).unwrap();
                let expected = format!("<{given}>SECRET");
                prop_assert_eq!(&out.messages[0].content, expected.trim_end());
            }
            Err(e) => assert_error(&e.to_error(&recipe, &|n| n.to_string())),
        }
    }

    /// Random templates are refused with a message at add, or render with any values.
    #[test]
    fn random_templates_compile_or_refuse(
        prompt in template(),
        system in proptest::option::of(template()),
        n in -2i64..12,
        b in any::<bool>(),
        l in proptest::collection::vec("[a-z{}#/ ]{0,6}", 0..3),
    ) {
        let yaml = recipe_with_template(&prompt, system.as_deref());
        match Recipe::parse(&yaml, "t.yaml") {
            Ok(recipe) => {
                let given = vec![
                    ("a".to_string(), Input::Text("{{a}}".into())),
                    ("n".to_string(), Input::Value(json!(n))),
                    ("b".to_string(), Input::Value(json!(b))),
                    ("l".to_string(), Input::Value(json!(l))),
                ];
                match resolve(&recipe, &given) {
                    Ok(values) => {
                        if let Err(e) = render(&recipe, &values) {
                            assert_error(&e);
                        }
                    }
                    Err(e) => assert_error(&e.to_error(&recipe, &|n| n.to_string())),
                }
                check_accepted(recipe, &yaml, "t.yaml");
            }
            Err(inv) => assert_refusal(&inv),
        }
    }

    /// A mutated bundle is read and validated, or refused with a message.
    #[test]
    fn mutated_bundles_read_or_refuse(
        ms in proptest::collection::vec(mutation(), 0..6),
        noise in proptest::option::weighted(0.1, proptest::collection::vec(any::<u8>(), 0..400)),
    ) {
        let mut bytes = match noise {
            Some(n) => n,
            None => starter_bundle().into_bytes(),
        };
        for m in &ms {
            apply(&mut bytes, m);
        }
        match bundle::parse(&bytes, "fuzz.bundle.yaml") {
            Ok(raw) => {
                if let Err(e) = pack::validate(raw, &NoProgress) {
                    assert_error(&e);
                }
            }
            Err(e) => assert_error(&e),
        }
    }

    /// A damaged render form falls back to the YAML or is refused; it never panics.
    #[test]
    fn mutated_render_forms_read_or_fall_back(
        i in 0..STARTER.len(),
        ms in proptest::collection::vec(mutation(), 1..5),
    ) {
        let (file, yaml) = STARTER[i];
        let recipe = Recipe::parse(yaml, file).unwrap();
        let mut form = recipe.render_form().into_bytes();
        for m in &ms {
            apply(&mut form, m);
        }
        let form = String::from_utf8_lossy(&form);
        match Recipe::from_render_form(Some(&form), yaml, file) {
            Ok(r) => {
                if let Err(e) = render_with_defaults(&r, &Default::default()) {
                    assert_error(&e);
                }
            }
            Err(inv) => assert_refusal(&inv),
        }
    }

    /// Any YAML-ish text given to the YAML reader as a generic value or a recipe's values
    /// file is read or refused with a message.
    #[test]
    fn yaml_values_read_or_refuse(
        parts in proptest::collection::vec(proptest::sample::select(TOKENS), 0..30),
    ) {
        let text = parts.concat();
        if let Err(e) = crate::yaml::from_str::<Map<String, Value>>(&text) {
            prop_assert!(!e.message.trim().is_empty());
        }
        if let Err(e) = crate::yaml::from_str::<Value>(&text) {
            prop_assert!(!e.message.trim().is_empty());
        }
    }
}

/// Text nested `depth` deep in one of the ways a file can nest.
fn nested(kind: u8, depth: usize) -> (String, String) {
    let open_close = |open: &str, close: &str| (open.repeat(depth), close.repeat(depth));
    let (o, c) = match kind {
        0 => open_close("{{#if a}}", "{{/if}}"),
        1 => open_close("{{#each l}}", "{{/each}}"),
        2 => open_close("{{#with a}}", "{{/with}}"),
        3 => open_close("{{#unless b}}x{{else}}", "{{/unless}}"),
        4 => open_close("{{#if (and ", "b)}}{{/if}}"),
        5 => open_close("(", ")"),
        _ => open_close("{{#if a}}{{#each l}}", "{{/each}}{{/if}}"),
    };
    (o, c)
}

proptest! {
    // Each case runs in a child process: a stack overflow aborts the process, and must be
    // reported as a failing case rather than end the test run.
    #![proptest_config(forking_config(12))]

    /// Templates nested far past any real need are refused with a message, or render; the
    /// parse, the template walk and the render never overflow the stack.
    #[test]
    fn deep_template_nesting_is_refused_not_overflowed(
        kind in 0u8..7,
        depth in prop_oneof![1usize..64, Just(1_000usize), Just(10_000usize), Just(100_000usize)],
    ) {
        let (open, close) = nested(kind, depth);
        let template = if kind == 5 {
            format!("{{{{#if {open}b{close}}}}}x{{{{/if}}}}")
        } else {
            format!("{open}x{close}")
        };
        let yaml = recipe_with_template(&template, None);
        match Recipe::parse(&yaml, "t.yaml") {
            Ok(recipe) => {
                if let Err(e) = render_with_defaults(&recipe, &Default::default()) {
                    assert_error(&e);
                }
            }
            Err(inv) => {
                assert_refusal(&inv);
            }
        }
    }

    /// Deeply nested YAML (a recipe, a bundle, a value) is refused with a message, never
    /// overflowing the stack.
    #[test]
    fn deep_yaml_nesting_is_refused_not_overflowed(
        kind in 0u8..4,
        depth in prop_oneof![1usize..64, Just(1_000usize), Just(100_000usize)],
    ) {
        let text = match kind {
            0 => format!("name: t\ntitle: T\ntags: {}{}\nprompt: x\n", "[".repeat(depth), "]".repeat(depth)),
            1 => format!("name: t\ntitle: T\nvariables:\n  v: {{ type: list, default: {}{} }}\nprompt: x\n", "[".repeat(depth), "]".repeat(depth)),
            2 => format!("bundle: 1\npack: {}{}\n", "{a: ".repeat(depth), "}".repeat(depth)),
            _ => (0..depth.min(5_000)).map(|i| format!("{}- \n", "  ".repeat(i))).collect(),
        };
        if kind == 2 {
            if let Err(e) = bundle::parse(text.as_bytes(), "deep.bundle.yaml") {
                assert_error(&e);
            }
        } else {
            match Recipe::parse(&text, "deep.yaml") {
                Ok(r) => check_accepted(r, &text, "deep.yaml"),
                Err(inv) => assert_refusal(&inv),
            }
        }
        if let Err(e) = crate::yaml::from_str::<Value>(&text) {
            prop_assert!(!e.message.trim().is_empty());
        }
    }
}
