//! Helpers for the clipboard tests: the real binary, a private Xvfb, a pseudo-terminal,
//! and bounded waits (a test must never hang either).

#![allow(dead_code)]

mod command;
pub use command::{output, promptbook_in, reader, wait};

use std::fs::File;
use std::io::Write;
use std::os::fd::FromRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// A library shared by the clipboard tests (created once per test run, only read after):
/// the starter recipes plus `echo`, whose prompt is exactly its `text` value, and
/// `greet`, with one question.
pub fn library() -> &'static Path {
    static LIB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = LIB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("library.sqlite3");
        std::fs::write(
            dir.path().join("echo.yaml"),
            "name: echo\ntitle: The text as it is\nvariables:\n  text: { type: text, required: true }\nprompt: \"{{text}}\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("greet.yaml"),
            "name: greet\ntitle: A greeting\nvariables:\n  who: { type: string, required: true, description: Who to greet }\nprompt: |\n  Write a warm greeting for {{who}}.\n",
        )
        .unwrap();
        let out = output(
            promptbook_in(dir.path(), &lib).args(["add", "echo.yaml", "greet.yaml"]),
            None,
            Duration::from_secs(60),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (dir, lib)
    });
    path
}

/// The real `promptbook` binary in a clean environment (no DISPLAY, WAYLAND_DISPLAY, TMUX
/// or SSH_* from the developer's session leaks in; each test sets what it needs), on the
/// shared [`library`], remembering no answers (`render` and `fill` get `--no-history`).
pub fn promptbook(args: &[&str]) -> Command {
    let lib = library();
    let home = lib.parent().unwrap();
    let mut cmd = promptbook_in(home, lib);
    cmd.env("PROMPTBOOK_CLIPBOARD_HOLD_SECS", "60").args(args);
    if matches!(args.first(), Some(&"render" | &"fill")) {
        cmd.arg("--no-history");
    }
    cmd
}

/// `promptbook render echo --var text=- --copy`: copies exactly what it reads on standard
/// input (add `--clipboard BACKEND` with `.args`).
pub fn copier() -> Command {
    promptbook(&["render", "echo", "--var", "text=-", "--copy"])
}

/// Whether `program` is on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The environment variable that tells the clipboard tests to skip when their tools are
/// missing (they fail otherwise, locally as in CI).
pub const SKIP_ENV: &str = "PROMPTBOOK_SKIP_CLIPBOARD_TESTS";

/// True when all `programs` are installed. A missing one fails the test with how to install
/// it — unless the run was told to skip such tests (`PROMPTBOOK_SKIP_CLIPBOARD_TESTS=1`),
/// then it says so and returns false.
pub fn have_tools(test: &str, programs: &[&str]) -> bool {
    let missing: Vec<&str> = programs.iter().copied().filter(|p| !on_path(p)).collect();
    if missing.is_empty() {
        return true;
    }
    let packages: Vec<&str> = missing
        .iter()
        .map(|p| match *p {
            "Xvfb" => "xvfb",
            other => other,
        })
        .collect();
    if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
        // Written straight to standard error, past the test harness's capture, so the skip
        // is visible in a normal `cargo test` run.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: {} not installed and {SKIP_ENV}=1",
            missing.join(", ")
        );
        return false;
    }
    panic!(
        "{test}: {} not installed. Install with `sudo apt-get install {}` (what .ci/run does), or skip the clipboard tests with {SKIP_ENV}=1",
        missing.join(", "),
        packages.join(" ")
    );
}

/// A private Xvfb server on a free display, stopped when dropped.
pub struct Xvfb {
    pub display: String,
    child: Child,
}

impl Xvfb {
    pub fn start() -> Xvfb {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let base = 100 + (std::process::id() % 200) * 10;
        for _ in 0..50 {
            let n = base + NEXT.fetch_add(1, Ordering::SeqCst) % 2000;
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            if socket.exists() || Path::new(&format!("/tmp/.X{n}-lock")).exists() {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .args([
                    &format!(":{n}"),
                    "-nolisten",
                    "tcp",
                    "-screen",
                    "0",
                    "320x240x24",
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start Xvfb");
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                if socket.exists() {
                    return Xvfb {
                        display: format!(":{n}"),
                        child,
                    };
                }
                if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                    // Lost a race for this display number (or it hung): try the next.
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("could not start Xvfb on any display");
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Freezes the server (SIGSTOP): it accepts connections but never answers, like a
    /// stuck X server.
    pub fn freeze(&self) {
        unsafe { libc::kill(self.pid(), libc::SIGSTOP) };
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // SIGTERM first, so Xvfb removes its lock file and socket.
        unsafe {
            libc::kill(self.pid(), libc::SIGCONT);
            libc::kill(self.pid(), libc::SIGTERM);
        }
        if wait(&mut self.child, Duration::from_secs(5)).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `cmd` with `input` on its standard input, waiting at most `timeout`; panics on
/// timeout (after killing it) so a test never hangs.
pub fn run(cmd: &mut Command, input: &[u8], timeout: Duration) -> Output {
    output(cmd, Some(input), timeout)
}

/// Runs `cmd` with standard output and error discarded (for tools such as `xclip -i`
/// that fork a background process holding them), waiting at most `timeout`.
pub fn run_quiet(cmd: &mut Command, input: &[u8], timeout: Duration) -> ExitStatus {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    wait(&mut child, timeout).unwrap_or_else(|| panic!("{cmd:?} did not finish within {timeout:?}"))
}

/// Whether process `pid` is alive (a zombie waiting for init to reap it counts as gone).
pub fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

/// Waits at most `timeout` for `pid` to be gone.
pub fn gone_within(pid: i32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if !alive(pid) {
            return true;
        }
        thread::sleep(Duration::from_millis(25));
    }
    !alive(pid)
}

/// Reads the pid the holder wrote, waiting a little for the file to appear.
pub fn read_pid(path: &Path) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(s) = std::fs::read_to_string(path)
            && let Ok(pid) = s.trim().parse()
        {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "no holder pid in {}",
            path.display()
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// The result of a program run on a pseudo-terminal.
pub struct PtyRun {
    pub status: ExitStatus,
    /// Everything the program wrote to the terminal (its standard output and error, and
    /// what it wrote to /dev/tty).
    pub output: Vec<u8>,
}

/// Runs `cmd` in a new session with standard output and error on a new pseudo-terminal
/// and `input` on its standard input (a pipe). With `controlling`, the terminal becomes
/// the session's controlling terminal, so the program can open /dev/tty; without, it has
/// no /dev/tty but its standard error is still a terminal.
pub fn run_in_pty(mut cmd: Command, input: &[u8], controlling: bool, timeout: Duration) -> PtyRun {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty with out-pointers to two ints and no name, termios or winsize.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    for fd in [master, slave] {
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    // SAFETY: both descriptors were just opened and are owned here.
    let master = unsafe { File::from_raw_fd(master) };
    let slave = unsafe { File::from_raw_fd(slave) };
    cmd.stdin(Stdio::piped())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave.try_clone().unwrap());
    // SAFETY: setsid and ioctl are async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            if controlling && libc::ioctl(1, libc::TIOCSCTTY as _, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn on pty");
    drop(cmd); // closes the parent's copies of the slave, so reading ends at EIO
    drop(slave);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    let output = reader(master);
    let status = wait(&mut child, timeout).expect("program on pty did not finish in time");
    PtyRun {
        status,
        output: output
            .recv_timeout(Duration::from_secs(5))
            .expect("pty output"),
    }
}

/// `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
