#![allow(unsafe_code)] // signals and openpty for the X server and pseudo-terminal tests
//! The clipboard against the real thing: a private Xvfb with xclip/xsel reading back,
//! a real pseudo-terminal for OSC 52, and a frozen X server for the bounded waits.
//!
//! The tests drive the real binary: mostly `promptbook render echo --var text=- --copy`
//! (a recipe whose prompt is exactly its value, so any text can be copied), and real
//! recipes through `render`, `export` and the `fill` menu. Where Xvfb or xclip is missing
//! they say they were skipped and pass, except under `CI=true`, where they fail.

mod support;

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use support::*;

/// Multi-line UTF-8 with template-looking text, a shell variable and an emoji: it must
/// come back byte for byte.
const TEXT: &str = "Write a {{words}}-word post about $x for ünïcödé readers 🚀\n\
                    Keep `{{#if}}` and }} literally.\n\ttabbed line\n";

const T: Duration = Duration::from_secs(30);

fn xclip_out(display: &str) -> String {
    let out = run(
        std::process::Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", display),
        b"",
        Duration::from_secs(10),
    );
    assert!(
        out.status.success(),
        "xclip -o failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("clipboard is UTF-8")
}

fn another_program_copies(display: &str, text: &str) {
    let status = run_quiet(
        std::process::Command::new("xclip")
            .args(["-selection", "clipboard", "-i"])
            .env("DISPLAY", display),
        text.as_bytes(),
        Duration::from_secs(10),
    );
    assert!(status.success());
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn x11_copy_outlives_the_program_and_holder_leaves_when_another_program_copies() {
    if !have_tools(
        "x11_copy_outlives_the_program_and_holder_leaves_when_another_program_copies",
        &["Xvfb", "xclip"],
    ) {
        return;
    }
    let x = Xvfb::start();
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("holder.pid");
    let out = run(
        copier()
            .env("DISPLAY", &x.display)
            .env("PROMPTBOOK_CLIPBOARD_HOLDER_PIDFILE", &pidfile),
        TEXT.as_bytes(),
        T,
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let chars = TEXT.chars().count();
    assert!(
        err.starts_with(&format!("Copied {chars} characters (≈ "))
            && err.ends_with(" tokens) to the clipboard\n")
            && err.lines().count() == 1,
        "one line of report: {err}"
    );
    assert_eq!(stdout(&out), "", "copied, not printed");

    // promptbook has exited; auto picked X11 (its holder runs) and a separate program
    // pastes exactly the text.
    let holder = read_pid(&pidfile);
    assert!(alive(holder), "the holder keeps the clipboard");
    assert_eq!(xclip_out(&x.display), TEXT);
    assert_eq!(xclip_out(&x.display), TEXT, "it can be pasted again");

    // Another program copies: the holder lets go and exits.
    another_program_copies(&x.display, "other");
    assert!(
        gone_within(holder, Duration::from_secs(5)),
        "the holder {holder} is still running after another program took the clipboard"
    );
    assert!(!pidfile.exists(), "the holder removes its pid file");
    assert_eq!(xclip_out(&x.display), "other");
}

#[test]
fn x11_holder_gives_up_after_the_hold_time() {
    if !have_tools(
        "x11_holder_gives_up_after_the_hold_time",
        &["Xvfb", "xclip"],
    ) {
        return;
    }
    let x = Xvfb::start();
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("holder.pid");
    let started = Instant::now();
    let out = run(
        copier()
            .args(["--clipboard", "x11"])
            .env("DISPLAY", &x.display)
            // Long enough that promptbook (which also counts tokens for its report, slow
            // in a debug build on a busy machine) has exited well before the holder does.
            .env("PROMPTBOOK_CLIPBOARD_HOLD_SECS", "6")
            .env("PROMPTBOOK_CLIPBOARD_HOLDER_PIDFILE", &pidfile),
        TEXT.as_bytes(),
        T,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let holder = read_pid(&pidfile);
    assert_eq!(xclip_out(&x.display), TEXT);
    assert!(
        gone_within(holder, Duration::from_secs(15)),
        "the holder outlived its hold time"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(6),
        "the holder left before its hold time"
    );
    assert!(!pidfile.exists(), "the holder removes its pid file");
}

#[test]
fn xclip_backend_copies_the_exact_text() {
    if !have_tools("xclip_backend_copies_the_exact_text", &["Xvfb", "xclip"]) {
        return;
    }
    let x = Xvfb::start();
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("holder.pid");
    let out = run(
        copier()
            .args(["--clipboard", "xclip"])
            .env("DISPLAY", &x.display)
            .env("PROMPTBOOK_CLIPBOARD_HOLDER_PIDFILE", &pidfile),
        TEXT.as_bytes(),
        T,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("Copied "), "{}", stderr(&out));
    assert_eq!(xclip_out(&x.display), TEXT);
    assert!(!pidfile.exists(), "xclip was used, not the X11 holder");
}

#[test]
fn xsel_backend_copies_the_exact_text() {
    if !have_tools(
        "xsel_backend_copies_the_exact_text",
        &["Xvfb", "xclip", "xsel"],
    ) {
        return;
    }
    let x = Xvfb::start();
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("holder.pid");
    let out = run(
        copier()
            .args(["--clipboard", "xsel"])
            .env("DISPLAY", &x.display)
            .env("PROMPTBOOK_CLIPBOARD_HOLDER_PIDFILE", &pidfile),
        TEXT.as_bytes(),
        T,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("Copied "), "{}", stderr(&out));
    assert_eq!(xclip_out(&x.display), TEXT);
    assert!(!pidfile.exists(), "xsel was used, not the X11 holder");
}

#[test]
fn a_stuck_x_server_fails_fast_instead_of_hanging() {
    if !have_tools(
        "a_stuck_x_server_fails_fast_instead_of_hanging",
        &["Xvfb", "xclip"],
    ) {
        return;
    }
    let x = Xvfb::start();
    x.freeze();
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("holder.pid");

    // Auto: the holder hand-off times out, and xclip/xsel are not waited for again.
    let started = Instant::now();
    let out = run(
        copier()
            .env("DISPLAY", &x.display)
            .env("PROMPTBOOK_CLIPBOARD_TIMEOUT_MS", "1500")
            .env("PROMPTBOOK_CLIPBOARD_HOLDER_PIDFILE", &pidfile),
        TEXT.as_bytes(),
        T,
    );
    let took = started.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(took < Duration::from_secs(6), "took {took:?}: {err}");
    assert!(
        err.contains(&format!(
            "x11: the X server at DISPLAY={} did not answer within 1.5 s",
            x.display
        )),
        "{err}"
    );
    assert!(
        err.contains("xclip: skipped, the X server did not answer"),
        "{err}"
    );
    assert!(err.contains("sudo apt install xclip"), "{err}");
    // The holder that never got an answer was stopped.
    if let Ok(pid) = std::fs::read_to_string(&pidfile) {
        let pid: i32 = pid.trim().parse().unwrap();
        assert!(
            gone_within(pid, Duration::from_secs(5)),
            "holder {pid} left behind"
        );
    }

    // An external tool on the same stuck server is stopped too.
    let started = Instant::now();
    let out = run(
        copier()
            .args(["--clipboard", "xclip"])
            .env("DISPLAY", &x.display)
            .env("PROMPTBOOK_CLIPBOARD_TIMEOUT_MS", "1500"),
        TEXT.as_bytes(),
        T,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(started.elapsed() < Duration::from_secs(6), "{err}");
    assert!(err.contains("`xclip` did not finish within 1.5 s"), "{err}");
}

fn osc52(text: &str) -> Vec<u8> {
    format!("\x1b]52;c;{}\x07", STANDARD.encode(text)).into_bytes()
}

#[test]
fn osc52_writes_the_escape_sequence_to_the_terminal() {
    let mut cmd = copier();
    cmd.args(["--clipboard", "osc52"]);
    let run = run_in_pty(cmd, TEXT.as_bytes(), true, T);
    let shown = String::from_utf8_lossy(&run.output);
    assert!(run.status.success(), "{shown}");
    assert!(
        contains(&run.output, &osc52(TEXT)),
        "no OSC 52 sequence in {shown:?}"
    );
    assert!(shown.contains("Copied "), "{shown}");
    assert!(shown.contains("OSC 52"), "the caveat is shown: {shown}");
}

#[test]
fn auto_without_a_display_uses_osc52() {
    let run = run_in_pty(copier(), TEXT.as_bytes(), true, T);
    let shown = String::from_utf8_lossy(&run.output);
    assert!(run.status.success(), "{shown}");
    assert!(contains(&run.output, &osc52(TEXT)), "{shown:?}");
}

#[test]
fn osc52_inside_tmux_is_wrapped_for_passthrough() {
    let mut cmd = copier();
    cmd.args(["--clipboard", "osc52"])
        .env("TMUX", "/tmp/tmux-0/default,1,0");
    let run = run_in_pty(cmd, b"hi", true, T);
    assert!(run.status.success());
    // "hi" renders as "hi\n".
    let wrapped = b"\x1bPtmux;\x1b\x1b]52;c;aGkK\x07\x1b\\";
    assert!(
        contains(&run.output, wrapped),
        "{:?}",
        String::from_utf8_lossy(&run.output)
    );
}

#[test]
fn osc52_uses_standard_error_when_there_is_no_controlling_terminal() {
    let mut cmd = copier();
    cmd.args(["--clipboard", "osc52"]);
    let run = run_in_pty(cmd, TEXT.as_bytes(), false, T);
    let shown = String::from_utf8_lossy(&run.output);
    assert!(run.status.success(), "{shown}");
    assert!(contains(&run.output, &osc52(TEXT)), "{shown:?}");
}

/// No display, no wl-copy, no terminal (a new session, pipes only): nothing can work,
/// and the error says what was tried and what to do.
#[test]
fn auto_with_nothing_available_names_every_backend_tried() {
    use std::os::unix::process::CommandExt;
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = copier();
    cmd.env("PATH", empty.path());
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let out = run(&mut cmd, TEXT.as_bytes(), T);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for expected in [
        "could not copy the prompt to the clipboard",
        "wayland: skipped, WAYLAND_DISPLAY is not set",
        "x11: skipped, DISPLAY is not set (so xclip and xsel were not tried either)",
        "osc52: no terminal to send it to (/dev/tty: ",
        "sudo apt install wl-clipboard",
        "sudo apt install xclip",
        "print it or save it to a file",
        "hint: the prompt was printed to standard output instead",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert_eq!(stdout(&out), TEXT, "the prompt is never lost");
}

fn fake_tool(dir: &std::path::Path, name: &str, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// There is no Wayland compositor here, so a stand-in `wl-copy` records what it is given.
#[test]
fn wayland_hands_the_text_to_wl_copy() {
    let dir = tempfile::tempdir().unwrap();
    let got = dir.path().join("got");
    fake_tool(
        dir.path(),
        "wl-copy",
        &format!(
            "printf '%s\\n' \"$*\" > '{0}.args'; cat > '{0}'",
            got.display()
        ),
    );
    let out = run(
        copier()
            .env("WAYLAND_DISPLAY", "wayland-0")
            .env("PATH", format!("{}:/usr/bin:/bin", dir.path().display())),
        TEXT.as_bytes(),
        T,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&got).unwrap(), TEXT);
    let args = std::fs::read_to_string(format!("{}.args", got.display())).unwrap();
    assert_eq!(args.trim(), "--type text/plain;charset=utf-8");
}

#[test]
fn a_hanging_wl_copy_is_stopped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    fake_tool(dir.path(), "wl-copy", "exec sleep 600");
    let started = Instant::now();
    let out = run(
        copier()
            .args(["--clipboard", "wayland"])
            .env("WAYLAND_DISPLAY", "wayland-0")
            .env("PROMPTBOOK_CLIPBOARD_TIMEOUT_MS", "1000")
            .env("PATH", format!("{}:/usr/bin:/bin", dir.path().display())),
        TEXT.as_bytes(),
        T,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "{err}");
    assert!(
        err.contains("wayland: `wl-copy` did not finish within 1 s"),
        "{err}"
    );
}

#[test]
fn wayland_without_wl_copy_says_how_to_install_it() {
    let empty = tempfile::tempdir().unwrap();
    let out = run(
        copier()
            .args(["--clipboard", "wayland"])
            .env("WAYLAND_DISPLAY", "wayland-0")
            .env("PATH", empty.path()),
        b"x",
        T,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "wayland: `wl-copy` is not installed (install it with `sudo apt install wl-clipboard`)"
        ),
        "{err}"
    );
}

#[test]
fn an_unknown_backend_name_is_rejected_with_a_suggestion() {
    let out = run(copier().args(["--clipboard", "xclp"]), b"x", T);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unknown clipboard backend `xclp` (did you mean `xclip`?)"),
        "{err}"
    );
}

#[test]
fn a_display_with_no_server_fails_with_each_reason() {
    let n = (4000..5000)
        .find(|n| !std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists())
        .unwrap();
    let out = run(copier().env("DISPLAY", format!(":{n}")), TEXT.as_bytes(), T);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "x11: could not connect to the X server at DISPLAY=:{n} (is it running?)"
        )),
        "{err}"
    );
    assert!(err.contains("  - xclip: "), "{err}");
    assert!(err.contains("  - xsel: "), "{err}");
}

/// Runs `promptbook ARGS` (no copy) and returns what it prints.
fn printed(args: &[&str]) -> String {
    let out = run(&mut promptbook(args), b"", T);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn render_copy_puts_exactly_the_rendered_prompt_on_the_clipboard() {
    if !have_tools(
        "render_copy_puts_exactly_the_rendered_prompt_on_the_clipboard",
        &["Xvfb", "xclip"],
    ) {
        return;
    }
    let x = Xvfb::start();
    let args = [
        "render",
        "blog-draft",
        "--var",
        "topic=remote onboarding",
        "--var",
        "keywords=agents,evals",
    ];
    let expected = printed(&args);
    for format in ["text", "anthropic"] {
        let expected = if format == "text" {
            expected.clone()
        } else {
            printed(&[&args[..], &["--format", format]].concat())
        };
        let out = run(
            promptbook(&[&args[..], &["--format", format, "--copy"]].concat())
                .env("DISPLAY", &x.display),
            b"",
            T,
        );
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        assert_eq!(stdout(&out), "", "copied, not printed");
        let chars = expected.chars().count();
        let chars = if chars >= 1000 {
            format!("{},{:03}", chars / 1000, chars % 1000)
        } else {
            chars.to_string()
        };
        assert!(
            err.starts_with(&format!("Copied {chars} characters (≈ ")),
            "{err}"
        );
        // promptbook has exited; another program reads the exact text back.
        assert_eq!(xclip_out(&x.display), expected, "--format {format}");
    }
}

#[test]
fn export_copy_puts_the_recipe_yaml_on_the_clipboard() {
    if !have_tools(
        "export_copy_puts_the_recipe_yaml_on_the_clipboard",
        &["Xvfb", "xclip"],
    ) {
        return;
    }
    let x = Xvfb::start();
    let yaml = printed(&["export", "blog-draft"]);
    let out = run(
        promptbook(&["export", "blog-draft", "--copy"]).env("DISPLAY", &x.display),
        b"",
        T,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(xclip_out(&x.display), yaml);
}

/// The whole everyday path: `promptbook fill`, answer on a real terminal, choose "Copy"
/// in the menu, and paste from another program after promptbook has exited.
#[test]
fn fill_menu_copy_reaches_the_x11_clipboard() {
    if !have_tools(
        "fill_menu_copy_reaches_the_x11_clipboard",
        &["Xvfb", "xclip"],
    ) {
        return;
    }
    use expectrl::Expect;
    let x = Xvfb::start();
    let expected = printed(&["render", "greet", "--var", "who=Ada Lovelace"]);
    let mut cmd = promptbook(&["fill", "greet"]);
    // The pseudo-terminal is its standard input, not `/dev/null`.
    cmd.env("DISPLAY", &x.display)
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::inherit());
    let mut p = expectrl::Session::spawn(cmd).expect("spawn on a pty");
    p.set_expect_timeout(Some(T));
    p.expect("Who to greet (who, required): ").unwrap();
    p.send("Ada Lovelace\r").unwrap();
    p.expect("Write a warm greeting for Ada Lovelace.").unwrap();
    p.expect("Quit without using it").unwrap();
    p.send("\r").unwrap(); // Copy to the clipboard (the first item)
    let rest = p.expect(expectrl::Eof).unwrap();
    let rest: Vec<u8> = rest
        .before()
        .iter()
        .chain(rest.matches().flatten())
        .copied()
        .collect();
    let rest = String::from_utf8_lossy(&rest).into_owned();
    let status = p.get_process().wait().unwrap();
    assert!(
        matches!(status, expectrl::process::unix::WaitStatus::Exited(_, 0)),
        "{status:?}: {rest}"
    );
    assert!(rest.contains("Copied "), "{rest}");
    assert_eq!(xclip_out(&x.display), expected);
}

/// The holder does not outlive its display: when the X server ends (killed, or stopped
/// cleanly), the holder exits within a bounded wait instead of staying for the hold time.
#[test]
fn x11_holder_exits_when_its_x_server_goes_away() {
    if !have_tools("x11_holder_exits_when_its_x_server_goes_away", &["Xvfb"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for how in ["killed", "stopped"] {
        let x = Xvfb::start();
        let pidfile = dir.path().join(format!("holder-{how}.pid"));
        let out = run(
            copier()
                .args(["--clipboard", "x11"])
                .env("DISPLAY", &x.display)
                .env("PROMPTBOOK_CLIPBOARD_HOLD_SECS", "600")
                .env("PROMPTBOOK_CLIPBOARD_HOLDER_PIDFILE", &pidfile),
            TEXT.as_bytes(),
            T,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let holder = read_pid(&pidfile);
        assert!(alive(holder), "the holder keeps the clipboard");
        if how == "killed" {
            // SAFETY: kill(2) on the Xvfb this test started.
            unsafe { libc::kill(x.pid(), libc::SIGKILL) };
        }
        drop(x);
        assert!(
            gone_within(holder, Duration::from_secs(5)),
            "the holder {holder} is still running 5 s after its X server was {how}"
        );
        assert!(!pidfile.exists(), "the holder removes its pid file");
    }
}
