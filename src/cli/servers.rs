//! Where `web` and `mcp` run. The servers (tokio, axum, rmcp) live in a second binary,
//! `promptbook-server`, installed beside `promptbook`: every `render`, `list` or `add` is a
//! process of its own, and one that carries no server code maps less and starts sooner.
//! `promptbook web` and `promptbook mcp` hand their command line to that binary unchanged,
//! so users, MCP client settings and the README keep saying `promptbook mcp`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::Ctx;
use super::commands::{mcp, web};
use crate::error::{Error, Result};

/// The file name of the binary that runs the servers.
pub const SERVER_BINARY: &str = "promptbook-server";

/// Set on a hand-off to the build of the `promptbook` that handed off, so a
/// `promptbook-server` left from another build (an older install, or a clone where only
/// `promptbook` was rebuilt) says so instead of serving a library it may not understand.
const HANDED_OFF_BY: &str = "PROMPTBOOK_HANDED_OFF_BY";

/// This build: the version and a hash of the sources (`build.rs`).
const BUILD: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("PROMPTBOOK_BUILD"));

/// What building or installing both binaries takes, for the hints.
const BUILD_BOTH: &str = "in a clone of promptbook, `cargo build --release` builds both binaries \
     (`cargo run` builds only the one it runs) and `cargo install --path .` installs both";

/// How the commands that run a server are carried out in this binary.
pub struct Servers {
    web: fn(web::Args, &mut Ctx) -> Result<()>,
    mcp: fn(mcp::Args, &mut Ctx) -> Result<()>,
}

impl Servers {
    /// The servers run in this process: the `promptbook-server` binary, the only one that
    /// links their code. A hand-off from another build is refused.
    pub fn here() -> Self {
        Servers {
            web: |args, ctx| {
                refuse_other_build()?;
                web::run(args, ctx)
            },
            mcp: |args, ctx| {
                refuse_other_build()?;
                mcp::run(args, ctx)
            },
        }
    }

    /// The servers run in `promptbook-server` beside this binary (the `promptbook` binary).
    pub fn beside() -> Self {
        Servers {
            web: |_, _| hand_off(),
            mcp: |_, _| hand_off(),
        }
    }

    pub(super) fn web(&self, args: web::Args, ctx: &mut Ctx) -> Result<()> {
        (self.web)(args, ctx)
    }

    pub(super) fn mcp(&self, args: mcp::Args, ctx: &mut Ctx) -> Result<()> {
        (self.mcp)(args, ctx)
    }
}

/// Runs `promptbook-server` with the same command line and standard streams (which the MCP
/// server talks over). On Unix it replaces this process, so signals reach the server
/// itself, and returns only when that fails; elsewhere it waits for the server and exits
/// with its status.
fn hand_off() -> Result<()> {
    let server = server_path()?;
    let mut args = std::env::args_os();
    // The same first argument, so usage lines and messages still name `promptbook`.
    let arg0 = args.next().unwrap_or_else(|| OsString::from("promptbook"));
    let mut command = std::process::Command::new(&server);
    command.args(args).env(HANDED_OFF_BY, BUILD);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        Err(not_started(&server, &command.arg0(arg0).exec()))
    }
    #[cfg(not(unix))]
    {
        let _ = arg0;
        let status = command.status().map_err(|e| not_started(&server, &e))?;
        std::process::exit(status.code().unwrap_or(1));
    }
}

/// The error when `server` exists but could not be started.
fn not_started(server: &Path, e: &std::io::Error) -> Error {
    let error = Error::failed(format!("could not start {}: {e}", server.display()));
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        error.hint(format!(
            "it is not marked as a program you may run: `chmod +x {}`",
            server.display()
        ))
    } else {
        error.hint(format!(
            "it is damaged or built for another system; {BUILD_BOTH}"
        ))
    }
}

/// `promptbook-server` in the folder this binary lives in: the real file's folder when it
/// was started through a symbolic link, else the folder it was started from. `cargo
/// install` and `cargo build` put both binaries in one folder.
fn server_path() -> Result<PathBuf> {
    let me = std::env::current_exe()
        .map_err(|e| Error::failed(format!("could not tell where promptbook is installed: {e}")))?;
    let name = format!("{SERVER_BINARY}{}", std::env::consts::EXE_SUFFIX);
    let real = std::fs::canonicalize(&me).ok();
    let candidates: Vec<PathBuf> = real
        .iter()
        .chain([&me])
        .map(|p| p.with_file_name(&name))
        .collect();
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    Err(Error::failed(format!(
        "the web page and the MCP server run in {SERVER_BINARY}, which is not beside this \
         promptbook (looked for {})",
        candidates[0].display()
    ))
    .hint(format!(
        "{BUILD_BOTH}; if you copied promptbook by hand, copy {SERVER_BINARY} into the same folder"
    )))
}

/// Refuses to serve when handed off by a `promptbook` from another build.
fn refuse_other_build() -> Result<()> {
    let Some(theirs) = std::env::var_os(HANDED_OFF_BY) else {
        return Ok(());
    };
    if theirs == BUILD {
        return Ok(());
    }
    Err(Error::failed(format!(
        "{SERVER_BINARY} was built from other sources than the promptbook that started it \
         ({BUILD} here, {} there), so it may not read the library the same way",
        theirs.to_string_lossy()
    ))
    .hint(format!("build or install both again: {BUILD_BOTH}")))
}
