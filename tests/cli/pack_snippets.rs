//! Packs that carry snippets, with the real thing: a team's pack in a real git repository
//! whose `snippets/` folder holds its "house style", installed, rendered, updated with the
//! user's own edits kept, exported, bundled and removed — and the bad packs refused whole.

use crate::packs::Repo;
use crate::support::*;

/// The pack's recipe: it includes the pack's own snippet and one the pack expects the user
/// to have (`sign-off`, found in the user's snippets).
const REPLY: &str = "name: reply
title: Reply to a customer
variables:
  question: { type: text, required: true }
  tone: { type: choice, choices: [warm, formal], default: warm }
prompt: |
  {{> house-style}}
  Answer this: {{question}}
  {{> sign-off}}
";

const HOUSE_STYLE: &str = "name: house-style
description: How the team writes
template: |
  Write in a {{tone}} voice, in plain words.
";

/// A recipe of the pack that includes only the pack's snippet.
const SUMMARY: &str = "name: summary
title: Summarise a thread
variables:
  thread: { type: text, required: true }
  tone: { type: choice, choices: [warm, formal], default: warm }
prompt: |
  {{> house-style}}
  Summarise: {{thread}}
";

const SIGN_OFF: &str = "name: sign-off
description: The user's own closing line
template: Thanks for writing to us.
";

/// Changes a snippet as the user does: `promptbook snippet edit NAME`, the editor saving
/// `yaml`.
fn edit_snippet(env: &Env, name: &str, yaml: &str) -> String {
    let run = env
        .cmd(&["snippet", "edit", name])
        .env("EDITOR", env.editor(&[Some(yaml)]))
        .ok();
    run.stderr().to_string() + &run.stdout
}

/// Adds a snippet of the user's own as the user does: `promptbook snippet add FILE`.
fn add_snippet(env: &Env, yaml: &str) -> String {
    let name = yaml
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("name: "))
        .unwrap();
    let file = env.write(&format!("{name}.snippet.yaml"), yaml);
    let run = env.cmd(&["snippet", "add", file.to_str().unwrap()]).ok();
    run.stderr().to_string() + &run.stdout
}

fn render(env: &Env, recipe: &str, vars: &[&str]) -> String {
    let mut args = vec!["render", recipe];
    for v in vars {
        args.push("--var");
        args.push(v);
    }
    env.cmd(&args).ok().stdout.clone()
}

#[test]
fn a_pack_with_snippets_installs_renders_updates_and_is_removed_from_git() {
    let env = Env::new();
    let repo = Repo::new(
        &env,
        "team",
        &[
            ("reply.yaml", REPLY.to_string()),
            ("writing/summary.yaml", SUMMARY.to_string()),
            ("snippets/house-style.yaml", HOUSE_STYLE.to_string()),
        ],
    );
    let url = format!("{}#main", repo.url);

    // `pack build` says which snippet the pack expects its users to have.
    env.cmd(&["pack", "build", repo.work.to_str().unwrap(), "-o", "team.pbpack.yaml"])
        .current_dir(env.dir.path())
        .ok()
        .stderr_has("team-work/reply.yaml:9:3: `{{> sign-off}}` is not a snippet of this pack: whoever installs it needs a snippet `sign-off` of their own")
        .stderr_has("Built team 1.0.0 (2 recipes, 1 snippet)");

    // The user has no `sign-off` yet: the whole pack is refused, at the `{{> sign-off}}`.
    env.cmd(&["list"]).ok();
    let before = env.dump();
    env.cmd(&["pack", "add", &url])
        .fails(3)
        .stderr_has("the pack `team` has a problem:")
        .stderr_has("reply.yaml:9:3: the snippet `sign-off` is not in the library")
        .stderr_has("nothing was changed");
    assert_eq!(env.dump(), before, "a refused pack stores nothing");
    env.cmd(&["pack", "list"])
        .ok()
        .stderr_has("No packs are installed");

    // With the user's own `sign-off`, it installs: snippets and recipes together.
    add_snippet(&env, SIGN_OFF);
    env.cmd(&["pack", "add", &url])
        .ok()
        .stderr_has(": 2 recipes and 1 snippet.")
        .stderr_has("Snippets (its recipes include them before your own): team/house-style");

    // The pack's recipe renders with the pack's snippet and falls back to the user's.
    let text = render(&env, "team/reply", &["question=Where is my order?"]);
    assert!(
        text.contains("Write in a warm voice, in plain words.\nAnswer this: Where is my order?\nThanks for writing to us."),
        "{text}"
    );
    let text = render(
        &env,
        "team/summary",
        &["thread=A long thread", "tone=formal"],
    );
    assert!(text.contains("Write in a formal voice"), "{text}");

    // `pack show` and `pack list` mention the snippets.
    env.cmd(&["pack", "show", "team"])
        .ok()
        .stdout_has("Snippets (1 snippet; its recipes include them before yours):\n")
        .stdout_has("team/house-style  snippets/house-style.yaml");
    let list = env.cmd(&["pack", "list"]).ok().stdout.clone();
    assert!(
        list.starts_with("NAME  VERSION  RECIPES  SNIPPETS  CHANGED  SOURCE\n"),
        "{list}"
    );
    assert!(
        list.contains("team  1.0.0    2        1         0"),
        "{list}"
    );
    let json = env
        .cmd(&["pack", "show", "team", "--json"])
        .ok()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["snippets"][0]["address"], "team/house-style");
    assert_eq!(json["snippets"][0]["state"], "as_installed");

    // The team changes its house style and adds a greeting snippet.
    repo.put(
        "snippets/house-style.yaml",
        &HOUSE_STYLE.replace("in plain words", "in short, plain words"),
    );
    repo.put(
        "snippets/greeting.yaml",
        "name: greeting\ntemplate: Hello!\n",
    );
    repo.put(
        "writing/summary.yaml",
        &SUMMARY.replace(
            "  {{> house-style}}\n",
            "  {{> greeting}} {{> house-style}}\n",
        ),
    );
    repo.set_version("1.1.0");
    repo.commit(&env, "Shorter words, a greeting");
    let shown = env
        .cmd(&["pack", "update", "team", "--dry-run"])
        .ok()
        .stderr_has("Dry run: nothing was changed.")
        .stdout
        .clone();
    assert!(shown.contains("  changed       team/summary\n"), "{shown}");
    assert!(
        shown.contains("  changed       snippet team/house-style\n"),
        "{shown}"
    );
    assert!(
        shown.contains("  added         snippet team/greeting\n"),
        "{shown}"
    );
    assert!(
        shown.contains("-  Write in a {{tone}} voice, in plain words.\n+  Write in a {{tone}} voice, in short, plain words.\n"),
        "{shown}"
    );
    env.cmd(&["pack", "update", "team", "--yes"])
        .ok()
        .stderr_has("Updated team to 1.1.0.");
    let text = render(&env, "team/summary", &["thread=T"]);
    assert!(
        text.contains("Hello! Write in a warm voice, in short, plain words."),
        "{text}"
    );

    // The user edits the pack's snippet; the next update keeps the user's version and
    // stores the pack's in its history.
    let added = edit_snippet(
        &env,
        "team/house-style",
        &HOUSE_STYLE.replace("in plain words", "like a friend"),
    );
    assert!(added.contains("team/house-style"), "{added}");
    env.cmd(&["pack", "show", "team"])
        .ok()
        .stdout_has("Snippets (2 snippets, 1 changed by you;")
        .stdout_has("team/house-style  snippets/house-style.yaml  changed by you (updates keep your version)");
    repo.put(
        "snippets/house-style.yaml",
        &HOUSE_STYLE.replace("in plain words", "briefly"),
    );
    repo.put("pack.yaml", "name: team\nversion: 1.2.0\n");
    repo.commit(&env, "Briefly");
    env.cmd(&["pack", "update", "team", "--yes"])
        .ok()
        .stdout_has("  kept yours    snippet team/house-style  (you changed it;")
        .stderr_has("Kept your version of the snippet team/house-style; the pack's new version is stored as version 4 (`promptbook snippet revert team/house-style 4` takes it).");
    let text = render(&env, "team/summary", &["thread=T"]);
    assert!(text.contains("warm voice, like a friend."), "{text}");
    env.cmd(&["snippet", "history", "team/house-style"])
        .ok()
        .stdout_has("v3 (current)")
        .stderr_has("v3 is in use; v4 is newer but not in use");
    env.cmd(&["snippet", "diff", "team/house-style", "3", "4"])
        .ok()
        .stdout_has("+  Write in a {{tone}} voice, briefly.\n");
    // `--theirs` would take the pack's version, showing yours against it.
    env.cmd(&["pack", "update", "team", "--theirs", "--dry-run"])
        .ok()
        .stderr_has("Dry run")
        .stdout_has("  take theirs   snippet team/house-style  (your version is replaced by the pack's")
        .stdout_has("--- team/house-style (yours)\n+++ team/house-style (pack 1.2.0)\n")
        .stdout_has("-  Write in a {{tone}} voice, like a friend.\n+  Write in a {{tone}} voice, briefly.\n");

    // Exporting the pack to push the user's edits takes its snippets, not the user's own
    // `sign-off`, which the pack's recipe falls back to.
    env.cmd(&["pack", "export", "--pack", "team", "-o", "team-mine.pbpack.yaml"])
        .current_dir(env.dir.path())
        .ok()
        .stderr_has("note: team/reply includes your own snippet `sign-off`, which is not exported: whoever installs the pack needs one of that name")
        .stderr_has("Exported 2 recipes and 2 snippets as the pack team 1.2.0");
    let bundle = std::fs::read_to_string(env.path("team-mine.pbpack.yaml")).unwrap();
    assert!(
        bundle.contains("like a friend") && !bundle.contains("name: sign-off"),
        "{bundle}"
    );

    // The pack drops its greeting (and the recipe line that used it): removed with it.
    repo.delete("snippets/greeting.yaml");
    repo.put("writing/summary.yaml", SUMMARY);
    repo.put("pack.yaml", "name: team\nversion: 1.3.0\n");
    repo.commit(&env, "No greeting");
    env.cmd(&["pack", "update", "team", "--yes"])
        .ok()
        .stdout_has("  removed       snippet team/greeting\n")
        .stderr_has("Updated team to 1.3.0.");
    env.cmd(&["pack", "show", "team"])
        .ok()
        .stdout_has("Snippets (1 snippet, 1 changed by you;");

    // The user's own recipe includes the pack's snippet by its full name; removing the pack
    // keeps that snippet (and the one the user changed), so nothing is left broken.
    env.write(
        "mine.yaml",
        "name: my-note\ntitle: My note\nvariables:\n  tone: { type: string, default: calm }\nprompt: |\n  {{> team/house-style}}\n  A note.\n",
    );
    env.cmd(&["add", "mine.yaml"]).ok().stderr_has("my-note");
    let removed = env.cmd(&["pack", "remove", "team", "--yes"]).ok();
    assert!(
        removed
            .stdout
            .contains("the snippet team/house-style stays as your own: you changed it"),
        "{}",
        removed.stdout
    );
    removed.stderr_has("Removed the pack `team` and 2 recipes.");
    let text = render(&env, "my-note", &[]);
    assert!(
        text.contains("Write in a calm voice, like a friend."),
        "{text}"
    );
    env.cmd(&["render", "team/reply"]).fails(4);
}

#[test]
fn removing_a_pack_keeps_the_snippets_recipes_still_include() {
    let env = Env::new();
    let dir = env.path("team");
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write("team/summary.yaml", SUMMARY);
    env.write("team/snippets/house-style.yaml", HOUSE_STYLE);
    env.write(
        "team/snippets/unused.yaml",
        "name: unused\ntemplate: Nobody includes this.\n",
    );
    env.cmd(&["pack", "add", dir.to_str().unwrap()])
        .ok()
        .stderr_has(": 1 recipe and 2 snippets.");
    env.write(
        "mine.yaml",
        "name: my-note\ntitle: My note\nvariables:\n  tone: { type: string, default: calm }\nprompt: \"{{> team/house-style}} A note.\"\n",
    );
    env.cmd(&["add", "mine.yaml"]).ok().stderr_has("my-note");
    let dry = env
        .cmd(&["pack", "remove", "team", "--dry-run"])
        .ok()
        .stderr_has("Dry run")
        .stdout
        .clone();
    assert!(
        dry.contains("team 1.0.0: 1 recipe to remove; 1 snippet to remove: team/unused\n"),
        "{dry}"
    );
    assert!(
        dry.contains("  the snippet team/house-style stays as your own: recipes that stay include it: `my-note`\n"),
        "{dry}"
    );
    env.cmd(&["pack", "remove", "team", "--yes"])
        .ok()
        .stderr_has("Removed the pack `team`, 1 recipe and 1 snippet.")
        .stderr_has("Kept the snippet as `team/house-style`.");
    let text = render(&env, "my-note", &[]);
    assert!(text.contains("Write in a calm voice"), "{text}");
    let dump = env.dump();
    assert!(dump.contains("snippet team/house-style"), "{dump}");
    assert!(!dump.contains("snippet team/unused"), "{dump}");
}

#[test]
fn a_snippet_the_pack_drops_stays_while_recipes_include_it() {
    let env = Env::new();
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write("team/summary.yaml", SUMMARY);
    env.write("team/snippets/house-style.yaml", HOUSE_STYLE);
    let dir = env.path("team");
    let dir = dir.to_str().unwrap();
    env.cmd(&["pack", "add", dir])
        .ok()
        .stderr_has(": 1 recipe and 1 snippet.");
    env.write(
        "mine.yaml",
        "name: my-note\ntitle: My note\nvariables:\n  tone: { type: string, default: calm }\nprompt: \"{{> team/house-style}} A note.\"\n",
    );
    env.cmd(&["add", "mine.yaml"]).ok().stderr_has("my-note");

    // The pack stops using its house style and drops it; the user's recipe still includes it.
    env.write("team/pack.yaml", "name: team\nversion: 2.0.0\n");
    env.write(
        "team/summary.yaml",
        SUMMARY.replace("  {{> house-style}}\n", ""),
    );
    std::fs::remove_file(env.path("team/snippets/house-style.yaml")).unwrap();
    env.cmd(&["pack", "update", "team", "--yes"])
        .ok()
        .stdout_has(
            "  kept          snippet team/house-style  (recipes that stay include it: `my-note`)\n",
        )
        .stderr_has(
            "The snippet team/house-style was dropped by its pack; it stays as `team/house-style`.",
        );
    let text = render(&env, "my-note", &[]);
    assert!(text.contains("Write in a calm voice"), "{text}");
    let shown = env.cmd(&["pack", "show", "team"]).ok().stdout.clone();
    assert!(
        shown.contains("Recipes (1 recipe):") && !shown.contains("Snippets ("),
        "{shown}"
    );
}

#[test]
fn a_changed_recipe_kept_on_removal_still_finds_the_pack_snippet_it_includes() {
    let env = Env::new();
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write("team/summary.yaml", SUMMARY);
    env.write("team/snippets/house-style.yaml", HOUSE_STYLE);
    let dir = env.path("team");
    env.cmd(&["pack", "add", dir.to_str().unwrap()])
        .ok()
        .stderr_has(": 1 recipe and 1 snippet.");
    // The user changes the pack's recipe.
    env.cmd(&["export", "team/summary", "-o", "summary.yaml"])
        .ok()
        .stderr_has("Wrote ");
    let mine = std::fs::read_to_string(env.path("summary.yaml"))
        .unwrap()
        .replace("Summarise:", "Summarise briefly:");
    env.write("summary.yaml", &mine);
    env.cmd(&["add", "summary.yaml"])
        .ok()
        .stderr_has("updated team/summary (now version 2)");

    // Removing the pack keeps the changed recipe, and the snippet it includes with it.
    env.cmd(&["pack", "remove", "team", "--yes"])
        .ok()
        .stdout_has("  the snippet team/house-style stays as your own: recipes that stay include it: `team/summary`\n")
        .stderr_has("Kept your changed recipe as `team/summary`.")
        .stderr_has("Kept the snippet as `house-style`.");
    let text = render(&env, "summary", &["thread=T"]);
    assert!(
        text.contains("Write in a warm voice, in plain words.\nSummarise briefly: T"),
        "{text}"
    );
}

#[test]
fn a_bad_snippet_file_or_a_snippet_reading_an_undeclared_variable_refuses_the_whole_pack() {
    let env = Env::new();
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write("team/summary.yaml", SUMMARY);
    env.write(
        "team/snippets/house-style.yaml",
        "name: house-style\ntemplat: |\n  x\n",
    );
    let dir = env.path("team");
    let dir = dir.to_str().unwrap();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    env.cmd(&["pack", "add", dir])
        .fails(3)
        .stderr_has("team/snippets/house-style.yaml:2:1: unknown field `templat`");
    env.cmd(&["pack", "build", dir])
        .fails(3)
        .stderr_has("team/snippets/house-style.yaml:2:1: unknown field `templat`");

    // A snippet reading a variable the recipe including it lacks: found by `pack build`
    // already, at the `{{> …}}` in the recipe's file.
    env.write(
        "team/snippets/house-style.yaml",
        "name: house-style\ntemplate: Write for {{audience}}.\n",
    );
    env.cmd(&["pack", "build", dir])
        .fails(3)
        .stderr_has("team/summary.yaml:7:3: the snippet `house-style` uses `audience`, which this recipe does not declare");
    env.cmd(&["pack", "add", dir])
        .fails(3)
        .stderr_has("summary.yaml:7:3: the snippet `house-style` uses `audience`");
    assert_eq!(env.dump(), before, "nothing was stored");
}

#[test]
fn bundles_and_exports_carry_the_snippets() {
    let env = Env::new();
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write("team/summary.yaml", SUMMARY);
    env.write("team/snippets/house-style.yaml", HOUSE_STYLE);
    let dir = env.path("team");
    env.cmd(&[
        "pack",
        "build",
        dir.to_str().unwrap(),
        "-o",
        "team.pbpack.yaml",
    ])
    .current_dir(env.dir.path())
    .ok()
    .stderr_has("Built team 1.0.0 (1 recipe, 1 snippet)");
    let bundle = std::fs::read_to_string(env.path("team.pbpack.yaml")).unwrap();
    assert!(bundle.contains("\nbundle: 2\n"), "{bundle}");
    assert!(
        bundle.contains("snippets:\n  - file: \"snippets/house-style.yaml\"\n"),
        "{bundle}"
    );

    // A colleague installs the bundle: the snippet comes with it.
    let colleague = Env::new();
    colleague
        .cmd(&[
            "pack",
            "add",
            env.path("team.pbpack.yaml").to_str().unwrap(),
        ])
        .ok()
        .stderr_has(": 1 recipe and 1 snippet.");
    let text = render(&colleague, "team/summary", &["thread=T"]);
    assert!(text.contains("Write in a warm voice"), "{text}");

    // A bundle whose snippet was changed after it was built is refused.
    let tampered = bundle.replace("plain words", "fancy words");
    env.write("tampered.pbpack.yaml", &tampered);
    Env::new()
        .cmd(&[
            "pack",
            "add",
            env.path("tampered.pbpack.yaml").to_str().unwrap(),
        ])
        .fails(3)
        .stderr_has("snippets/house-style.yaml: the snippet does not match its sha256");

    // `pack export --pack` writes the pack's snippets (as the user has them) into the folder.
    edit_snippet(
        &colleague,
        "team/house-style",
        &HOUSE_STYLE.replace("plain words", "our words"),
    );
    let out = colleague.path("exported");
    colleague
        .cmd(&[
            "pack",
            "export",
            "--pack",
            "team",
            "--dir",
            out.to_str().unwrap(),
        ])
        .ok()
        .stderr_has("Wrote 1 recipe, 1 snippet and pack.yaml to");
    let written = std::fs::read_to_string(out.join("snippets/house-style.yaml")).unwrap();
    assert!(written.contains("our words"), "{written}");

    // Exporting the user's own recipe takes the user's snippet it includes along.
    add_snippet(&colleague, SIGN_OFF);
    colleague.write(
        "mine.yaml",
        "name: my-note\ntitle: My note\nprompt: \"A note. {{> sign-off}}\"\n",
    );
    colleague
        .cmd(&["add", "mine.yaml"])
        .ok()
        .stderr_has("my-note");
    colleague
        .cmd(&[
            "pack",
            "export",
            "my-note",
            "--name",
            "mine",
            "-o",
            "mine.pbpack.yaml",
        ])
        .current_dir(colleague.dir.path())
        .ok()
        .stderr_has("Exported 1 recipe and 1 snippet as the pack mine 0.1.0");
    let third = Env::new();
    third
        .cmd(&[
            "pack",
            "add",
            colleague.path("mine.pbpack.yaml").to_str().unwrap(),
        ])
        .ok()
        .stderr_has(": 1 recipe and 1 snippet.");
    let text = render(&third, "mine/my-note", &[]);
    assert!(text.contains("A note. Thanks for writing to us."), "{text}");
}
