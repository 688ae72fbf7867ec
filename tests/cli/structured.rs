//! Output schemas and prompt caching: what a person sees when a recipe declares the shape of
//! its answer, and when its system prompt and examples are long enough to cache.

use serde_json::Value;

use crate::support::*;

/// A recipe with an output schema (`schema` is YAML indented by four spaces) and one example
/// whose output is `answer`.
fn with_schema(schema: &str, answer: &str) -> String {
    format!(
        "name: totals\ntitle: Totals\nvariables:\n  text: {{ type: text, required: true }}\nprompt: |\n  Read {{{{text}}}}.\noutput:\n  format: json\n  schema:\n{schema}examples:\n  - input: {{ text: a bill }}\n    output: '{answer}'\n"
    )
}

const SCHEMA: &str = "    type: object\n    properties:\n      total: { type: number }\n      currency: { type: [string, \"null\"] }\n    required: [total, currency]\n    additionalProperties: false\n";

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).expect("the output is JSON")
}

#[test]
fn a_schema_goes_where_each_api_takes_it() {
    let env = Env::new();
    env.write(
        "totals.yaml",
        with_schema(SCHEMA, r#"{"total": 3, "currency": null}"#),
    );
    env.cmd(&["add", "totals.yaml"]).ok().stderr_has("added");

    let body = json(
        &env.cmd(&["render", "totals", "-v", "text=x", "-f", "anthropic"])
            .ok(),
    );
    assert_eq!(body["output_config"]["format"]["type"], "json_schema");
    assert_eq!(
        body["output_config"]["format"]["schema"]["required"],
        serde_json::json!(["total", "currency"])
    );

    let body = json(
        &env.cmd(&["render", "totals", "-v", "text=x", "-f", "openai"])
            .ok(),
    );
    let rf = &body["response_format"];
    assert_eq!(rf["type"], "json_schema");
    assert_eq!(rf["json_schema"]["name"], "totals");
    assert_eq!(rf["json_schema"]["strict"], true);
    assert_eq!(
        rf["json_schema"]["schema"]["properties"]["total"]["type"],
        "number"
    );

    let text = env
        .cmd(&["render", "totals", "-v", "text=x"])
        .ok()
        .stdout
        .clone();
    assert!(
        text.contains(
            "Answer with JSON only (no prose, no code fences) that follows this JSON Schema:"
        ),
        "{text}"
    );
    assert!(text.trim_end().ends_with('}'), "{text}");

    let result = json(
        &env.cmd(&["render", "totals", "-v", "text=x", "-f", "json"])
            .ok(),
    );
    assert_eq!(result["output_schema"]["type"], "object");
}

/// Adds `content` and expects it refused with `message` at `at` (line:column) and `more`
/// in the text, the library unchanged; `lint` on the same file reports the same error.
fn refused(content: &str, at: &str, message: &str, more: &[&str]) {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    env.write("bad.yaml", content);
    let mut run = env
        .cmd(&["add", "bad.yaml"])
        .fails(3)
        .stderr_has(&format!("bad.yaml:{at}: {message}"));
    for e in more {
        run = run.stderr_has(e);
    }
    assert!(run.stderr().contains("hint:"), "{}", run.stderr());
    assert_eq!(env.dump(), before, "the library changed");
    env.cmd(&["lint", "bad.yaml"])
        .fails(1)
        .stdout_has(&format!("bad.yaml:{at}: error: {message}"));
}

#[test]
fn an_example_that_does_not_follow_the_schema_is_refused_by_name() {
    refused(
        &with_schema(SCHEMA, r#"{"total": "12 EUR", "currency": null}"#),
        "17:5",
        "example 1's output does not follow the schema: /total: \"12 EUR\" is not of type \"number\"",
        &[],
    );
    refused(
        &with_schema(SCHEMA, "Total: 12"),
        "17:5",
        "example 1's output is not JSON",
        &[],
    );
}

#[test]
fn keywords_the_apis_refuse_are_located() {
    refused(
        &with_schema(
            &SCHEMA.replace("{ type: number }", "{ type: number, minimum: 0 }"),
            r#"{"total": 3, "currency": null}"#,
        ),
        "12:30",
        "output.schema uses `minimum`: the structured-output APIs refuse numeric bounds",
        &[],
    );
    refused(
        &with_schema(
            &SCHEMA.replace(
                "    required: [total, currency]\n",
                "    required: [total]\n",
            ),
            r#"{"total": 3, "currency": null}"#,
        ),
        "13:7",
        "output.schema: property `currency` is not listed in `required`",
        &[],
    );
    refused(
        &with_schema(
            &SCHEMA.replace("{ type: number }", "{ type: number, descripton: Sum }"),
            r#"{"total": 3, "currency": null}"#,
        ),
        "12:30",
        "output.schema uses `descripton`",
        &["did you mean `description`?"],
    );
}

#[test]
fn a_schema_that_is_not_json_schema_is_refused() {
    refused(
        &with_schema(
            &SCHEMA.replace("{ type: number }", "{ type: numeric }"),
            r#"{"total": 3, "currency": null}"#,
        ),
        "12:16",
        "output.schema is not valid JSON Schema at /properties/total/type",
        &[],
    );
}

#[test]
fn a_test_checks_a_sample_answer_against_the_schema() {
    let env = Env::new();
    let totals = with_schema(SCHEMA, r#"{"total": 3, "currency": null}"#)
        + "tests:\n  - name: good\n    vars: { text: x }\n    expect: { answer: '{\"total\": 1, \"currency\": \"EUR\"}' }\n  - name: bad\n    vars: { text: x }\n    expect: { answer: '{\"total\": 1}' }\n";
    env.write("totals.yaml", &totals);
    let run = env.cmd(&["test", "totals.yaml"]).fails(1);
    let out = format!("{}{}", run.stdout, run.stderr());
    assert!(
        out.contains("the sample answer does not follow the schema"),
        "{out}"
    );
    assert!(out.contains("\"currency\" is a required property"), "{out}");
    assert!(out.contains("1 passed, 1 failed"), "{out}");

    let no_output =
        recipe("x", "") + "tests:\n  - vars: { topic: x }\n    expect: { answer: '{}' }\n";
    env.write("plain.yaml", no_output);
    env.cmd(&["lint", "plain.yaml"])
        .fails(1)
        .stdout_has("`answer` is checked against `output.schema`, but the recipe has no `output`");
}

/// A recipe whose system prompt is long enough for every model's cache.
fn long_system(examples: bool) -> String {
    let system = "Follow the house style guide closely. ".repeat(700);
    let ex = if examples {
        "examples:\n  - input: { topic: cats }\n    output: Cats purr.\n"
    } else {
        ""
    };
    format!(
        "name: styled\ntitle: Styled\nmodel: {{ prefer: claude-sonnet-4-5 }}\nvariables:\n  topic: {{ type: string, required: true }}\nsystem: {system}\nprompt: Write about {{{{topic}}}}.\n{ex}"
    )
}

#[test]
fn a_long_prefix_is_marked_for_caching_after_the_examples() {
    let env = Env::new();
    env.write("styled.yaml", long_system(true));
    env.cmd(&["add", "styled.yaml"]).ok().stderr_has("added");
    let body = json(
        &env.cmd(&["render", "styled", "-v", "topic=dogs", "-f", "anthropic"])
            .ok(),
    );
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(
        messages[1]["content"][0]["cache_control"],
        serde_json::json!({ "type": "ephemeral" })
    );
    assert_eq!(messages[1]["content"][0]["text"], "Cats purr.");
    assert!(
        body["system"].is_string(),
        "the system prompt stays as it was"
    );
    assert_eq!(messages[2]["content"], "Write about dogs.");

    let plain = env
        .cmd(&[
            "render",
            "styled",
            "-v",
            "topic=dogs",
            "-f",
            "anthropic",
            "--no-cache",
        ])
        .ok()
        .stdout
        .clone();
    assert!(!plain.contains("cache_control"), "{plain}");
}

#[test]
fn without_examples_the_system_prompt_is_marked() {
    let env = Env::new();
    env.write("styled.yaml", long_system(false));
    env.cmd(&["add", "styled.yaml"]).ok().stderr_has("added");
    let body = json(
        &env.cmd(&["render", "styled", "-v", "topic=dogs", "-f", "anthropic"])
            .ok(),
    );
    assert_eq!(body["system"][0]["type"], "text");
    assert_eq!(body["system"][0]["cache_control"]["type"], "ephemeral");
    assert_eq!(body["messages"][0]["content"], "Write about dogs.");
}

#[test]
fn a_short_prefix_is_not_marked() {
    let env = Env::new();
    env.write(
        "short.yaml",
        recipe(
            "short",
            "\nsystem: Be brief.\nexamples:\n  - input: { topic: cats }\n    output: Cats nap.",
        ),
    );
    env.cmd(&["add", "short.yaml"]).ok().stderr_has("added");
    let body = env
        .cmd(&[
            "render",
            "short",
            "-v",
            "topic=x",
            "-f",
            "anthropic",
            "-m",
            "claude-sonnet-4-5",
        ])
        .ok()
        .stdout
        .clone();
    assert!(body.contains("\"system\": \"Be brief.\""), "{body}");
    assert!(!body.contains("cache_control"), "{body}");
}

#[test]
fn json_shows_the_cost_of_a_first_and_a_repeated_call() {
    let env = Env::new();
    env.write("styled.yaml", long_system(true));
    env.cmd(&["add", "styled.yaml"]).ok().stderr_has("added");
    let result = json(
        &env.cmd(&["render", "styled", "-v", "topic=dogs", "-f", "json"])
            .ok(),
    );
    assert_eq!(result["cache"]["marked"], true);
    let sonnet = result["cost"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["model"] == "claude-sonnet-4-5")
        .unwrap();
    let cache = &sonnet["cache"];
    let input = sonnet["input_usd"].as_f64().unwrap();
    let first = cache["first_call_input_usd"].as_f64().unwrap();
    let again = cache["repeat_call_input_usd"].as_f64().unwrap();
    assert!(first > input && again < input / 3.0, "{sonnet}");
    let prefix = cache["prefix_tokens"].as_f64().unwrap();
    let total = result["estimate"]["input_tokens"].as_f64().unwrap();
    // The first call writes the prefix at 3.75 $/M; a repeated one reads it at 0.30 $/M.
    let expect_first = (prefix * 3.75 + (total - prefix) * 3.0) / 1e6;
    let expect_again = (prefix * 0.30 + (total - prefix) * 3.0) / 1e6;
    assert!(
        (first - expect_first).abs() < 2e-6,
        "{first} vs {expect_first}"
    );
    assert!(
        (again - expect_again).abs() < 2e-6,
        "{again} vs {expect_again}"
    );

    let off = json(
        &env.cmd(&[
            "render",
            "styled",
            "-v",
            "topic=dogs",
            "-f",
            "json",
            "--no-cache",
        ])
        .ok(),
    );
    assert_eq!(off["cache"]["enabled"], false);
    assert!(off["cost"][0].get("cache").is_none());
}
