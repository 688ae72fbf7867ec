//! Bad input: each gives `error:` with where and how to fix it, a documented exit code, no
//! panic, and an unchanged library.

use crate::support::*;

/// Adds `content` as a recipe file and expects exit 3 with `expect` in the message, and the
/// library unchanged.
fn rejected(content: &[u8], expect: &[&str]) -> Run {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    env.write("bad.yaml", content);
    let mut run = env.cmd(&["add", "bad.yaml"]).fails(3);
    for e in expect {
        run = run.stderr_has(e);
    }
    assert!(run.stderr().contains("hint:"), "{}", run.stderr());
    assert_eq!(env.dump(), before, "the library changed");
    run
}

#[test]
fn broken_yaml_shows_line_and_column() {
    rejected(
        b"name: x\ntitle: [unclosed\nprompt: hi\n",
        &["bad.yaml:3:7:", "every `[` or `{` must be closed"],
    );
}

#[test]
fn unknown_field_is_named() {
    let r = rejected(
        recipe("x", "\ntemprature: 1").as_bytes(),
        &["bad.yaml:13:1: unknown field `temprature`"],
    );
    insta::assert_snapshot!("unknown_field", r.stderr());
}

#[test]
fn duplicate_field_is_named() {
    rejected(
        format!("title: Again\n{}", recipe("x", "")).as_bytes(),
        &["bad.yaml:3:1: duplicate mapping key: title"],
    );
}

#[test]
fn template_syntax_error_points_into_the_file() {
    rejected(
        recipe("x", " {{#if topic}}unclosed").as_bytes(),
        &["bad.yaml:", "template syntax error"],
    );
}

#[test]
fn undeclared_variable_is_located() {
    let r = rejected(
        recipe("x", " For {{audience}}.").as_bytes(),
        &[
            "bad.yaml:12:47:",
            "`audience`, which the recipe does not declare",
        ],
    );
    insta::assert_snapshot!("undeclared_variable", r.stderr());
}

#[test]
fn bad_defaults_and_choices_are_refused() {
    rejected(
        recipe("x", "")
            .replace("default: warm", "default: hot")
            .as_bytes(),
        &["bad.yaml:10:", "invalid default: `tone` cannot be \"hot\""],
    );
    rejected(
        b"name: x\ntitle: X\nvariables:\n  n: { type: integer, default: 5, min: 10 }\nprompt: '{{n}}'\n",
        &["bad.yaml:4:", "`n` must be at least 10, not 5"],
    );
    rejected(
        b"name: x\ntitle: X\nvariables:\n  n: { type: integer, default: lots }\nprompt: '{{n}}'\n",
        &["must be a whole number"],
    );
}

#[test]
fn non_utf8_file_is_refused_with_its_position() {
    rejected(
        b"name: x\ntitle: caf\xe9\nprompt: hi\n",
        &["bad.yaml:2:11: the file is not valid UTF-8"],
    );
}

#[test]
fn bad_name_is_refused() {
    rejected(recipe("Bad_Name", "").as_bytes(), &["is not kebab-case"]);
}

#[test]
fn missing_file_for_a_value() {
    let env = Env::new();
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        "topic=x",
        "--var",
        "notes=@nowhere.txt",
    ])
    .fails(4)
    .stderr_has("cannot read the file for `notes` nowhere.txt: no such file");
}

#[test]
fn non_utf8_value_file() {
    let env = Env::new();
    env.write("latin1.txt", b"caf\xe9");
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        "topic=x",
        "--var",
        "notes=@latin1.txt",
    ])
    .fails(2)
    .stderr_has("is not UTF-8 text");
}

#[test]
fn value_over_the_size_limit() {
    let env = Env::new();
    env.write("huge.txt", vec![b'a'; 1024 * 1024 + 1]);
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        "topic=x",
        "--var",
        "notes=@huge.txt",
    ])
    .fails(2)
    .stderr_has("over the limit of 1048576 bytes (1 MiB)");
}

#[test]
fn a_file_that_is_not_a_library_is_left_untouched() {
    let env = Env::new();
    let text = "these are my notes, not a database\n".repeat(200);
    let path = env.write("notes.txt", &text);
    env.cmd(&["list", "--library", path.to_str().unwrap()])
        .fails(5)
        .stderr_has("is not a promptbook library (not a SQLite database)");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // A SQLite database of some other program is not taken over either.
    let other = env.path("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute("CREATE TABLE mine (x)", []).unwrap();
    drop(conn);
    env.cmd(&["list", "--library", other.to_str().unwrap()])
        .fails(5)
        .stderr_has("not a promptbook library");
}

#[test]
fn a_read_only_library_refuses_writes_and_still_reads() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let mut perms = std::fs::metadata(env.lib()).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(env.lib(), perms).unwrap();
    let before = env.dump();
    env.write("r.yaml", recipe("new-one", ""));
    env.cmd(&["add", "r.yaml"])
        .fails(5)
        .stderr_has("is read-only")
        .stderr_has("chmod u+w");
    env.cmd(&["rm", "blog-draft", "--yes"]).fails(5);
    assert_eq!(env.dump(), before);
    env.cmd(&["render", "blog-draft", "--var", "topic=x"]).ok();
}

#[test]
fn var_without_equals_and_bad_vars_file() {
    let env = Env::new();
    env.cmd(&["render", "blog-draft", "--var", "topic"])
        .fails(2)
        .stderr_has("has no `=`");
    env.write("v.yaml", "topic: [unclosed\n");
    env.cmd(&["render", "blog-draft", "--vars", "v.yaml"])
        .fails(2)
        .stderr_has("v.yaml:");
    env.cmd(&["render", "blog-draft", "--var", "a=-", "--var", "b=-"])
        .fails(2)
        .stderr_has("one variable only");
}

#[test]
fn unknown_format_is_a_usage_error() {
    let env = Env::new();
    let run = env.cmd(&["render", "blog-draft", "--format", "yaml"]).run();
    assert_eq!(run.code, 2);
    assert!(run.stderr().contains("possible values"), "{}", run.stderr());
}

#[test]
fn a_bound_that_is_not_a_finite_number_is_refused() {
    rejected(
        b"name: nums\ntitle: Numbers\nvariables:\n  n: { type: number, min: .inf }\nprompt: \"N is {{n}}\"\n",
        &["bad.yaml:4:27: `variables.n.min` must be a number, e.g. 10 or 2.5, not the number .inf"],
    );
}

/// A recipe with a wrong type in every section: one run names each by its path, says what
/// was expected and found, and where.
#[test]
fn every_wrong_type_is_reported_at_once_by_its_path() {
    let r = rejected(
        b"name: [a, b]
title: Numbers everywhere
tags: 5
model:
  prefer: [sonnet]
  max_tokens: 10000000000000
  temperature: hot
variables:
  words: { type: int, min: two hundred, max: 4000 }
  topic: string
  count: { type: integer, min: 500, max: 100 }
  level: { type: number, requird: true }
examples: { input: x }
tests: 3
prompt: Write {{words}} words about {{topic}}, {{count}} times at {{level}}.
",
        &[
            "bad.yaml has 12 problems:",
            "bad.yaml:1:7: `name` must be a kebab-case name, e.g. blog-draft, not a list",
            "bad.yaml:3:7: `tags` must be a list, e.g. `tags: [writing, email]`, not the number 5",
            "bad.yaml:6:15: `model.max_tokens` must be a whole number from 1 to 1,000,000, not the number 10000000000000",
            "bad.yaml:7:16: `model.temperature` must be a number from 0 to 2, e.g. 0.7, not the text \"hot\"",
            "bad.yaml:9:18: `variables.words.type` must be one of string, text, choice, integer, number, boolean, list, not the text \"int\"",
            "hint: did you mean `integer`?",
            "bad.yaml:9:28: `variables.words.min` must be a number, e.g. 10 or 2.5, not the text \"two hundred\"",
            "bad.yaml:10:10: `variables.topic` must be a mapping",
            "hint: write `topic: { type: string }`",
            "bad.yaml:11:10: `variables.count` has `min` 500 above `max` 100",
            "bad.yaml:12:26: unknown field `variables.level.requird`",
            "hint: did you mean `required`?",
        ],
    );
    assert!(!r.stderr().contains("from 500 to 100"), "{}", r.stderr());
    insta::assert_snapshot!("every_wrong_type", r.stderr());
}

#[test]
fn null_name_lists_and_nested_typos_get_plain_answers() {
    rejected(
        recipe("x", "").replace("name: x", "name:").as_bytes(),
        &[
            "bad.yaml:1:5: `name` must be a kebab-case name, e.g. blog-draft, not nothing (an empty value)",
        ],
    );
    rejected(
        recipe("x", "")
            .replace("tags: [pbtest]", "tag: [pbtest]")
            .as_bytes(),
        &["bad.yaml:4:1: unknown field `tag`", "did you mean `tags`?"],
    );
    rejected(
        recipe("x", "\ntemprature: 1").as_bytes(),
        &[
            "unknown field `temprature`",
            "`temperature` belongs under `model:`",
        ],
    );
    rejected(
        recipe("x", "")
            .replace("max_tokens: 100", "max_tokens: -5")
            .as_bytes(),
        &[
            "bad.yaml:7:15: `model.max_tokens` must be a whole number from 1 to 1,000,000, not the number -5",
        ],
    );
    rejected(
        recipe("x", "")
            .replace(
                "model:\n  prefer: haiku\n  max_tokens: 100",
                "model: [haiku]",
            )
            .as_bytes(),
        &[
            "bad.yaml:5:8: `model` must be a mapping of fields (prefer: …, temperature: …), not a list",
        ],
    );
    rejected(
        b"name: x\ntitle: X\nvariables:\n  - topic\nprompt: hi\n",
        &[
            "bad.yaml:4:3: `variables` must be a mapping of variable names",
            "not as `- name`",
        ],
    );
    rejected(
        b"name: x\ntitle: X\nprompt: hi\ntests:\n  - expect: { contains: hello }\n",
        &[
            "bad.yaml:5:25: `tests[1].expect.contains` must be a list",
            "a list is written `contains: [hello]`",
        ],
    );
    rejected(
        b"- just\n- a list\n",
        &["bad.yaml:1:1: the file must be a recipe", "not a list"],
    );
}
