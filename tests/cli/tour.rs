//! A newcomer's tour of the reading commands: `list`, `search`, `show`, the manual pages and
//! shell completion, as a person sees them in a terminal or a pipe.

use crate::support::*;

/// A library with the starter recipes and a team pack holding its own `meeting-actions`
/// (so the user's and the pack's recipe share a bare name) and `standup`.
fn env_with_pack() -> Env {
    let env = Env::new();
    env.write("team/pack.yaml", "name: team-prompts\nversion: 1.2.0\n");
    env.write(
        "team/standup.yaml",
        recipe("standup", "")
            .replace("title: Test recipe standup", "title: Daily stand-up summary")
            .replace(
                "description: A recipe for tests.",
                "description: Summarise what each person did yesterday, plans today and is blocked on, for a team channel where people skim.",
            ),
    );
    env.write(
        "team/meeting-actions.yaml",
        recipe("meeting-actions", "").replace(
            "title: Test recipe meeting-actions",
            "title: Team meeting actions",
        ),
    );
    env.cmd(&["pack", "add", "team"]).ok();
    env
}

#[test]
fn show_json_has_the_fields_variables_pack_and_versions() {
    let env = env_with_pack();
    let v: serde_json::Value = serde_json::from_str(
        &env.cmd(&["show", "team-prompts/standup", "--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["name"], "team-prompts/standup");
    assert_eq!(v["pack"], "team-prompts");
    assert_eq!(v["title"], "Daily stand-up summary");
    assert_eq!(v["model"]["prefer"], "haiku");
    assert_eq!(v["variables"]["topic"]["type"], "string");
    assert_eq!(v["variables"]["topic"]["needs_value"], true);
    assert_eq!(v["variables"]["tone"]["default"], "warm");
    assert_eq!(
        v["variables"]["tone"]["choices"],
        serde_json::json!(["warm", "dry"])
    );
    assert_eq!(v["prompt"], "Say something {{tone}} about {{topic}}.\n");
    assert_eq!(v["stored"]["version"], 1);
    assert_eq!(v["versions"].as_array().unwrap().len(), 1);

    // The user's own recipe: no pack; an edit is a second version, listed.
    let yaml = env.yaml("meeting-actions");
    env.write(
        "m.yaml",
        yaml.replace("Meeting notes to action items", "Meeting actions"),
    );
    env.cmd(&["add", "m.yaml"]).ok();
    let v: serde_json::Value =
        serde_json::from_str(&env.cmd(&["show", "meeting-actions", "--json"]).ok().stdout).unwrap();
    assert_eq!(v["name"], "meeting-actions");
    assert_eq!(v["pack"], serde_json::Value::Null);
    assert_eq!(v["title"], "Meeting actions");
    assert_eq!(v["stored"]["version"], 2);
    let versions: Vec<u64> = v["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2]);
    assert_eq!(v["variables"]["attendees"]["type"], "list");
    assert_eq!(
        v["variables"]["attendees"]["default"],
        serde_json::json!([])
    );
    assert!(v["system"].as_str().unwrap().contains("meeting secretary"));
    assert!(v["tests"].as_array().is_some_and(|t| !t.is_empty()));
}

/// `promptbook man` is the `--help` text as a manual page; `--out` writes one per command,
/// and `man` itself reads them.
#[test]
fn man_pages_come_from_the_help_and_man_reads_them() {
    let env = Env::new();
    let page = env.cmd(&["man"]).ok().stdout;
    assert!(page.contains(".TH promptbook 1"), "{page}");
    assert!(page.contains("promptbook\\-render(1)"), "{page}");
    let run = env.cmd(&["man", "--out", "man/man1"]).ok();
    assert!(run.stderr.starts_with("Wrote "), "{}", run.stderr);
    let render = std::fs::read_to_string(env.path("man/man1/promptbook-render.1")).unwrap();
    assert!(render.contains("\\-\\-format"), "{render}");
    assert!(env.path("man/man1/promptbook-pack-add.1").exists());
    if !need_tools(&["man"]) {
        return;
    }
    let shown = std::process::Command::new("man")
        .args(["-l", "-P", "cat"])
        .arg(env.path("man/man1/promptbook-show.1"))
        .env("MANWIDTH", "100")
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&shown.stdout);
    let help = env.cmd(&["show", "--help"]).ok().stdout;
    assert!(shown.status.success(), "{shown:?}");
    assert!(help.contains("Print JSON instead of text"));
    assert!(text.contains("Print JSON instead of text"), "{text}");
}
