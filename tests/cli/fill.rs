//! Interactive fill on a real pseudo-terminal: the real binary, keys typed as a person
//! types them, the screen read back. Plus the rules for when it must not ask.

use crate::support::keys::{CTRL_C, DOWN, ENTER, ESC};
use crate::support::*;

/// One variable of every kind.
const ASK_ALL: &str = r#"name: ask-all
title: Every kind of question
tags: [pbtest]
model: { prefer: haiku, max_tokens: 100 }
variables:
  topic: { type: string, required: true, description: The topic }
  tone:  { type: choice, choices: [warm, dry, wry], default: warm, description: The voice }
  count: { type: integer, required: true, min: 1, max: 10, description: How many points }
  words: { type: list, default: [], description: Words to use }
  short: { type: boolean, default: false, description: Keep it short }
  notes: { type: text, description: Extra notes }
prompt: |
  Write {{count}} {{tone}} points about {{topic}}.
  {{#if words}}Use: {{join words ", "}}.{{/if}}
  {{#if short}}Keep it short.{{/if}}
  {{#if notes}}Notes:
  {{notes}}{{/if}}
"#;

fn env_with_recipe() -> Env {
    let env = Env::new();
    env.write("ask-all.yaml", ASK_ALL);
    env.cmd(&["add", "ask-all.yaml"])
        .ok()
        .stderr_has("added ask-all");
    env
}

/// The values the scripted session below gives, as `render` flags.
const FLAGS: &[&str] = &[
    "--var",
    "topic=remote onboarding",
    "--var",
    "tone=wry",
    "--var",
    "count=3",
    "--var",
    "words=alpha,beta,gamma",
    "--var",
    "short=true",
    "--var",
    "notes=line one\nline {{two}}",
];

fn rendered_with_flags(env: &Env) -> String {
    let mut args = vec!["render", "ask-all", "--no-history"];
    args.extend_from_slice(FLAGS);
    env.cmd(&args).ok().stdout.clone()
}

/// Answers every question of `ask-all` as FLAGS says, including two bad numbers.
fn answer_everything(p: &mut Pty) {
    p.expect("The topic (topic, required): ")
        .line("remote onboarding");
    // The choice list, default first: two down to `wry`.
    p.expect("The voice (tone)")
        .expect("wry")
        .send(DOWN)
        .send(DOWN)
        .send(ENTER);
    p.expect("How many points (count, required, a whole number from 1 to 10): ")
        .line("12")
        .expect("`count` must be at most 10, not 12 — give a value from 1 to 10")
        .expect("How many points (count, required, a whole number from 1 to 10): ")
        .line("lots")
        .expect("`count` must be a whole number, not \"lots\"")
        .expect("How many points")
        .line("3");
    p.expect("Words to use (words, comma-separated, or one per line) — an empty line finishes")
        .line("alpha")
        .line("beta")
        .line("gamma")
        .line("");
    p.expect("Keep it short (short)").send("y").send(ENTER);
    p.expect("Extra notes (notes) — type or paste, then an empty line to finish")
        .line("line one")
        .line("line {{two}}")
        .line("");
}

#[test]
fn fill_asks_every_question_then_prints_the_prompt() {
    let env = env_with_recipe();
    let expected = rendered_with_flags(&env);
    assert!(expected.contains("Write 3 wry points about remote onboarding."));
    let mut p = env.pty(&["fill", "ask-all"]);
    p.expect("ask-all — Every kind of question");
    answer_everything(&mut p);
    // The preview: the exact prompt, its estimated size and cost, then the menu.
    p.expect("── ask-all ")
        .expect("line {{two}}")
        .expect("≈ ")
        .expect("tokens (estimate) · claude-haiku-5-5")
        .expect(" to send, up to < $0.0001 for a 100-token answer (prices as of ")
        .expect("What to do with it")
        .expect("Quit without using it");
    p.send(DOWN).send(ENTER); // Print it
    let (code, rest) = p.finish();
    assert_eq!(code, 0, "{}", p.seen);
    assert!(
        rest.contains(&expected),
        "the printed prompt differs from `render`:\n{rest}\n--- expected:\n{expected}"
    );
    // The answers are remembered for --again.
    assert!(
        env.dump().contains(
            r#"answers ask-all v1 {"topic":"remote onboarding","tone":"wry","count":3,"words":["alpha","beta","gamma"],"short":true,"notes":"line one\nline {{two}}"}"#
        ),
        "{}",
        env.dump()
    );
}

/// A list answered one item per line keeps each line whole, commas and all; one line alone
/// is split on commas.
#[test]
fn a_list_answered_one_item_per_line_keeps_each_line_whole() {
    let env = env_with_recipe();
    let mut p = env.pty(&[
        "fill",
        "ask-all",
        "--print",
        "--no-history",
        "--var",
        "topic=plants",
        "--var",
        "count=2",
        "--var",
        "short=false",
        "--var",
        "notes=",
    ]);
    p.expect("The voice (tone)").send(ENTER);
    p.expect("Words to use (words, comma-separated, or one per line) — an empty line finishes")
        .line("Compare C3 and C4 plants, and CAM")
        .line("rice, wheat")
        .line("");
    let (code, rest) = p.finish();
    assert_eq!(code, 0, "{}", p.seen);
    assert!(
        rest.contains("Use: Compare C3 and C4 plants, and CAM, rice, wheat."),
        "{rest}"
    );
    // The same list in a `--vars` file gives the same prompt; on one line, commas split.
    env.write("v.yaml", "topic: plants\ncount: 2\nwords: [\"Compare C3 and C4 plants, and CAM\", \"rice, wheat\"]\n");
    let from_file = env
        .cmd(&["render", "ask-all", "--vars", "v.yaml", "--no-history"])
        .ok()
        .stdout
        .clone();
    assert!(
        rest.contains(from_file.trim_end()),
        "{rest}\n---\n{from_file}"
    );
    let one_line = env
        .cmd(&[
            "render",
            "ask-all",
            "--var",
            "topic=plants",
            "--var",
            "count=2",
            "--var",
            "words=a, b",
            "--no-history",
        ])
        .ok()
        .stdout
        .clone();
    assert!(one_line.contains("Use: a, b."), "{one_line}");
}

#[test]
fn ctrl_c_or_esc_at_any_question_exits_130_and_changes_nothing() {
    let env = env_with_recipe();
    // Ctrl-C at a line question.
    let before = env.dump();
    let mut p = env.pty(&["fill", "ask-all"]);
    p.expect("The topic (topic, required): ")
        .send("half an answ")
        .send(CTRL_C);
    let (code, rest) = p.finish();
    assert_eq!(code, 130, "{}", p.seen);
    assert!(
        rest.contains("error: cancelled: nothing was copied, printed or saved"),
        "{rest}"
    );
    assert_eq!(env.dump(), before);

    // Esc at the select list.
    let mut p = env.pty(&["fill", "ask-all"]);
    p.expect("The topic (topic, required): ").line("x");
    p.expect("The voice (tone)").expect("wry").send(ESC);
    let (code, _) = p.finish();
    assert_eq!(code, 130, "{}", p.seen);
    assert_eq!(env.dump(), before);

    // Ctrl-C at the menu, after every answer: nothing half-rendered is printed.
    let mut p = env.pty(&["fill", "ask-all"]);
    answer_everything(&mut p);
    p.expect("What to do with it")
        .expect("Quit without using it");
    p.send(CTRL_C);
    let (code, rest) = p.finish();
    assert_eq!(code, 130, "{}", p.seen);
    assert!(!rest.contains("Write 3 wry points"), "{rest}");
    assert_eq!(env.dump(), before, "the library changed");

    // Esc in the middle of the multi-line answer.
    let mut p = env.pty(&["fill", "ask-all", "--var", "topic=x", "--var", "count=1"]);
    p.expect("The voice (tone)").expect("wry").send(ENTER);
    p.expect("an empty line finishes").line("a").send(ESC);
    let (code, _) = p.finish();
    assert_eq!(code, 130, "{}", p.seen);
    assert_eq!(env.dump(), before);
}

#[test]
fn values_given_with_var_are_not_asked_and_print_skips_the_menu() {
    let env = env_with_recipe();
    let mut p = env.pty(&[
        "fill",
        "ask-all",
        "--var",
        "topic=cats",
        "--var",
        "count=2",
        "--print",
    ]);
    p.expect("The voice (tone)").expect("wry").send(ENTER);
    p.expect("an empty line finishes").line("");
    p.expect("Keep it short (short)").send(ENTER);
    p.expect("Extra notes (notes)").line("");
    let (code, rest) = p.finish();
    assert_eq!(code, 0, "{}", p.seen);
    assert!(
        !p.seen.contains("The topic"),
        "topic was asked:\n{}",
        p.seen
    );
    assert!(!p.seen.contains("How many points"), "count was asked");
    assert!(
        !p.seen.contains("What to do with it"),
        "--print skips the menu"
    );
    assert!(rest.contains("Write 2 warm points about cats."), "{rest}");
}

#[test]
fn text_opens_the_editor_when_one_is_set() {
    let env = env_with_recipe();
    let editor = env.write(
        "fake-editor.sh",
        "#!/bin/sh\nprintf 'written in the editor\\nsecond line\\n' > \"$1\"\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut p = env.pty_with(
        &[
            "fill", "ask-all", "--var", "topic=t", "--var", "count=1", "--print",
        ],
        &[("EDITOR", editor.to_str().unwrap())],
    );
    p.expect("The voice (tone)").expect("wry").send(ENTER);
    p.expect("an empty line finishes").line("");
    p.expect("Keep it short (short)").send(ENTER);
    p.expect("Extra notes (notes) — opening your editor (");
    let (code, rest) = p.finish();
    assert_eq!(code, 0, "{}", p.seen);
    assert!(
        rest.contains("Notes:\nwritten in the editor\nsecond line\n"),
        "{rest}"
    );
}

#[test]
fn a_paste_with_blank_lines_is_kept_whole() {
    let env = env_with_recipe();
    let mut p = env.pty(&[
        "fill", "ask-all", "--var", "topic=t", "--var", "count=1", "--print",
    ]);
    p.expect("The voice (tone)").expect("wry").send(ENTER);
    p.expect("an empty line finishes").line("");
    p.expect("Keep it short (short)").send(ENTER);
    p.expect("Extra notes (notes)");
    // Bracketed paste: the terminal marks the pasted text.
    p.send("\x1b[200~Dear Bob,\r\rThanks.\r\x1b[201~")
        .send(ENTER);
    let (code, rest) = p.finish();
    assert_eq!(code, 0, "{}", p.seen);
    assert!(rest.contains("Notes:\nDear Bob,\n\nThanks.\n"), "{rest}");
}

#[test]
fn the_picker_finds_a_recipe_by_typing() {
    let env = env_with_recipe();
    let mut p = env.pty(&["fill"]);
    p.expect("Which recipe?")
        .expect("blog-draft")
        .send("every kind")
        .expect("ask-all — Every kind of question");
    p.send(ENTER);
    p.expect("The topic (topic, required): ").send(ESC);
    let (code, _) = p.finish();
    assert_eq!(code, 130);
}

#[test]
fn change_an_answer_renders_again() {
    let env = env_with_recipe();
    let mut p = env.pty(&["fill", "ask-all", "--var", "count=2", "--var", "topic=dogs"]);
    p.expect("The voice (tone)").expect("wry").send(ENTER);
    p.expect("an empty line finishes").line("");
    p.expect("Keep it short (short)").send(ENTER);
    p.expect("Extra notes (notes)").line("");
    p.expect("Write 2 warm points about dogs.")
        .expect("Quit without using it");
    p.send(DOWN).send(DOWN).send(DOWN).send(ENTER); // Change an answer…
    p.expect("Change which answer?")
        .expect("topic: dogs")
        .send(ENTER);
    p.expect("The topic (topic, required): dogs")
        .send("\x7f\x7f\x7f\x7fcats")
        .send(ENTER);
    p.expect("Write 2 warm points about cats.")
        .expect("Quit without using it");
    p.send(DOWN).send(ENTER);
    let (code, rest) = p.finish();
    assert_eq!(code, 0, "{}", p.seen);
    assert!(rest.contains("Write 2 warm points about cats."), "{rest}");
}

#[test]
fn a_failed_copy_keeps_the_menu_so_the_prompt_is_not_lost() {
    let env = env_with_recipe();
    let mut p = env.pty(&[
        "fill",
        "ask-all",
        "--var",
        "count=2",
        "--var",
        "topic=dogs",
        "--clipboard",
        "x11",
    ]);
    p.expect("The voice (tone)").expect("wry").send(ENTER);
    p.expect("an empty line finishes").line("");
    p.expect("Keep it short (short)").send(ENTER);
    p.expect("Extra notes (notes)").line("");
    p.expect("Quit without using it").send(ENTER); // Copy
    p.expect("could not copy the prompt to the clipboard")
        .expect("x11: DISPLAY is not set")
        .expect("Quit without using it");
    p.send(DOWN).send(ENTER); // Print it
    let (code, rest) = p.finish();
    assert_eq!(code, 0, "{}", p.seen);
    assert!(rest.contains("Write 2 warm points about dogs."), "{rest}");
}

#[test]
fn render_interactive_asks_only_what_is_missing() {
    let env = env_with_recipe();
    let mut p = env.pty(&["render", "ask-all", "-i", "--var", "topic=owls"]);
    p.expect("How many points (count, required, a whole number from 1 to 10): ")
        .line("4");
    let (code, rest) = p.finish();
    assert_eq!(code, 0, "{}", p.seen);
    assert!(
        !p.seen.contains("The voice"),
        "tone has a default: not asked"
    );
    assert!(rest.contains("Write 4 warm points about owls."), "{rest}");
}

#[test]
fn again_reuses_the_last_answers() {
    let env = env_with_recipe();
    let mut args = vec!["render", "ask-all"];
    args.extend_from_slice(FLAGS);
    let first = env.cmd(&args).ok().stdout.clone();
    // render --again: the same prompt, with nothing given.
    assert_eq!(
        env.cmd(&["render", "ask-all", "--again"])
            .ok()
            .stdout
            .clone(),
        first
    );
    // Without a name: the recipe answered last.
    assert_eq!(env.cmd(&["render", "--again"]).ok().stdout.clone(), first);
    // Values given now win, and are remembered in turn.
    let changed = env
        .cmd(&[
            "render", "ask-all", "--again", "--var", "tone=dry", "--var", "words=x",
        ])
        .ok()
        .stdout
        .clone()
        .clone();
    assert!(changed.contains("Write 3 dry points about remote onboarding."));
    assert!(
        changed.contains("Use: x."),
        "a list given now replaces the old one: {changed}"
    );
    assert!(env.dump().contains(r#""tone":"dry""#));

    // fill --again: every question starts from the last answer; Enter keeps it.
    let mut p = env.pty(&["fill", "ask-all", "--again", "--print"]);
    p.expect("The topic (topic, required): remote onboarding")
        .send(ENTER);
    p.expect("The voice (tone)").expect("> dry").send(ENTER);
    p.expect("(count, required, a whole number from 1 to 10): 3")
        .send(ENTER);
    p.expect("an empty line finishes")
        .expect("> x")
        .send(ENTER)
        .line("");
    p.expect("Keep it short (short)").send(ENTER);
    p.expect("Extra notes (notes)")
        .expect("current value: line one … (+1 more lines)")
        .line("");
    let (code, rest) = p.finish();
    assert_eq!(code, 0, "{}", p.seen);
    assert!(rest.contains(&changed), "{rest}\n--- expected:\n{changed}");
}

#[test]
fn again_without_earlier_answers_says_how_to_get_them() {
    let env = env_with_recipe();
    env.cmd(&["render", "ask-all", "--again"])
        .fails(4)
        .stderr_has("there are no earlier answers for `ask-all` to reuse")
        .stderr_has("without --again");
    env.cmd(&["fill", "--again"])
        .fails(4)
        .stderr_has("there are no earlier answers to reuse yet");
}

#[test]
fn no_history_stores_nothing() {
    let env = env_with_recipe();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    let mut args = vec!["render", "ask-all", "--no-history"];
    args.extend_from_slice(FLAGS);
    env.cmd(&args).ok();
    assert_eq!(env.dump(), before);
    env.cmd(&["render", "ask-all", "--again"]).fails(4);

    // Interactive fill with --no-history.
    let mut p = env.pty(&[
        "fill",
        "ask-all",
        "--no-history",
        "--var",
        "topic=t",
        "--var",
        "count=1",
        "--print",
    ]);
    p.expect("The voice (tone)").expect("wry").send(ENTER);
    p.expect("an empty line finishes").line("");
    p.expect("Keep it short (short)").send(ENTER);
    p.expect("Extra notes (notes)").line("");
    assert_eq!(p.finish().0, 0);
    assert_eq!(env.dump(), before);

    // The setting turns it off for every command, and --again says why it finds nothing.
    env.write("config/promptbook/config.yaml", "history: false\n");
    let mut args = vec!["render", "ask-all"];
    args.extend_from_slice(FLAGS);
    env.cmd(&args).ok();
    assert_eq!(env.dump(), before);
    env.cmd(&["render", "ask-all", "--again"])
        .fails(4)
        .stderr_has("`history: false`");
}

#[test]
fn removing_a_recipe_forgets_its_answers() {
    let env = env_with_recipe();
    let mut args = vec!["render", "ask-all"];
    args.extend_from_slice(FLAGS);
    env.cmd(&args).ok();
    assert!(env.dump().contains("answers ask-all"));
    env.cmd(&["rm", "ask-all", "--yes"])
        .ok()
        .stderr_has("Removed `ask-all` (1 version).");
    assert!(!env.dump().contains("answers ask-all"), "{}", env.dump());
}

#[test]
fn not_on_a_terminal_fill_never_asks() {
    let env = env_with_recipe();
    // Missing values: exactly the error `render` gives.
    let render = env.cmd(&["render", "ask-all"]).fails(2);
    let fill = env.cmd(&["fill", "ask-all"]).fails(2);
    assert_eq!(fill.stderr(), render.stderr());
    assert!(fill.stderr().contains("--var topic=…"), "{}", fill.stderr());
    let interactive = env.cmd(&["render", "ask-all", "-i"]).fails(2);
    assert_eq!(interactive.stderr(), render.stderr());
    // No name and nothing to pick with.
    env.cmd(&["fill"])
        .fails(2)
        .stderr_has("needs a recipe name when it cannot ask")
        .stderr_has("promptbook list");
    // Everything given: printed, as `render` would.
    let mut args = vec!["fill", "ask-all"];
    args.extend_from_slice(FLAGS);
    assert_eq!(
        env.cmd(&args).ok().stdout.clone(),
        rendered_with_flags(&env)
    );
    // A bad value given to fill on a terminal is refused before any question.
    let mut p = env.pty(&["fill", "ask-all", "--var", "count=99", "--var", "tonne=dry"]);
    let (code, rest) = p.finish();
    assert_eq!(code, 2, "{rest}");
    assert!(rest.contains("`ask-all` has no variable `tonne`"), "{rest}");
    assert!(
        rest.contains("`count` must be at most 10, not 99"),
        "{rest}"
    );
    assert!(!rest.contains("The topic"), "{rest}");
}

/// The number of tokens after `≈ ` in `text`, at its first occurrence after `from`.
fn tokens_after(text: &str, from: &str) -> u64 {
    let at = text
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in:\n{text}"))
        + from.len();
    let rest = &text[at..];
    let start = rest.find("≈ ").expect("≈") + "≈ ".len();
    rest[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .expect("a number")
}

/// The preview, the copy message and `--format json` give one token count for one prompt.
#[test]
fn the_preview_and_the_copy_message_give_the_same_token_count() {
    let env = Env::new();
    // A system prompt and an example: the text shown has headings the model is not sent.
    env.write(
        "tally.yaml",
        recipe(
            "tally",
            "\nsystem: You are terse.\nexamples:\n  - input: { topic: tea }\n    output: Tea is fine.",
        ),
    );
    env.cmd(&["add", "tally.yaml"])
        .ok()
        .stderr_has("added tally");
    let values = [
        "--var",
        "topic=the March invoice, charged twice",
        "--var",
        "tone=dry",
    ];
    let mut args = vec!["fill", "tally", "--clipboard", "osc52", "--no-history"];
    args.extend(values);
    let mut p = env.pty(&args);
    p.expect("What to do with it").send(ENTER); // Copy to the clipboard
    let (code, _) = p.finish();
    assert_eq!(code, 0, "{}", p.seen);
    let preview = tokens_after(&p.seen, "── tally");
    let copied = tokens_after(&p.seen, "Copied ");
    assert_eq!(preview, copied, "{}", p.seen);
    let mut args = vec!["render", "tally", "--format", "json", "--no-history"];
    args.extend(values);
    let json = env.cmd(&args).ok().stdout.clone();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["estimate"]["input_tokens"].as_u64(),
        Some(preview),
        "{json}"
    );
}

#[test]
fn fill_renders_the_snippets_a_recipe_includes() {
    let env = Env::new();
    env.write(
        "voice.yaml",
        "name: voice\ndescription: House style\ntemplate: |\n  Keep a {{tone}} voice.\n",
    );
    env.cmd(&["snippet", "add", "voice.yaml"])
        .ok()
        .stderr_has("voice");
    env.write("voiced.yaml", recipe("voiced", "\n  {{> voice}}"));
    env.cmd(&["add", "voiced.yaml"])
        .ok()
        .stderr_has("added voiced");
    let mut p = env.pty(&["fill", "voiced"]);
    p.expect("The topic (topic, required): ").line("tea");
    p.expect("tone").send(ENTER);
    p.expect("── voiced ")
        .expect("Say something warm about tea.")
        .expect("Keep a warm voice.")
        .expect("What to do with it");
    p.send(DOWN).send(ENTER); // Print it
    let (code, rest) = p.finish();
    assert_eq!(code, 0, "{}", p.seen);
    assert!(
        rest.contains("Say something warm about tea.\nKeep a warm voice."),
        "{rest}"
    );
}
