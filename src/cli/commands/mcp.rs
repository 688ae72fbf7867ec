//! `promptbook mcp`: serve the library to MCP clients (Claude Desktop, Claude Code, VS Code).

use crate::cli::Ctx;
use crate::error::{Error, Result};
use crate::mcp::{self, Options};
use crate::store::Selection;

/// Serve your recipes as prompts to MCP clients, over standard input/output.
///
/// Every recipe becomes a prompt (a slash command in most clients) whose arguments are its
/// variables; rendering uses the same defaults and checks as `promptbook render`. Two tools,
/// search_recipes and render_recipe, let the model find and fill recipes itself. When
/// another promptbook command changes the library, connected clients are told to refresh.
/// An MCP client starts this command; it stops when the client closes its input. The
/// library is only read.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  claude mcp add promptbook -- promptbook mcp
  promptbook mcp --tag writing --tag marketing
  promptbook --library ~/team.sqlite3 mcp

Claude Desktop (claude_desktop_config.json) and VS Code (.vscode/mcp.json) snippets are in
the README, under \"Use your recipes in Claude and VS Code (MCP)\".")]
pub struct Args {
    /// Serve only recipes with this tag (repeat it, or give several separated by commas:
    /// a recipe with any of them is served).
    #[arg(long, short, value_name = "TAG", value_delimiter = ',')]
    pub tag: Vec<String>,
    /// Serve only the recipes of this installed pack (repeat it, or give several separated by
    /// commas). With --tag too, a recipe must match both.
    #[arg(long, value_name = "PACK", value_delimiter = ',')]
    pub pack: Vec<String>,
    /// Prompts per prompts/list page (for tests; default 10000).
    #[arg(long, hide = true, default_value_t = mcp::PAGE_SIZE as u32, value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: u32,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let packs: Vec<String> = args
        .pack
        .iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if !packs.is_empty() {
        let installed = crate::pack::install::names(ctx.library()?)?;
        if let Some(unknown) = packs.iter().find(|p| !installed.contains(p)) {
            let mut e = Error::not_found(format!(
                "--pack {unknown}: no pack of that name is installed"
            ));
            if let Some(close) =
                crate::error::did_you_mean(unknown, installed.iter().map(String::as_str))
            {
                e = e.hint(format!("did you mean `{close}`?"));
            }
            return Err(e.hint("`promptbook pack list` shows the installed packs"));
        }
    }
    let tags: Vec<String> = args
        .tag
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    let library = ctx.take_library()?;
    mcp::serve(
        library,
        Options {
            selection: Selection { tags, packs },
            page_size: args.page_size as usize,
        },
    )
}
