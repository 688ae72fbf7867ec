//! Running clipboard tools (`wl-copy`, `xclip`, `xsel`) with a bounded wait, so a stuck
//! display server cannot hang promptbook.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::Failure;

/// Runs `program args…` with `input` on its standard input and waits at most `timeout`
/// for it to exit. The tools fork a background process that keeps serving the
/// clipboard; it is started in a session of its own so it survives the terminal closing.
pub(super) fn run(
    program: &str,
    args: &[&str],
    input: &str,
    timeout: Duration,
    apt_package: &str,
) -> Result<(), Failure> {
    // Standard error goes to an unlinked temporary file, not a pipe: the tool's
    // background process inherits it and would keep a pipe open for as long as it lives.
    let mut errfile = temp_file();
    let child_stderr = match errfile.as_ref().map(File::try_clone) {
        Some(Ok(f)) => Stdio::from(f),
        _ => Stdio::null(),
    };
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(child_stderr);
    if std::env::var_os("HOME").is_none() {
        // xsel refuses to start without a home directory (for its log file).
        cmd.env("HOME", std::env::temp_dir());
    }
    new_session(&mut cmd);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Failure::new(format!(
                "`{program}` is not installed (install it with `sudo apt install {apt_package}`)"
            )));
        }
        Err(e) => return Err(Failure::new(format!("could not start `{program}`: {e}"))),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let bytes = input.as_bytes().to_vec();
        // A thread, because a tool that does not read would block the write forever.
        thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
    }
    let status = match wait_bounded(&mut child, timeout) {
        Some(status) => status,
        None => {
            kill(&mut child);
            return Err(Failure::stuck(format!(
                "`{program}` did not finish within {} (is the display server stuck?); it was stopped",
                secs(timeout)
            )));
        }
    };
    if status.success() {
        return Ok(());
    }
    let mut stderr = String::new();
    if let Some(f) = errfile.as_mut() {
        let _ = f.seek(SeekFrom::Start(0));
        let _ = f.take(4096).read_to_string(&mut stderr);
    }
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    let detail = if stderr.is_empty() {
        String::new()
    } else {
        format!(": {stderr}")
    };
    Err(Failure::new(format!(
        "`{program}` failed ({status}){detail}"
    )))
}

/// Polls `child` until it exits or `timeout` passes; `None` on timeout.
pub(super) fn wait_bounded(
    child: &mut Child,
    timeout: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() >= deadline => return None,
            Ok(None) => thread::sleep(Duration::from_millis(10)),
            Err(_) => return None,
        }
    }
}

/// Kills a child started by [`run`] together with its process group, and reaps it.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) on the process group the child leads (it called setsid).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Puts the child in a new session, detached from promptbook's terminal, so a tool's
/// background process survives promptbook and its terminal.
fn new_session(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setsid(2) is async-signal-safe, as pre_exec requires.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    #[cfg(not(unix))]
    let _ = cmd;
}

/// An anonymous temporary file, unlinked at once; `None` where that is not possible.
fn temp_file() -> Option<File> {
    #[cfg(unix)]
    {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "promptbook-clipboard-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .mode(0o600)
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .ok()?;
        let _ = std::fs::remove_file(&path);
        Some(file)
    }
    #[cfg(not(unix))]
    None
}

/// Runs `f` on a thread and waits at most `timeout` for its result; `None` on timeout
/// (the thread is left to finish on its own).
pub(super) fn with_timeout<T: Send + 'static>(
    timeout: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(timeout).ok()
}

/// A duration for messages: `5 s`, `1.5 s`.
pub(super) fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}
