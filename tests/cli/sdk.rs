//! Every Anthropic and OpenAI body promptbook produces is checked against the request types
//! of the official Python SDKs (`anthropic`, `openai`), through pydantic's `TypeAdapter`:
//! every starter recipe, with and without output schema and prompt caching. A body the SDK's
//! own types reject, or one with a key they do not know (but `temperature`, see `ALLOWED`),
//! fails the test.

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::support::*;

/// Validates `{label, api, body}` items read from standard input; prints one line per
/// rejected body and exits 1 if there was any. Iterables in the SDK types are validated
/// lazily by pydantic, so the result is walked into lists, which runs every check; keys the
/// types do not know are dropped by validation (or kept as a model's extras), so the result
/// must equal the input.
const CHECK: &str = r#"
import json, sys
from pydantic import BaseModel, TypeAdapter, ValidationError
from anthropic.types.message_create_params import MessageCreateParamsNonStreaming
from openai.types.chat.completion_create_params import CompletionCreateParamsNonStreaming

adapters = {
    "anthropic": TypeAdapter(MessageCreateParamsNonStreaming),
    "openai": TypeAdapter(CompletionCreateParamsNonStreaming),
}

class Unknown(Exception):
    pass

import anthropic.types

# Where a request union also admits a response model (an assistant turn's content may be a
# `TextBlock` as returned by the API), pydantic may pick the model, which keeps unknown keys
# as extras; such a block is validated again with its request type (`TextBlockParam`).
params = {}

def plain(v):
    if isinstance(v, BaseModel):
        d = v.model_dump(exclude_unset=True, by_alias=True)
        name = type(v).__name__ + "Param"
        param = getattr(anthropic.types, name, None)
        if param is None:
            if v.model_extra:
                raise Unknown(", ".join(v.model_extra))
            return plain(d)
        adapter = params.setdefault(name, TypeAdapter(param))
        return plain(adapter.validate_python(d))
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (str, bytes, int, float, bool)) or v is None:
        return v
    return [plain(x) for x in v]

# `temperature` is missing from the anthropic SDK's request types (2.16); the catalog says
# per model whether the API takes it (`temperature: false` for those that refuse it), so
# it is the one key let through here. Any other key the types do not know fails.
ALLOWED = {"body.temperature"}

def first_difference(want, got, path="body"):
    if isinstance(want, dict) and isinstance(got, dict):
        for k in want:
            if k not in got:
                if f"{path}.{k}" in ALLOWED:
                    continue
                return f"{path}.{k} is not in the SDK types"
            d = first_difference(want[k], got[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for i, (w, g) in enumerate(zip(want, got)):
            d = first_difference(w, g, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if want == got else f"{path} changed in validation"

bad = 0
items = json.load(sys.stdin)
for item in items:
    try:
        got = plain(adapters[item["api"]].validate_python(item["body"]))
        problem = first_difference(item["body"], got)
    except ValidationError as e:
        problem = f"rejected: {e}"
    except Unknown as e:
        problem = f"keys the SDK types do not know: {e}"
    if problem:
        bad += 1
        print(f"{item['label']}: {problem}")
print(f"checked {len(items)} bodies, {bad} rejected")
sys.exit(1 if bad else 0)
"#;

/// Whether python3 with both SDKs and pydantic is here; under CI=true their absence fails.
fn have_sdks() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import anthropic, openai, pydantic"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return true;
    }
    let hint =
        "the official SDKs are not installed: run .ci/deps/sdk.sh (pip install anthropic openai)";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but {hint}");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED sdk bodies: {hint}");
    false
}

/// A recipe with a long system prompt (cached on every model), a few-shot example and an
/// output schema, so the cached-system and cached-turn placements are both produced.
fn long_recipe(name: &str, examples: bool) -> String {
    let system = "Keep to the house style: short sentences, plain words. ".repeat(600);
    let ex = if examples {
        "examples:\n  - input: { topic: cats }\n    output: '{\"title\": \"Cats\"}'\n"
    } else {
        ""
    };
    format!(
        "name: {name}\ntitle: Long\nmodel: {{ prefer: claude-sonnet-4-5, temperature: 0.2 }}\nvariables:\n  topic: {{ type: string, required: true }}\nsystem: \"{system}\"\nprompt: Title for {{{{topic}}}}.\noutput:\n  format: json\n  schema:\n    type: object\n    properties:\n      title: {{ type: string }}\n    required: [title]\n    additionalProperties: false\n{ex}"
    )
}

#[test]
fn every_body_passes_the_official_sdk_types() {
    if !have_sdks() {
        return;
    }
    let env = Env::new();
    env.write("long-a.yaml", long_recipe("long-a", true));
    env.write("long-b.yaml", long_recipe("long-b", false));
    env.cmd(&["add", "long-a.yaml", "long-b.yaml"])
        .ok()
        .stderr_has("added");

    let mut cases: Vec<(String, String)> = Vec::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/recipes");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let recipe = promptbook::recipe::Recipe::parse(&text, &path.display().to_string())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let vars = recipe
            .tests
            .first()
            .map(|t| serde_json::to_string(&t.vars).unwrap())
            .unwrap_or_else(|| "{}".into());
        cases.push((recipe.name().to_string(), vars));
    }
    for name in ["long-a", "long-b"] {
        cases.push((name.into(), json!({ "topic": "dogs" }).to_string()));
    }

    let variants: [(&str, &[&str]); 4] = [
        ("anthropic", &[]),
        ("anthropic", &["--model", "claude-sonnet-4-5"]),
        ("anthropic", &["--model", "claude-sonnet-4-5", "--no-cache"]),
        ("openai", &[]),
    ];
    let mut jobs = Vec::new();
    for (name, vars) in &cases {
        let file = format!("{name}.vars.json");
        env.write(&file, vars);
        for (api, extra) in variants {
            let mut args = vec![
                "render".to_string(),
                name.clone(),
                "--vars".into(),
                file.clone(),
                "--format".into(),
                api.into(),
                "--force".into(),
            ];
            args.extend(extra.iter().map(|a| a.to_string()));
            jobs.push((format!("{name} {api} {extra:?}"), api, args));
        }
    }
    // Two at a time: the renders that count tokens are slow in a debug build.
    let render = |jobs: &[(String, &str, Vec<String>)]| -> Vec<Value> {
        jobs.iter()
            .map(|(label, api, args)| {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let run = env.cmd(&args).ok();
                // The one note a render may give: a model that takes no temperature.
                let note = run.stderr();
                assert!(
                    note.is_empty() || note.contains("does not take a temperature"),
                    "{label}: {note}"
                );
                let body: Value = serde_json::from_str(&run.stdout).unwrap();
                json!({ "label": label, "api": api, "body": body })
            })
            .collect()
    };
    let (first, second) = jobs.split_at(jobs.len() / 2);
    let items: Vec<Value> = std::thread::scope(|s| {
        let a = s.spawn(|| render(first));
        let b = render(second);
        let mut all = a.join().unwrap();
        all.extend(b);
        all
    });
    let cached = items
        .iter()
        .filter(|i| i["body"].to_string().contains("cache_control"))
        .count();
    let schemas = items
        .iter()
        .filter(|i| {
            i["body"].get("output_config").is_some() || i["body"].get("response_format").is_some()
        })
        .count();
    // The set covers what it claims to: cached bodies and bodies with a schema.
    assert!(cached >= 3, "only {cached} bodies carry cache_control");
    assert!(
        schemas >= 6 * 4,
        "only {schemas} bodies carry an output schema"
    );

    let mut child = Command::new("python3")
        .args(["-c", CHECK])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::Array(items).to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains(" 0 rejected"), "{report}");
}
