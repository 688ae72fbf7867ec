//! `promptbook web`: the library in the browser, on this machine only. A face: it collects
//! what people type and shows what the core returns; rendering, checks and storage are the
//! core's. The server is still a server: see [`guard`] for the rules every request passes.

mod api;
mod app;
mod assets;
mod forms;
mod guard;
mod listen;
mod pages;
mod preview;
mod routes;

use std::sync::Arc;
use std::time::Duration;

use crate::edit::Drafts;
use crate::error::{Error, Result};
use crate::store::Library;

/// How `promptbook web` was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The port; 0 takes a free one.
    pub port: u16,
    /// Open the page in the default browser (when there is a display).
    pub open: bool,
}

/// Serves `library` until Ctrl-C or SIGTERM. Prints exactly one line on standard output:
/// the address with the access token.
pub fn serve(library: Library, options: Options) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::failed(format!("cannot start the web server: {e}")))?;
    let result = runtime.block_on(async move {
        let listeners = listen::bind(options.port).await?;
        let port = listeners[0]
            .local_addr()
            .map_err(|e| Error::failed(format!("cannot read the server's address: {e}")))?
            .port();
        let app = Arc::new(app::App::new(library, port, Drafts::default_location()?)?);
        // Read every summary now, not on the first visit (70 ms for 10,000 recipes).
        app.snapshot()?;
        let url = format!("http://127.0.0.1:{port}/?token={}", app.token);
        println!("{url}");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        eprintln!("promptbook is serving your library at the address above; Ctrl-C stops it.");
        if options.open {
            open_browser(&url);
        }
        listen::serve(listeners, routes::router(app)).await
    });
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}

/// Whether a browser can be shown: on Linux and the BSDs, only with a graphical session.
fn has_display() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// Opens `url` in the default browser, if there is a display; a failure is a note only
/// (the address is printed).
fn open_browser(url: &str) {
    if !has_display() {
        return;
    }
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match cmd.spawn() {
        // Reaped in the background so no zombie is left.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("note: could not open a browser ({e}); open the address yourself"),
    }
}
