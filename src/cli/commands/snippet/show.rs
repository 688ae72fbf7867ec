//! `promptbook snippet show`: a snippet's file, and the recipes that include it.

use serde_json::json;

use crate::cli::Ctx;
use crate::cli::versions::when;
use crate::error::Result;

/// Show a snippet: its file as stored, which version it is, and the recipes that include it
/// (directly or through another snippet).
///
/// The text printed is a valid snippet file: the facts come first as # comment lines.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook snippet show brand-voice\n  promptbook snippet show brand-voice --json | jq .used_by"
)]
pub struct Args {
    /// The snippet's name (`pack/name` for a pack's).
    #[arg(add = crate::cli::complete::snippets())]
    pub name: String,
    /// Print JSON instead: name, pack, version, description, template, the file's text, the
    /// number of stored versions and the recipes that include it.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let lib = ctx.library()?;
    let stored = lib.snippet(&args.name)?;
    let users = lib.snippet_users(&stored.name)?;
    let versions = lib.snippet_history(&stored.name)?.len();
    if args.json {
        let parsed = stored.parse()?;
        let value = json!({
            "name": stored.name,
            "pack": stored.pack,
            "version": stored.version,
            "versions": versions,
            "stored_at": stored.created_at,
            "hash": stored.hash,
            "description": parsed.def.description,
            "template": parsed.def.template.value,
            "yaml": stored.yaml,
            "used_by": users,
        });
        let text = serde_json::to_string_pretty(&value).expect("serializable");
        return ctx.out.print(&(text + "\n"));
    }
    let used_by = match users.len() {
        0 => "no recipe yet".to_string(),
        _ => users.join(", "),
    };
    let mut text = format!(
        "# {} v{} (of {versions}), stored {} UTC\n# Used by: {used_by}\n",
        stored.name,
        stored.version,
        when(&stored.created_at)
    );
    text.push_str(&stored.yaml);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    ctx.out.print(&text)
}
