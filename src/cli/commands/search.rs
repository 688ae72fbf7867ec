//! `promptbook search`: full-text search over the library.

use crate::cli::Ctx;
use crate::error::Result;

/// Search recipes by name, title, description, tags and template text.
///
/// Every word must match (as a prefix); the best matches come first.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook search email reply\n  promptbook search seo --json"
)]
pub struct Args {
    /// The words to look for.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// The most matches to show.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let query = args.query.join(" ");
    let marks = if args.json {
        ("", "")
    } else if ctx.out.color {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    let hits = ctx.library()?.search(&query, args.limit, marks)?;
    if args.json {
        return ctx
            .out
            .print(&(serde_json::to_string_pretty(&hits).expect("serializable") + "\n"));
    }
    if hits.is_empty() {
        eprintln!("No recipe matches `{query}`. Try fewer or shorter words, or `promptbook list`.");
        return Ok(());
    }
    let mut text = String::new();
    for h in &hits {
        text.push_str(&format!(
            "{}  {}\n    {}\n",
            ctx.out.bold(&h.name),
            h.title,
            h.snippet.replace('\n', " ")
        ));
    }
    ctx.out.print(&text)
}
