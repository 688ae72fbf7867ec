//! The one way every test target starts the real binary (the CLI tests, the pseudo-terminal
//! tests, the clipboard tests): a clean environment in a home of the test's own, and a
//! bounded wait for it to end.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// `promptbook` with nothing of the developer's session leaking in (no DISPLAY, TERM,
/// EDITOR, colours…): `home` is HOME, holds the data and config folders and is the working
/// folder; `lib` is the library. Standard input is empty (`/dev/null`) unless a test feeds it.
pub fn promptbook_in(home: &Path, lib: &Path) -> Command {
    binary_in(Path::new(env!("CARGO_BIN_EXE_promptbook")), home, lib)
}

/// [`promptbook_in`] for another copy of the binary, or for `promptbook-server`.
pub fn binary_in(program: &Path, home: &Path, lib: &Path) -> Command {
    let mut c = Command::new(program);
    c.current_dir(home)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("PROMPTBOOK_LIBRARY", lib)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    c
}

/// Runs `cmd` to the end, feeding `stdin` through a pipe when given (else `/dev/null`),
/// waiting at most `timeout`; panics on timeout (after killing it), so a test never hangs.
pub fn output(cmd: &mut Command, stdin: Option<&[u8]>, timeout: Duration) -> Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("piped");
        let input = input.to_vec();
        thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let stdout = reader(child.stdout.take().expect("piped"));
    let stderr = reader(child.stderr.take().expect("piped"));
    let status = wait(&mut child, timeout)
        .unwrap_or_else(|| panic!("{cmd:?} did not finish within {timeout:?}"));
    // A forked background process (a clipboard holder) may keep the pipes open; take what
    // is there.
    Output {
        status,
        stdout: stdout
            .recv_timeout(Duration::from_secs(2))
            .unwrap_or_default(),
        stderr: stderr
            .recv_timeout(Duration::from_secs(2))
            .unwrap_or_default(),
    }
}

pub fn reader(mut r: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        let _ = tx.send(buf);
    });
    rx
}

/// Waits at most `timeout` for `child`; kills it and returns `None` on timeout.
pub fn wait(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(5));
    }
}
