//! The interactive paths, under a real pseudo-terminal: the real binary, a scripted editor,
//! and answers typed at its questions.

use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Session};

use crate::support::*;

/// Starts `promptbook ARGS…` on a terminal with `EDITOR` set.
fn spawn(env: &Env, args: &[&str], editor: &str, extra: &[(&str, &str)]) -> OsSession {
    let mut cmd = env.std_cmd(args);
    cmd.env("EDITOR", editor);
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let mut session = Session::spawn(cmd).expect("spawned in a pseudo-terminal");
    // A bound on waiting for output, not a timing assertion: a hang fails instead of
    // blocking the suite.
    session.set_expect_timeout(Some(Duration::from_secs(60)));
    session
}

/// Reads to the end and returns everything printed and the exit code.
fn finish(mut session: OsSession) -> (String, i32) {
    let rest = session.expect(Eof).expect("the program ends");
    let text = String::from_utf8_lossy(rest.as_bytes()).replace("\r\n", "\n");
    let code = match session.get_process().wait().expect("exit status") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("ended with {other:?}"),
    };
    (text, code)
}

fn with_mine() -> Env {
    let env = Env::new();
    env.write("mine.yaml", recipe("mine", ""));
    env.cmd(&["add", "mine.yaml"]).ok().stderr_has("added mine");
    env
}

#[test]
fn an_invalid_save_reopens_the_editor_on_the_edited_text() {
    let env = with_mine();
    let typed = recipe("mine", " For {{audiense}}.");
    let fixed = recipe("mine", " For everyone.");
    let editor = env.editor(&[Some(&typed), Some(&fixed)]);
    let mut s = spawn(&env, &["edit", "mine"], &editor, &[]);
    s.expect(":12:47: the template uses `audiense`, which the recipe does not declare")
        .unwrap();
    s.expect("Open the editor again on your text to fix it? [Y/n] ")
        .unwrap();
    s.send_line("y").unwrap();
    let (out, code) = finish(s);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Stored `mine` version 2."), "{out}");
    assert_eq!(
        env.seen(2),
        typed,
        "the editor re-opened on the edited text, not the old one"
    );
    assert_eq!(env.yaml("mine"), fixed);
    assert!(env.drafts().is_empty());
}

#[test]
fn an_invalid_save_can_be_kept_as_a_file() {
    let env = with_mine();
    let before = env.dump();
    let typed = recipe("mine", " For {{audiense}}.");
    let editor = env.editor(&[Some(&typed)]);
    let mut s = spawn(&env, &["edit", "mine"], &editor, &[]);
    s.expect("Open the editor again on your text to fix it? [Y/n] ")
        .unwrap();
    s.send_line("n").unwrap();
    let (out, code) = finish(s);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("error: the recipe was not stored"), "{out}");
    let kept = kept_path(&out);
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), typed, "{out}");
    assert_eq!(env.dump(), before);
}

#[test]
fn a_rename_to_a_taken_name_can_be_fixed_in_the_editor() {
    let env = with_mine();
    env.write("other.yaml", recipe("other", ""));
    env.cmd(&["add", "other.yaml"])
        .ok()
        .stderr_has("added other");
    let clash = recipe("other", " Mine.");
    let fixed = recipe("mine", " Mine.");
    let editor = env.editor(&[Some(&clash), Some(&fixed)]);
    let mut s = spawn(&env, &["edit", "mine"], &editor, &[]);
    s.expect("already named `other`").unwrap();
    s.expect("[Y/n] ").unwrap();
    s.send_line("").unwrap();
    let (out, code) = finish(s);
    assert_eq!(code, 0, "{out}");
    assert_eq!(env.seen(2), clash);
    assert_eq!(env.yaml("mine"), fixed);
    assert_eq!(env.yaml("other"), recipe("other", ""));
}

#[test]
fn new_on_a_terminal_reopens_until_valid() {
    let env = Env::new();
    let broken = "name: fresh\ntitle: [unclosed\n";
    let editor = env.editor(&[Some(broken), Some(&recipe("fresh", ""))]);
    let mut s = spawn(&env, &["new", "fresh"], &editor, &[]);
    s.expect(":2:8:").unwrap();
    s.expect("[Y/n] ").unwrap();
    s.send_line("yes").unwrap();
    let (out, code) = finish(s);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Added `fresh` (version 1)."), "{out}");
    assert_eq!(env.seen(2), broken);
}

#[test]
fn diff_is_coloured_on_a_terminal_unless_no_color_is_set() {
    let env = with_mine();
    env.write("mine.yaml", recipe("mine", " Changed."));
    env.cmd(&["add", "mine.yaml"])
        .ok()
        .stderr_has("updated mine (now version 2)");
    let (out, code) = finish(spawn(&env, &["diff", "mine"], "true", &[]));
    assert_eq!(code, 0);
    assert!(out.contains("\x1b[31m-  Say something"), "{out:?}");
    assert!(out.contains("\x1b[32m+  Say something"), "{out:?}");
    let (out, _) = finish(spawn(&env, &["diff", "mine"], "true", &[("NO_COLOR", "1")]));
    assert!(!out.contains('\x1b'), "{out:?}");
    assert!(
        out.contains("+  Say something {{tone}} about {{topic}}. Changed."),
        "{out:?}"
    );
}
