//! `promptbook lint` and `promptbook test`, on files not yet added and on the library, and
//! the starter pack held to both.

use crate::support::*;

/// The starter pack in this repository.
fn starter_pack() -> String {
    format!("{}/recipes", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_starter_pack_lints_clean() {
    let env = Env::new();
    let run = env.cmd(&["lint", &starter_pack()]).ok();
    assert_eq!(
        run.stdout, "",
        "findings in the starter pack:\n{}",
        run.stdout
    );
    assert!(
        run.stderr().contains("no errors, no warnings"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_starter_pack_passes_its_tests() {
    let env = Env::new();
    let run = env.cmd(&["test", &starter_pack()]).ok();
    let last = run.stdout.lines().last().unwrap_or("");
    assert!(
        regex::Regex::new(r"^\d+ passed, 0 failed$")
            .unwrap()
            .is_match(last),
        "{}",
        run.stdout
    );
}

/// Every starter recipe, as seeded, shows at least two examples and three tests: models copy
/// examples more than they follow rules, and a branch without a test regresses unseen.
#[test]
fn every_starter_recipe_has_two_examples_and_three_tests() {
    let env = Env::new();
    let counts = regex::Regex::new(r"(?m)^Examples: (\d+)\s+Tests: (\d+)$").unwrap();
    let mut names: Vec<String> = std::fs::read_dir(starter_pack())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 24, "{names:?}");
    for name in &names {
        let shown = env.cmd(&["show", name]).ok().stdout.clone();
        let c = counts
            .captures(&shown)
            .unwrap_or_else(|| panic!("no counts for {name}:\n{shown}"));
        let (examples, tests): (usize, usize) = (c[1].parse().unwrap(), c[2].parse().unwrap());
        assert!(
            examples >= 2 && tests >= 3,
            "{name}: {examples} examples, {tests} tests"
        );
    }
}

#[test]
fn the_seeded_library_lints_and_tests_clean_too() {
    let env = Env::new();
    env.cmd(&["lint"]).ok().stderr_has("no errors, no warnings");
    env.cmd(&["test"]).ok();
    env.cmd(&["lint", "blog-draft", "email-triage"])
        .ok()
        .stderr_has("Checked 2 recipes: no errors, no warnings.");
}

/// A recipe with one of each warning: an unused variable, no description, no examples, a
/// comment that hides text, and a default render over the window of its model.
const WARNINGS: &str = r#"name: warned
title: Warned
model: { prefer: claude-haiku-4-5, max_tokens: 199995 }
variables:
  topic: { type: string, required: true }
  unused: { type: string, default: x }
  notes: { type: text, default: "a default value long enough to take more than a few tokens" }
prompt: |
  About {{topic}}. {{!IMPORTANT}} {{notes}}
"#;

#[test]
fn lint_reports_warnings_with_line_column_and_fix() {
    let env = Env::new();
    env.write("warned.yaml", WARNINGS);
    let run = env.cmd(&["lint", "warned.yaml"]).ok();
    insta::assert_snapshot!("lint_warnings", run.stdout);
    assert!(
        run.stderr().contains("5 warnings in 1 recipe, no errors."),
        "{}",
        run.stderr()
    );
}

#[test]
fn lint_errors_exit_1_and_name_every_problem() {
    let env = Env::new();
    env.write("pack/good.yaml", recipe("good", ""));
    env.write(
        "pack/bad.yaml",
        recipe("bad", " {{audiense}}")
            .replace("default: warm", "default: hot")
            + "tests:\n  - vars: { topic: x, colour: red }\n    expect: { matches: [\"(unclosed\"] }\n",
    );
    env.write("pack/broken.yaml", "name: broken\ntitle: [unclosed\n");
    let run = env.cmd(&["lint", "pack"]).fails(1);
    insta::assert_snapshot!("lint_errors", run.stdout);
    assert!(
        run.stderr()
            .starts_with("error: lint found 5 errors and 1 warning in 3 recipes"),
        "{}",
        run.stderr()
    );
}

#[test]
fn lint_json_lists_files_and_findings() {
    let env = Env::new();
    env.write("warned.yaml", WARNINGS);
    let run = env
        .cmd(&["lint", "warned.yaml", "--json"])
        .ok()
        .stderr_has("5 warnings in 1 recipe, no errors.");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], 5);
    let first = &json["files"][0];
    assert_eq!(first["origin"], "warned.yaml");
    assert_eq!(first["recipe"], "warned");
    let d = &first["diagnostics"][0];
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 8);
    assert!(d["hint"].as_str().unwrap().contains("description:"));
}

#[test]
fn lint_and_test_of_unknown_names_and_paths() {
    let env = Env::new();
    env.cmd(&["lint", "blog-drafts"])
        .fails(4)
        .stderr_has("did you mean `blog-draft`?");
    env.cmd(&["test", "nope.yaml"])
        .fails(4)
        .stderr_has("nope.yaml does not exist");
    env.write("empty/readme.txt", "no recipes");
    env.cmd(&["lint", "empty"])
        .fails(4)
        .stderr_has("has no .yaml files");
}

/// A recipe whose tests fail in every way `test` checks.
const FAILING: &str = r#"name: failing
title: Failing
description: Tests that fail.
model: { prefer: haiku, temperature: 1.5 }
variables:
  topic: { type: string, required: true }
prompt: |
  Write about <topic>{{topic}}</topic>.
  Keep it brief.
examples:
  - input: { topic: cats }
    output: Cats nap.
tests:
  - name: passes apart from the body
    vars: { topic: dogs }
    expect: { contains: ["<topic>dogs</topic>"] }
  - name: near misses
    vars: { topic: dogs }
    expect:
      contains: ["Write about <topic>dog</topic>."]
      not_contains: ["Keep it brief"]
      matches: ["^Never$"]
      max_input_tokens: 5
"#;

#[test]
fn test_prints_each_failure_with_its_diff_and_a_count() {
    let env = Env::new();
    env.write("failing.yaml", FAILING);
    env.write("ok.yaml", recipe("fine", "") + "tests:\n  - vars: { topic: owls }\n    expect: { contains: [owls], not_contains: [\"{{\"], matches: [\"\\\\bowls\\\\.\"] }\n");
    let run = env.cmd(&["test", "failing.yaml", "ok.yaml"]).fails(1);
    insta::assert_snapshot!("test_failures", run.stdout);
    assert!(
        run.stdout.ends_with("\n1 passed, 2 failed\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr().starts_with("error: 2 of 3 tests failed"),
        "{}",
        run.stderr()
    );
    // Fixed, the same files pass.
    env.write(
        "failing.yaml",
        FAILING
            .replace("temperature: 1.5", "temperature: 0.5")
            .replace("<topic>dog</topic>", "<topic>dogs</topic>")
            .replace(
                "not_contains: [\"Keep it brief\"]",
                "not_contains: [\"{{\"]",
            )
            .replace("^Never$", "(?m)^Keep it brief\\\\.$")
            .replace("max_input_tokens: 5", "max_input_tokens: 100"),
    );
    let run = env.cmd(&["test", "failing.yaml", "ok.yaml"]).ok();
    assert_eq!(run.stdout, "3 passed, 0 failed\n");
}

#[test]
fn test_with_an_invalid_regex_is_a_clear_error() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    env.write(
        "re.yaml",
        recipe("re", "")
            + "tests:\n  - vars: { topic: x }\n    expect: { matches: [\"(unclosed\"] }\n",
    );
    let run = env
        .cmd(&["test", "re.yaml"])
        .fails(3)
        .stderr_has("re.yaml:14:5: test 1: invalid regex \"(unclosed\": unclosed group")
        .stderr_has("1 file could not be tested because it is not a valid recipe");
    assert_eq!(
        run.stdout,
        "FAIL re.yaml: not a valid recipe (see the error above)\n0 passed, 1 failed\n"
    );
    env.cmd(&["add", "re.yaml"])
        .fails(3)
        .stderr_has("invalid regex");
    assert_eq!(env.dump(), before);
}

#[test]
fn test_runs_recipes_in_the_library_by_name() {
    let env = Env::new();
    env.write(
        "mine.yaml",
        recipe("mine", "")
            + "tests:\n  - vars: { topic: bees }\n    expect: { contains: [\"about bees\"] }\n",
    );
    env.cmd(&["add", "mine.yaml"]).ok().stderr_has("added mine");
    env.cmd(&["test", "mine", "blog-draft"])
        .ok()
        .stdout_has("passed, 0 failed");
}
