//! Copying a rendered prompt to the clipboard, with fallbacks.
//!
//! `--copy` is offered wherever promptbook produces a prompt, and people run promptbook
//! on Wayland and X11 desktops, on macOS and Windows, and over SSH. No single mechanism
//! works everywhere, so [`copy`] tries the ones that fit the session in a fixed order
//! ([`Backend::Auto`]) and, when none works, returns a [`ClipboardError`] that names every
//! backend it tried and why it failed, so the caller can still print or save the prompt.
//!
//! Two rules shape the code:
//!
//! * **The copy must outlive promptbook.** On X11 the clipboard is not a buffer but a
//!   promise: the owning program must stay alive to answer paste requests. promptbook
//!   exits right after rendering, so the text is handed to a detached *holder* process
//!   (promptbook itself, re-executed; see [`run_holder_if_requested`]) that owns the
//!   selection until another program takes it, or for at most 10 minutes.
//! * **Never hang.** A stuck X server or a clipboard tool that never returns must not
//!   hang the caller: every external process and the hand-off to the holder has a
//!   bounded wait (5 seconds by default) and fails with an error that says so.
//!
//! Environment variables (mostly for tests and troubleshooting):
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `PROMPTBOOK_CLIPBOARD_TIMEOUT_MS` | bounded wait for each tool and the holder hand-off | 5000 |
//! | `PROMPTBOOK_CLIPBOARD_HOLD_SECS` | how long the X11 holder keeps the clipboard at most | 600 |
//! | `PROMPTBOOK_CLIPBOARD_HOLDER_PIDFILE` | file the holder writes its process id to (and removes on exit) | unset |

mod command;
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
))]
mod holder;
mod osc52;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

pub use osc52::osc52_sequence;

/// Environment variable with the bounded wait, in milliseconds, for every clipboard tool
/// and for the hand-off to the X11 holder; public so tests and docs can name it.
pub const TIMEOUT_ENV: &str = "PROMPTBOOK_CLIPBOARD_TIMEOUT_MS";
/// Environment variable with the longest time, in seconds, the X11 holder keeps the
/// clipboard; public so tests can shorten it.
pub const HOLD_SECS_ENV: &str = "PROMPTBOOK_CLIPBOARD_HOLD_SECS";
/// Environment variable naming a file the X11 holder writes its process id to (and
/// removes when it exits), so tests and scripts can watch the holder.
pub const HOLDER_PIDFILE_ENV: &str = "PROMPTBOOK_CLIPBOARD_HOLDER_PIDFILE";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_HOLD: Duration = Duration::from_secs(600);

/// A way of putting text on the clipboard; chosen by `--clipboard BACKEND` or the config
/// setting, so a user whose session defeats auto-detection can name the one that works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Backend {
    /// Try the backends that fit this session, in order: Wayland, X11, xclip, xsel (each
    /// only with a display), native on macOS and Windows, OSC 52 without a display or
    /// over SSH.
    #[default]
    Auto,
    /// `wl-copy` from wl-clipboard, when `WAYLAND_DISPLAY` is set.
    Wayland,
    /// X11 through arboard, the text held by a detached promptbook holder process.
    X11,
    /// The `xclip` command (X11).
    Xclip,
    /// The `xsel` command (X11).
    Xsel,
    /// The OSC 52 escape sequence written to the terminal, which sets the clipboard of
    /// the machine the terminal runs on (works over SSH, if the terminal allows it).
    Osc52,
    /// The operating system's clipboard through arboard: macOS and Windows. On Linux
    /// and the BSDs this is the same as [`Backend::X11`].
    Native,
}

impl Backend {
    /// Every backend, in the order the names are listed to users.
    pub const ALL: [Backend; 7] = [
        Backend::Auto,
        Backend::Wayland,
        Backend::X11,
        Backend::Xclip,
        Backend::Xsel,
        Backend::Osc52,
        Backend::Native,
    ];

    /// The name used on the command line and in the config file (`x11`, `osc52`, …).
    pub fn name(self) -> &'static str {
        match self {
            Backend::Auto => "auto",
            Backend::Wayland => "wayland",
            Backend::X11 => "x11",
            Backend::Xclip => "xclip",
            Backend::Xsel => "xsel",
            Backend::Osc52 => "osc52",
            Backend::Native => "native",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = ClipboardError;

    /// Parses a backend name, ignoring case and surrounding spaces; an unknown name fails
    /// with the list of valid names and the closest one.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let given = s.trim().to_ascii_lowercase();
        if let Some(b) = Backend::ALL.iter().find(|b| b.name() == given) {
            return Ok(*b);
        }
        let suggestion = Backend::ALL
            .iter()
            .map(|b| (strsim::levenshtein(&given, b.name()), b.name()))
            .filter(|(d, _)| *d <= 2)
            .min_by_key(|(d, _)| *d)
            .map(|(_, name)| name);
        Err(ClipboardError::UnknownBackend {
            given: s.to_string(),
            suggestion,
        })
    }
}

/// What [`copy`] did, so the caller can print the one-line report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// The backend that took the text (never [`Backend::Auto`]).
    pub backend: Backend,
    /// The number of characters (Unicode scalar values) copied, for the report.
    pub chars: usize,
}

impl Copied {
    /// Whether the copy is known to have reached the clipboard. OSC 52 is fire-and-forget:
    /// the terminal may ignore it, and nothing tells.
    pub fn confirmed(&self) -> bool {
        self.backend != Backend::Osc52
    }
}

/// One backend [`copy`] considered and why it did not work, so the error can say what
/// was tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The backend considered.
    pub backend: Backend,
    /// Why it failed or was skipped, in words for the user.
    pub reason: String,
}

/// Why the text is not on the clipboard; the message says what was tried and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    /// A `--clipboard` value or config setting that is not a backend name.
    #[error(
        "unknown clipboard backend `{given}`{}; choose one of: auto, wayland, x11, xclip, xsel, osc52, native",
        suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
    )]
    UnknownBackend {
        /// The name as given.
        given: String,
        /// The closest valid name, if any is close.
        suggestion: Option<&'static str>,
    },
    /// No backend worked; `attempts` lists each one considered, in order, and why.
    #[error("{}", not_copied_message(attempts))]
    NotCopied {
        /// Every backend considered, in order, and why it did not work.
        attempts: Vec<Attempt>,
    },
}

fn not_copied_message(attempts: &[Attempt]) -> String {
    let mut msg = String::from("could not copy the prompt to the clipboard. Tried:\n");
    for a in attempts {
        msg.push_str(&format!("  - {}: {}\n", a.backend, a.reason));
    }
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        msg.push_str(
            "To fix it: over SSH, use a terminal that supports OSC 52 (`--clipboard osc52`).",
        );
    } else {
        msg.push_str(
            "To fix it: on a Linux desktop install a clipboard tool \
             (`sudo apt install wl-clipboard` on Wayland, `sudo apt install xclip` on X11); \
             over SSH, run promptbook in a terminal that supports OSC 52.",
        );
    }
    msg.push_str(" The prompt itself is fine: print it or save it to a file instead.");
    msg
}

/// Why one backend failed; `stuck` means the display did not answer in time, so other
/// backends using the same display are not worth waiting for.
#[derive(Debug)]
struct Failure {
    reason: String,
    stuck: bool,
}

impl Failure {
    fn new(reason: impl Into<String>) -> Self {
        Failure {
            reason: reason.into(),
            stuck: false,
        }
    }
    fn stuck(reason: impl Into<String>) -> Self {
        Failure {
            reason: reason.into(),
            stuck: true,
        }
    }
}

/// The bounded waits, read from the environment once per [`copy`].
#[derive(Debug, Clone, Copy)]
struct Settings {
    timeout: Duration,
    hold: Duration,
}

impl Settings {
    fn from_env() -> Self {
        let num = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        Settings {
            timeout: num(TIMEOUT_ENV)
                .map(Duration::from_millis)
                .filter(|d| !d.is_zero())
                .unwrap_or(DEFAULT_TIMEOUT),
            hold: num(HOLD_SECS_ENV)
                .map(Duration::from_secs)
                .unwrap_or(DEFAULT_HOLD),
        }
    }
}

/// The parts of the environment that decide which backends fit.
#[derive(Debug, Clone, Default)]
struct Session {
    wayland_display: Option<String>,
    display: Option<String>,
    tmux: bool,
    ssh: bool,
}

impl Session {
    fn from_env() -> Self {
        let set = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(|v| v.to_string_lossy().into_owned())
        };
        Session {
            wayland_display: set("WAYLAND_DISPLAY"),
            display: set("DISPLAY"),
            tmux: set("TMUX").is_some(),
            ssh: set("SSH_TTY").is_some() || set("SSH_CONNECTION").is_some(),
        }
    }
}

/// A step of the plan for one [`copy`]: try a backend, or record why it was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Try(Backend),
    Skip(Backend, String),
}

const LINUX_LIKE: bool = cfg!(all(
    unix,
    not(any(
        target_os = "macos",
        target_os = "android",
        target_os = "emscripten"
    ))
));

fn plan(backend: Backend, s: &Session) -> Vec<Step> {
    let no_display = |b: Backend| {
        Step::Skip(
            b,
            "DISPLAY is not set (no X11 display in this session)".to_string(),
        )
    };
    match backend {
        Backend::Wayland => match &s.wayland_display {
            Some(_) => vec![Step::Try(Backend::Wayland)],
            None => vec![Step::Skip(
                Backend::Wayland,
                "WAYLAND_DISPLAY is not set (no Wayland display in this session)".to_string(),
            )],
        },
        Backend::X11 | Backend::Xclip | Backend::Xsel => match &s.display {
            Some(_) => vec![Step::Try(backend)],
            None => vec![no_display(backend)],
        },
        Backend::Native if LINUX_LIKE => plan(Backend::X11, s),
        Backend::Native | Backend::Osc52 => vec![Step::Try(backend)],
        Backend::Auto if LINUX_LIKE => {
            let mut steps = Vec::new();
            match &s.wayland_display {
                Some(_) => steps.push(Step::Try(Backend::Wayland)),
                None => steps.push(Step::Skip(
                    Backend::Wayland,
                    "skipped, WAYLAND_DISPLAY is not set".to_string(),
                )),
            }
            match &s.display {
                Some(_) => steps.extend([
                    Step::Try(Backend::X11),
                    Step::Try(Backend::Xclip),
                    Step::Try(Backend::Xsel),
                ]),
                None => steps.push(Step::Skip(
                    Backend::X11,
                    "skipped, DISPLAY is not set (so xclip and xsel were not tried either)"
                        .to_string(),
                )),
            }
            steps.push(osc52_step(s));
            steps
        }
        Backend::Auto => {
            let mut steps = Vec::new();
            if cfg!(any(target_os = "macos", target_os = "windows")) {
                steps.push(Step::Try(Backend::Native));
            }
            steps.push(osc52_step(s));
            steps
        }
    }
}

/// OSC 52 cannot be confirmed, so auto uses it only where it is the likely clipboard:
/// without a display, or over SSH (where the terminal is on the user's own machine).
fn osc52_step(s: &Session) -> Step {
    let has_display = LINUX_LIKE && (s.display.is_some() || s.wayland_display.is_some());
    if !has_display || s.ssh {
        Step::Try(Backend::Osc52)
    } else {
        Step::Skip(
            Backend::Osc52,
            "skipped, a display is set and this is not an SSH session (choose `osc52` explicitly to use it)"
                .to_string(),
        )
    }
}

/// Copies `text` to the clipboard with `backend` ([`Backend::Auto`] tries the ones that
/// fit this session), returning which backend took it, so `--copy` works on desktops,
/// over SSH and in CI alike and never hangs the caller.
///
/// On X11 this starts a detached copy of the current executable to hold the text, so
/// the program's `main` must call [`run_holder_if_requested`] first.
///
/// # Errors
///
/// [`ClipboardError::NotCopied`] when no backend worked; its message names every backend
/// tried, why it failed, and how to install one.
pub fn copy(text: &str, backend: Backend) -> Result<Copied, ClipboardError> {
    let settings = Settings::from_env();
    let session = Session::from_env();
    let chars = text.chars().count();
    let mut attempts = Vec::new();
    let mut display_stuck = false;
    for step in plan(backend, &session) {
        match step {
            Step::Skip(backend, reason) => attempts.push(Attempt { backend, reason }),
            Step::Try(b) if display_stuck && matches!(b, Backend::Xclip | Backend::Xsel) => {
                attempts.push(Attempt {
                    backend: b,
                    reason: "skipped, the X server did not answer".to_string(),
                })
            }
            Step::Try(b) => match try_backend(b, text, &session, &settings) {
                Ok(used) => {
                    return Ok(Copied {
                        backend: used,
                        chars,
                    });
                }
                Err(f) => {
                    display_stuck |= f.stuck
                        && matches!(
                            b,
                            Backend::X11 | Backend::Native | Backend::Xclip | Backend::Xsel
                        );
                    attempts.push(Attempt {
                        backend: b,
                        reason: f.reason,
                    });
                }
            },
        }
    }
    Err(ClipboardError::NotCopied { attempts })
}

fn try_backend(
    backend: Backend,
    text: &str,
    session: &Session,
    settings: &Settings,
) -> Result<Backend, Failure> {
    match backend {
        Backend::Wayland => command::run(
            "wl-copy",
            &["--type", "text/plain;charset=utf-8"],
            text,
            settings.timeout,
            "wl-clipboard",
        )
        .map(|()| Backend::Wayland),
        Backend::Xclip => command::run(
            "xclip",
            &["-selection", "clipboard", "-in"],
            text,
            settings.timeout,
            "xclip",
        )
        .map(|()| Backend::Xclip),
        Backend::Xsel => command::run(
            "xsel",
            &["--clipboard", "--input", "--logfile", "/dev/null"],
            text,
            settings.timeout,
            "xsel",
        )
        .map(|()| Backend::Xsel),
        Backend::Osc52 => {
            osc52::copy(text, session.tmux, settings.timeout).map(|()| Backend::Osc52)
        }
        Backend::X11 | Backend::Native => native(text, session, settings),
        Backend::Auto => unreachable!("plan() never asks to try auto"),
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
))]
fn native(text: &str, session: &Session, settings: &Settings) -> Result<Backend, Failure> {
    let display = session.display.as_deref().unwrap_or("");
    holder::copy(text, display, settings).map(|()| Backend::X11)
}

#[cfg(not(all(
    unix,
    not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
)))]
fn native(text: &str, _session: &Session, settings: &Settings) -> Result<Backend, Failure> {
    // macOS and Windows keep the clipboard contents after the process exits, so the
    // copy is made in-process; a thread bounds the wait all the same.
    let text = text.to_string();
    let done = command::with_timeout(settings.timeout, move || {
        arboard::Clipboard::new().and_then(|mut c| c.set_text(text))
    });
    match done {
        Some(Ok(())) => Ok(Backend::Native),
        Some(Err(e)) => Err(Failure::new(format!("the system clipboard failed: {e}"))),
        None => Err(Failure::stuck(format!(
            "the system clipboard did not answer within {}",
            command::secs(settings.timeout)
        ))),
    }
}

/// Makes this process the X11 clipboard holder when promptbook started it as one, and
/// exits when the holder is done; otherwise returns at once and does nothing.
///
/// Why: on X11 the program that copied must stay alive to answer paste requests, and
/// promptbook exits right after rendering. So [`copy`] re-executes the current
/// executable, detached (new session, orphaned), with a marker in its environment and
/// arguments, and the text on its standard input; that process holds the clipboard
/// until another program takes it (or for at most 10 minutes) and then exits.
///
/// **Every binary that calls [`copy`] must call this first thing in `main`**, before
/// parsing arguments or starting threads:
///
/// ```no_run
/// fn main() {
///     promptbook::clipboard::run_holder_if_requested();
///     // … parse arguments, render, maybe copy …
/// }
/// ```
#[allow(clippy::needless_doctest_main)] // the point of the example is `main`
pub fn run_holder_if_requested() {
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
    ))]
    if holder::is_requested() {
        std::process::exit(holder::run());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_names_round_trip_and_ignore_case() {
        for b in Backend::ALL {
            assert_eq!(b.name().parse::<Backend>().unwrap(), b);
            assert_eq!(b.to_string(), b.name());
        }
        assert_eq!(" X11 ".parse::<Backend>().unwrap(), Backend::X11);
        assert_eq!("OSC52".parse::<Backend>().unwrap(), Backend::Osc52);
    }

    #[test]
    fn unknown_backend_lists_names_and_suggests() {
        let e = "xclp".parse::<Backend>().unwrap_err().to_string();
        assert!(e.contains("`xclp`"), "{e}");
        assert!(e.contains("did you mean `xclip`?"), "{e}");
        assert!(
            e.contains("auto, wayland, x11, xclip, xsel, osc52, native"),
            "{e}"
        );
        let e = "clipboard".parse::<Backend>().unwrap_err().to_string();
        assert!(!e.contains("did you mean"), "{e}");
    }

    fn session(wayland: bool, display: bool, ssh: bool) -> Session {
        Session {
            wayland_display: wayland.then(|| "wayland-0".to_string()),
            display: display.then(|| ":0".to_string()),
            tmux: false,
            ssh,
        }
    }

    fn tried(steps: &[Step]) -> Vec<Backend> {
        steps
            .iter()
            .filter_map(|s| match s {
                Step::Try(b) => Some(*b),
                Step::Skip(..) => None,
            })
            .collect()
    }

    #[test]
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
    ))]
    fn auto_order_on_linux() {
        use Backend::*;
        let p = plan(Auto, &session(true, true, false));
        assert_eq!(tried(&p), [Wayland, X11, Xclip, Xsel]);
        let p = plan(Auto, &session(false, true, false));
        assert_eq!(tried(&p), [X11, Xclip, Xsel]);
        let p = plan(Auto, &session(false, true, true));
        assert_eq!(tried(&p), [X11, Xclip, Xsel, Osc52]);
        let p = plan(Auto, &session(false, false, false));
        assert_eq!(tried(&p), [Osc52]);
        assert_eq!(p.len(), 3, "the skipped ones are listed too: {p:?}");
        assert_eq!(tried(&plan(Native, &session(false, true, false))), [X11]);
        assert_eq!(tried(&plan(X11, &session(false, false, false))), []);
        assert_eq!(tried(&plan(Osc52, &session(true, true, false))), [Osc52]);
    }

    #[test]
    fn error_names_every_attempt_and_how_to_fix() {
        let e = ClipboardError::NotCopied {
            attempts: vec![
                Attempt {
                    backend: Backend::Wayland,
                    reason: "skipped, WAYLAND_DISPLAY is not set".into(),
                },
                Attempt {
                    backend: Backend::Osc52,
                    reason: "no terminal".into(),
                },
            ],
        }
        .to_string();
        assert!(
            e.contains("  - wayland: skipped, WAYLAND_DISPLAY is not set\n"),
            "{e}"
        );
        assert!(e.contains("  - osc52: no terminal\n"), "{e}");
        assert!(e.contains("print it or save it"), "{e}");
    }
}
