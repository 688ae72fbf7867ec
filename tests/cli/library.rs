//! Reading the library: list, search, show, rm, models, completions.

use crate::support::*;

#[test]
fn list_shows_the_starter_recipes_and_filters_by_tag() {
    let env = Env::new();
    let run = env.cmd(&["list"]).ok();
    assert!(run.stdout.starts_with("NAME"), "{}", run.stdout);
    for name in ["blog-draft", "email-triage", "unit-tests"] {
        assert!(run.stdout.contains(name), "{name} missing:\n{}", run.stdout);
    }
    env.write("r.yaml", recipe("tagged", ""));
    env.cmd(&["add", "r.yaml"]).ok().stderr_has("added tagged");
    let run = env.cmd(&["list", "--tag", "pbtest"]).ok();
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&env.cmd(&["list", "--json", "--tag", "pbtest"]).ok().stdout).unwrap();
    assert_eq!(json[0]["name"], "tagged");
    assert_eq!(json[0]["model"], "haiku");
}

#[test]
fn search_ranks_and_highlights() {
    let env = Env::new();
    let run = env.cmd(&["search", "blog"]).ok();
    assert!(run.stdout.starts_with("blog-draft"), "{}", run.stdout);
    // Piped: the words as they are, no highlight markup.
    assert!(!run.stdout.contains("**"), "{}", run.stdout);
    let json: serde_json::Value = serde_json::from_str(
        &env.cmd(&["search", "email", "triage", "--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(json[0]["name"], "email-triage");
    let run = env.cmd(&["search", "zzzqqq"]).ok();
    assert!(run.stdout.is_empty());
    assert!(run.stderr().contains("No recipe matches"));
    // FTS syntax in the query is just words.
    env.cmd(&["search", "\"unbalanced", "AND", "(", "*"]).ok().stderr_has("No recipe matches `\"unbalanced AND ( *`. Try fewer or shorter words, or `promptbook list`.");
}

#[test]
fn show_describes_variables_and_hints() {
    let env = Env::new();
    let run = env.cmd(&["show", "blog-draft"]).ok();
    for s in [
        "Blog post draft",
        "topic",
        "required",
        "default: friendly",
        "choices: friendly, formal, playful",
        "200–4000",
        "Model: sonnet",
        "why:",
        "Examples:",
        "Prompt:",
    ] {
        assert!(run.stdout.contains(s), "{s:?} missing:\n{}", run.stdout);
    }
}

#[test]
fn unknown_recipe_suggests_a_close_name() {
    let env = Env::new();
    env.cmd(&["show", "blog-drafts"])
        .fails(4)
        .stderr_has("no recipe named `blog-drafts`")
        .stderr_has("did you mean `blog-draft`?");
    env.cmd(&["render", "nope"]).fails(4);
}

#[test]
fn rm_asks_refuses_without_a_terminal_and_removes_with_yes() {
    let env = Env::new();
    env.write("r.yaml", recipe("gone", ""));
    env.cmd(&["add", "r.yaml"]).ok().stderr_has("added gone");
    let before = env.dump();
    env.cmd(&["rm", "gone"]).fails(2).stderr_has("--yes");
    assert_eq!(env.dump(), before);
    env.cmd(&["rm", "gone", "--yes"])
        .ok()
        .stderr_has("Removed `gone`");
    env.cmd(&["show", "gone"]).fails(4);
    assert!(
        env.cmd(&["search", "Test", "recipe", "gone"])
            .ok().stderr_has("No recipe matches `Test recipe gone`. Try fewer or shorter words, or `promptbook list`.")
            .stdout
            .is_empty()
    );
}

#[test]
fn models_lists_the_catalog_and_honours_the_user_override() {
    let env = Env::new();
    let run = env.cmd(&["models"]).ok();
    for s in [
        "claude-haiku-5-5   haiku (newest)",
        "claude-sonnet-5-5  sonnet (newest)",
        "claude-opus-5-5    opus (newest)",
        "claude-haiku-4-5",
        "200,000",
        "1,000,000",
        "3.00",
        "15.00",
        "claude-fable-5-2   fable            anthropic  unknown    unknown    unknown",
        "as of",
    ] {
        assert!(run.stdout.contains(s), "{s:?} missing:\n{}", run.stdout);
    }
    env.write(
        "config/promptbook/models.yaml",
        "models:\n  - { id: tiny-local, provider: anthropic, context_window: 1000, input_per_mtok: 0, output_per_mtok: 0 }\n",
    );
    env.cmd(&["models"])
        .ok()
        .stdout_has("tiny-local")
        .stdout_has("(in use)");
    // The override's small window is honoured by the context check.
    let words = "word ".repeat(2000);
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        &format!("topic={words}"),
        "--model",
        "tiny-local",
    ])
    .fails(6);
}

#[test]
fn completions_for_each_shell() {
    let env = Env::new();
    // Each script asks promptbook for the candidates as you type (bash is run for real in
    // tests/cli/tour.rs).
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = env.cmd(&["completions", shell]).ok();
        assert!(
            run.stdout.contains(&format!("COMPLETE=\"{shell}\""))
                || run.stdout.contains(&format!("COMPLETE={shell} promptbook"))
                || run.stdout.contains(&format!("$env:COMPLETE = \"{shell}\"")),
            "{shell}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn every_command_help_shows_an_example() {
    let env = Env::new();
    for cmd in [
        "list",
        "search",
        "show",
        "render",
        "add",
        "new",
        "edit",
        "history",
        "diff",
        "revert",
        "lint",
        "test",
        "export",
        "rm",
        "models",
        "completions",
    ] {
        let run = env.cmd(&[cmd, "--help"]).ok();
        assert!(
            run.stdout.contains("Example"),
            "{cmd} --help has no example:\n{}",
            run.stdout
        );
    }
}

#[test]
fn several_processes_share_one_library() {
    // First use by four processes at once, then four writers at once: WAL and the busy
    // timeout let all of them finish, and nothing is lost or doubled.
    let env = Env::new();
    let spawn_all = |args: Vec<Vec<String>>| {
        let children: Vec<_> = args
            .into_iter()
            .map(|a| {
                let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("promptbook"));
                c.args(&a)
                    .current_dir(env.dir.path())
                    .env("PROMPTBOOK_LIBRARY", env.lib())
                    .env("HOME", env.dir.path())
                    .env("XDG_CONFIG_HOME", env.path("config"))
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped());
                c.spawn().unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    };
    spawn_all((0..4).map(|_| vec!["list".to_string()]).collect());
    let starter = env.cmd(&["list", "--json"]).ok().stdout.clone();
    let starter: serde_json::Value = serde_json::from_str(&starter).unwrap();
    for i in 0..4 {
        env.write(&format!("r{i}.yaml"), recipe(&format!("parallel-{i}"), ""));
    }
    spawn_all(
        (0..4)
            .map(|i| vec!["add".to_string(), format!("r{i}.yaml")])
            .collect(),
    );
    let all: serde_json::Value =
        serde_json::from_str(&env.cmd(&["list", "--json"]).ok().stdout).unwrap();
    assert_eq!(
        all.as_array().unwrap().len(),
        starter.as_array().unwrap().len() + 4
    );
    assert!(
        env.dump().lines().all(|l| l.contains("cur=1 v1")),
        "{}",
        env.dump()
    );
}
