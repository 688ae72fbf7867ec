//! `promptbook pack init DIR`: a new pack folder.

use std::path::PathBuf;

use crate::cli::Ctx;
use crate::error::{Error, Result};
use crate::pack::Manifest;
use crate::pack::files::SafeWriter;
use crate::recipe::is_kebab;

/// Start a pack: pack.yaml, an example recipe and a README in a folder.
///
/// Nothing is overwritten. Put your recipes beside pack.yaml (or export them into it with
/// `pack export --dir`), and the snippets they share in snippets/, commit the folder to a git
/// repository, and your team installs it with `promptbook pack add URL`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  promptbook pack init team-prompts
  promptbook pack init . --name team-prompts")]
pub struct Args {
    /// The folder (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The pack's name (default: from the folder's name).
    #[arg(long)]
    pub name: Option<String>,
}

const EXAMPLE: &str = r#"# An example recipe: replace it with your own (or delete it once the pack has others).
# Every .yaml file in this folder and the folders below it is a recipe of the pack, except
# the files under snippets/: those are snippets, text the recipes share ({{> name}}).
name: example
title: Example recipe
description: A short reply to a customer question, in the team's voice.
version: 1.0.0
tags: [example]
model:
  prefer: haiku
  max_tokens: 400
  why: A short, simple reply needs the fastest model.
variables:
  question: { type: text, required: true, description: The customer's question }
  tone: { type: choice, choices: [warm, formal], default: warm }
system: |
  You answer customer questions for our team. Be accurate and brief.
prompt: |
  Answer this question in a {{tone}} tone, in three sentences at most:
  <question>
  {{question}}
  </question>
tests:
  - vars: { question: How do I reset my password? }
    expect: { contains: [reset my password] }
"#;

pub fn run(args: Args, _ctx: &mut Ctx) -> Result<()> {
    let name = match &args.name {
        Some(n) => n.clone(),
        None => name_from_dir(&args.dir)?,
    };
    let manifest = Manifest::new(&name, "0.1.0");
    manifest.check("pack.yaml")?;
    let writer = SafeWriter::new(&args.dir)?;
    if writer.exists("pack.yaml")? {
        return Err(
            Error::usage(format!("{} already has a pack.yaml", args.dir.display()))
                .hint("nothing was changed; edit that pack.yaml, or choose another folder"),
        );
    }
    let readme = format!(
        "# {name}\n\nA promptbook recipe pack.\n\n\
         Install it:\n\n    promptbook pack add <this repository's URL>#<tag or branch>\n\n\
         Update it later with `promptbook pack update {name}`; your own edits of its recipes are kept.\n\n\
         Add recipes as .yaml files here (or in folders below), check them with \
         `promptbook pack build .` (it checks every recipe and writes a bundle file beside this \
         folder, never into it), then commit and push.\n\n\
         Text several recipes share (a house style, an answer format) goes in `snippets/`: one \
         .yaml file per snippet, with `name`, `description` and `template`. A recipe includes \
         it as `{{{{> name}}}}`, the pack's own snippet first, else the user's of that name.\n"
    );
    let mut wrote = vec!["pack.yaml"];
    writer.write("pack.yaml", manifest.to_yaml().as_bytes(), false)?;
    for (file, text) in [("example.yaml", EXAMPLE), ("README.md", readme.as_str())] {
        if writer.exists(file)? {
            eprintln!("Kept the existing {file}.");
        } else {
            writer.write(file, text.as_bytes(), false)?;
            wrote.push(file);
        }
    }
    eprintln!(
        "Created the pack `{name}` in {}: {}.",
        args.dir.display(),
        wrote.join(", ")
    );
    eprintln!(
        "Next: add recipes (promptbook pack export --tag TAG --dir {0}), check them (promptbook pack build {0}), \
         then commit and push the folder.",
        args.dir.display()
    );
    Ok(())
}

/// A kebab-case pack name from a folder's name.
fn name_from_dir(dir: &std::path::Path) -> Result<String> {
    let base = std::fs::canonicalize(dir)
        .ok()
        .or_else(|| Some(dir.to_path_buf()))
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .unwrap_or_default();
    let mut name = String::new();
    for c in base.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-').to_string();
    if is_kebab(&name) {
        Ok(name)
    } else {
        Err(Error::usage(format!(
            "cannot make a pack name from the folder name {base:?}"
        ))
        .hint("pass --name NAME (kebab-case), e.g. --name team-prompts"))
    }
}
