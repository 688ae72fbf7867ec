//! The command line: clap definitions and one module per command. The `///` comments on the
//! argument types are the `--help` text.

mod answers;
pub mod commands;
mod complete;
mod deliver;
mod editing;
mod exports;
mod flags;
mod inputs;
mod interrupt;
pub(crate) mod output;
mod servers;
mod sources;
mod versions;

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::store::Library;
use commands::*;

pub use output::Out;
pub use servers::{SERVER_BINARY, Servers};

/// Keep reusable prompt recipes and render them into ready-to-send prompts.
///
/// Recipes live in one SQLite library (created and seeded with starter recipes on first
/// use). Render one to text for a chat, or to the exact request body for the Anthropic or
/// OpenAI API.
#[derive(Debug, Parser)]
#[command(
    name = "promptbook",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Examples:\n  promptbook list\n  promptbook fill blog-draft\n  promptbook render blog-draft --var topic=\"remote onboarding\" --copy\n  promptbook search email"
)]
pub struct Cli {
    #[command(flatten)]
    pub globals: Globals,

    #[command(subcommand)]
    pub command: Command,
}

/// The options every command takes.
#[derive(Debug, clap::Args)]
pub struct Globals {
    /// The library file to use (default: promptbook/library.sqlite3 in your data folder).
    #[arg(long, global = true, env = crate::paths::LIBRARY_ENV, value_name = "PATH")]
    pub library: Option<PathBuf>,
}

/// The command line of `render` alone. Building clap's description of every command costs
/// a tenth of a render, so a line with the word `render` is parsed with this one first;
/// whatever it does not accept (help, version, a mistake) goes to the full [`Cli`], so
/// users see exactly the same messages.
#[derive(Debug, Parser)]
#[command(name = "promptbook")]
struct RenderLine {
    #[command(flatten)]
    globals: Globals,

    #[command(subcommand)]
    command: RenderOnly,
}

#[derive(Debug, Subcommand)]
enum RenderOnly {
    Render(render::Args),
}

/// Parses the command line: a `render` line through [`RenderLine`] when it can (any line it
/// accepts has `render` as its command, so the full line reads it alike), else (and
/// for every error and help text) through the full [`Cli`]. `Err` is the exit code, after
/// clap has printed its message.
fn parse(args: &[std::ffi::OsString]) -> std::result::Result<Cli, i32> {
    if args.iter().skip(1).any(|a| a == "render")
        && let Ok(line) = RenderLine::try_parse_from(args)
    {
        let RenderOnly::Render(render) = line.command;
        return Ok(Cli {
            globals: line.globals,
            command: Command::Render(render),
        });
    }
    Cli::try_parse_from(args).map_err(|e| {
        let _ = e.print();
        e.exit_code()
    })
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    List(list::Args),
    Search(search::Args),
    Show(show::Args),
    Render(render::Args),
    Fill(fill::Args),
    Add(add::Args),
    New(new::Args),
    Edit(edit::Args),
    History(history::Args),
    Diff(diff::Args),
    Revert(revert::Args),
    Lint(lint::Args),
    Test(test::Args),
    Export(export::Args),
    Import(import::Args),
    Rm(rm::Args),
    Pack(pack::Args),
    Snippet(snippet::Args),
    Models(models::Args),
    Completions(completions::Args),
    Man(man::Args),
    Mcp(mcp::Args),
    Web(web::Args),
}

/// What every command may need: the library (opened on first use), the settings (read on
/// first use) and the output streams.
pub struct Ctx {
    library_path: Option<PathBuf>,
    library: Option<Library>,
    config: Option<Config>,
    pub out: Out,
}

impl Ctx {
    /// The library, opened (and created on first use) now. A new library is announced in
    /// one line on standard error, so nobody wonders where their recipes went.
    pub fn library(&mut self) -> Result<&mut Library> {
        if self.library.is_none() {
            let lib = Library::open_chosen(self.library_path.as_deref())?;
            if lib.created() {
                eprintln!(
                    "Created a new library at {} with the starter recipes.",
                    lib.path().display()
                );
            }
            self.library = Some(lib);
        }
        Ok(self.library.as_mut().expect("just opened"))
    }

    /// The library if there is one, without creating it: for checks that need it only for
    /// what a folder does not hold (`test` of a pack folder runs without a library).
    pub fn existing_library(&mut self) -> Option<&Library> {
        if self.library.is_none() {
            let path = Library::resolve_path(self.library_path.as_deref()).ok()?;
            if !path.is_file() {
                return None;
            }
            self.library = Some(Library::open(&path).ok()?);
        }
        self.library.as_ref()
    }

    /// The settings from `config.yaml`, read now (defaults when there is no file).
    pub fn config(&mut self) -> Result<&Config> {
        if self.config.is_none() {
            self.config = Some(Config::load()?);
        }
        Ok(self.config.as_ref().expect("just read"))
    }

    /// The library, opened now and handed over, for a command that keeps it for its whole
    /// run (the MCP server).
    pub fn take_library(&mut self) -> Result<Library> {
        self.library()?;
        Ok(self.library.take().expect("just opened"))
    }
}

/// Runs the command line and returns the process exit code. `servers` says how `web` and
/// `mcp` are carried out: each binary passes its own.
pub fn main(servers: Servers) -> i32 {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: promptbook hit an internal error{place}; nothing more was written.");
        eprintln!("  hint: please report this with the command you ran");
    }));
    // A shell asking for completions (`COMPLETE=bash promptbook -- …`) is answered and exits.
    clap_complete::CompleteEnv::with_factory(Cli::command).complete();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match parse(&args) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let mut ctx = Ctx {
        library_path: cli.globals.library.clone(),
        library: None,
        config: None,
        out: Out::new(),
    };
    // Settings are checked before any command runs, so a mistake in them is found at once,
    // not first when the one command that reads a setting runs.
    let checked = ctx
        .config()
        .and_then(|c| deliver::configured_backend(c).map(|_| ()));
    if let Err(e) = checked {
        report(&e);
        return e.exit_code();
    }
    match run(cli.command, &mut ctx, &servers) {
        Ok(()) => 0,
        // A cancel may race with the Ctrl-C handler; exactly one of them reports it.
        Err(e) if e.kind == ErrorKind::Interrupted => interrupt::exit(&e),
        Err(e) => {
            report(&e);
            e.exit_code()
        }
    }
}

/// Prints an error the way every command does.
pub fn report(e: &Error) {
    eprintln!("error: {}", e.full_text());
}

fn run(command: Command, ctx: &mut Ctx, servers: &Servers) -> Result<()> {
    match command {
        Command::List(a) => list::run(a, ctx),
        Command::Search(a) => search::run(a, ctx),
        Command::Show(a) => show::run(a, ctx),
        Command::Render(a) => render::run(a, ctx),
        Command::Fill(a) => fill::run(a, ctx),
        Command::Add(a) => add::run(a, ctx),
        Command::New(a) => new::run(a, ctx),
        Command::Edit(a) => edit::run(a, ctx),
        Command::History(a) => history::run(a, ctx),
        Command::Diff(a) => diff::run(a, ctx),
        Command::Revert(a) => revert::run(a, ctx),
        Command::Lint(a) => lint::run(a, ctx),
        Command::Test(a) => test::run(a, ctx),
        Command::Export(a) => export::run(a, ctx),
        Command::Import(a) => import::run(a, ctx),
        Command::Rm(a) => rm::run(a, ctx),
        Command::Pack(a) => pack::run(a, ctx),
        Command::Snippet(a) => snippet::run(a, ctx),
        Command::Models(a) => models::run(a, ctx),
        Command::Completions(a) => completions::run(a, &ctx.out),
        Command::Man(a) => man::run(a, Cli::command(), ctx),
        Command::Mcp(a) => servers.mcp(a, ctx),
        Command::Web(a) => servers.web(a, ctx),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
        super::RenderLine::command().debug_assert();
    }

    /// The `render` line parses every render the way the full command line does.
    #[test]
    fn a_render_line_parses_as_the_full_line_does() {
        use clap::Parser;
        for line in [
            "promptbook render blog-draft",
            "promptbook render blog-draft --var topic=x -v tone=formal --vars a.yaml",
            "promptbook render blog-draft --library l.sqlite3 -f anthropic -m opus --force -o out",
            "promptbook render -i --copy --clipboard osc52 blog-draft --no-history",
            "promptbook render --again",
            "promptbook --library l.sqlite3 render blog-draft",
            "promptbook --library=render render render",
        ] {
            let args: Vec<std::ffi::OsString> = line.split(' ').map(Into::into).collect();
            let fast = super::RenderLine::try_parse_from(&args).expect(line);
            let full = super::Cli::try_parse_from(&args).expect(line);
            assert_eq!(
                format!(
                    "{:?}",
                    super::Command::Render(match fast.command {
                        super::RenderOnly::Render(a) => a,
                    })
                ),
                format!("{:?}", full.command),
                "{line}"
            );
            assert_eq!(format!("{:?}", fast.globals), format!("{:?}", full.globals));
        }
        for refused in [
            "promptbook render --help",
            "promptbook render --version",
            "promptbook render blog-draft --format pdf",
            "promptbook show render",
            "promptbook --library render list",
        ] {
            let args: Vec<std::ffi::OsString> = refused.split(' ').map(Into::into).collect();
            assert!(
                super::RenderLine::try_parse_from(&args).is_err(),
                "{refused}"
            );
        }
    }
}
