//! Times the real `promptbook` binary importing a folder of 1,000 Fabric patterns (target:
//! 3 s or less on the 2-core development machine), and the same folder with `--dry-run`.
//!
//! Run: `cargo bench --bench import` (release build). `BENCH_RUNS=N` sets the runs per case
//! (default 3; the median is reported). `BENCH_PATTERNS=N` changes the folder's size.

use std::path::Path;
use std::time::Duration;

#[path = "timed/mod.rs"]
mod timed;
use timed::{median, run};

/// `count` pattern folders shaped like Fabric's: a system.md of a few sections (about 2 KB),
/// every tenth with a user.md.
fn write_patterns(dir: &Path, count: usize) {
    for i in 0..count {
        let p = dir.join(format!("pattern_number_{i:04}"));
        std::fs::create_dir_all(&p).unwrap();
        let steps: String = (1..=20)
            .map(|s| {
                format!("- Step {s}: read the input again and note what matters for part {s}.\n")
            })
            .collect();
        std::fs::write(
            p.join("system.md"),
            format!(
                "# IDENTITY and PURPOSE\n\nYou are pattern {i}. You turn the input into a short, useful result.\n\n\
                 # STEPS\n\n{steps}\n# OUTPUT INSTRUCTIONS\n\n- Output Markdown only.\n- Keep {{{{braces}}}} as they are.\n\n# INPUT\n\nINPUT:\n"
            ),
        )
        .unwrap();
        if i % 10 == 0 {
            std::fs::write(p.join("user.md"), "Work on this:\n").unwrap();
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let env_num = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let runs = env_num("BENCH_RUNS", 3).max(1);
    let count = env_num("BENCH_PATTERNS", 1_000);
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let patterns = home.join("patterns");
    write_patterns(&patterns, count);
    let patterns = patterns.to_str().unwrap();
    let mut imports = Vec::new();
    let mut dry = Vec::new();
    for i in 0..runs {
        let library = home.join(format!("lib-{i}.sqlite3"));
        run(&library, &["list"], home); // create and seed first: only the import is timed
        dry.push(run(&library, &["import", "--dry-run", patterns], home));
        imports.push(run(&library, &["import", patterns], home));
    }
    let s = |d: Duration| d.as_secs_f64();
    println!(
        "{:<48} median {:6.2} s  (target: 3 s or less)",
        format!("import: {count} Fabric patterns"),
        s(median(imports))
    );
    println!(
        "{:<48} median {:6.2} s",
        "import --dry-run: the same folder",
        s(median(dry))
    );
}
