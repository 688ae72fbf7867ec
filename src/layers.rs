//! The layer rule, checked on the sources: imports point one way, from faces to the core and,
//! inside the core, from the upper layers to the lower ones. The recipe format knows nothing
//! of rendering or storage; rendering knows no store; only the store speaks SQL.

use std::path::{Path, PathBuf};

/// The only module that may use the SQLite crate.
const SQL_OWNER: &str = "store";

/// The faces: they may import any core module; no core module imports them.
const FACES: &[&str] = &["cli", "fill", "mcp", "clipboard", "web"];

/// Each core module and the core modules it may import (`crate::Error` and the other
/// re-exports at the crate root are open to all). A new module must be added here.
const CORE: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("sniff", &[]),
    ("paths", &["error"]),
    ("limits", &["error"]),
    ("yaml", &["error"]),
    ("decode", &["error", "yaml"]),
    ("config", &["error", "paths", "yaml", "decode", "limits"]),
    ("recipe", &["error", "yaml", "decode", "sniff"]),
    ("catalog", &["error", "paths", "yaml", "limits"]),
    ("render", &["error", "yaml", "recipe", "catalog"]),
    ("check", &["error", "yaml", "recipe", "catalog", "render"]),
    ("formats", &["error", "limits", "yaml", "recipe", "render"]),
    ("store", &["error", "paths", "yaml", "recipe"]),
    (
        "edit",
        &[
            "error", "paths", "limits", "yaml", "config", "recipe", "store", "check",
        ],
    ),
    (
        "pack",
        &[
            "error", "paths", "limits", "yaml", "decode", "sniff", "recipe", "store", "check",
            "edit",
        ],
    ),
    (
        "session",
        &[
            "error", "paths", "yaml", "config", "recipe", "catalog", "render", "check", "store",
        ],
    ),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `crate::…` modules a line names (lower-case names only: `crate::Error` is a
/// re-export at the root). A group (`crate::{a, b::C}`) names each of its parts; one that
/// does not close on its line is `Err`, since its parts cannot be read.
fn named_modules(line: &str) -> Result<Vec<&str>, ()> {
    let mut names = Vec::new();
    for (i, m) in line.match_indices("crate::") {
        if line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &line[i + m.len()..];
        let parts: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group
                .split('}')
                .next()
                .filter(|_| group.contains('}'))
                .ok_or(())?
                .split(',')
                .collect(),
            None => vec![rest],
        };
        for part in parts {
            let part = part.trim_start();
            let end = part
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(part.len());
            let name = &part[..end];
            if name.starts_with(|c: char| c.is_ascii_lowercase()) && name != "self" {
                names.push(name);
            }
        }
    }
    Ok(names)
}

#[test]
fn imports_point_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let mut broken = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&root).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs");
        // `fuzz` is test-only and drives every core module, like a face; `bin` holds the
        // second binary's `main`, which, like `main.rs`, only calls the command line.
        if ["lib", "main", "bin", "layers", "fuzz"].contains(&module) || FACES.contains(&module) {
            continue;
        }
        let Some((_, allowed)) = CORE.iter().find(|(m, _)| *m == module) else {
            broken.push(format!(
                "src/{module} is not in the layer table in src/layers.rs: add it"
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let at = format!("src/{}:{}", rel.display(), n + 1);
            let Ok(names) = named_modules(line) else {
                broken.push(format!(
                    "{at}: a `crate::{{…}}` group over several lines; write one `use` per module"
                ));
                continue;
            };
            if module != SQL_OWNER && (line.contains("rusqlite::") || line.contains("use rusqlite"))
            {
                broken.push(format!("{at}: only the store may use rusqlite"));
            }
            for name in names {
                if name != module && !allowed.contains(&name) {
                    broken.push(format!("{at}: `{module}` imports `crate::{name}`"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "layers broken:\n{}", broken.join("\n"));
}

#[test]
fn finds_the_modules_a_line_names() {
    assert_eq!(
        named_modules("use crate::render::{Input}; let x = crate::store::STARTER;"),
        Ok(vec!["render", "store"])
    );
    assert_eq!(
        named_modules("use crate::{Error, render::Prompt, store};"),
        Ok(vec!["render", "store"])
    );
    assert_eq!(
        named_modules("use crate::{Error, Result}; my_crate::x"),
        Ok(vec![])
    );
    assert_eq!(named_modules("use crate::{"), Err(()));
}
