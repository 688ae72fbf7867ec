//! Writing recipes exported to other formats (shared by `export --as` and
//! `pack export --as`): files into a folder, and the notes on what was not carried.

use std::path::Path;

use crate::error::{Error, Result};
use crate::formats::Exported;

/// Writes the exported files under `dir` (creating folders), and says so.
pub fn write_into(dir: &Path, exported: &Exported) -> Result<()> {
    for (rel, text) in &exported.files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Error::failed(format!(
                    "cannot create the folder {}: {e}",
                    parent.display()
                ))
            })?;
        }
        std::fs::write(&path, text)
            .map_err(|e| Error::failed(format!("cannot write {}: {e}", path.display())))?;
        eprintln!("Wrote {}", path.display());
    }
    Ok(())
}

/// Prints, on standard error, what `name`'s export could not carry.
pub fn report_notes(name: &str, exported: &Exported) {
    for n in &exported.notes {
        eprintln!("note: {name}: {n}");
    }
}
