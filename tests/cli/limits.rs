//! Bounded in every dimension: endless or huge input, pipes and devices, deep templates and
//! folder trees are refused with a clear message, a documented exit code and an unchanged
//! library — never a hang, a crash or memory filled.

use std::process::Stdio;

use crate::support::*;

/// Runs `promptbook ARGS…` with standard input read from `path` (a device or a file) and
/// returns its exit code and standard error.
fn with_stdin_from(env: &Env, args: &[&str], path: &str) -> (i32, String) {
    let o = env
        .std_command(args)
        .stdin(Stdio::from(std::fs::File::open(path).unwrap()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (o.status.code().unwrap_or(-1), stderr)
}

fn mkfifo(env: &Env, name: &str) -> String {
    let path = env.path(name);
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(status.success());
    path.display().to_string()
}

#[test]
fn devices_and_pipes_given_as_values_are_refused_without_reading() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    for device in ["/dev/zero", "/dev/urandom"] {
        env.cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "--var",
            &format!("notes=@{device}"),
        ])
        .fails(2)
        .stderr_has(&format!(
            "the file for `notes` {device} is a device, not a file"
        ));
        env.cmd(&["render", "blog-draft", "--vars", device])
            .fails(2)
            .stderr_has("--vars file");
    }
    // A FIFO nobody writes to would block a plain open: it is refused at once.
    let fifo = mkfifo(&env, "pipe.txt");
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        "topic=x",
        "--var",
        &format!("notes=@{fifo}"),
    ])
    .fails(2)
    .stderr_has("is a pipe (FIFO), not a file");
    assert_eq!(env.dump(), before);
}

#[test]
fn endless_standard_input_is_read_to_the_limit_only() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    // /dev/zero never ends: reading it whole would never finish.
    let run = with_stdin_from(
        &env,
        &[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "--var",
            "notes=-",
        ],
        "/dev/zero",
    );
    let (code, stderr) = run;
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with(
            "error: standard input for `notes` is over the limit of 1048576 bytes (1 MiB)"
        ),
        "{stderr}"
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn a_50_mb_file_is_refused_at_the_limit() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    let big = env.path("big.txt");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap();
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        "topic=x",
        "--var",
        "notes=@big.txt",
    ])
    .fails(2)
    .stderr_has("(52428800 bytes) is over the limit of 1048576 bytes (1 MiB)");
    std::fs::copy(&big, env.path("big.yaml")).unwrap();
    env.cmd(&["add", "big.yaml"])
        .fails(3)
        .stderr_has("the recipe file big.yaml (52428800 bytes) is over the limit");
    let from_stdin = with_stdin_from(
        &env,
        &[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "--var",
            "notes=-",
        ],
        big.to_str().unwrap(),
    );
    let (code, stderr) = from_stdin;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("over the limit"), "{stderr}");
    assert_eq!(env.dump(), before);
}

#[test]
fn a_fifo_or_device_given_as_a_recipe_file_is_refused_without_blocking() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    let fifo = mkfifo(&env, "recipe.yaml");
    env.cmd(&["add", &fifo])
        .fails(2)
        .stderr_has("is a pipe (FIFO), not a file");
    env.cmd(&["lint", &fifo])
        .fails(2)
        .stderr_has("is a pipe (FIFO), not a file");
    env.cmd(&["add", "/dev/zero"])
        .fails(2)
        .stderr_has("the recipe file /dev/zero is a device, not a file");
    env.cmd(&["pack", "add", "/dev/zero"])
        .fails(2)
        .stderr_has("/dev/zero is a device, not a file");
    // A folder holding a FIFO named like a recipe: the walk lists it, the read refuses it.
    std::fs::create_dir(env.path("dir")).unwrap();
    mkfifo(&env, "dir/a.yaml");
    env.cmd(&["add", "dir"])
        .fails(2)
        .stderr_has("is a pipe (FIFO), not a file");
    assert_eq!(env.dump(), before);
}

#[test]
fn ten_thousand_nested_blocks_are_refused_at_add_and_lint_with_the_place() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    let nested = "{{#if topic}}".repeat(10_000) + &"{{/if}}".repeat(10_000);
    env.write(
        "deep.yaml",
        format!("name: deep\ntitle: Deep\nvariables:\n  topic: {{ type: string }}\nprompt: \"{nested}\"\n"),
    );
    let run = env
        .cmd(&["add", "deep.yaml"])
        .fails(3)
        .stderr_has("deep.yaml:5:426: in `prompt`: blocks are nested more than 32 deep");
    assert!(run.stderr().contains("hint:"), "{}", run.stderr());
    env.cmd(&["lint", "deep.yaml"])
        .fails(1)
        .stdout_has("deep.yaml:5:426: error: in `prompt`: blocks are nested more than 32 deep");
    assert_eq!(env.dump(), before);
    // 32 levels are fine, and render.
    let ok = "{{#if topic}}".repeat(32) + "{{topic}}" + &"{{/if}}".repeat(32);
    env.write(
        "ok.yaml",
        format!("name: ok-deep\ntitle: Deep\nvariables:\n  topic: {{ type: string }}\nprompt: \"{ok}\"\n"),
    );
    env.cmd(&["add", "ok.yaml"])
        .ok()
        .stderr_has("added ok-deep");
    env.cmd(&["render", "ok-deep", "--var", "topic=fine"])
        .ok()
        .stdout_has("fine");
    // Deeply nested YAML is refused by the parser's depth limit, not the stack.
    let yaml_deep = format!(
        "name: y\ntitle: Y\nprompt: hi\ntests:\n  - vars: {{ a: {}1{} }}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    env.write("yaml-deep.yaml", yaml_deep);
    env.cmd(&["add", "yaml-deep.yaml"])
        .fails(3)
        .stderr_has("lists and mappings are nested more than 24 levels deep");
    env.cmd(&["rm", "ok-deep", "--yes"])
        .ok()
        .stderr_has("Removed `ok-deep`");
}

#[test]
fn adding_a_folder_with_a_link_loop_ends_with_a_note() {
    let env = Env::new();
    env.write("tree/a/one.yaml", recipe("one", ""));
    std::os::unix::fs::symlink(env.path("tree"), env.path("tree/a/loop")).unwrap();
    env.cmd(&["add", "tree"])
        .ok()
        .stderr_has("note: skipped tree/a/loop: a link to a folder")
        .stderr_has("added one");
}

#[test]
fn a_very_deep_folder_tree_is_refused() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    let deep: String = (0..40).map(|i| format!("d{i}/")).collect();
    env.write(&format!("tree/{deep}x.yaml"), recipe("deep", ""));
    env.cmd(&["add", "tree"])
        .fails(2)
        .stderr_has("is more than 32 folders deep");
    assert_eq!(env.dump(), before);
}

#[test]
fn bad_settings_are_reported_with_their_place_when_any_command_starts() {
    let env = Env::new();
    env.write(
        "config/promptbook/config.yaml",
        "history: maybe\nclipboard: [xclip]\nhistroy: false\n",
    );
    let run = env.cmd(&["list"]).fails(2);
    let home = format!(
        "{}/",
        env.path("").display().to_string().trim_end_matches('/')
    );
    insta::assert_snapshot!("bad_settings", run.stderr().replace(&home, ""));
    env.write("config/promptbook/config.yaml", "clipboard: xclp\n");
    env.cmd(&["models"])
        .fails(2)
        .stderr_has("config/promptbook/config.yaml:1:12: `clipboard`: unknown clipboard backend `xclp` (did you mean `xclip`?)");
    env.write("config/promptbook/config.yaml", "history: false\n");
    env.cmd(&["list"]).ok();
}
