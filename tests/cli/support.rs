//! A small builder so each test reads like a user session: a fresh home and library in a
//! temporary folder, the real binary, and assertions on what a person would see.

use std::path::{Path, PathBuf};

use std::cell::Cell;
use std::time::Duration;

use tempfile::TempDir;

#[path = "../support/command.rs"]
mod command;
pub use command::output;

/// A user's machine: a temporary home with its own data and config folders and library.
pub struct Env {
    pub dir: TempDir,
}

impl Env {
    /// A fresh environment; the library is created on the first command.
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The library file.
    pub fn lib(&self) -> PathBuf {
        self.dir.path().join("library.sqlite3")
    }

    /// A path inside the environment.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating folders) and returns its path.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        p
    }

    /// `promptbook ARGS…` in this environment (no terminal, no colour).
    pub fn cmd(&self, args: &[&str]) -> Cmd {
        Cmd {
            inner: self.std_command(args),
            stdin: None,
        }
    }

    /// `PROGRAM ARGS…` in this environment: another copy of `promptbook`, or
    /// `promptbook-server` itself.
    pub fn cmd_of(&self, program: &Path, args: &[&str]) -> Cmd {
        let mut inner = command::binary_in(program, self.dir.path(), &self.lib());
        inner.args(args);
        Cmd { inner, stdin: None }
    }

    /// The same command as a plain `std::process::Command`, for tests that drive a
    /// long-running process themselves (the MCP server).
    pub fn std_command(&self, args: &[&str]) -> std::process::Command {
        let mut c = command::promptbook_in(self.dir.path(), &self.lib());
        c.args(args);
        c
    }

    /// A logical dump of the library's recipes, versions and remembered answers, to show a
    /// command changed nothing.
    pub fn dump(&self) -> String {
        dump_library(&self.lib())
    }

    /// `promptbook ARGS…` on a real pseudo-terminal (100×40, no colour), for the
    /// interactive commands: type with [`Pty::send`], read with [`Pty::expect`].
    pub fn pty(&self, args: &[&str]) -> Pty {
        self.pty_with(args, &[])
    }

    /// Like [`Env::pty`], with extra environment variables.
    pub fn pty_with(&self, args: &[&str], vars: &[(&str, &str)]) -> Pty {
        let mut c = self.std_command(args);
        // The pseudo-terminal is its standard input, not `/dev/null`.
        c.env("TERM", "xterm-256color")
            .stdin(std::process::Stdio::inherit());
        for (k, v) in vars {
            c.env(k, v);
        }
        let mut session = expectrl::Session::spawn(c).expect("spawn on a pty");
        session
            .get_process_mut()
            .set_window_size(100, 40)
            .expect("window size");
        session.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
        Pty {
            session,
            seen: String::new(),
        }
    }
}

/// Keys as a terminal sends them.
pub mod keys {
    pub const ENTER: &str = "\r";
    pub const DOWN: &str = "\x1b[B";
    pub const UP: &str = "\x1b[A";
    pub const ESC: &str = "\x1b";
    pub const CTRL_C: &str = "\x03";
}

/// A program running on a pseudo-terminal.
pub struct Pty {
    session: expectrl::session::OsSession,
    /// Everything read so far, with `\r\n` as `\n`.
    pub seen: String,
}

impl Pty {
    fn take(&mut self, c: &expectrl::Captures) {
        self.seen
            .push_str(&String::from_utf8_lossy(c.before()).replace("\r\n", "\n"));
        for m in c.matches() {
            self.seen
                .push_str(&String::from_utf8_lossy(m).replace("\r\n", "\n"));
        }
    }

    /// Waits (at most 30 s) until the terminal shows `text`; fails with what it showed.
    pub fn expect(&mut self, text: &str) -> &mut Self {
        use expectrl::Expect;
        match self.session.expect(text) {
            Ok(c) => self.take(&c),
            Err(e) => panic!(
                "waited for {text:?} ({e}); the terminal showed:\n{}",
                self.seen
            ),
        }
        self
    }

    /// Types `keys`.
    pub fn send(&mut self, keys: &str) -> &mut Self {
        use expectrl::Expect;
        self.session.send(keys).expect("type on the pty");
        self
    }

    /// Types `text` and Enter.
    pub fn line(&mut self, text: &str) -> &mut Self {
        self.send(text).send(keys::ENTER)
    }

    /// Reads to the end and returns the exit code (a signal counts as 128 + its number)
    /// and everything shown since the last `expect`.
    pub fn finish(&mut self) -> (i32, String) {
        use expectrl::Expect;
        let before = self.seen.len();
        match self.session.expect(expectrl::Eof) {
            Ok(c) => self.take(&c),
            Err(e) => panic!(
                "the program did not end ({e}); the terminal showed:\n{}",
                self.seen
            ),
        }
        let status = self.session.get_process().wait().expect("wait");
        let code = match status {
            expectrl::process::unix::WaitStatus::Exited(_, code) => code,
            expectrl::process::unix::WaitStatus::Signaled(_, sig, _) => 128 + sig as i32,
            other => panic!("unexpected status {other:?}"),
        };
        (code, self.seen[before..].to_string())
    }
}

/// Every recipe row and version row, in order, as text, then the packs and their records
/// (pack recipes are named `pack/name`), then every snippet version and the packs' snippet
/// records.
pub fn dump_library(path: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut out = String::new();
    let queries = [
        "SELECT CASE WHEN r.namespace = '' THEN r.name ELSE r.namespace || '/' || r.name END
                || ' cur=' || r.current_version || ' v' || v.version || ' ' || v.hash
         FROM recipes r JOIN recipe_versions v ON v.recipe_id = r.id
         ORDER BY r.namespace, r.name, v.version",
        "SELECT 'pack ' || name || ' ' || version || ' ' || source_kind || ' ' || source || ' '
                || coalesce(ref, '-') || ' ' || coalesce(commit_id, '-') || ' ' || updated_at
         FROM packs ORDER BY name",
        "SELECT 'pack-recipe ' || pack || '/' || name || ' ' || coalesce(recipe_id, 'removed')
                || ' ' || file || ' ' || hash
         FROM pack_recipes ORDER BY pack, name",
        "SELECT 'snippet ' || CASE WHEN s.namespace = '' THEN s.name ELSE s.namespace || '/' || s.name END
                || ' cur=' || s.current_version || ' v' || v.version || ' ' || v.hash
         FROM snippets s JOIN snippet_versions v ON v.snippet_id = s.id
         ORDER BY s.namespace, s.name, v.version",
        "SELECT 'pack-snippet ' || pack || '/' || name || ' ' || coalesce(snippet_id, 'removed')
                || ' ' || file || ' ' || hash
         FROM pack_snippets ORDER BY pack, name",
    ];
    for sql in queries {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        for r in rows {
            out.push_str(&r.unwrap());
            out.push('\n');
        }
    }
    let mut stmt = conn
        .prepare(
            "SELECT r.name, h.version, h.answers FROM fill_history h
             JOIN recipes r ON r.id = h.recipe_id ORDER BY r.name",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "answers {} v{} {}\n",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?
            ))
        })
        .unwrap();
    for r in rows {
        out.push_str(&r.unwrap());
    }
    out
}

/// A command about to run. Run it with [`Cmd::ok`], [`Cmd::fails`] or [`Cmd::run`]; the
/// result is checked when it is dropped, so a test cannot forget to look at it.
#[must_use = "a command does nothing until it is run with .ok(), .fails(code) or .run()"]
pub struct Cmd {
    pub inner: std::process::Command,
    stdin: Option<Vec<u8>>,
}

/// How long any one command may take before the test fails (a test must never hang).
const TIMEOUT: Duration = Duration::from_secs(120);

impl Cmd {
    /// Feeds standard input through a pipe (without it, standard input is `/dev/null`).
    pub fn stdin(mut self, s: impl Into<Vec<u8>>) -> Cmd {
        self.stdin = Some(s.into());
        self
    }

    /// Runs it in `dir` instead of the environment's folder.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Cmd {
        self.inner.current_dir(dir);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Cmd {
        self.inner.env(k, v);
        self
    }

    /// Removes an environment variable (e.g. `PROMPTBOOK_LIBRARY`, to use the default).
    pub fn env_remove(mut self, k: &str) -> Cmd {
        self.inner.env_remove(k);
        self
    }

    /// Runs it to the end. The exit code is the test's to check; standard error too, when
    /// it succeeded (see [`Run`]).
    #[track_caller]
    pub fn run(mut self) -> Run {
        let o = output(&mut self.inner, self.stdin.as_deref(), TIMEOUT);
        let mut stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        // The one line a first command prints when it creates the library is kept apart,
        // so the rest reads the same whichever command comes first (tests/cli/tour.rs
        // checks the line itself).
        let created = stderr
            .strip_prefix("Created a new library at ")
            .and_then(|rest| rest.split_once('\n'))
            .map(|(line, rest)| (format!("Created a new library at {line}"), rest.to_string()));
        let created = created.map(|(line, rest)| {
            stderr = rest;
            line
        });
        Run {
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr,
            code: o.status.code().unwrap_or(-1),
            stderr_seen: Cell::new(false),
            at: std::panic::Location::caller(),
            created,
        }
    }

    /// Runs it and expects success.
    #[track_caller]
    pub fn ok(self) -> Run {
        self.run().ok()
    }

    /// Runs it and expects exit code `code`.
    #[track_caller]
    pub fn fails(self, code: i32) -> Run {
        self.run().fails(code)
    }
}

/// What a command printed and how it ended.
///
/// Like `just`'s test builder, standard error is always checked: when the command succeeded,
/// it must be empty unless the test looked at it (`stderr_has`, `stderr_is`, reading
/// `stderr` through [`Run::stderr`]) — checked when the `Run` is dropped.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    /// Standard error, without the line that announces a new library (see `created`).
    stderr: String,
    pub code: i32,
    stderr_seen: Cell<bool>,
    /// Where the test ran the command, for the message when it is dropped unchecked.
    at: &'static std::panic::Location<'static>,
    /// "Created a new library at …", when this command created the library.
    pub created: Option<String>,
}

impl Drop for Run {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.code == 0 && !self.stderr_seen.get() {
            assert!(
                self.stderr.is_empty(),
                "the command run at {} succeeded but wrote to standard error, which the test did not expect (assert it with .stderr_has or .stderr_is):\n{}",
                self.at,
                self.stderr
            );
        }
    }
}

impl Run {
    /// Standard error, which the test now takes responsibility for.
    pub fn stderr(&self) -> &str {
        self.stderr_seen.set(true);
        &self.stderr
    }

    /// Asserts exit code 0.
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts exit code `code`, an `error:` line, and no panic or backtrace.
    pub fn fails(self, code: i32) -> Run {
        self.stderr_seen.set(true);
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.starts_with("error: "),
            "no `error:` line:\n{}",
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "{}",
            self.stderr
        );
        self
    }

    /// Asserts standard error contains `s`.
    pub fn stderr_has(self, s: &str) -> Run {
        assert!(
            self.stderr().contains(s),
            "stderr lacks {s:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts standard error is exactly `s`.
    pub fn stderr_is(self, s: &str) -> Run {
        assert_eq!(self.stderr(), s, "standard error");
        self
    }

    /// Asserts standard output contains `s`.
    pub fn stdout_has(self, s: &str) -> Run {
        assert!(
            self.stdout.contains(s),
            "stdout lacks {s:?}:\n{}",
            self.stdout
        );
        self
    }
}

/// A small valid recipe for tests; `extra` is appended to its prompt line (text for the
/// prompt, or a newline and more top-level fields).
pub fn recipe(name: &str, extra: &str) -> String {
    format!(
        "name: {name}\ntitle: Test recipe {name}\ndescription: A recipe for tests.\ntags: [pbtest]\nmodel:\n  prefer: haiku\n  max_tokens: 100\nvariables:\n  topic: {{ type: string, required: true, description: The topic }}\n  tone: {{ type: choice, choices: [warm, dry], default: warm }}\nprompt: |\n  Say something {{{{tone}}}} about {{{{topic}}}}.{extra}\n"
    )
}

impl Env {
    /// `promptbook ARGS…` as a plain `std::process::Command` with the same environment as
    /// [`Env::cmd`], for running under a pseudo-terminal.
    pub fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        let mut c = self.std_command(args);
        c.env_remove("NO_COLOR")
            .env("TERM", "dumb")
            .stdin(std::process::Stdio::inherit());
        c
    }

    /// A scripted editor: on its Nth run it keeps a copy of the file it was given as
    /// `editor/seen-N.yaml`, copies `saves[N-1]` over it (if there is one; `None` leaves the
    /// file as it was) and exits with status 0. Returns the value for `EDITOR`; each call starts
    /// a new editor (its runs counted from 1 again).
    pub fn editor(&self, saves: &[Option<&str>]) -> String {
        self.editor_exiting(saves, 0)
    }

    /// [`Env::editor`] that exits with `status`.
    pub fn editor_exiting(&self, saves: &[Option<&str>], status: i32) -> String {
        let dir = self.path("editor");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (i, save) in saves.iter().enumerate() {
            if let Some(text) = save {
                std::fs::write(dir.join(format!("save-{}.yaml", i + 1)), text).unwrap();
            }
        }
        let d = dir.display();
        let script = format!(
            "#!/bin/sh\nn=$(cat '{d}/round' 2>/dev/null || echo 0); n=$((n+1)); echo \"$n\" > '{d}/round'\ncp \"$1\" '{d}/seen-'\"$n\".yaml\nif [ -f '{d}/save-'\"$n\".yaml ]; then cp '{d}/save-'\"$n\".yaml \"$1\"; fi\nexit {status}\n"
        );
        self.script("editor/editor.sh", &script)
            .display()
            .to_string()
    }

    /// What the scripted editor was given on its Nth run.
    pub fn seen(&self, n: usize) -> String {
        std::fs::read_to_string(self.path(&format!("editor/seen-{n}.yaml"))).unwrap()
    }

    /// Writes an executable shell script and returns its path.
    pub fn script(&self, rel: &str, body: &str) -> PathBuf {
        let p = self.write(rel, body);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        p
    }

    /// The editor drafts kept in the data folder, sorted.
    pub fn drafts(&self) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(self.path("data/promptbook/drafts"))
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        found.sort();
        found
    }

    /// The current YAML of a recipe, as `export` prints it.
    pub fn yaml(&self, name: &str) -> String {
        self.cmd(&["export", name]).ok().stdout.clone()
    }

    /// The current YAML of a recipe as stored: what `export` prints without the line that
    /// names a pack's recipe.
    pub fn stored(&self, name: &str) -> String {
        let out = self.yaml(name);
        match out.strip_prefix("# promptbook pack recipe: ") {
            Some(rest) => rest.split_once('\n').map_or("", |(_, r)| r).to_string(),
            None => out,
        }
    }
}

/// `text` with the times tables show (`2026-11-24 10:02:11`, or to the minute) and short
/// hashes (12 hex digits) replaced, for snapshots that hold what stays the same between runs.
pub fn stable(text: &str) -> String {
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?").unwrap();
    let hash = regex::Regex::new(r"\b[0-9a-f]{12}\b").unwrap();
    let text = time.replace_all(text, |c: &regex::Captures| {
        format!(
            "YYYY-MM-DD hh:mm{}",
            if c.get(1).is_some() { ":ss" } else { "" }
        )
    });
    hash.replace_all(&text, "<hash>").into_owned()
}

/// The path a message says a draft is kept in (`… kept in PATH; …` or `… kept in PATH.`).
pub fn kept_path(stderr: &str) -> PathBuf {
    let at = stderr.find("kept in ").expect("a kept path") + "kept in ".len();
    let rest = &stderr[at..];
    let end = rest.find([';', '\n', '\r']).unwrap_or(rest.len());
    PathBuf::from(rest[..end].trim_end_matches('.'))
}

/// True when all `programs` are on PATH. Otherwise the test is skipped (returns false,
/// after saying so on standard error) — except under `CI=true`, where it fails with how to
/// install them (`.ci/deps/` has a script for each).
#[must_use]
pub fn need_tools(programs: &[&str]) -> bool {
    let on_path = |p: &str| {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(p).is_file()))
    };
    let missing: Vec<&str> = programs.iter().copied().filter(|p| !on_path(p)).collect();
    if missing.is_empty() {
        return true;
    }
    let how = format!(
        "{} not installed (install with apt-get, or run .ci/run, which uses .ci/deps/)",
        missing.join(", ")
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but {how}");
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {how}");
    false
}

impl Env {
    /// What bash offers after `promptbook WORDS…` and Tab: the completion script loaded as
    /// `promptbook completions bash` prints it, its function called as bash calls it.
    pub fn bash_completes(&self, line: &[&str]) -> Vec<String> {
        let base = self.std_command(&[]);
        let bin = std::path::Path::new(base.get_program())
            .parent()
            .unwrap()
            .to_path_buf();
        let words = line
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" ");
        let script = format!(
            "source <(promptbook completions bash) || exit 9\nCOMP_WORDS=(promptbook {words}); COMP_CWORD={}; COMP_TYPE=9\n_clap_complete_promptbook promptbook '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            line.len(),
            line.last().unwrap(),
            line.get(line.len().wrapping_sub(2))
                .unwrap_or(&"promptbook"),
        );
        let mut c = std::process::Command::new("bash");
        c.arg("-c")
            .arg(script)
            .env_clear()
            .current_dir(self.dir.path());
        for (k, v) in base.get_envs() {
            if let Some(v) = v {
                c.env(k, v);
            }
        }
        let path = std::env::join_paths(
            std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
        )
        .unwrap();
        c.env("PATH", path);
        let out = c.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        let mut got: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.trim_end().to_string())
            .collect();
        got.sort();
        got
    }
}
