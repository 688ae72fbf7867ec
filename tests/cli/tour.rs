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
    env.cmd(&["pack", "add", "team"])
        .ok()
        .stderr_has("Installed team-prompts 1.2.0");
    env
}

#[test]
fn show_json_has_the_fields_variables_pack_and_versions() {
    let env = env_with_pack();
    let v: serde_json::Value = serde_json::from_str(
        &env.cmd(&["show", "team-prompts/standup", "--json"])
            .ok()
            .stdout
            .clone(),
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
    env.cmd(&["add", "m.yaml"])
        .ok()
        .stderr_has("updated meeting-actions (now version 2)");
    let v: serde_json::Value = serde_json::from_str(
        &env.cmd(&["show", "meeting-actions", "--json"])
            .ok()
            .stdout
            .clone(),
    )
    .unwrap();
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
    let page = env.cmd(&["man"]).ok().stdout.clone();
    assert!(page.contains(".TH promptbook 1"), "{page}");
    assert!(page.contains("promptbook\\-render(1)"), "{page}");
    let run = env.cmd(&["man", "--out", "man/man1"]).ok();
    assert!(run.stderr().starts_with("Wrote "), "{}", run.stderr());
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
    // man justifies lines with extra spaces; compare the words.
    let text = String::from_utf8_lossy(&shown.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let help = env.cmd(&["show", "--help"]).ok().stdout.clone();
    assert!(shown.status.success(), "{shown:?}");
    assert!(help.contains("Print JSON instead of text"));
    assert!(text.contains("Print JSON instead of text"), "{text}");
}

/// The widest line of `text`, in terminal columns.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn list_shows_the_pack_and_fits_80_columns() {
    let env = env_with_pack();
    let list = env.cmd(&["list"]).ok().stdout.clone();
    assert!(widest(&list) <= 80, "wider than 80 columns:\n{list}");
    insta::assert_snapshot!("list_with_a_pack", list);
    // A pack's recipe shows its pack, in a name that finds it.
    assert!(list.contains("\nteam-prompts/standup "), "{list}");
    assert!(list.contains("\nteam-prompts/meeting-actions "), "{list}");
    env.cmd(&["show", "team-prompts/standup"]).ok();

    // COLUMNS gives the width; a wide one cuts nothing.
    let wide = env.cmd(&["list"]).env("COLUMNS", "200").ok().stdout.clone();
    assert!(!wide.contains('…'), "{wide}");
    assert!(
        wide.contains("email, triage, classification, productivity"),
        "{wide}"
    );
    let narrow = env.cmd(&["list"]).env("COLUMNS", "66").ok().stdout.clone();
    assert!(widest(&narrow) <= 66, "{narrow}");

    // --json is complete whatever the width.
    let json: serde_json::Value = serde_json::from_str(
        &env.cmd(&["list", "--json"])
            .env("COLUMNS", "40")
            .ok()
            .stdout
            .clone(),
    )
    .unwrap();
    let standup = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "standup")
        .unwrap();
    assert_eq!(standup["pack"], "team-prompts");
    assert_eq!(
        standup["description"],
        "Summarise what each person did yesterday, plans today and is blocked on, for a team channel where people skim."
    );
}

/// On a terminal the table takes the terminal's width (the test terminal is 100 wide).
#[test]
fn list_on_a_terminal_uses_its_width() {
    let env = env_with_pack();
    // The terminal is made 100 wide before promptbook starts (resizing it after the start
    // would race with the program reading the size).
    let list = env.std_command(&["list"]);
    let mut c = std::process::Command::new("sh");
    // The pty library may size the terminal after the start: the shell waits (bounded)
    // until the terminal is 100 wide, then runs promptbook.
    c.args([
        "-c",
        "stty cols 100 rows 40; i=0; while [ \"$(stty size | cut -d' ' -f2)\" != 100 ] && [ $i -lt 200 ]; do stty cols 100 rows 40; sleep 0.05; i=$((i+1)); done; exec \"$0\" list",
    ])
        .arg(list.get_program())
        .current_dir(env.dir.path())
        .env_clear();
    for (k, v) in list.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    let mut session = expectrl::Session::spawn(c).expect("spawn on a pty");
    let mut shown = String::new();
    {
        use std::io::Read as _;
        let _ = session.read_to_string(&mut shown);
    }
    let shown = shown.replace("\r\n", "\n");
    let w = widest(&shown);
    assert!((81..=100).contains(&w), "{w} columns:\n{shown}");
}

/// The other tables fit 80 columns too: show, history, models, and
/// the search results.
#[test]
fn every_table_fits_80_columns() {
    let env = env_with_pack();
    let table_of = |args: &[&str], from: &str, to: &str| -> String {
        let out = env.cmd(args).ok().stdout.clone();
        let start = out
            .find(from)
            .unwrap_or_else(|| panic!("{from:?} in {out}"));
        let end = out[start..].find(to).map_or(out.len(), |e| start + e);
        out[start..end].to_string()
    };
    let tables = [
        // show: the variables (each description is prose on its own line below).
        table_of(&["show", "email-triage"], "Variables:", "Examples:")
            .lines()
            .filter(|l| !l.starts_with("      "))
            .collect::<Vec<_>>()
            .join("\n"),
        table_of(&["history", "team-prompts/standup"], "VERSION", "\n\n"),
        table_of(&["models"], "MODEL", "\n\n"),
        table_of(&["search", "email", "reply"], "", "\n\n"),
    ];
    for table in tables {
        assert!(widest(&table) <= 80, "wider than 80 columns:\n{table}");
    }
}

/// Recipes with "C++" and "it's" in them, among the starter recipes full of words that
/// start with c and s.
fn env_with_punctuation() -> Env {
    let env = Env::new();
    env.write(
        "cpp.yaml",
        recipe("cpp-review", "").replace(
            "description: A recipe for tests.",
            "description: Review C++ code for undefined behaviour.",
        ),
    );
    env.write(
        "its.yaml",
        recipe("plain-words", "\n  If it's unclear, say so."),
    );
    env.cmd(&["add", "cpp.yaml", "its.yaml"])
        .ok()
        .stderr_has("added plain-words");
    env
}

fn names(search: &str) -> Vec<String> {
    search
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(|l| l.split("  ").next().unwrap().to_string())
        .collect()
}

#[test]
fn search_keeps_punctuation_inside_a_word() {
    let env = env_with_punctuation();
    let found = env.cmd(&["search", "c++"]).ok().stdout.clone();
    assert_eq!(
        names(&found).first().map(String::as_str),
        Some("cpp-review"),
        "{found}"
    );
    for starts_with_c in ["code-review", "contract-extract", "ad-copy", "code-docs"] {
        assert!(
            !names(&found).contains(&starts_with_c.to_string()),
            "{found}"
        );
    }
    let found = env.cmd(&["search", "it's"]).ok().stdout.clone();
    assert_eq!(names(&found), ["plain-words"], "{found}");
    insta::assert_snapshot!("search_its_piped", found);
    // A word still finds longer words it starts (`prioriti` → "prioritisation"), and
    // hyphens join words as the text has them.
    let found = env.cmd(&["search", "prioriti"]).ok().stdout.clone();
    assert!(
        names(&found).contains(&"feature-brainstorm".to_string()),
        "{found}"
    );
    let found = env.cmd(&["search", "reply-draft"]).ok().stdout.clone();
    assert!(
        names(&found).contains(&"email-triage".to_string()),
        "{found}"
    );

    // Nothing typed is FTS5 syntax, and words made only of punctuation are left out.
    for odd in [
        "\"",
        "*",
        "NEAR(a b)",
        "a OR b",
        "-x",
        "^x",
        "x:y",
        "(",
        "'",
        "C#",
        "日本語",
    ] {
        let run = env.cmd(&["search", "--", odd]).run();
        assert!(
            run.code == 0 || run.stderr().contains("the search has no words"),
            "{odd:?}: {run:?}"
        );
        assert!(
            !run.stderr().contains("fts5") && !run.stderr().contains("syntax"),
            "{odd:?}: {run:?}"
        );
    }
    env.cmd(&["search", "++"])
        .fails(2)
        .stderr_has("the search has no words");
}

/// Piped, the matched words are plain text (no `**`); --json gives plain text and where the
/// matches are.
#[test]
fn search_highlights_only_on_a_terminal_and_json_gives_offsets() {
    let env = env_with_punctuation();
    let piped = env.cmd(&["search", "undefined"]).ok().stdout.clone();
    assert_eq!(
        piped,
        "cpp-review  Test recipe cpp-review\n    Review C++ code for undefined behaviour.\n"
    );
    let json: serde_json::Value = serde_json::from_str(
        &env.cmd(&["search", "undefined", "--json"])
            .ok()
            .stdout
            .clone(),
    )
    .unwrap();
    let hit = &json[0];
    assert_eq!(hit["snippet"], "Review C++ code for undefined behaviour.");
    assert_eq!(
        hit["matches"],
        serde_json::json!([{ "start": 20, "end": 29 }])
    );
    // Offsets count characters: a match after "é" is where a person counts it.
    let json: serde_json::Value =
        serde_json::from_str(&env.cmd(&["search", "email", "--json"]).ok().stdout.clone()).unwrap();
    for hit in json.as_array().unwrap() {
        let chars: Vec<char> = hit["snippet"].as_str().unwrap().chars().collect();
        for m in hit["matches"].as_array().unwrap() {
            let (a, b) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            let word: String = chars[a..b].iter().collect();
            assert!(
                word.to_lowercase().starts_with("email"),
                "{word:?} in {hit}"
            );
        }
    }
    // On a colour terminal the matches are bold yellow.
    let mut p = env.pty_with(&["search", "undefined"], &[("NO_COLOR", "")]);
    let (code, shown) = p.finish();
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("\x1b[1;33mundefined\x1b[0m"), "{shown:?}");
}

/// The first command says, in one line, that it created the library and where; later ones
/// say nothing.
#[test]
fn a_new_library_is_announced_once() {
    let env = Env::new();
    let first = env.cmd(&["list"]).ok();
    assert_eq!(
        first.created.as_deref(),
        Some(
            format!(
                "Created a new library at {} with the starter recipes.",
                env.lib().display()
            )
            .as_str()
        )
    );
    assert_eq!(first.stderr(), "");
    let again = env.cmd(&["list"]).ok();
    assert_eq!(again.created, None);
    assert_eq!(again.stderr(), "");

    // The default place (no --library, no PROMPTBOOK_LIBRARY): its folders are made.
    let run = env.cmd(&["list"]).env_remove("PROMPTBOOK_LIBRARY").ok();
    let default = env.path("data/promptbook/library.sqlite3");
    assert!(default.is_file());
    assert_eq!(
        run.created,
        Some(format!(
            "Created a new library at {} with the starter recipes.",
            default.display()
        ))
    );
}

/// A library path in a folder that does not exist is a mistake (a typo, an unmounted disk),
/// not a new library: refused, with what to check, and nothing is created.
#[test]
fn a_library_in_a_missing_folder_is_refused() {
    let env = Env::new();
    let missing = env.path("Dropbox/prompts/library.sqlite3");
    let run = env
        .cmd(&["list", "--library", missing.to_str().unwrap()])
        .fails(5);
    assert_eq!(
        run.stderr(),
        format!(
            "error: cannot use the library {0}: the folder {1} does not exist\n  hint: check the path given with --library or in PROMPTBOOK_LIBRARY, or create the folder first (mkdir -p {1})\n",
            missing.display(),
            missing.parent().unwrap().display()
        )
    );
    assert!(!env.path("Dropbox").exists());
    // The same from the environment variable.
    env.cmd(&["list"])
        .env("PROMPTBOOK_LIBRARY", &missing)
        .fails(5)
        .stderr_has("the folder")
        .stderr_has("does not exist");
    assert!(!env.path("Dropbox").exists());
    // A file where the folder should be.
    env.write("notes.txt", "x");
    env.cmd(&["list", "--library", "notes.txt/library.sqlite3"])
        .fails(5)
        .stderr_has("the folder notes.txt is not a folder");
    // Once the folder exists, the library is made there.
    std::fs::create_dir_all(missing.parent().unwrap()).unwrap();
    let run = env
        .cmd(&["list", "--library", missing.to_str().unwrap()])
        .ok();
    assert!(run.created.is_some());
    assert!(missing.is_file());
}

#[test]
fn bash_completes_recipe_and_pack_names() {
    if !need_tools(&["bash"]) {
        return;
    }
    let env = Env::new();
    // No library yet: nothing to offer, and completing does not create one.
    assert_eq!(env.bash_completes(&["show", "blo"]), Vec::<String>::new());
    assert!(!env.lib().exists(), "completion created the library");
    // Commands complete as before.
    assert_eq!(env.bash_completes(&["rend"]), ["render"]);

    let env = env_with_pack();
    assert_eq!(env.bash_completes(&["show", "blo"]), ["blog-draft"]);
    assert_eq!(
        env.bash_completes(&["render", "--format", "json", "email-t"]),
        ["email-triage"]
    );
    assert_eq!(
        env.bash_completes(&["fill", "team-prompts/"]),
        ["team-prompts/meeting-actions", "team-prompts/standup"]
    );
    assert_eq!(env.bash_completes(&["history", "stand"]), ["standup"]);
    assert_eq!(
        env.bash_completes(&["pack", "show", "te"]),
        ["team-prompts"]
    );
}
