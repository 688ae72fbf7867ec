//! Fabric patterns: a folder with `system.md` (the instructions) and optionally `user.md`.
//! The text piped to `fabric` becomes a required `text` variable; everything in the files is
//! literal text (a `{{` in a pattern stays `{{`).

use std::path::Path;

use super::template::{Dialect, Node, to_handlebars};
use super::{Draft, names, walk};
use crate::error::Result;
use crate::recipe::{Role, VarType, Variable};

/// Reads the pattern folder `dir`.
pub fn import(dir: &Path, notes: &mut Vec<String>) -> Result<Draft> {
    let folder = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("pattern");
    let origin = super::origin(dir);
    let name = names::recipe_name(folder, &origin)?;
    if name != folder {
        notes.push(format!("named `{name}` (the folder is `{folder}`)"));
    }
    let system = walk::read_text(&dir.join("system.md"))?;
    let user_path = dir.join("user.md");
    let user = if user_path.is_file() {
        walk::read_text(&user_path)?
    } else {
        String::new()
    };
    let literal = |t: &str| {
        to_handlebars(&[Node::Text(t.to_string())], Dialect::Promptbook).expect("text translates")
    };
    let mut prompt = String::new();
    if !user.trim().is_empty() {
        prompt.push_str(&literal(user.trim_end()));
        prompt.push_str("\n\n");
    }
    prompt.push_str("{{text}}\n");
    let mut d = Draft {
        title: names::title_of(&name),
        description: description(&system),
        tags: vec!["fabric".into()],
        system: Some(literal(&system)),
        turns: vec![(Role::User, prompt)],
        name,
        ..Draft::default()
    };
    d.variables.insert(
        "text".into(),
        Variable {
            kind: VarType::Text,
            required: true,
            description: Some(
                "The input the pattern works on (what you would pipe to fabric)".into(),
            ),
            ..Variable::default()
        },
    );
    Ok(d)
}

/// The first sentence of the pattern's first paragraph that is not a heading.
fn description(system: &str) -> String {
    let para = system
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .unwrap_or("");
    let line = para.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = line.chars().take(200).collect();
    if let Some(end) = s.find(". ") {
        s.truncate(end + 1);
    }
    s
}
