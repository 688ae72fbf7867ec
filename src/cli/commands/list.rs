//! `promptbook list`: the recipes in the library.

use crate::cli::Ctx;
use crate::error::Result;

/// List recipes: name (`pack/name` for a pack's recipe), preferred model, title and tags.
///
/// The table fits the terminal (or 80 columns, or COLUMNS when set): long titles and tags
/// are cut with …; --json has everything.
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
    // A pack's recipe as `pack/name`: the pack is shown, and the name finds it.
    let mut rows = vec![vec![
        "NAME".to_string(),
        "MODEL".into(),
        "TITLE".into(),
        "TAGS".into(),
    ]];
    for r in &recipes {
        let name = match &r.pack {
            Some(pack) => format!("{pack}/{}", r.name.rsplit('/').next().unwrap_or(&r.name)),
            None => r.name.clone(),
        };
        rows.push(vec![
            name,
            r.model.clone().unwrap_or_default(),
            r.title.clone(),
            r.tags.join(", "),
        ]);
    }
    // Tags give up space first, then titles; names are never cut.
    ctx.out.print(&ctx.out.table(&rows, &[3, 2]))
}
