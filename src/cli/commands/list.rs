//! `promptbook list`: the recipes in the library.

use crate::cli::Ctx;
use crate::cli::output::table;
use crate::error::Result;

/// List recipes: name, title, tags and preferred model.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  promptbook list\n  promptbook list --tag writing\n  promptbook list --json | jq '.[].name'"
)]
pub struct Args {
    /// Only recipes with this tag.
    #[arg(long, short)]
    pub tag: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let recipes = ctx.library()?.list(args.tag.as_deref())?;
    if args.json {
        return ctx
            .out
            .print(&(serde_json::to_string_pretty(&recipes).expect("serializable") + "\n"));
    }
    if recipes.is_empty() {
        match &args.tag {
            Some(t) => eprintln!("No recipes tagged `{t}`. `promptbook list` shows all of them."),
            None => eprintln!("The library is empty. Add recipes with `promptbook add FILE`."),
        }
        return Ok(());
    }
    let mut rows = vec![vec![
        "NAME".into(),
        "TITLE".into(),
        "TAGS".into(),
        "MODEL".into(),
    ]];
    for r in &recipes {
        rows.push(vec![
            r.name.clone(),
            r.title.clone(),
            r.tags.join(", "),
            r.model.clone().unwrap_or_default(),
        ]);
    }
    ctx.out.print(&table(&rows))
}
