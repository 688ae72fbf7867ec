//! Shell completion of recipe, snippet and pack names, read from the library when the shell asks
//! (clap_complete's dynamic completion: the script the shell loads runs
//! `COMPLETE=bash promptbook -- WORDS…`, handled in `cli::main` before anything else).

use std::path::PathBuf;

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use crate::store::Library;

/// Candidates for a recipe name: each recipe's shortest name, and `pack/name` for a pack's.
pub fn recipes() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let Some(lib) = existing_library() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for r in lib.list(None).unwrap_or_default() {
            let full = r
                .pack
                .as_ref()
                .map(|p| format!("{p}/{}", r.name.rsplit('/').next().unwrap_or(&r.name)));
            if full.as_deref() != Some(r.name.as_str()) {
                out.push(CompletionCandidate::new(&r.name).help(Some(r.title.clone().into())));
            }
            if let Some(full) = full {
                out.push(CompletionCandidate::new(full).help(Some(r.title.clone().into())));
            }
        }
        out
    })
}

/// Candidates for a snippet's name: the bare name, and `pack/name` for a pack's.
pub fn snippets() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let Some(lib) = existing_library() else {
            return Vec::new();
        };
        let all = lib.snippets().unwrap_or_default();
        let mut out = Vec::new();
        for s in &all {
            let bare = s.name.rsplit('/').next().unwrap_or(&s.name);
            let help = Some(s.description.clone().into());
            // A bare name finds the user's own snippet, else the only pack's of that name.
            let bare_finds_it = s.pack.is_none()
                || all
                    .iter()
                    .filter(|o| o.name.rsplit('/').next() == Some(bare))
                    .count()
                    == 1;
            if bare_finds_it {
                out.push(CompletionCandidate::new(bare).help(help.clone()));
            }
            if s.pack.is_some() {
                out.push(CompletionCandidate::new(&s.name).help(help));
            }
        }
        out
    })
}

/// Candidates for an installed pack's name.
pub fn packs() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let Some(lib) = existing_library() else {
            return Vec::new();
        };
        crate::pack::install::list(&lib)
            .unwrap_or_default()
            .into_iter()
            .map(|p| CompletionCandidate::new(p.name))
            .collect()
    })
}

/// The library the command would use, if it exists: completing a name never creates one
/// (nor says so on the terminal the person is typing in).
fn existing_library() -> Option<Library> {
    let path = match std::env::var_os(crate::paths::LIBRARY_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => crate::paths::default_library().ok()?,
    };
    if !path.is_file() {
        return None;
    }
    Library::open(&path).ok()
}
