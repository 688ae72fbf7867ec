//! Embeds the starter recipes from `recipes/` so a fresh library can be seeded offline.

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
}
