//! `promptbook mcp`: serve the library to MCP clients (Claude Desktop, Claude Code, VS Code).

use super::Ctx;
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
    /// Serve only the recipes of this pack (repeat it for several). Packs are not in this
    /// version yet, so for now the flag is refused with a note.
    #[arg(long, value_name = "PACK", value_delimiter = ',')]
    pub pack: Vec<String>,
    /// Prompts per prompts/list page (for tests; default 10000).
    #[arg(long, hide = true, default_value_t = mcp::PAGE_SIZE as u32, value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: u32,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    if let Some(pack) = args.pack.first() {
        // Packs are being built on their own branch; until the library records which pack a
        // recipe came from, there is nothing to select by.
        return Err(Error::usage(format!(
            "--pack {pack}: this version of promptbook has no packs yet, so it cannot select recipes by pack"
        ))
        .hint("select recipes with --tag instead, e.g. promptbook mcp --tag writing"));
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
            selection: Selection { tags },
            page_size: args.page_size as usize,
        },
    )
}
