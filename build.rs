//! Embeds the starter recipes from `recipes/` so a fresh library can be seeded offline, and
//! names the build (`PROMPTBOOK_BUILD`: a hash of the sources), so `promptbook` can tell a
//! `promptbook-server` built from other sources.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read at run time: the build script binary may be shared between checkouts.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("recipes");
    println!("cargo:rerun-if-changed={}", dir.display());
    // A library seeded with no starter recipes is a broken build, not an empty one.
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the starter recipes in {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"));
    files.sort();
    let mut out = String::from(
        "/// The starter recipes: (file name, YAML text).\npub const STARTER: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("starter.rs");
    std::fs::write(dest, out).unwrap();
    println!(
        "cargo:rustc-env=PROMPTBOOK_BUILD={:016x}",
        sources_hash(Path::new(&manifest))
    );
}

/// FNV-1a over every file the binaries are built from (paths and contents, in a fixed
/// order): two binaries with the same hash were built from the same sources.
fn sources_hash(root: &Path) -> u64 {
    let mut files = Vec::new();
    for part in [
        "src",
        "recipes",
        "catalog",
        "schema",
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
    ] {
        let path = root.join(part);
        println!("cargo:rerun-if-changed={}", path.display());
        collect(&path, &mut files);
    }
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let rel = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .to_string_lossy()
            .into_owned();
        for byte in rel
            .bytes()
            .chain([0])
            .chain(std::fs::read(&file).unwrap_or_default())
        {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn collect(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            collect(&entry.path(), out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}
