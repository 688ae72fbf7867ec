//! Authoring without a terminal: `edit` and `new` with a scripted editor, `history`, `diff`
//! and `revert`. Without a terminal nothing may wait for input: an invalid save is kept as a
//! file whose path is printed.

use crate::support::*;

/// An environment with the test recipe `mine` added (version 1).
fn with_mine() -> Env {
    let env = Env::new();
    env.write("mine.yaml", recipe("mine", ""));
    env.cmd(&["add", "mine.yaml"]).ok().stderr_has("added mine");
    env
}

#[test]
fn edit_stores_a_valid_change_as_a_new_version() {
    let env = with_mine();
    let editor = env.editor(&[Some(&recipe("mine", " Be short."))]);
    env.cmd(&["edit", "mine"])
        .env("EDITOR", &editor)
        .ok()
        .stderr_has("Stored `mine` version 2.");
    assert_eq!(
        env.seen(1),
        recipe("mine", ""),
        "the editor got the current text"
    );
    assert_eq!(env.yaml("mine"), recipe("mine", " Be short."));
    assert!(env.drafts().is_empty(), "a stored draft is removed");
}

#[test]
fn an_unchanged_file_stores_nothing() {
    let env = with_mine();
    let before = env.dump();
    env.cmd(&["edit", "mine"])
        .env("EDITOR", env.editor(&[None]))
        .ok()
        .stderr_has("No changes, so nothing was stored.");
    assert_eq!(env.dump(), before);
    assert!(env.drafts().is_empty());
}

#[test]
fn visual_wins_over_editor() {
    let env = with_mine();
    let editor = env.editor(&[Some(&recipe("mine", " Visual."))]);
    env.cmd(&["edit", "mine"])
        .env("VISUAL", &editor)
        .env("EDITOR", "/nonexistent/editor")
        .ok()
        .stderr_has("Stored `mine` version 2.");
    assert_eq!(env.yaml("mine"), recipe("mine", " Visual."));
}

#[test]
fn the_editor_command_may_have_arguments_and_quoted_paths() {
    let env = with_mine();
    let script = env.script(
        "my editors/ed.sh",
        &format!(
            "#!/bin/sh\n[ \"$1\" = --wait ] || exit 7\n[ \"$2\" = 'two words' ] || exit 8\nprintf '%s' '{}' > \"$3\"\n",
            recipe("mine", " Args.")
        ),
    );
    let editor = format!("'{}' --wait \"two words\"", script.display());
    env.cmd(&["edit", "mine"])
        .env("EDITOR", &editor)
        .ok()
        .stderr_has("Stored `mine` version 2.");
    assert_eq!(env.yaml("mine"), recipe("mine", " Args."));
}

#[test]
fn invalid_text_is_kept_with_its_path_when_there_is_no_terminal() {
    let env = with_mine();
    let before = env.dump();
    let typed = recipe("mine", " For {{audiense}}.");
    let run = env
        .cmd(&["edit", "mine"])
        .env("EDITOR", env.editor(&[Some(&typed)]))
        .fails(3)
        .stderr_has(":12:47: the template uses `audiense`, which the recipe does not declare");
    let kept = kept_path(run.stderr());
    assert!(
        run.stderr().contains(&format!("{}:12:47:", kept.display())),
        "{}",
        run.stderr()
    );
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        typed,
        "nothing typed is lost"
    );
    assert_eq!(env.dump(), before, "the library is unchanged");
    // The kept file is an ordinary recipe file: fix it and add it.
    std::fs::write(&kept, typed.replace("audiense", "topic")).unwrap();
    env.cmd(&["add", kept.to_str().unwrap()])
        .ok()
        .stderr_has("updated mine (now version 2)");
    // The next session says where earlier drafts are.
    env.cmd(&["edit", "mine"])
        .env("EDITOR", "true")
        .ok()
        .stderr_has("note: an earlier draft of `mine` is kept in");
}

#[test]
fn an_editor_that_exits_non_zero_stores_nothing_and_keeps_what_was_typed() {
    let env = with_mine();
    let before = env.dump();
    // Nothing typed: nothing to keep.
    env.cmd(&["edit", "mine"])
        .env("EDITOR", "false")
        .fails(1)
        .stderr_has(
            "the editor `false` (from $EDITOR) exited with status 1, so nothing was stored",
        );
    assert!(env.drafts().is_empty());
    // Typed, then `:cq`: the text is kept.
    let typed = recipe("mine", " Half done.");
    let run = env
        .cmd(&["edit", "mine"])
        .env("EDITOR", env.editor_exiting(&[Some(&typed)], 3))
        .fails(1)
        .stderr_has("exited with status 3, so nothing was stored")
        .stderr_has("your text is kept in");
    assert_eq!(
        std::fs::read_to_string(kept_path(run.stderr())).unwrap(),
        typed
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn an_editor_that_is_not_found_is_named() {
    let env = with_mine();
    let before = env.dump();
    env.cmd(&["edit", "mine"])
        .env("EDITOR", "no-such-editor-here --flag")
        .fails(4)
        .stderr_has("the editor `no-such-editor-here --flag` (from $EDITOR) was not found")
        .stderr_has("hint: set VISUAL or EDITOR");
    assert_eq!(env.dump(), before);
    assert!(env.drafts().is_empty());
    env.cmd(&["edit", "mine"])
        .env("EDITOR", "vim 'unclosed")
        .fails(2)
        .stderr_has("cannot read $EDITOR");
}

#[test]
fn without_a_terminal_or_an_editor_variable_nothing_waits() {
    let env = with_mine();
    env.cmd(&["edit", "mine"])
        .fails(2)
        .stderr_has("no editor to open: VISUAL and EDITOR are not set")
        .stderr_has("EDITOR=nano");
}

#[test]
fn a_file_saved_empty_stores_nothing() {
    let env = with_mine();
    let before = env.dump();
    env.cmd(&["edit", "mine"])
        .env("EDITOR", env.editor(&[Some("\n  \n")]))
        .fails(1)
        .stderr_has("the file was saved empty, so nothing was stored")
        .stderr_has("`mine` is as it was; to remove it use `promptbook rm mine`");
    assert_eq!(env.dump(), before);
}

#[test]
fn renaming_to_a_name_that_exists_is_refused_without_loss() {
    let env = with_mine();
    env.write("other.yaml", recipe("other", ""));
    env.cmd(&["add", "other.yaml"])
        .ok()
        .stderr_has("added other");
    let before = env.dump();
    let typed = recipe("other", " Mine, renamed.");
    let run = env
        .cmd(&["edit", "mine"])
        .env("EDITOR", env.editor(&[Some(&typed)]))
        .fails(3)
        .stderr_has("the recipe `mine` was renamed to `other`, but another recipe in the library is already named `other`")
        .stderr_has("change `name:` back to `mine`");
    assert_eq!(
        std::fs::read_to_string(kept_path(run.stderr())).unwrap(),
        typed
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn renaming_to_a_new_name_keeps_the_history() {
    let env = with_mine();
    env.cmd(&["edit", "mine"])
        .env("EDITOR", env.editor(&[Some(&recipe("ours", ""))]))
        .ok()
        .stderr_has("Renamed `mine` to `ours` and stored version 2.");
    env.cmd(&["show", "mine"]).fails(4);
    let run = env.cmd(&["history", "ours"]).ok();
    assert!(run.stdout.contains("renamed from mine"), "{}", run.stdout);
    env.cmd(&["search", "ours"]).ok().stdout_has("ours");
    // Reverting to version 1 brings the old name back, as that version had it.
    env.cmd(&["revert", "ours", "1"])
        .ok()
        .stderr_has("Renamed `ours` back to `mine`, as in version 1.");
    assert_eq!(env.yaml("mine"), recipe("mine", ""));
}

#[test]
fn a_crashed_session_leaves_its_draft_and_the_next_one_says_where() {
    let env = with_mine();
    let before = env.dump();
    let typed = recipe("mine", " Typed before the crash.");
    env.write("typed.yaml", &typed);
    // The editor saves, then the promptbook process dies (as in a closed terminal).
    let editor = env.script(
        "crash.sh",
        &format!(
            "#!/bin/sh\ncp '{}' \"$1\"\nkill -9 $PPID\n",
            env.path("typed.yaml").display()
        ),
    );
    let run = env
        .cmd(&["edit", "mine"])
        .env("EDITOR", editor.to_str().unwrap())
        .run();
    assert_ne!(run.code, 0);
    assert_eq!(env.dump(), before);
    let drafts = env.drafts();
    assert_eq!(drafts.len(), 1);
    assert_eq!(std::fs::read_to_string(&drafts[0]).unwrap(), typed);
    env.cmd(&["edit", "mine"])
        .env("EDITOR", "true")
        .ok()
        .stderr_has(&format!(
            "note: an earlier draft of `mine` is kept in {}",
            drafts[0].display()
        ));
}

#[test]
fn a_version_stored_meanwhile_is_not_replaced() {
    let env = with_mine();
    env.write("theirs.yaml", recipe("mine", " Theirs."));
    // While the editor is open, another process stores version 2.
    let editor = env.script(
        "busy.sh",
        &format!(
            "#!/bin/sh\n'{}' add '{}' >/dev/null 2>&1 || exit 9\nprintf '%s' '{}' > \"$1\"\n",
            env!("CARGO_BIN_EXE_promptbook"),
            env.path("theirs.yaml").display(),
            recipe("mine", " Mine.")
        ),
    );
    let run = env
        .cmd(&["edit", "mine"])
        .env("EDITOR", editor.to_str().unwrap())
        .fails(1)
        .stderr_has("`mine` changed while you were editing it: it is now at version 2, and your text was made from version 1")
        .stderr_has("promptbook diff mine 1 2");
    assert_eq!(
        std::fs::read_to_string(kept_path(run.stderr())).unwrap(),
        recipe("mine", " Mine.")
    );
    assert_eq!(env.yaml("mine"), recipe("mine", " Theirs."));
}

#[test]
fn edit_of_an_unknown_recipe() {
    let env = Env::new();
    env.cmd(&["edit", "blog-drat"])
        .env("EDITOR", "true")
        .fails(4)
        .stderr_has("did you mean `blog-draft`?");
}

#[test]
fn new_starts_from_a_scaffold_that_is_a_valid_recipe() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    // Closing the scaffold unchanged stores nothing.
    env.cmd(&["new", "release-notes"])
        .env("EDITOR", "true")
        .ok()
        .stderr_has("No changes, so nothing was stored.");
    assert_eq!(env.dump(), before);
    // A small change to the scaffold is enough.
    let editor = env.script(
        "title.sh",
        "#!/bin/sh\nsed -i 's/^title: .*/title: Release notes from a changelog/' \"$1\"\n",
    );
    env.cmd(&["new", "release-notes"])
        .env("EDITOR", editor.to_str().unwrap())
        .ok()
        .stderr_has("Added `release-notes` (version 1).");
    let yaml = env.yaml("release-notes");
    assert!(
        yaml.contains("name: release-notes\ntitle: Release notes from a changelog\n"),
        "{yaml}"
    );
    env.cmd(&["lint", "release-notes"])
        .ok()
        .stderr_has("Checked 1 recipe: no errors, no warnings.");
    env.cmd(&["test", "release-notes"])
        .ok()
        .stdout_has("1 passed, 0 failed");
}

#[test]
fn new_from_an_existing_recipe_copies_it_under_the_new_name() {
    let env = with_mine();
    env.cmd(&["new", "mine-short", "--from", "mine"])
        .env("EDITOR", env.editor(&[None]))
        .ok()
        .stderr_has("No changes");
    assert_eq!(
        env.seen(1),
        recipe("mine", "").replace("name: mine\n", "name: mine-short\n")
    );
    let edited = recipe("mine-short", " Short.");
    env.cmd(&["new", "mine-short", "--from", "mine"])
        .env("EDITOR", env.editor(&[Some(&edited)]))
        .ok()
        .stderr_has("Added `mine-short`");
    assert_eq!(
        env.yaml("mine"),
        recipe("mine", ""),
        "the original is untouched"
    );
}

#[test]
fn new_refuses_taken_and_invalid_names_before_opening_an_editor() {
    let env = with_mine();
    let before = env.dump();
    env.cmd(&["new", "mine"])
        .env("EDITOR", "false")
        .fails(2)
        .stderr_has("a recipe named `mine` already exists")
        .stderr_has("promptbook edit mine");
    env.cmd(&["new", "Bad Name"])
        .env("EDITOR", "false")
        .fails(2)
        .stderr_has("is not a recipe name");
    env.cmd(&["new", "x", "--from", "nope"])
        .env("EDITOR", "false")
        .fails(4);
    // Naming the new recipe like an existing one inside the editor is refused too.
    let typed = recipe("mine", " A second mine.");
    let run = env
        .cmd(&["new", "fresh"])
        .env("EDITOR", env.editor(&[Some(&typed)]))
        .fails(3)
        .stderr_has("a recipe named `mine` is already in the library");
    assert_eq!(
        std::fs::read_to_string(kept_path(run.stderr())).unwrap(),
        typed
    );
    assert_eq!(env.dump(), before);
}

/// `mine` with versions 1 (the test recipe), 2 (a changed prompt and model) and 3 (a new
/// variable).
fn with_history() -> Env {
    let env = with_mine();
    let v2 = recipe("mine", " Be short.").replace("prefer: haiku", "prefer: sonnet");
    env.write("mine.yaml", &v2);
    env.cmd(&["add", "mine.yaml"])
        .ok()
        .stderr_has("updated mine (now version 2)");
    let v3 = v2
        .replace(
            "  tone: {",
            "  audience: { type: string, default: everyone, description: Who reads it }\n  tone: {",
        )
        .replace("Be short.", "Be short. For {{audience}}.");
    env.write("mine.yaml", &v3);
    env.cmd(&["add", "mine.yaml"])
        .ok()
        .stderr_has("updated mine (now version 3)");
    env
}

#[test]
fn history_lists_versions_newest_first_with_what_changed() {
    let env = with_history();
    env.cmd(&["revert", "mine", "1"])
        .ok()
        .stderr_has("Reverted `mine` to version 1: stored as version 4.");
    // Wide enough that no summary is cut (at 80 columns the longest would be).
    let run = env.cmd(&["history", "mine"]).env("COLUMNS", "120").ok();
    insta::assert_snapshot!("history", stable(&run.stdout));
    let json: serde_json::Value =
        serde_json::from_str(&env.cmd(&["history", "mine", "--json"]).ok().stdout).unwrap();
    assert_eq!(json[0]["version"], 4);
    assert_eq!(json[0]["same_as"], 1);
    assert_eq!(json[3]["summary"], "created");
    assert_eq!(json[0]["hash"].as_str().unwrap().len(), 64);
}

#[test]
fn diff_defaults_to_the_previous_and_current_versions() {
    let env = with_history();
    let run = env.cmd(&["diff", "mine"]).ok();
    insta::assert_snapshot!("diff_default", run.stdout);
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when not on a terminal"
    );
    let run = env.cmd(&["diff", "mine", "v1", "3"]).ok();
    assert!(
        run.stdout.starts_with("--- mine v1\n+++ mine v3\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("-  prefer: haiku\n+  prefer: sonnet\n"),
        "{}",
        run.stdout
    );
    let one = env.cmd(&["diff", "mine", "1"]).ok();
    assert!(
        one.stdout.starts_with("--- mine v1\n+++ mine v3\n"),
        "{}",
        one.stdout
    );
    env.cmd(&["diff", "mine", "2", "2"])
        .ok()
        .stderr_has("v2 and v2 of `mine` are identical.");
}

#[test]
fn diff_of_an_unknown_recipe_or_version() {
    let env = with_history();
    env.cmd(&["diff", "mien"])
        .fails(4)
        .stderr_has("no recipe named `mien`")
        .stderr_has("did you mean `mine`?");
    env.cmd(&["diff", "mine", "1", "9"])
        .fails(4)
        .stderr_has("`mine` has no version 9")
        .stderr_has("its versions are 1 to 3");
    let run = env.cmd(&["diff", "mine", "first"]).run();
    assert_eq!(run.code, 2, "{}", run.stderr());
    assert!(
        run.stderr().contains("write it as 3 or v3"),
        "{}",
        run.stderr()
    );
    let env = with_mine();
    env.cmd(&["diff", "mine"])
        .ok()
        .stderr_has("has only version 1");
}

#[test]
fn revert_stores_the_old_text_as_a_new_version() {
    let env = with_history();
    env.cmd(&["revert", "mine", "v2"])
        .ok()
        .stderr_has("Reverted `mine` to version 2: stored as version 4.");
    assert_eq!(
        env.yaml("mine"),
        recipe("mine", " Be short.").replace("prefer: haiku", "prefer: sonnet")
    );
    let dump = env.dump();
    assert_eq!(
        dump.lines()
            .filter(|l| l.starts_with("mine cur=4 "))
            .count(),
        4,
        "{dump}"
    );
    // Reverting to what is already current stores nothing.
    env.cmd(&["revert", "mine", "4"])
        .ok()
        .stderr_has("already has the text of version 4; nothing was stored");
    assert_eq!(env.dump(), dump);
}

#[test]
fn revert_to_a_version_that_does_not_exist() {
    let env = with_history();
    let before = env.dump();
    env.cmd(&["revert", "mine", "7"])
        .fails(4)
        .stderr_has("`mine` has no version 7")
        .stderr_has("promptbook history mine");
    env.cmd(&["revert", "nope", "1"]).fails(4);
    let run = env.cmd(&["revert", "mine", "0"]).run();
    assert_eq!(run.code, 2);
    assert_eq!(env.dump(), before);
}

#[test]
fn a_library_that_cannot_be_written_keeps_the_text() {
    let env = with_mine();
    let mut perms = std::fs::metadata(env.lib()).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(env.lib(), perms).unwrap();
    let before = env.dump();
    let typed = recipe("mine", " Typed.");
    let run = env
        .cmd(&["edit", "mine"])
        .env("EDITOR", env.editor(&[Some(&typed)]))
        .fails(5)
        .stderr_has("is read-only");
    assert_eq!(
        std::fs::read_to_string(kept_path(run.stderr())).unwrap(),
        typed
    );
    assert_eq!(env.dump(), before);
}
