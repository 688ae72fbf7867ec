//! Snippets as a person uses them: one "brand voice" text kept once and included in recipes
//! as `{{> brand-voice}}`; added, shown, changed, edited, reverted and removed with
//! `promptbook snippet …`, and every bad snippet file refused with its place and nothing
//! stored.

use crate::support::*;

const VOICE: &str = "name: brand-voice
description: How we sound in everything we write
template: |
  Write for {{audience}} in a warm, plain voice: short sentences, no jargon.
";

const VOICE_2: &str = "name: brand-voice
description: How we sound in everything we write
template: |
  Write for {{audience}} in a warm, plain voice: short sentences, no jargon.
  End with one line that invites a reply.
";

const LAUNCH: &str = "name: launch-note
title: Launch note
description: Announce a new product to our customers.
variables:
  product: { type: string, required: true, description: What we launch }
  audience: { type: string, default: our customers }
prompt: |
  Announce {{product}} in three short paragraphs.
  {{> brand-voice}}
";

/// A library with the snippet `brand-voice` (v1) and the recipe `launch-note` including it.
fn with_voice() -> Env {
    let env = Env::new();
    env.write("brand-voice.yaml", VOICE);
    env.write("launch-note.yaml", LAUNCH);
    env.cmd(&["snippet", "add", "brand-voice.yaml"])
        .ok()
        .stderr_is("added brand-voice\n");
    env.cmd(&["add", "launch-note.yaml"])
        .ok()
        .stderr_is("added launch-note\n");
    env
}

/// The snippet drafts kept in the data folder.
fn snippet_drafts(env: &Env) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(env.path("data/promptbook/drafts/snippets"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    found.sort();
    found
}

#[test]
fn one_snippet_shared_by_a_recipe_from_add_to_rm() {
    let env = with_voice();

    // The recipe renders with the snippet's text in place of `{{> brand-voice}}`, filled
    // with the recipe's own variable.
    let run = env
        .cmd(&["render", "launch-note", "--var", "product=Tide Tables"])
        .ok();
    assert_eq!(
        run.stdout,
        "Announce Tide Tables in three short paragraphs.\nWrite for our customers in a warm, plain voice: short sentences, no jargon.\n"
    );

    let run = env.cmd(&["snippet", "list"]).ok();
    insta::assert_snapshot!("list", stable(&run.stdout));
    assert!(
        run.stdout.lines().all(|l| l.chars().count() <= 80),
        "{}",
        run.stdout
    );

    // `show` prints the file as stored, after two comment lines: still a snippet file.
    let run = env.cmd(&["snippet", "show", "brand-voice"]).ok();
    insta::assert_snapshot!("show", stable(&run.stdout));
    env.write("shown.yaml", &run.stdout);
    env.cmd(&["snippet", "add", "shown.yaml"])
        .ok()
        .stderr_has("updated brand-voice (now version 2)");
    env.cmd(&["snippet", "revert", "brand-voice", "1"])
        .ok()
        .stderr_is("Reverted `brand-voice` to version 1: stored as version 3.\n");

    // Adding the same file again changes nothing; a changed one is a new version, and every
    // recipe that includes it renders with it from now on.
    env.cmd(&["snippet", "add", "brand-voice.yaml"])
        .ok()
        .stderr_is("unchanged brand-voice: identical to stored version 3\n");
    env.write("brand-voice.yaml", VOICE_2);
    env.cmd(&["snippet", "add", "brand-voice.yaml"])
        .ok()
        .stderr_is("updated brand-voice (now version 4)\nnote: 1 recipe includes it and changes with it from now on: launch-note\n");
    let run = env
        .cmd(&["render", "launch-note", "--var", "product=Tide Tables"])
        .ok();
    assert!(
        run.stdout
            .ends_with("no jargon.\nEnd with one line that invites a reply.\n"),
        "{}",
        run.stdout
    );
    // The JSON result records which snippet version the prompt used.
    let run = env
        .cmd(&[
            "render",
            "launch-note",
            "--var",
            "product=Tide Tables",
            "--format",
            "json",
        ])
        .ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["snippets"],
        serde_json::json!([{ "name": "brand-voice", "version": 4 }]),
        "{}",
        run.stdout
    );

    let run = env
        .cmd(&["snippet", "history", "brand-voice"])
        .env("COLUMNS", "100")
        .ok();
    insta::assert_snapshot!("history", stable(&run.stdout));
    let run = env.cmd(&["snippet", "diff", "brand-voice"]).ok();
    insta::assert_snapshot!("diff", run.stdout);

    let run = env.cmd(&["snippet", "show", "brand-voice", "--json"]).ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["used_by"], serde_json::json!(["launch-note"]));
    assert_eq!(json["version"], 4);
    assert_eq!(json["versions"], 4);
    assert_eq!(json["yaml"], VOICE_2);

    // Removing it while a recipe includes it is refused, naming the recipe.
    let before = env.dump();
    env.cmd(&["snippet", "rm", "brand-voice", "--yes"])
        .fails(2)
        .stderr_is("error: the snippet `brand-voice` is used by 1 recipe: `launch-note`\n  hint: remove `{{> brand-voice}}` from them first (`promptbook edit RECIPE`), or keep the snippet\n");
    assert_eq!(env.dump(), before);
    // Once no recipe includes it: without a terminal it needs --yes, then it is gone.
    env.write(
        "launch-note.yaml",
        LAUNCH.replace("  {{> brand-voice}}\n", ""),
    );
    env.cmd(&["add", "launch-note.yaml"])
        .ok()
        .stderr_has("updated launch-note");
    env.cmd(&["snippet", "show", "brand-voice"])
        .ok()
        .stdout_has("# Used by: no recipe yet\n");
    env.cmd(&["snippet", "rm", "brand-voice"])
        .fails(2)
        .stderr_has("not removing `brand-voice` without confirmation")
        .stderr_has("promptbook snippet rm brand-voice --yes");
    env.cmd(&["snippet", "rm", "brand-voice", "--yes"])
        .ok()
        .stderr_is("Removed the snippet `brand-voice` (4 versions).\n");
    env.cmd(&["snippet", "list"])
        .ok()
        .stderr_has("No snippets yet.");
    env.cmd(&["snippet", "show", "brand-vioce"])
        .fails(4)
        .stderr_has("no snippet named `brand-vioce` in the library");
}

#[test]
fn snippets_include_snippets_and_read_the_recipes_variables() {
    let env = with_voice();
    env.write(
        "sign-off.yaml",
        "name: sign-off\ndescription: The last line\ntemplate: 'Thanks, {{author}}.'\n",
    );
    env.write(
        "letter.yaml",
        "name: letter\ndescription: A letter in our voice, signed\ntemplate: |\n  {{> brand-voice}}\n  {{> sign-off}}\n",
    );
    // Two files, one transaction: `letter` may include `sign-off` from the same add.
    env.cmd(&["snippet", "add", "sign-off.yaml", "letter.yaml"])
        .ok()
        .stderr_is("added sign-off\nadded letter\n");
    env.write(
        "thanks.yaml",
        "name: thanks\ntitle: Thank-you note\ndescription: Thank a customer.\nvariables:\n  audience: { type: string, default: a loyal customer }\n  author: { type: string, required: true }\nprompt: |\n  Thank them for ten years with us.\n  {{> letter}}\n",
    );
    env.cmd(&["add", "thanks.yaml"])
        .ok()
        .stderr_is("added thanks\n");
    let run = env.cmd(&["render", "thanks", "--var", "author=Ana"]).ok();
    assert_eq!(
        run.stdout,
        "Thank them for ten years with us.\nWrite for a loyal customer in a warm, plain voice: short sentences, no jargon.\nThanks, Ana.\n"
    );
    // `brand-voice` is used by both recipes: one directly, one through `letter`.
    env.cmd(&["snippet", "show", "brand-voice"])
        .ok()
        .stdout_has("# Used by: launch-note, thanks\n");
    env.cmd(&["snippet", "show", "sign-off"])
        .ok()
        .stdout_has("# Used by: thanks\n");
}

/// A bad snippet file: exit 3, the problem at file:line:col, nothing stored.
fn refused(env: &Env, files: &[&str]) -> String {
    let before = env.dump();
    let mut args = vec!["snippet", "add"];
    args.extend(files);
    let run = env.cmd(&args).fails(3);
    assert_eq!(env.dump(), before, "a refused add stored something");
    run.stderr()
        .to_string()
        .replace(&env.dir.path().display().to_string(), "TMP")
}

#[test]
fn bad_snippet_files_are_refused_with_their_place_and_nothing_is_stored() {
    let env = with_voice();

    // A bad name, a misspelt field and a template syntax error, all reported at once.
    env.write(
        "bad.yaml",
        "name: Brand Voice\ndescripton: How we sound\ntemplate: |\n  Write {{#if audience}}warmly.\n",
    );
    insta::assert_snapshot!("bad_file", refused(&env, &["bad.yaml"]));

    // A snippet the library does not have, with a did-you-mean.
    env.write(
        "intro.yaml",
        "name: intro\ntemplate: |\n  Hello.\n  {{> brand-vocie}}\n",
    );
    insta::assert_snapshot!("missing_snippet", refused(&env, &["intro.yaml"]));

    // A variable that a recipe including the snippet does not declare, naming the recipe.
    env.write(
        "brand-voice.yaml",
        VOICE.replace("no jargon.", "no jargon. Mention {{region}}."),
    );
    insta::assert_snapshot!("undeclared_variable", refused(&env, &["brand-voice.yaml"]));

    // Snippets that include each other: a → b → a, added together.
    env.write("a.yaml", "name: a\ntemplate: |\n  A, then {{> b}}\n");
    env.write("b.yaml", "name: b\ntemplate: |\n  B, then {{> a}}\n");
    let stderr = refused(&env, &["a.yaml", "b.yaml"]);
    assert!(
        stderr
            .starts_with("error: a.yaml:3:11: snippets include each other in a cycle: a → b → a\n"),
        "{stderr}"
    );
    // … and a cycle closed by changing a stored snippet.
    env.write("a.yaml", "name: a\ntemplate: |\n  A alone.\n");
    env.cmd(&["snippet", "add", "a.yaml", "b.yaml"])
        .ok()
        .stderr_is("added a\nadded b\n");
    env.write("a.yaml", "name: a\ntemplate: |\n  A, then {{> b}}\n");
    let stderr = refused(&env, &["a.yaml"]);
    assert!(
        stderr
            .starts_with("error: a.yaml:3:11: snippets include each other in a cycle: a → b → a\n"),
        "{stderr}"
    );
    // A snippet cannot include itself.
    env.write("self.yaml", "name: self\ntemplate: |\n  x {{> self}}\n");
    assert!(
        refused(&env, &["self.yaml"]).contains("self.yaml:3:5: the snippet `self` includes itself"),
    );

    // One bad file among good ones: none is stored, and the good ones are not reported.
    env.write("good.yaml", "name: good\ntemplate: Fine.\n");
    let stderr = refused(&env, &["good.yaml", "intro.yaml"]);
    assert!(
        stderr
            .starts_with("error: intro.yaml:4:3: the snippet `brand-vocie` is not in the library"),
        "{stderr}"
    );
    assert!(!stderr.contains("good.yaml"), "{stderr}");

    // Two files with one name.
    env.write("good-2.yaml", "name: good\ntemplate: Also fine.\n");
    let stderr = refused(&env, &["good.yaml", "good-2.yaml"]);
    assert!(
        stderr.contains("good-2.yaml:1:7: the name `good` is also used by good.yaml"),
        "{stderr}"
    );

    // A recipe given by mistake says what it is.
    let stderr = refused(&env, &["launch-note.yaml"]);
    assert!(
        stderr.contains("launch-note.yaml:2:1: unknown field `title`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("this looks like a recipe, not a snippet: `promptbook add launch-note.yaml` adds recipes"),
        "{stderr}"
    );

    // Not text, and too large.
    env.write("binary.yaml", b"name: x\ntemplate: \xff\xfe\n");
    assert!(refused(&env, &["binary.yaml"]).contains("not valid UTF-8 text"));
    env.write(
        "huge.yaml",
        format!("name: huge\ntemplate: {}\n", "x".repeat(300 * 1024)),
    );
    assert!(refused(&env, &["huge.yaml"]).contains("huge.yaml"));
}

/// A `{{! … }}` in a snippet vanishes from every prompt that includes it: `snippet add`
/// says so, as `lint` does for a recipe, and still stores it; a `{{!-- … --}}` note to
/// authors is left alone.
#[test]
fn a_comment_that_drops_text_from_a_snippet_is_warned_about() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    env.write(
        "sign-off.yaml",
        "name: sign-off\ndescription: How we end\ntemplate: |\n  {{!-- kept short on purpose --}}\n  Thanks, {{!important}} the team\n",
    );
    env.cmd(&["snippet", "add", "sign-off.yaml"]).ok().stderr_is(
        "warning: sign-off.yaml:5:11: in `template`: `{{!important}}` is read as a Handlebars comment, so this text never reaches the model\n  \
         hint: to send the braces as text write `\\{{` instead of `{{`; for a note to recipe authors write `{{!-- … --}}`\n\
         added sign-off\n",
    );
    env.cmd(&["snippet", "show", "sign-off"])
        .ok()
        .stdout_has("{{!important}}");
}

#[test]
fn edit_stores_a_new_version_that_every_including_recipe_renders() {
    let env = with_voice();
    let editor = env.editor(&[Some(VOICE_2)]);
    env.cmd(&["snippet", "edit", "brand-voice"])
        .env("EDITOR", &editor)
        .ok()
        .stderr_is("Stored `brand-voice` version 2.\n");
    assert_eq!(env.seen(1), VOICE, "the editor got the stored text");
    assert!(snippet_drafts(&env).is_empty(), "a stored draft is removed");
    env.cmd(&["render", "launch-note", "--var", "product=x"])
        .ok()
        .stdout_has("End with one line that invites a reply.");
    // Closing it unchanged stores nothing.
    let before = env.dump();
    env.cmd(&["snippet", "edit", "brand-voice"])
        .env("EDITOR", env.editor(&[None]))
        .ok()
        .stderr_is("No changes, so nothing was stored.\n");
    assert_eq!(env.dump(), before);
}

#[test]
fn an_invalid_edit_is_kept_as_a_file_and_nothing_is_stored() {
    let env = with_voice();
    let before = env.dump();
    // The launch note does not declare `region`: without a terminal nothing asks, the text
    // is kept and its path printed.
    let typed = VOICE.replace("no jargon.", "no jargon. Mention {{region}}.");
    let run = env
        .cmd(&["snippet", "edit", "brand-voice"])
        .env("EDITOR", env.editor(&[Some(&typed)]))
        .fails(3);
    let kept = kept_path(run.stderr());
    assert!(
        run.stderr().starts_with(&format!(
            "error: {}:4:86: the snippet uses `region`, which 1 recipe including it does not declare: `launch-note`\n",
            kept.display()
        )),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr()
            .contains("store it with `promptbook snippet add "),
        "{}",
        run.stderr()
    );
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), typed);
    assert_eq!(snippet_drafts(&env), std::slice::from_ref(&kept));
    assert_eq!(env.dump(), before, "the library is unchanged");
    assert!(env.drafts().iter().all(|d| d.is_dir()), "no recipe draft");

    // Once the recipe declares it, the kept file adds as it is.
    env.write(
        "launch-note.yaml",
        LAUNCH.replace(
            "variables:\n",
            "variables:\n  region: { type: string, default: Europe }\n",
        ),
    );
    env.cmd(&["add", "launch-note.yaml"])
        .ok()
        .stderr_has("updated launch-note");
    env.cmd(&["snippet", "add", kept.to_str().unwrap()])
        .ok()
        .stderr_has("updated brand-voice (now version 2)");
    // The next session says where the earlier draft is.
    env.cmd(&["snippet", "edit", "brand-voice"])
        .env("EDITOR", "true")
        .ok()
        .stderr_is(&format!(
            "note: an earlier draft of `brand-voice` is kept in {}\nNo changes, so nothing was stored.\n",
            kept.display()
        ));
}

#[test]
fn an_edit_keeps_the_name_and_the_version_it_started_from() {
    let env = with_voice();
    let before = env.dump();
    // Renaming would break every recipe that includes it by name.
    let typed = VOICE.replace("name: brand-voice", "name: house-voice");
    let run = env
        .cmd(&["snippet", "edit", "brand-voice"])
        .env("EDITOR", env.editor(&[Some(&typed)]))
        .fails(3)
        .stderr_has(":1:7: the snippet is named `house-voice`, but you are editing `brand-voice`")
        .stderr_has("change `name:` back to `brand-voice`");
    let kept = kept_path(run.stderr());
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), typed);
    assert_eq!(env.dump(), before);
    std::fs::remove_file(kept).unwrap();

    // While the editor is open, another process stores version 2: this save is kept, not
    // stored over it.
    env.write("theirs.yaml", VOICE_2);
    let editor = env.script(
        "busy.sh",
        &format!(
            "#!/bin/sh\n'{}' snippet add '{}' >/dev/null 2>&1 || exit 9\nprintf '%s' '{}' > \"$1\"\n",
            env!("CARGO_BIN_EXE_promptbook"),
            env.path("theirs.yaml").display(),
            VOICE.replace("warm", "bright")
        ),
    );
    let run = env
        .cmd(&["snippet", "edit", "brand-voice"])
        .env("EDITOR", editor.to_str().unwrap())
        .fails(1)
        .stderr_has("the snippet `brand-voice` changed while you were editing it: it is now at version 2, and your text was made from version 1")
        .stderr_has("promptbook snippet diff brand-voice 1 2");
    let kept = kept_path(run.stderr());
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        VOICE.replace("warm", "bright")
    );
    std::fs::remove_file(kept).unwrap();
    env.cmd(&["snippet", "show", "brand-voice", "--json"])
        .ok()
        .stdout_has("End with one line that invites a reply.");

    // Saved empty: nothing stored, and how to remove it instead.
    env.cmd(&["snippet", "edit", "brand-voice"])
        .env("EDITOR", env.editor(&[Some("\n")]))
        .fails(1)
        .stderr_has(
            "`brand-voice` is as it was; to remove it use `promptbook snippet rm brand-voice`",
        );
}

#[test]
fn new_starts_from_a_scaffold_that_is_a_valid_snippet() {
    let env = with_voice();
    let before = env.dump();
    env.cmd(&["snippet", "new", "sign-off"])
        .env("EDITOR", "true")
        .ok()
        .stderr_is("No changes, so nothing was stored.\n");
    assert_eq!(env.dump(), before);
    // The scaffold as it stands is stored once it is saved with a change.
    let editor = env.script(
        "append.sh",
        "#!/bin/sh\ncp \"$1\" \"$1.seen\"\nprintf '  Thanks for reading.\\n' >> \"$1\"\n",
    );
    env.cmd(&["snippet", "new", "sign-off"])
        .env("EDITOR", editor.to_str().unwrap())
        .ok()
        .stderr_is("Added `sign-off` (version 1).\n");
    let run = env.cmd(&["snippet", "show", "sign-off", "--json"]).ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["template"],
        "Write in a warm, plain voice: short sentences, everyday words, no jargon.\nThanks for reading.\n"
    );
    assert!(
        json["yaml"]
            .as_str()
            .unwrap()
            .starts_with("# A new promptbook snippet: a piece of text that recipes include with {{> sign-off}}.\n"),
        "{}",
        json["yaml"]
    );
    // A copy of another, renamed.
    env.cmd(&["snippet", "new", "formal-voice", "--from", "brand-voice"])
        .env(
            "EDITOR",
            env.editor(&[Some(
                &VOICE
                    .replace("brand-voice", "formal-voice")
                    .replace("warm", "formal"),
            )]),
        )
        .ok()
        .stderr_is("Added `formal-voice` (version 1).\n");
    assert_eq!(
        env.seen(1),
        VOICE.replace("brand-voice", "formal-voice"),
        "the copy has the new name"
    );
    // Names that are taken or not names.
    env.cmd(&["snippet", "new", "brand-voice"])
        .env("EDITOR", "true")
        .fails(2)
        .stderr_has("a snippet named `brand-voice` already exists");
    env.cmd(&["snippet", "new", "Brand Voice"])
        .env("EDITOR", "true")
        .fails(2)
        .stderr_has("\"Brand Voice\" is not a snippet name");
    // A name changed in the editor to one that is taken is refused at its line.
    let run = env
        .cmd(&["snippet", "new", "closing"])
        .env("EDITOR", env.editor(&[Some(VOICE)]))
        .fails(3)
        .stderr_has(":1:7: a snippet named `brand-voice` is already in the library");
    assert_eq!(
        std::fs::read_to_string(kept_path(run.stderr())).unwrap(),
        VOICE
    );
}

#[test]
fn on_a_terminal_an_invalid_edit_reopens_the_editor_and_rm_asks() {
    let env = with_voice();
    let typed = VOICE.replace("no jargon.", "no jargon. Mention {{region}}.");
    let editor = env.editor(&[Some(&typed), Some(VOICE_2)]);
    let mut pty = env.pty_with(&["snippet", "edit", "brand-voice"], &[("EDITOR", &editor)]);
    pty.expect(
        "the snippet uses `region`, which 1 recipe including it does not declare: `launch-note`",
    )
    .expect("Open the editor again on your text to fix it? [Y/n] ")
    .line("y");
    let (code, out) = pty.finish();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Stored `brand-voice` version 2."), "{out}");
    assert_eq!(env.seen(2), typed, "reopened on the edited text");
    assert!(snippet_drafts(&env).is_empty());

    // Declined: the text is kept, and the error says only that.
    let editor = env.editor(&[Some(&typed)]);
    let mut pty = env.pty_with(&["snippet", "edit", "brand-voice"], &[("EDITOR", &editor)]);
    pty.expect("Open the editor again on your text to fix it? [Y/n] ")
        .line("n");
    let (code, out) = pty.finish();
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("error: the snippet was not stored"), "{out}");
    assert_eq!(snippet_drafts(&env).len(), 1);

    // `rm` asks on a terminal; no keeps it.
    env.write("b.yaml", "name: brief-style\ntemplate: Be brief.\n");
    env.cmd(&["snippet", "add", "b.yaml"])
        .ok()
        .stderr_has("added brief-style");
    let before = env.dump();
    let mut pty = env.pty(&["snippet", "rm", "brief-style"]);
    pty.expect("Remove the snippet `brief-style` and its 1 version? [y/N] ")
        .line("n")
        .expect("Kept `brief-style`.");
    assert_eq!(pty.finish().0, 0);
    assert_eq!(env.dump(), before);
    let mut pty = env.pty(&["snippet", "rm", "brief-style"]);
    pty.expect("[y/N] ")
        .line("y")
        .expect("Removed the snippet `brief-style` (1 version).");
    assert_eq!(pty.finish().0, 0);
    env.cmd(&["snippet", "show", "brief-style"]).fails(4);
}

#[test]
fn snippet_names_complete_in_bash() {
    if !need_tools(&["bash"]) {
        return;
    }
    let env = with_voice();
    env.write("b.yaml", "name: brief-style\ntemplate: Be brief.\n");
    env.cmd(&["snippet", "add", "b.yaml"])
        .ok()
        .stderr_has("added brief-style");
    assert_eq!(
        env.bash_completes(&["snippet", "show", "br"]),
        ["brand-voice", "brief-style"]
    );
    assert_eq!(
        env.bash_completes(&["snippet", "edit", "bri"]),
        ["brief-style"]
    );
    assert_eq!(env.bash_completes(&["snippet", "hi"]), ["history"]);
}

#[test]
fn the_help_shows_a_snippet_file_and_how_a_recipe_includes_it() {
    let env = Env::new();
    let run = env.cmd(&["snippet", "--help"]).ok();
    assert!(run.stdout.contains("  name: brand-voice\n  description: How we sound in everything we write\n  template: |\n"), "{}", run.stdout);
    assert!(run.stdout.contains("{{> brand-voice}}"), "{}", run.stdout);
    for sub in [
        "add", "list", "show", "new", "edit", "history", "diff", "revert", "rm",
    ] {
        let run = env.cmd(&["snippet", sub, "--help"]).ok();
        assert!(
            run.stdout.contains("Examples:"),
            "snippet {sub}:\n{}",
            run.stdout
        );
    }
}
