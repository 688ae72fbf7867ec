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
}
