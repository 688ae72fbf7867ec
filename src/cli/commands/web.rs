//! `promptbook web`: serve the library as a web page on this computer.

use crate::cli::Ctx;
use crate::error::Result;
use crate::web::{self, Options};

/// Open your library in the browser: browse, fill, copy, write and share recipes.
///
/// Starts a small web server on this computer only (127.0.0.1 and ::1) and prints its
/// address, with a secret access token, on one line; the page opens in your browser unless
/// --no-open is given or there is no display. Only someone with the address can use it.
/// Ctrl-C stops it.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook web
  promptbook web --port 8700 --no-open
  promptbook --library ~/team.sqlite3 web")]
pub struct Args {
    /// The port to listen on (default: a free one).
    #[arg(long, short, value_name = "N", default_value_t = 0)]
    pub port: u16,
    /// Do not open the browser; just print the address.
    #[arg(long)]
    pub no_open: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let library = ctx.take_library()?;
    web::serve(
        library,
        Options {
            port: args.port,
            open: !args.no_open,
        },
    )
}
