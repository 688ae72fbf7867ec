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
        &["bad.yaml:2:8:"],
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
        &["bad.yaml:4:6: `n` has min inf, not a number", "finite number"],
    );
}
