//! `promptbook search`: full-text search over the library.

use crate::cli::Ctx;
use crate::cli::output::{shown_width, truncate};
use crate::error::Result;
use crate::store::SearchHit;

/// Search recipes by name, title, description, tags and template text.
///
/// Every word must match (as a prefix); the best matches come first. Punctuation inside a
/// word is kept in place: `c++` finds "C++", `it's` finds "it's". On a terminal the matched
/// words are highlighted; --json gives the snippet as plain text with the matches' character
/// offsets.
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
    let hits = ctx.library()?.search(&query, args.limit)?;
    if args.json {
        return ctx
            .out
            .print(&(serde_json::to_string_pretty(&hits).expect("serializable") + "\n"));
    }
    if hits.is_empty() {
        eprintln!("No recipe matches `{query}`. Try fewer or shorter words, or `promptbook list`.");
        return Ok(());
    }
    let width = ctx.out.width();
    let mut text = String::new();
    for h in &hits {
        let title = truncate(&h.title, width.saturating_sub(shown_width(&h.name) + 2));
        text.push_str(&format!("{}  {title}\n", ctx.out.bold(&h.name)));
        let line = fitted_snippet(h, width.saturating_sub(4));
        text.push_str(&format!("    {}\n", highlight(&line, ctx.out.color)));
    }
    ctx.out.print(&text)
}

/// A snippet's characters on one line (line breaks and runs of spaces as one space), cut to
/// `width` columns with `…`: each with whether it is part of a match.
fn fitted_snippet(h: &SearchHit, width: usize) -> Vec<(char, bool)> {
    use unicode_width::UnicodeWidthChar;
    let mut out: Vec<(char, bool)> = Vec::new();
    let mut used = 0;
    let mut chars = h.snippet.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c == ' ' && out.last().is_some_and(|(p, _)| *p == ' ') {
            continue;
        }
        let w = c.width().unwrap_or(0);
        // Room for this character, and for `…` if more follows.
        let room = if chars.peek().is_some() {
            width.saturating_sub(1)
        } else {
            width
        };
        if used + w > room {
            while out.last().is_some_and(|(p, _)| *p == ' ') {
                out.pop();
            }
            out.push(('…', false));
            break;
        }
        used += w;
        out.push((c, h.matches.iter().any(|m| (m.start..m.end).contains(&i))));
    }
    out
}

/// The matched words in bold yellow on a colour terminal; plain text otherwise (a pipe gets
/// the words as they are, never markup).
fn highlight(chars: &[(char, bool)], color: bool) -> String {
    let mut s = String::new();
    let mut inside = false;
    for &(c, hit) in chars {
        if color && hit != inside {
            s.push_str(if hit { "\x1b[1;33m" } else { "\x1b[0m" });
            inside = hit;
        }
        s.push(c);
    }
    if inside {
        s.push_str("\x1b[0m");
    }
    s
}
