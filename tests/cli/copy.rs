//! `--copy` when the clipboard cannot be reached, the clipboard flag and setting. (The
//! copies that work, on a real X server and terminal, are in tests/clipboard.rs.)

use crate::support::*;

const TOPIC: &[&str] = &["--var", "topic=remote onboarding"];

fn args<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(tail).copied().collect()
}

/// No DISPLAY in the test environment, so the X11 backend cannot work.
#[test]
fn a_failed_copy_still_prints_the_prompt_and_exits_1() {
    let env = Env::new();
    let plain = env
        .cmd(&args(&["render", "blog-draft"], TOPIC))
        .ok()
        .stdout
        .clone();
    let run = env
        .cmd(&args(
            &["render", "blog-draft", "--copy", "--clipboard", "x11"],
            TOPIC,
        ))
        .fails(1)
        .stderr_has("error: could not copy the prompt to the clipboard. Tried:")
        .stderr_has("  - x11: DISPLAY is not set")
        .stderr_has("sudo apt install xclip")
        .stderr_has("hint: the prompt was printed to standard output instead");
    assert_eq!(run.stdout, plain, "the prompt is printed in full");
}

#[test]
fn with_out_the_file_is_saved_even_when_the_copy_fails() {
    let env = Env::new();
    let plain = env
        .cmd(&args(&["render", "blog-draft"], TOPIC))
        .ok()
        .stdout
        .clone();
    let run = env
        .cmd(&args(
            &[
                "render",
                "blog-draft",
                "-o",
                "p.txt",
                "--copy",
                "--clipboard",
                "x11",
            ],
            TOPIC,
        ))
        .run()
        .stderr_has("Wrote ")
        .stderr_has("error: could not copy the prompt")
        .stderr_has("hint: the prompt was saved to p.txt");
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(std::fs::read_to_string(env.path("p.txt")).unwrap(), plain);
}

#[test]
fn export_copy_failure_prints_the_yaml() {
    let env = Env::new();
    let yaml = env.cmd(&["export", "blog-draft"]).ok().stdout.clone();
    let run = env
        .cmd(&["export", "blog-draft", "--copy", "--clipboard", "xsel"])
        .fails(1)
        .stderr_has("xsel: DISPLAY is not set");
    assert_eq!(run.stdout, yaml);
}

#[test]
fn an_unknown_backend_is_a_usage_error_with_a_suggestion() {
    let env = Env::new();
    env.cmd(&args(
        &["render", "blog-draft", "--copy", "--clipboard", "xclp"],
        TOPIC,
    ))
    .fails(2)
    .stderr_has("unknown clipboard backend `xclp` (did you mean `xclip`?)");
}

#[test]
fn the_clipboard_setting_is_used_and_checked() {
    let env = Env::new();
    env.write("config/promptbook/config.yaml", "clipboard: xsel\n");
    env.cmd(&args(&["render", "blog-draft", "--copy"], TOPIC))
        .fails(1)
        .stderr_has("  - xsel: DISPLAY is not set");
    // The flag wins over the setting.
    env.cmd(&args(
        &["render", "blog-draft", "--copy", "--clipboard", "x11"],
        TOPIC,
    ))
    .fails(1)
    .stderr_has("  - x11: DISPLAY is not set");

    env.write("config/promptbook/config.yaml", "clipboard: xclp\n");
    let before = env.dump();
    env.cmd(&args(&["render", "blog-draft", "--copy"], TOPIC))
        .fails(2)
        .stderr_has("config/promptbook/config.yaml:1:12: `clipboard`: unknown clipboard backend `xclp` (did you mean `xclip`?)");
    assert_eq!(env.dump(), before);
}

#[test]
fn a_typo_in_the_settings_is_an_error_with_the_place() {
    let env = Env::new();
    env.write(
        "config/promptbook/config.yaml",
        "clipboard: auto\nhistroy: false\n",
    );
    env.cmd(&args(&["render", "blog-draft"], TOPIC))
        .fails(2)
        .stderr_has("config/promptbook/config.yaml:2:1: unknown field `histroy`")
        .stderr_has("hint: did you mean `history`?");
    env.write("config/promptbook/config.yaml", "history: maybe\n");
    env.cmd(&args(&["render", "blog-draft"], TOPIC))
        .fails(2)
        .stderr_has("config/promptbook/config.yaml:1:");
    // An empty file is all defaults.
    env.write("config/promptbook/config.yaml", "");
    env.cmd(&args(&["render", "blog-draft"], TOPIC)).ok();
}
