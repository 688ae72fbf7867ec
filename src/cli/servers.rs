//! Where `web` and `mcp` run. The servers (tokio, axum, rmcp) live in a second binary,
//! `promptbook-server`, installed beside `promptbook`: every `render`, `list` or `add` is a
//! process of its own, and one that carries no server code maps less and starts sooner.
//! `promptbook web` and `promptbook mcp` hand their command line to that binary unchanged,
//! so users, MCP client settings and the README keep saying `promptbook mcp`.

use std::ffi::OsString;
use std::path::PathBuf;

use super::Ctx;
use super::commands::{mcp, web};
use crate::error::{Error, Result};

/// The file name of the binary that runs the servers.
pub const SERVER_BINARY: &str = "promptbook-server";

/// Set on a hand-off to the version of the `promptbook` that handed off, so a
/// `promptbook-server` left over from another version says so instead of serving a library
/// it may not understand.
const HANDED_OFF_BY: &str = "PROMPTBOOK_HANDED_OFF_BY";

/// How the commands that run a server are carried out in this binary.
pub struct Servers {
    web: fn(web::Args, &mut Ctx) -> Result<()>,
    mcp: fn(mcp::Args, &mut Ctx) -> Result<()>,
}

impl Servers {
    /// The servers run in this process: the `promptbook-server` binary, the only one that
    /// links their code.
    pub fn here() -> Self {
        Servers {
            web: web::run,
            mcp: mcp::run,
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
        refuse_other_version()?;
        (self.web)(args, ctx)
    }

    pub(super) fn mcp(&self, args: mcp::Args, ctx: &mut Ctx) -> Result<()> {
        refuse_other_version()?;
        (self.mcp)(args, ctx)
    }
}

/// Replaces this process with `promptbook-server` and the same command line (and the same
/// standard streams, which the MCP server talks over). Returns only when that fails.
fn hand_off() -> Result<()> {
    let server = server_path()?;
    let mut args = std::env::args_os();
    // The same first argument, so usage lines and messages still name `promptbook`.
    let arg0 = args.next().unwrap_or_else(|| OsString::from("promptbook"));
    let mut command = std::process::Command::new(&server);
    command
        .args(args)
        .env(HANDED_OFF_BY, env!("CARGO_PKG_VERSION"));
    let failed =
        |e: std::io::Error| Error::failed(format!("could not start {}: {e}", server.display()));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        Err(failed(command.arg0(arg0).exec()))
    }
    #[cfg(not(unix))]
    {
        let _ = arg0;
        let status = command.status().map_err(failed)?;
        std::process::exit(status.code().unwrap_or(1));
    }
}

/// `promptbook-server` in the folder this binary was started from (symbolic links
/// followed), where `cargo install` and the release archive put it.
fn server_path() -> Result<PathBuf> {
    let me = std::env::current_exe()
        .map_err(|e| Error::failed(format!("could not tell where promptbook is installed: {e}")))?;
    let server = me.with_file_name(format!("{SERVER_BINARY}{}", std::env::consts::EXE_SUFFIX));
    if server.is_file() {
        return Ok(server);
    }
    Err(Error::failed(format!(
        "the web page and the MCP server run in {SERVER_BINARY}, which is not installed beside \
         this promptbook (looked for {})",
        server.display()
    ))
    .hint(
        "`cargo install --path .` (or `cargo install promptbook`) installs both binaries; \
         if you copied promptbook by hand, copy promptbook-server into the same folder",
    ))
}

/// Refuses to serve when handed off by a `promptbook` of another version.
fn refuse_other_version() -> Result<()> {
    let Some(theirs) = std::env::var_os(HANDED_OFF_BY) else {
        return Ok(());
    };
    let ours = env!("CARGO_PKG_VERSION");
    if theirs == ours {
        return Ok(());
    }
    Err(Error::failed(format!(
        "{SERVER_BINARY} is version {ours}, but the promptbook that started it is version {}",
        theirs.to_string_lossy()
    ))
    .hint("install both from the same build: `cargo install --path .` installs both binaries"))
}
