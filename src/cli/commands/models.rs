//! `promptbook models`: the model catalog.

use crate::catalog::{Catalog, Provider};
use crate::cli::Ctx;
use crate::error::Result;
use crate::render::targets::group;

/// List the models promptbook knows: context window and list prices.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  promptbook models\n\nAdd or change models in models.yaml in promptbook's config folder (its path is printed below the table)."
)]
pub struct Args {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<()> {
    let catalog = Catalog::load()?;
    if args.json {
        return ctx
            .out
            .print(&(serde_json::to_string_pretty(&catalog).expect("serializable") + "\n"));
    }
    let mut rows = vec![vec![
        "MODEL".into(),
        "FAMILY".into(),
        "API".into(),
        "CONTEXT".into(),
        "INPUT $/M".into(),
        "OUTPUT $/M".into(),
    ]];
    for m in &catalog.models {
        let family = catalog
            .families
            .iter()
            .find(|(_, id)| **id == m.id)
            .map(|(f, _)| format!("{f} (newest)"))
            .or_else(|| m.family.clone())
            .unwrap_or_default();
        rows.push(vec![
            m.id.clone(),
            family,
            match m.provider {
                Provider::Anthropic => "anthropic".into(),
                Provider::Openai => "openai".into(),
            },
            m.context_window
                .map(group)
                .unwrap_or_else(|| "unknown".into()),
            price(m.input_per_mtok),
            price(m.output_per_mtok),
        ]);
    }
    let mut s = ctx.out.table(&rows, &[1]);
    s.push_str(&format!(
        "\nList prices in USD per million tokens, as of {} (\"unknown\": not published). Token counts are estimates.\nA model id not listed here is used as given, with its price unknown.\n",
        catalog.prices_as_of
    ));
    if let Some(p) = Catalog::override_path() {
        let state = if p.exists() { "in use" } else { "not present" };
        s.push_str(&format!("Your overrides: {} ({state})\n", p.display()));
    }
    ctx.out.print(&s)
}

fn price(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.2}"))
        .unwrap_or_else(|| "unknown".into())
}
