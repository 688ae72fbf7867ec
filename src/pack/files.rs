//! Files of a pack on disk: reading a pack folder within the limits, and writing files into a
//! target folder so that no path from a pack (or a bundle) can land outside it.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

use super::{RawFile, RawManifest, RawPack, limits};

/// Whether `name` is a recipe file name: `.yaml` or `.yml`, and not the manifest or a bundle.
pub fn is_recipe_file(name: &str) -> bool {
    (name.ends_with(".yaml") || name.ends_with(".yml"))
        && name != "pack.yaml"
        && !is_bundle_file(name)
}

/// Whether `name` is a bundle's file name (`NAME-VERSION.pbpack.yaml`, as `pack build`
/// names them): never a recipe of the pack it sits in, whatever its size.
pub fn is_bundle_file(name: &str) -> bool {
    name.ends_with(".pbpack.yaml") || name.ends_with(".pbpack.yml")
}

/// The note for a bundle passed over in a pack folder.
pub fn bundle_note(display: &str) -> String {
    format!("{display}: skipped: {}", super::BUNDLE_SKIPPED)
}

/// Checks a path inside a pack: relative, `/`-separated, no `.`/`..`, no hidden or empty
/// parts, only letters, digits, `-`, `_`, `.` and `+`, bounded in length and depth. Paths from
/// bundles and git trees pass through here before they are used for anything.
pub fn check_rel_path(path: &str) -> std::result::Result<(), String> {
    if path.is_empty() {
        return Err("an empty path".into());
    }
    if path.len() > limits::MAX_PATH_BYTES {
        return Err(format!(
            "a path longer than {} bytes",
            limits::MAX_PATH_BYTES
        ));
    }
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() > limits::MAX_DEPTH + 1 {
        return Err(format!(
            "a path more than {} folders deep",
            limits::MAX_DEPTH
        ));
    }
    for part in parts {
        if part.is_empty() {
            return Err("an absolute path or an empty path part".into());
        }
        if part == "." || part == ".." {
            return Err("a `.` or `..` path part".into());
        }
        if part.starts_with('.') {
            return Err("a hidden file or folder".into());
        }
        if !part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.+".contains(&b))
        {
            return Err(
                "characters other than letters, digits, `-`, `_`, `.` and `+` in a path".into(),
            );
        }
    }
    Ok(())
}

/// The path checked by [`check_rel_path`], or an error naming where it came from.
pub fn checked_rel_path(path: &str, origin: &str) -> Result<()> {
    check_rel_path(path).map_err(|why| {
        Error::invalid(format!(
            "{origin}: the file path {path:?} is refused: {why}"
        ))
        .hint("pack files must be plain relative paths inside the pack; nothing was changed")
    })
}

/// Reads a pack folder: `pack.yaml` at the top and every `.yaml`/`.yml` file below it
/// (hidden files and folders skipped). Symbolic links are refused, so a pack cannot make
/// promptbook read a file outside it; sizes and counts are checked before anything is read.
pub fn read_folder(dir: &Path) -> Result<RawPack> {
    let display_prefix = format!("{}/", dir.display()).replace("//", "/");
    let manifest_path = dir.join("pack.yaml");
    let meta = std::fs::symlink_metadata(&manifest_path).map_err(|_| {
        Error::not_found(format!("{} has no pack.yaml", dir.display())).hint(format!(
            "a pack is a folder with pack.yaml and recipe files; `promptbook pack init {}` creates pack.yaml",
            dir.display()
        ))
    })?;
    if !meta.is_file() {
        return Err(refused_link(&manifest_path));
    }
    if meta.len() > limits::MAX_MANIFEST_BYTES as u64 {
        return Err(too_large(&format!(
            "{} is {} bytes, over the limit of {} bytes",
            manifest_path.display(),
            meta.len(),
            limits::MAX_MANIFEST_BYTES
        )));
    }
    let manifest = read(&manifest_path, limits::MAX_MANIFEST_BYTES)?;
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    walk(dir, "", 0, &mut 0, &mut found, &mut skipped)?;
    found.sort();
    if found.len() > limits::MAX_RECIPES {
        return Err(too_large(&format!(
            "{} has {} recipe files, over the limit of {}",
            dir.display(),
            found.len(),
            limits::MAX_RECIPES
        )));
    }
    let mut total: u64 = 0;
    for (rel, len) in &found {
        if *len > limits::MAX_RECIPE_BYTES as u64 {
            return Err(too_large(&format!(
                "{display_prefix}{rel} is {len} bytes, over the limit of {} bytes for a recipe",
                limits::MAX_RECIPE_BYTES
            )));
        }
        total += len;
    }
    if total > limits::MAX_PACK_BYTES {
        return Err(too_large(&format!(
            "{} holds {total} bytes of recipes, over the limit of {} bytes for a pack",
            dir.display(),
            limits::MAX_PACK_BYTES
        )));
    }
    let mut files = Vec::with_capacity(found.len());
    for (rel, _) in found {
        let bytes = read(&dir.join(&rel), limits::MAX_RECIPE_BYTES)?;
        files.push(RawFile {
            path: rel,
            bytes,
            expected_hash: None,
        });
    }
    skipped.sort();
    Ok(RawPack {
        manifest: RawManifest::Text(manifest),
        files,
        skipped: skipped
            .iter()
            .map(|rel| bundle_note(&format!("{display_prefix}{rel}")))
            .collect(),
        display_prefix,
    })
}

fn walk(
    dir: &Path,
    rel: &str,
    depth: usize,
    seen: &mut usize,
    out: &mut Vec<(String, u64)>,
    bundles: &mut Vec<String>,
) -> Result<()> {
    if depth > limits::MAX_DEPTH {
        return Err(too_large(&format!(
            "{} is more than {} folders deep",
            dir.display(),
            limits::MAX_DEPTH
        )));
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::failed(format!("cannot read the folder {}: {e}", dir.display())))?;
    for entry in entries {
        let entry = entry
            .map_err(|e| Error::failed(format!("cannot read the folder {}: {e}", dir.display())))?;
        *seen += 1;
        if *seen > limits::MAX_ENTRIES {
            return Err(too_large(&format!(
                "the pack folder holds more than {} files and folders",
                limits::MAX_ENTRIES
            )));
        }
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let child_rel = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        let file_type = entry
            .file_type()
            .map_err(|e| Error::failed(format!("cannot read {}: {e}", entry.path().display())))?;
        if file_type.is_symlink() {
            if is_recipe_file(name) {
                return Err(refused_link(&entry.path()));
            }
            continue;
        }
        if file_type.is_dir() {
            walk(&entry.path(), &child_rel, depth + 1, seen, out, bundles)?;
        } else if file_type.is_file() && is_bundle_file(name) {
            bundles.push(child_rel);
        } else if file_type.is_file() && is_recipe_file(name) {
            checked_rel_path(&child_rel, &dir.display().to_string())?;
            let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
            out.push((child_rel, len));
            if out.len() > limits::MAX_RECIPES {
                return Err(too_large(&format!(
                    "the pack has more than {} recipe files",
                    limits::MAX_RECIPES
                )));
            }
        }
    }
    Ok(())
}

/// Reads one file the walk listed, bounded again: it may have grown, or been replaced by a
/// pipe, since it was listed.
fn read(path: &Path, limit: usize) -> Result<Vec<u8>> {
    crate::limits::read_file(
        path,
        limit as u64,
        "the pack file",
        crate::error::ErrorKind::InvalidRecipe,
    )
}

fn refused_link(path: &Path) -> Error {
    Error::invalid(format!(
        "{} is a symbolic link; packs may not contain links",
        path.display()
    ))
    .hint("replace the link with the file itself; nothing was changed")
}

fn too_large(message: &str) -> Error {
    Error::new(ErrorKind::TooLarge, message.to_string())
        .hint("README.md lists the limits on packs; nothing was changed")
}

/// Writes files into `root`, never outside it: paths are checked, folders on the way must be
/// real folders (not links), and a file is replaced by renaming a new file over it, so a link
/// in its place is replaced rather than followed.
pub struct SafeWriter {
    root: PathBuf,
}

impl SafeWriter {
    /// A writer into `root`, created if missing (its parent must exist).
    pub fn new(root: &Path) -> Result<SafeWriter> {
        match std::fs::symlink_metadata(root) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(
                    Error::usage(format!("{} exists and is not a folder", root.display()))
                        .hint("name a folder (it is created if missing)"),
                );
            }
            Err(_) => std::fs::create_dir_all(root).map_err(|e| {
                Error::failed(format!("cannot create the folder {}: {e}", root.display()))
            })?,
        }
        Ok(SafeWriter {
            root: root.to_path_buf(),
        })
    }

    /// Where `rel` is (after checking it).
    pub fn path(&self, rel: &str) -> Result<PathBuf> {
        checked_rel_path(rel, &self.root.display().to_string())?;
        let mut p = self.root.clone();
        for c in Path::new(rel).components() {
            match c {
                Component::Normal(part) => p.push(part),
                _ => unreachable!("checked_rel_path allows only plain parts"),
            }
        }
        Ok(p)
    }

    /// Whether `rel` exists (as anything, links included).
    pub fn exists(&self, rel: &str) -> Result<bool> {
        Ok(std::fs::symlink_metadata(self.path(rel)?).is_ok())
    }

    /// Writes `rel`; with `replace` false, an existing file is an error.
    pub fn write(&self, rel: &str, content: &[u8], replace: bool) -> Result<PathBuf> {
        let target = self.path(rel)?;
        let mut dir = self.root.clone();
        let parts: Vec<&str> = rel.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            dir.push(part);
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => return Err(self.refused(&dir)),
                Err(_) => std::fs::create_dir(&dir).map_err(|e| self.cannot(&dir, e))?,
            }
        }
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.is_file() && replace => {}
            Ok(m) if m.is_file() => {
                return Err(Error::usage(format!("{} already exists", target.display()))
                    .hint("nothing was overwritten; choose another folder or remove the file"));
            }
            Ok(_) => return Err(self.refused(&target)),
            Err(_) => {}
        }
        let tmp = dir.join(format!(
            ".{}.promptbook-{}.tmp",
            parts[parts.len() - 1],
            std::process::id()
        ));
        let written = (|| {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            f.write_all(content)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &target)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(self.cannot(&target, e));
        }
        Ok(target)
    }

    fn refused(&self, path: &Path) -> Error {
        Error::failed(format!(
            "{} is a link or not a plain file/folder; not writing through it",
            path.display()
        ))
        .hint(format!(
            "promptbook writes only inside {}; remove the link and try again",
            self.root.display()
        ))
    }

    fn cannot(&self, path: &Path, e: std::io::Error) -> Error {
        Error::failed(format!("cannot write {}: {e}", path.display()))
            .hint("check that you may write to the folder")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        for good in ["a.yaml", "writing/blog-draft.yaml", "a/b/c_d+e.yml"] {
            assert!(check_rel_path(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x.yaml",
            "a/../../x.yaml",
            "a//b.yaml",
            "./a.yaml",
            ".hidden.yaml",
            "a\\..\\b.yaml",
            "C:x.yaml",
            "a b.yaml",
            "a/\u{0}.yaml",
        ] {
            assert!(check_rel_path(bad).is_err(), "{bad:?}");
        }
        let deep = vec!["d"; limits::MAX_DEPTH + 1].join("/") + "/x.yaml";
        assert!(check_rel_path(&deep).is_err());
    }

    #[test]
    fn writer_refuses_links_and_stays_inside() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let root = tmp.path().join("root");
        let w = SafeWriter::new(&root).unwrap();
        w.write("a/b.yaml", b"x", false).unwrap();
        assert_eq!(std::fs::read(root.join("a/b.yaml")).unwrap(), b"x");
        assert!(w.write("a/b.yaml", b"y", false).is_err());
        w.write("a/b.yaml", b"y", true).unwrap();
        assert!(w.write("../escape.yaml", b"x", true).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
            assert!(w.write("link/x.yaml", b"x", true).is_err());
            std::os::unix::fs::symlink(outside.join("t.yaml"), root.join("t.yaml")).unwrap();
            assert!(w.write("t.yaml", b"x", true).is_err());
            assert!(!outside.join("x.yaml").exists());
            assert!(!outside.join("t.yaml").exists());
        }
    }
}
