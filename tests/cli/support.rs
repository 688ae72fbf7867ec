//! A small builder so each test reads like a user session: a fresh home and library in a
//! temporary folder, the real binary, and assertions on what a person would see.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

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
        let mut c = Command::cargo_bin("promptbook").expect("binary built");
        c.current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("PROMPTBOOK_LIBRARY", self.lib())
            .env("NO_COLOR", "1")
            .args(args);
        Cmd { inner: c }
    }

    /// A logical dump of the library's recipes and versions, to show a command changed nothing.
    pub fn dump(&self) -> String {
        dump_library(&self.lib())
    }
}

/// Every recipe row and version row, in order, as text.
pub fn dump_library(path: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut out = String::new();
    let mut stmt = conn
        .prepare(
            "SELECT r.name, r.current_version, v.version, v.hash FROM recipes r
             JOIN recipe_versions v ON v.recipe_id = r.id ORDER BY r.name, v.version",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "{} cur={} v{} {}\n",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?
            ))
        })
        .unwrap();
    for r in rows {
        out.push_str(&r.unwrap());
    }
    out
}

/// A command about to run.
pub struct Cmd {
    pub inner: Command,
}

impl Cmd {
    /// Feeds standard input.
    pub fn stdin(mut self, s: impl Into<Vec<u8>>) -> Cmd {
        self.inner.write_stdin(s.into());
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Cmd {
        self.inner.env(k, v);
        self
    }

    /// Runs it to the end.
    pub fn run(mut self) -> Run {
        let o = self.inner.output().expect("ran");
        Run {
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            code: o.status.code().unwrap_or(-1),
        }
    }

    /// Runs it and expects success.
    pub fn ok(self) -> Run {
        self.run().ok()
    }

    /// Runs it and expects exit code `code`.
    pub fn fails(self, code: i32) -> Run {
        self.run().fails(code)
    }
}

/// What a command printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
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
            self.stderr.contains(s),
            "stderr lacks {s:?}:\n{}",
            self.stderr
        );
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

/// A small valid recipe for tests; `{}` in the prompt is replaced by `extra`.
pub fn recipe(name: &str, extra: &str) -> String {
    format!(
        "name: {name}\ntitle: Test recipe {name}\ndescription: A recipe for tests.\ntags: [pbtest]\nmodel:\n  prefer: haiku\n  max_tokens: 100\nvariables:\n  topic: {{ type: string, required: true, description: The topic }}\n  tone: {{ type: choice, choices: [warm, dry], default: warm }}\nprompt: |\n  Say something {{{{tone}}}} about {{{{topic}}}}.{extra}\n"
    )
}
