//! The X11 clipboard holder: a detached copy of the current executable that owns the
//! CLIPBOARD selection after promptbook has exited.
//!
//! Protocol between the caller (parent) and the holder, over the holder's standard
//! streams:
//!
//! 1. The parent starts `current_exe() __promptbook-clipboard-holder` with
//!    `__PROMPTBOOK_CLIPBOARD_HOLDER=1`, in a new session, double-forked so that it is
//!    nobody's child (no zombie in a long-running caller), and writes the text to its
//!    standard input.
//! 2. The holder prints `pid N`, reads the text, takes the selection through arboard,
//!    checks that it owns it, and prints `ok` (or `err MESSAGE`), then lets go of its
//!    standard streams.
//! 3. The parent waits for `ok` at most the configured timeout; on timeout it kills the
//!    holder and reports that the X server did not answer.
//! 4. The holder serves paste requests until another program takes the clipboard, the
//!    hold time runs out (arboard's `SetExtLinux::wait_until`) or its X server goes away
//!    (checked twice a second), then exits.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use arboard::{Clipboard, SetExtLinux};

use super::{Failure, HOLD_SECS_ENV, HOLDER_PIDFILE_ENV, Settings, TIMEOUT_ENV, command};

/// Marks the holder process, together with [`HOLDER_ARG`]: both are needed, so a stray
/// environment variable alone never turns promptbook into a holder.
const HOLDER_ENV: &str = "__PROMPTBOOK_CLIPBOARD_HOLDER";
/// The holder's first argument; it also makes the holder recognisable in `ps`, and makes
/// a binary that forgot the hook fail fast on an unknown argument.
const HOLDER_ARG: &str = "__promptbook-clipboard-holder";

/// Whether this process was started as the holder.
pub(super) fn is_requested() -> bool {
    std::env::var_os(HOLDER_ENV).is_some_and(|v| v == "1")
        && std::env::args_os().nth(1).is_some_and(|a| a == HOLDER_ARG)
}

/// Parent side: hands `text` to a new holder and waits, bounded, for it to own the
/// clipboard.
pub(super) fn copy(text: &str, display: &str, settings: &Settings) -> Result<(), Failure> {
    let exe = std::env::current_exe().map_err(|e| {
        Failure::new(format!(
            "could not find promptbook's own executable to hold the clipboard: {e}"
        ))
    })?;
    let mut cmd = Command::new(&exe);
    cmd.arg(HOLDER_ARG)
        .env(HOLDER_ENV, "1")
        .env(TIMEOUT_ENV, settings.timeout.as_millis().to_string())
        .env(HOLD_SECS_ENV, settings.hold.as_secs().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .current_dir("/");
    detach(&mut cmd);
    let mut child = cmd.spawn().map_err(|e| {
        Failure::new(format!(
            "could not start the clipboard holder ({}): {e}",
            exe.display()
        ))
    })?;
    // `child` is the intermediate process of the double fork; it exits at once.
    let _ = command::wait_bounded(&mut child, settings.timeout);
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(Failure::new("could not talk to the clipboard holder"));
    };
    let bytes = text.as_bytes().to_vec();
    thread::spawn(move || {
        let _ = stdin.write_all(&bytes);
    });
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });

    let deadline = Instant::now() + settings.timeout;
    let mut holder_pid: Option<i32> = None;
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) if line == "ok" => return Ok(()),
            Ok(line) => {
                if let Some(pid) = line.strip_prefix("pid ") {
                    holder_pid = pid.trim().parse().ok();
                } else if let Some(msg) = line.strip_prefix("err ") {
                    return Err(Failure::new(msg.to_string()));
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Some(pid) = holder_pid.filter(|p| *p > 0) {
                    // SAFETY: kill(2) on the holder we started; it has not reported
                    // and still holds its end of our pipe, so it is alive.
                    unsafe {
                        libc::kill(pid, libc::SIGKILL);
                    }
                    // It cannot remove its pid file any more; do it for it.
                    if let Some(p) = std::env::var_os(HOLDER_PIDFILE_ENV).map(PathBuf::from)
                        && std::fs::read_to_string(&p).is_ok_and(|s| s.trim() == pid.to_string())
                    {
                        let _ = std::fs::remove_file(p);
                    }
                }
                return Err(Failure::stuck(format!(
                    "the X server at DISPLAY={display} did not answer within {}; stopped waiting",
                    command::secs(settings.timeout)
                )));
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Failure::new(
                    "the clipboard holder exited before taking the clipboard \
                     (the program must call `promptbook::clipboard::run_holder_if_requested()` \
                     first thing in main)",
                ));
            }
        }
    }
}

/// Double fork in a new session: the holder ends up with no controlling terminal and no
/// parent to reap it except init, so it survives promptbook and leaves no zombie behind
/// in a long-running caller.
fn detach(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls (setsid, fork, _exit) between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            match libc::fork() {
                -1 => Err(std::io::Error::last_os_error()),
                0 => Ok(()),
                _ => libc::_exit(0),
            }
        });
    }
}

/// Holder side: returns the process exit code.
pub(super) fn run() -> i32 {
    let settings = Settings::from_env();
    let pidfile: Option<PathBuf> = std::env::var_os(HOLDER_PIDFILE_ENV).map(PathBuf::from);
    let pid = std::process::id();
    let mut out = std::io::stdout();
    let _ = writeln!(out, "pid {pid}").and_then(|()| out.flush());
    if let Some(p) = &pidfile {
        let _ = std::fs::write(p, format!("{pid}\n"));
    }

    // If the X server never answers, the parent kills us; this covers a parent that died.
    let ready = Arc::new(AtomicBool::new(false));
    {
        let ready = Arc::clone(&ready);
        let pidfile = pidfile.clone();
        let limit = settings.timeout + Duration::from_secs(1);
        thread::spawn(move || {
            thread::sleep(limit);
            if !ready.load(Ordering::SeqCst) {
                remove(&pidfile);
                std::process::exit(2);
            }
        });
    }

    let mut text = String::new();
    let taken = match std::io::stdin().read_to_string(&mut text) {
        Ok(_) => take(&text),
        Err(e) => Err(format!("the clipboard holder could not read the text: {e}")),
    };
    let mut clipboard = match taken {
        Ok(c) => c,
        Err(msg) => {
            let msg = msg.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(out, "err {msg}").and_then(|()| out.flush());
            remove(&pidfile);
            return 1;
        }
    };
    ready.store(true, Ordering::SeqCst);
    let _ = writeln!(out, "ok").and_then(|()| out.flush());
    release_stdio();

    // The display can go away while we wait (the X server ends, the session closes): then
    // there is nothing left to hold, so leave within a moment instead of the hold time.
    if let Ok(display) = std::env::var("DISPLAY") {
        let pidfile = pidfile.clone();
        thread::spawn(move || {
            loop {
                thread::sleep(DISPLAY_CHECK);
                if !display_alive(&display) {
                    remove(&pidfile);
                    std::process::exit(0);
                }
            }
        });
    }

    // Re-setting the same text re-asserts ownership and then waits until another program
    // takes the clipboard (or the hold time runs out).
    let _ = clipboard
        .set()
        .wait_until(Instant::now() + settings.hold)
        .text(text);

    // Dropping the clipboard may hand the text to a clipboard manager; bound that too,
    // as it talks to an X server that may have gone away.
    {
        let pidfile = pidfile.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_secs(2));
            remove(&pidfile);
            std::process::exit(0);
        });
    }
    drop(clipboard);
    remove(&pidfile);
    0
}

/// How often the holder checks that its X server is still there.
const DISPLAY_CHECK: Duration = Duration::from_millis(500);

/// Whether an X server still accepts connections for `display` (`:N`, `unix:N`, `HOST:N`,
/// with an optional `.SCREEN`): its Unix socket, or TCP port 6000 + N. Only connects and
/// closes; the X protocol is arboard's business.
fn display_alive(display: &str) -> bool {
    let Some((host, rest)) = display.rsplit_once(':') else {
        return true; // not a form we know: never give up the clipboard on a guess
    };
    let Ok(number) = rest.split('.').next().unwrap_or("").parse::<u16>() else {
        return true;
    };
    if host.is_empty() || host == "unix" {
        let path = format!("/tmp/.X11-unix/X{number}");
        return std::os::unix::net::UnixStream::connect(path).is_ok();
    }
    let Some(port) = 6000u16.checked_add(number) else {
        return true;
    };
    use std::net::ToSocketAddrs;
    let Ok(mut addrs) = (host, port).to_socket_addrs() else {
        return false;
    };
    addrs.any(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok())
}

/// Takes the CLIPBOARD selection and checks that the X server made us its owner.
fn take(text: &str) -> Result<Clipboard, String> {
    // arboard reports any connection failure as a time-out; the display name says more.
    let mut clipboard = Clipboard::new().map_err(|_| {
        let display = std::env::var("DISPLAY").unwrap_or_default();
        format!("could not connect to the X server at DISPLAY={display} (is it running?)")
    })?;
    clipboard
        .set_text(text)
        .map_err(|e| format!("the X server refused the copy: {e}"))?;
    // arboard answers from its own copy when it owns the selection, so this confirms
    // ownership without a round trip through another program.
    match clipboard.get_text() {
        Ok(t) if t == text => Ok(clipboard),
        Ok(_) => Err("another program took the clipboard at the same moment".to_string()),
        Err(e) => Err(format!("the X server did not confirm the copy: {e}")),
    }
}

/// Points standard input and output at /dev/null, so the parent's pipe closes.
fn release_stdio() {
    // SAFETY: plain open/dup2/close on file descriptors this process owns.
    unsafe {
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null >= 0 {
            libc::dup2(null, 0);
            libc::dup2(null, 1);
            if null > 2 {
                libc::close(null);
            }
        }
    }
}

fn remove(pidfile: &Option<PathBuf>) {
    if let Some(p) = pidfile {
        let _ = std::fs::remove_file(p);
    }
}
