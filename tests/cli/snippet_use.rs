//! Recipes that include snippets, as their authors meet them: `add` and `lint` check the
//! snippets against the library at the file's line and column, `render` uses the snippet
//! as it is now, `show` and `--format json` say which versions were used, and an export to
//! another tool's format carries the snippet's text.

use serde_json::{Value, json};

use crate::support::*;

const VOICE: &str = "name: brand-voice\ndescription: How we sound\ntemplate: |\n  Write for {{audience}} in a warm, plain voice.\n";

/// A recipe that includes `brand-voice` on its own line (line 7 of the file).
fn note(variables: &str, include: &str) -> String {
    format!(
        "name: note\ntitle: A short note\ndescription: A note to customers.\nvariables:\n  topic: {{ type: string, required: true }}\n{variables}prompt: |\n  {{{{> {include}}}}}\n  Topic: {{{{topic}}}}\n"
    )
}

const AUDIENCE: &str = "  audience: { type: string, default: parents }\n";

fn env_with_voice() -> Env {
    let env = Env::new();
    env.write("voice.yaml", VOICE);
    env.cmd(&["snippet", "add", "voice.yaml"])
        .ok()
        .stderr_has("brand-voice");
    env
}

#[test]
fn add_and_lint_refuse_what_the_library_cannot_render_at_the_files_position() {
    let env = env_with_voice();
    let before = env.dump();

    env.write("note.yaml", note("", "brand-voice"));
    let run = env.cmd(&["add", "note.yaml"]).fails(3);
    assert!(
        run.stderr().contains(
            "note.yaml:7:3: the snippet `brand-voice` uses `audience`, which this recipe does not declare"
        ),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("nothing was added"),
        "{}",
        run.stderr()
    );
    let lint = env.cmd(&["lint", "note.yaml"]).fails(1);
    assert!(
        lint.stdout
            .contains("note.yaml:7:3: error: the snippet `brand-voice` uses `audience`"),
        "{}",
        lint.stdout
    );
    lint.stderr_has("lint found 1 error");

    env.write("note.yaml", note(AUDIENCE, "brand-vioce"));
    let run = env.cmd(&["add", "note.yaml"]).fails(3);
    assert!(
        run.stderr()
            .contains("note.yaml:8:3: the snippet `brand-vioce` is not in the library"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("did you mean `{{> brand-voice}}`?"),
        "{}",
        run.stderr()
    );

    env.write("note.yaml", note(AUDIENCE, "Brand Voice"));
    env.cmd(&["add", "note.yaml"]).fails(3).stderr_has(
        "note.yaml:8:3: in `prompt`: `{{> Brand}}` does not name a snippet: snippet names are kebab-case",
    );
    assert_eq!(env.dump(), before, "a refused add changes nothing");

    // A variable only the snippet reads is not "unused".
    env.write("note.yaml", note(AUDIENCE, "brand-voice"));
    let lint = env
        .cmd(&["lint", "note.yaml"])
        .ok()
        .stderr_has("1 warning in 1 recipe, no errors.");
    assert!(
        lint.stdout.contains("the recipe has no examples") && !lint.stdout.contains("audience"),
        "{}",
        lint.stdout
    );
}

#[test]
fn a_render_uses_the_snippet_as_it_is_now_and_records_its_version() {
    let env = env_with_voice();
    env.write("note.yaml", note(AUDIENCE, "brand-voice"));
    env.cmd(&["add", "note.yaml"]).ok().stderr_has("added note");

    let text = env
        .cmd(&["render", "note", "-v", "topic=rain", "--no-history"])
        .ok()
        .stdout
        .clone();
    assert_eq!(
        text,
        "Write for parents in a warm, plain voice.\nTopic: rain\n"
    );

    let shown = env.cmd(&["show", "note"]).ok().stdout.clone();
    assert!(shown.contains("Snippets: brand-voice (v1)"), "{shown}");
    let shown: Value =
        serde_json::from_str(&env.cmd(&["show", "note", "--json"]).ok().stdout).unwrap();
    assert_eq!(
        shown["snippets"],
        json!([{ "name": "brand-voice", "version": 1 }])
    );

    // Changing the snippet changes every recipe that includes it from then on.
    env.write("voice.yaml", VOICE.replace("warm, plain", "brisk"));
    env.cmd(&["snippet", "add", "voice.yaml"])
        .ok()
        .stderr_has("brand-voice");
    let out: Value = serde_json::from_str(
        &env.cmd(&[
            "render",
            "note",
            "-v",
            "topic=rain",
            "-f",
            "json",
            "--no-history",
        ])
        .ok()
        .stdout,
    )
    .unwrap();
    assert_eq!(
        out["messages"][0]["content"],
        "Write for parents in a brisk voice.\nTopic: rain"
    );
    assert_eq!(
        out["snippets"],
        json!([{ "name": "brand-voice", "version": 2 }])
    );

    // Inside a sentence a snippet reads as part of it.
    env.write("lang.yaml", "name: lang\ntemplate: |\n  British English\n");
    env.cmd(&["snippet", "add", "lang.yaml"])
        .ok()
        .stderr_has("lang");
    env.write(
        "short.yaml",
        "name: short\ntitle: Short\nprompt: Answer in {{> lang}}, briefly.\n",
    );
    env.cmd(&["add", "short.yaml"])
        .ok()
        .stderr_has("added short");
    env.cmd(&["render", "short", "--no-history"])
        .ok()
        .stdout_has("Answer in British English, briefly.\n");
}

#[test]
fn an_export_to_another_format_writes_the_snippet_in_and_says_so() {
    let env = env_with_voice();
    env.write("note.yaml", note(AUDIENCE, "brand-voice"));
    env.cmd(&["add", "note.yaml"]).ok().stderr_has("added note");
    let run = env.cmd(&["export", "note", "--as", "dotprompt"]).ok();
    assert!(
        run.stdout
            .contains("Write for {{audience}} in a warm, plain voice.\nTopic: {{topic}}"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("{{>"), "{}", run.stdout);
    run.stderr_has("the snippet `brand-voice` (v1) is written into the template");
    // The YAML export keeps the include: it goes back into a library that has the snippet.
    env.cmd(&["export", "note"])
        .ok()
        .stdout_has("{{> brand-voice}}");
    // What another format cannot say inside a snippet is reported on the line that
    // includes it.
    env.write(
        "cond.yaml",
        "name: cond\ntemplate: '{{#if audience}}For {{audience}}.{{/if}}'\n",
    );
    env.cmd(&["snippet", "add", "cond.yaml"])
        .ok()
        .stderr_has("added cond");
    env.write("usecond.yaml", note(AUDIENCE, "cond"));
    env.cmd(&["add", "usecond.yaml"])
        .ok()
        .stderr_has("updated note (now version 2)");
    env.cmd(&["export", "note", "--as", "llm"])
        .fails(3)
        .stderr_has("error: note:8:")
        .stderr_has("`{{#if}}` has no equivalent in an llm template");
}

/// A pack's snippet and the user's of the same name live side by side: `snippet add`
/// stores the user's own, a pack's recipe keeps finding its pack's, and a user's recipe
/// that wants the pack's is told how to name it.
#[test]
fn a_pack_snippet_and_your_own_of_the_same_name_live_side_by_side() {
    let env = Env::new();
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write(
        "team/reply.yaml",
        "name: reply\ntitle: Reply\nprompt: |\n  Reply.\n  {{> house-style}}\n",
    );
    env.write(
        "team/snippets/house-style.yaml",
        "name: house-style\ntemplate: The team's style.\n",
    );
    let team = env.path("team");
    env.cmd(&["pack", "add", team.to_str().unwrap()])
        .ok()
        .stderr_has("1 recipe and 1 snippet");

    env.write(
        "mine.yaml",
        "name: mine\ntitle: Mine\nprompt: |\n  Mine.\n  {{> house-style}}\n",
    );
    env.cmd(&["add", "mine.yaml"])
        .fails(3)
        .stderr_has("mine.yaml:5:3: the snippet `house-style` is not in the library")
        .stderr_has("a pack has one: include it as `{{> team/house-style}}`, or add your own with `promptbook snippet add FILE`");

    env.write(
        "house-style.yaml",
        "name: house-style\ntemplate: My own style.\n",
    );
    env.cmd(&["snippet", "add", "house-style.yaml"])
        .ok()
        .stderr_is("added house-style\n");
    env.cmd(&["add", "mine.yaml"]).ok().stderr_has("added mine");
    env.cmd(&["render", "mine", "--no-history"])
        .ok()
        .stdout_has("Mine.\nMy own style.\n");
    env.cmd(&["render", "team/reply", "--no-history"])
        .ok()
        .stdout_has("Reply.\nThe team's style.\n");
    // A recipe of yours that names the pack's snippet keeps naming it when exported into a
    // pack of its own: the snippet stays with its pack, and a note says so.
    env.write(
        "theirs.yaml",
        "name: theirs\ntitle: Theirs\nprompt: |\n  Theirs.\n  {{> team/house-style}}\n",
    );
    env.cmd(&["add", "theirs.yaml"])
        .ok()
        .stderr_has("added theirs");
    let out = env.path("exported");
    env.cmd(&[
        "pack",
        "export",
        "theirs",
        "--dir",
        out.to_str().unwrap(),
        "--name",
        "my-pack",
    ])
    .ok()
    .stderr_has("theirs includes `team/house-style`, a snippet of the pack `team`, which is not exported: whoever installs the pack needs that pack too");
    assert!(!out.join("snippets").exists());
    // `lint` takes a pack's recipe by its full name, as it prints it.
    env.cmd(&["lint", "team/reply"])
        .ok()
        .stdout_has("team/reply:2:8: warning: the recipe has no description")
        .stderr_has("no errors");
}

#[test]
fn a_snippet_other_snippets_include_is_not_removed() {
    let env = Env::new();
    env.write("a.yaml", "name: sign-off\ntemplate: Thanks.\n");
    env.write(
        "b.yaml",
        "name: letter\ntemplate: 'Dear all. {{> sign-off}}'\n",
    );
    env.cmd(&["snippet", "add", "a.yaml", "b.yaml"])
        .ok()
        .stderr_has("added letter");
    let before = env.dump();
    env.cmd(&["snippet", "rm", "sign-off", "--yes"])
        .fails(2)
        .stderr_has("the snippet `sign-off` is included by 1 other snippet: `letter`");
    assert_eq!(env.dump(), before);
}

/// The checks every command runs find snippets however a template includes them, and name
/// what a person gave them by what it is.
#[test]
fn lint_test_and_add_meet_snippets_as_people_write_them() {
    let env = Env::new();
    env.write(
        "sig.yaml",
        "name: sig\ntemplate: |\n  Thanks, the {{team}} team\n",
    );
    env.cmd(&["snippet", "add", "sig.yaml"])
        .ok()
        .stderr_has("added sig");
    // A file named twice is read once.
    env.cmd(&["snippet", "add", "sig.yaml", "./sig.yaml"])
        .ok()
        .stderr_is("unchanged sig: identical to stored version 1\n");
    // `{{~> sig}}` includes it too (with the white space before it trimmed).
    env.write(
        "px.yaml",
        "name: px\ntitle: P\ndescription: p\nvariables:\n  team: { type: string, default: T }\nprompt: |\n  A {{~> sig}} B\nexamples:\n  - input: {}\n    output: ok\n",
    );
    env.cmd(&["lint", "px.yaml"])
        .ok()
        .stderr_has("Checked 1 recipe: no errors, no warnings.");
    env.cmd(&["add", "px.yaml"]).ok().stderr_has("added px");
    env.cmd(&["render", "px", "--no-history"])
        .ok()
        .stdout_has("AThanks, the T team B\n");

    // A multi-line snippet inside a line goes in as written: no indent on its later lines.
    env.write("two.yaml", "name: two-lines\ntemplate: \"one\\ntwo\"\n");
    env.cmd(&["snippet", "add", "two.yaml"])
        .ok()
        .stderr_has("added two-lines");
    env.write(
        "mid.yaml",
        "name: mid\ntitle: M\nprompt: \"start {{> two-lines}} end\"\n",
    );
    env.cmd(&["add", "mid.yaml"]).ok().stderr_has("added mid");
    env.cmd(&["render", "mid", "--no-history"])
        .ok()
        .stdout_has("start one\ntwo end\n");

    // `test` reports a missing snippet as add does: an invalid recipe, with its place.
    env.write(
        "typo.yaml",
        "name: typo\ntitle: T\nprompt: |\n  {{> sigg}}\ntests:\n  - name: t\n    vars: {}\n    expect: { contains: [x] }\n",
    );
    env.cmd(&["test", "typo.yaml"])
        .fails(3)
        .stderr_has("typo.yaml:4:3: the snippet `sigg` is not in the library")
        .stderr_has("did you mean `{{> sig}}`?");

    // A snippet file given to `add` is named as one.
    env.cmd(&["add", "sig.yaml"])
        .fails(3)
        .stderr_has("sig.yaml:1:7: this is a snippet file (`sig`), not a recipe")
        .stderr_has("promptbook snippet add FILE");
}

/// A team checks its pack folder in CI: `lint` and `test` read the snippets under
/// `snippets/` as the pack's, and need no library for them.
#[test]
fn lint_and_test_check_a_pack_folder_with_its_snippets_and_no_library() {
    let env = Env::new();
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write(
        "team/reply.yaml",
        "name: reply\ntitle: Reply\ndescription: A reply.\nvariables:\n  tone: { type: string, default: warm }\nprompt: |\n  Reply.\n  {{> house-style}}\nexamples:\n  - input: {}\n    output: ok\ntests:\n  - name: styled\n    vars: {}\n    expect: { contains: [\"A warm voice.\"] }\n",
    );
    env.write(
        "team/snippets/house-style.yaml",
        "name: house-style\ndescription: How the team sounds\ntemplate: A {{tone}} voice.\n",
    );
    let team = env.path("team");
    let team = team.to_str().unwrap();
    env.cmd(&["test", team])
        .ok()
        .stdout_has("1 passed, 0 failed");
    env.cmd(&["lint", team])
        .ok()
        .stderr_has("Checked 1 recipe: no errors, no warnings.");
    assert!(!env.lib().exists(), "no library was created");

    // A snippet the folder lacks, with no library to find it in, is named as missing.
    env.write(
        "team/snippets/house-style.yaml",
        "name: house-style\ndescription: How the team sounds\ntemplate: 'A {{tone}} voice. {{> sign-off}}'\n",
    );
    env.cmd(&["test", team])
        .fails(3)
        .stderr_has("reply.yaml:8:3: `house-style → sign-off` includes the snippet `sign-off`, which is not in the library");
}

/// What `lint` calls an error, `add` refuses: a template that cannot render with the
/// recipe's defaults (a block over a text) is found when the recipe is added, not when
/// someone renders it.
#[test]
fn add_refuses_a_recipe_that_cannot_render_with_its_defaults() {
    let env = Env::new();
    env.write(
        "each.yaml",
        "name: each\ntitle: E\nvariables:\n  audience: { type: string, default: parents }\nprompt: |\n  For {{#each audience}}{{this}}{{/each}}.\n",
    );
    env.cmd(&["list"]).ok();
    let before = env.dump();
    env.cmd(&["add", "each.yaml"])
        .fails(3)
        .stderr_has("each.yaml:6:3: with its default values the recipe does not render: rendering failed: the template reads `audience` where it has no value")
        .stderr_has("a block such as `{{#each NAME}}` needs a list");
    assert_eq!(env.dump(), before);

    // The same from every way in: an edit, and an import.
    env.write(
        "fine.yaml",
        "name: each\ntitle: E\nvariables:\n  audience: { type: string, default: parents }\nprompt: |\n  For {{audience}}.\n",
    );
    env.cmd(&["add", "fine.yaml"]).ok().stderr_has("added each");
    let before = env.dump();
    let broken = std::fs::read_to_string(env.path("each.yaml")).unwrap();
    let run = env
        .cmd(&["edit", "each"])
        .env("EDITOR", env.editor(&[Some(&broken)]))
        .fails(3);
    assert!(
        run.stderr()
            .contains("with its default values the recipe does not render"),
        "{}",
        run.stderr()
    );
    assert_eq!(env.dump(), before);
    env.write(
        "listy.prompt",
        "---\ninput:\n  schema:\n    audience: string\n---\nFor {{#each audience}}{{this}}{{/each}}.\n",
    );
    env.cmd(&["import", "listy.prompt"])
        .fails(3)
        .stderr_has("listy.prompt: with its default values the recipe does not render")
        .stderr_has("nothing was imported");
    assert_eq!(env.dump(), before);
}

/// A revert is a way in too: an old version that includes a snippet which has changed
/// since, so that the old text no longer renders, is refused as `add` would refuse it.
#[test]
fn revert_refuses_an_old_version_that_no_longer_renders() {
    let env = Env::new();
    env.write(
        "who.yaml",
        "name: who\ndescription: Who it is for\ntemplate: 'For {{audience}}.'\n",
    );
    env.cmd(&["snippet", "add", "who.yaml"])
        .ok()
        .stderr_has("added who");
    env.write("note.yaml", note(AUDIENCE, "who"));
    env.cmd(&["add", "note.yaml"]).ok().stderr_has("added note");
    // Version 2 no longer includes the snippet, which then changes to need a list.
    env.write(
        "note.yaml",
        "name: note\ntitle: A short note\nvariables:\n  audience: { type: string, default: parents }\nprompt: For {{audience}}.\n",
    );
    env.cmd(&["add", "note.yaml"])
        .ok()
        .stderr_has("updated note (now version 2)");
    env.write(
        "who.yaml",
        "name: who\ndescription: Who it is for\ntemplate: 'For {{#each audience}}{{this}}{{/each}}.'\n",
    );
    env.cmd(&["snippet", "add", "who.yaml"])
        .ok()
        .stderr_has("updated who (now version 2)");
    let before = env.dump();
    env.cmd(&["revert", "note", "1"])
        .fails(3)
        .stderr_has("error: note version 1:")
        .stderr_has("with its default values the recipe does not render")
        .stderr_has("nothing was stored");
    assert_eq!(env.dump(), before);
}

/// A snippet change that would make an including recipe fail to render is refused, naming
/// the recipe, and nothing is stored.
#[test]
fn a_snippet_change_that_breaks_a_render_is_refused() {
    let env = env_with_voice();
    env.write("note.yaml", note(AUDIENCE, "brand-voice"));
    env.cmd(&["add", "note.yaml"]).ok().stderr_has("added note");
    env.write(
        "voice.yaml",
        "name: brand-voice\ntemplate: |\n  Write for {{#each audience}}{{this}}{{/each}}.\n",
    );
    let before = env.dump();
    env.cmd(&["snippet", "add", "voice.yaml"])
        .fails(3)
        .stderr_has("voice.yaml: `note` would not render with its defaults: rendering failed: the template reads `audience` where it has no value")
        .stderr_has("nothing was added");
    assert_eq!(env.dump(), before);
    // The same change made in the editor is refused too, the text kept for another try.
    let broken = std::fs::read_to_string(env.path("voice.yaml")).unwrap();
    env.cmd(&["snippet", "edit", "brand-voice"])
        .env("EDITOR", env.editor(&[Some(&broken)]))
        .fails(3)
        .stderr_has("`note` would not render with its defaults");
    assert_eq!(env.dump(), before);

    // And so is a revert to a version that the recipe has outgrown.
    let each = "name: brand-voice\ntemplate: |\n  Write for {{#each audience}}{{this}}{{/each}}.\n";
    env.write(
        "note.yaml",
        note(
            "  audience: { type: list, default: [parents] }\n",
            "brand-voice",
        ),
    );
    env.cmd(&["add", "note.yaml"])
        .ok()
        .stderr_has("updated note");
    env.write("voice.yaml", each);
    env.cmd(&["snippet", "add", "voice.yaml"])
        .ok()
        .stderr_has("updated brand-voice (now version 2)");
    env.write(
        "voice.yaml",
        "name: brand-voice\ntemplate: |\n  Write for {{audience}}.\n",
    );
    env.cmd(&["snippet", "add", "voice.yaml"])
        .ok()
        .stderr_has("updated brand-voice (now version 3)");
    env.write("note.yaml", note(AUDIENCE, "brand-voice"));
    env.cmd(&["add", "note.yaml"])
        .ok()
        .stderr_has("updated note");
    let before = env.dump();
    env.cmd(&["snippet", "revert", "brand-voice", "2"])
        .fails(3)
        .stderr_has("brand-voice v2: `note` would not render with its defaults")
        .stderr_has("nothing was stored");
    assert_eq!(env.dump(), before);
}

/// Removing a pack keeps its snippet while a snippet of yours includes it, under the name
/// that snippet gives it.
#[test]
fn a_pack_snippet_your_snippet_includes_stays_when_the_pack_goes() {
    let env = Env::new();
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write("team/reply.yaml", "name: reply\ntitle: R\nprompt: hi\n");
    env.write(
        "team/snippets/closing.yaml",
        "name: closing\ntemplate: Bye.\n",
    );
    let team = env.path("team");
    env.cmd(&["pack", "add", team.to_str().unwrap()])
        .ok()
        .stderr_has("1 recipe and 1 snippet");
    env.write(
        "wrap.yaml",
        "name: wrap\ntemplate: '[{{> team/closing}}]'\n",
    );
    env.cmd(&["snippet", "add", "wrap.yaml"])
        .ok()
        .stderr_has("added wrap");
    env.cmd(&["pack", "remove", "team", "--yes"])
        .ok()
        .stdout_has("the snippet team/closing stays as your own: recipes or snippets that stay include it: `snippet wrap`")
        .stderr_has("Kept the snippet as `team/closing`.");
    env.write(
        "mine.yaml",
        "name: mine\ntitle: M\nprompt: 'x {{> wrap}}'\n",
    );
    env.cmd(&["add", "mine.yaml"]).ok().stderr_has("added mine");
    env.cmd(&["render", "mine", "--no-history"])
        .ok()
        .stdout_has("x [Bye.]\n");
}

/// An update whose recipe includes a snippet nobody has changes nothing, and says so.
#[test]
fn an_update_that_would_lose_a_snippet_changes_nothing() {
    let env = Env::new();
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write("team/reply.yaml", "name: reply\ntitle: R\nprompt: hi\n");
    let team = env.path("team");
    env.cmd(&["pack", "add", team.to_str().unwrap()])
        .ok()
        .stderr_has("Installed team 1.0.0");
    env.write("team/pack.yaml", "name: team\nversion: 1.1.0\n");
    env.write(
        "team/reply.yaml",
        "name: reply\ntitle: R\nprompt: |\n  hi\n  {{> sign-off}}\n",
    );
    let before = env.dump();
    let run = env.cmd(&["pack", "update", "team", "--yes"]).fails(3);
    assert!(
        run.stderr()
            .contains("the snippet `sign-off` is not in the library")
            && run.stderr().contains("nothing was changed"),
        "{}",
        run.stderr()
    );
    assert_eq!(env.dump(), before);
}
