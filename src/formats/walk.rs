//! Finding what to import: files as given, folders searched (a Fabric pattern or an Agent
//! Skill is a folder), the format recognised from each file unless `--from` says it;
//! symbolic links followed, loops refused, sizes bounded.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::Format;
use crate::error::{Error, Result};
use crate::recipe::MAX_RECIPE_BYTES;

/// The most sources one import reads.
const MAX_UNITS: usize = 100_000;

/// One thing to import: a file, or a folder for Fabric patterns and skills.
#[derive(Debug, Clone)]
pub struct Unit {
    pub path: PathBuf,
    pub format: Format,
}

/// Everything `paths` holds to import, in a stable order.
pub fn collect(paths: &[PathBuf], from: Option<Format>) -> Result<Vec<Unit>> {
    let mut units = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| {
            let what = if p.symlink_metadata().is_ok() {
                format!("{} cannot be read: {e}", p.display())
            } else {
                format!("{} does not exist", p.display())
            };
            Error::not_found(what).hint("check the path")
        })?;
        if meta.is_dir() {
            let before = units.len();
            let mut ancestors = HashSet::new();
            folder(p, from, &mut ancestors, &mut units, true)?;
            if units.len() == before {
                return Err(Error::not_found(format!(
                    "{} holds nothing promptbook can import",
                    p.display()
                ))
                .hint("importable: Fabric pattern folders (system.md), *.prompt, *.prompty, *.prompt.yml, llm template *.yaml, .claude/commands/*.md, SKILL.md folders")
                .hint("name the format with --from if the files are named otherwise"));
            }
        } else {
            let format = match from {
                Some(f) => f,
                None => detect(p)?.ok_or_else(|| unknown(p))?,
            };
            let path = if format == Format::Fabric || format == Format::ClaudeSkill {
                p.parent().map(Path::to_path_buf).unwrap_or_default()
            } else {
                p.clone()
            };
            units.push(Unit { path, format });
        }
    }
    Ok(units)
}

fn unknown(p: &Path) -> Error {
    Error::usage(format!(
        "{}: not a format promptbook can import",
        p.display()
    ))
    .hint("recognised: *.prompt (dotprompt), *.prompty, *.prompt.yml (GitHub Models), llm template YAML, Claude Code commands (.md in a commands folder), SKILL.md, Fabric pattern folders")
    .hint("if it is one of these, say which with --from FORMAT")
}

fn folder(
    dir: &Path,
    from: Option<Format>,
    ancestors: &mut HashSet<PathBuf>,
    units: &mut Vec<Unit>,
    top: bool,
) -> Result<()> {
    let real = std::fs::canonicalize(dir)
        .map_err(|e| Error::failed(format!("cannot read the folder {}: {e}", dir.display())))?;
    if !ancestors.insert(real.clone()) {
        return Err(Error::invalid(format!(
            "{}: symbolic link loop: this folder leads back to {}",
            dir.display(),
            real.display()
        ))
        .hint("remove the link, or import the folders one by one"));
    }
    let has = |f: &str| dir.join(f).is_file();
    let fabric_ok = matches!(from, None | Some(Format::Fabric));
    if fabric_ok && has("system.md") {
        units.push(Unit {
            path: dir.to_path_buf(),
            format: Format::Fabric,
        });
    } else if matches!(from, None | Some(Format::ClaudeSkill)) && has("SKILL.md") {
        units.push(Unit {
            path: dir.to_path_buf(),
            format: Format::ClaudeSkill,
        });
    } else if !top && (from == Some(Format::Fabric) || (from.is_none() && has("user.md"))) {
        return Err(Error::invalid(format!(
            "{}: a Fabric pattern folder needs a system.md",
            dir.display()
        ))
        .hint("add system.md with the pattern's instructions, or remove the folder"));
    } else {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::failed(format!("cannot read the folder {}: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // Hidden files, and dotprompt partials (`_name.prompt`), are not prompts.
            if name.starts_with('.') && name != ".claude" || name.starts_with('_') {
                continue;
            }
            if units.len() >= MAX_UNITS {
                return Err(Error::invalid(format!(
                    "{} holds more than {MAX_UNITS} prompts",
                    dir.display()
                ))
                .hint("import it in parts"));
            }
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                folder(&path, from, ancestors, units, false)?;
            } else if let Some(format) = match from {
                Some(f) if matches_extension(f, &path) => Some(f),
                Some(_) => None,
                None => detect(&path)?,
            } && format != Format::Fabric
                && format != Format::ClaudeSkill
            {
                units.push(Unit { path, format });
            }
        }
    }
    ancestors.remove(&real);
    Ok(())
}

/// Whether a file found in a folder is one `--from FORMAT` reads.
fn matches_extension(f: Format, path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match f {
        Format::Yaml | Format::Llm => {
            (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.ends_with(".prompt.yml")
        }
        Format::Dotprompt => name.ends_with(".prompt"),
        Format::Prompty => name.ends_with(".prompty"),
        Format::GithubPrompt => name.ends_with(".prompt.yml") || name.ends_with(".prompt.yaml"),
        Format::ClaudeCommand => name.ends_with(".md"),
        Format::Fabric | Format::ClaudeSkill => false,
    }
}

/// Recognises a file's format from its name and, for YAML, its keys.
pub fn detect(path: &Path) -> Result<Option<Format>> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "SKILL.md" {
        return Ok(Some(Format::ClaudeSkill));
    }
    if name == "system.md" || name == "user.md" {
        return Ok(Some(Format::Fabric));
    }
    if name.ends_with(".prompt.yml") || name.ends_with(".prompt.yaml") {
        return Ok(Some(Format::GithubPrompt));
    }
    if name.ends_with(".prompt") {
        return Ok(Some(Format::Dotprompt));
    }
    if name.ends_with(".prompty") {
        return Ok(Some(Format::Prompty));
    }
    if name.ends_with(".md") {
        let in_commands = path
            .ancestors()
            .skip(1)
            .any(|a| a.file_name().is_some_and(|n| n == "commands"));
        return Ok(in_commands.then_some(Format::ClaudeCommand));
    }
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        if name == "pack.yaml" {
            return Ok(None);
        }
        let text = read_text(path)?;
        let Ok(serde_json::Value::Object(map)) = crate::yaml::from_str::<serde_json::Value>(&text)
        else {
            return Ok(None);
        };
        if map.contains_key("title") && map.contains_key("name") {
            return Ok(Some(Format::Yaml));
        }
        const LLM: &[&str] = &[
            "name",
            "prompt",
            "system",
            "attachments",
            "attachment_types",
            "model",
            "defaults",
            "options",
            "extract",
            "extract_last",
            "schema_object",
            "fragments",
            "system_fragments",
            "tools",
            "functions",
        ];
        if (map.contains_key("prompt") || map.contains_key("system"))
            && map.keys().all(|k| LLM.contains(&k.as_str()))
        {
            return Ok(Some(Format::Llm));
        }
    }
    Ok(None)
}

/// Reads a text file, at most the recipe size limit, refusing pipes, devices and text that
/// is not UTF-8.
pub fn read_text(path: &Path) -> Result<String> {
    crate::limits::read_text(path, MAX_RECIPE_BYTES as u64, "a prompt file")
}
