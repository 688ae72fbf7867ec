//! Times the real `promptbook` binary installing a pack of 10,000 recipes from a folder
//! (target: 5 s or less on the 2-core development machine), then a no-op update, a render
//! from the large library, and building a bundle of the pack.
//!
//! Run: `cargo bench --bench packs` (release build). `BENCH_RUNS=N` sets the runs per case
//! (default 3; the median is reported). `BENCH_RECIPES=N` changes the pack's size.

use std::path::Path;
use std::time::Duration;

#[path = "timed/mod.rs"]
mod timed;
use timed::{median, run};

/// A pack of `count` recipes shaped like real ones (typed variables, a system prompt, an
/// example and a test), spread over 100 folders.
fn write_pack(dir: &Path, count: usize) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("pack.yaml"),
        "name: bench\nversion: 1.0.0\ndescription: A large pack for the install benchmark.\n",
    )
    .unwrap();
    for i in 0..count {
        let group = dir.join(format!("group-{:03}", i % 100));
        std::fs::create_dir_all(&group).unwrap();
        let yaml = format!(
            "name: recipe-{i:05}\ntitle: Benchmark recipe {i}\n\
             description: Draft a short note about a topic for an audience, number {i}.\n\
             version: 1.0.0\ntags: [bench, group-{g:03}]\n\
             model:\n  prefer: sonnet\n  max_tokens: 800\n  why: Everyday writing.\n\
             variables:\n  topic: {{ type: string, required: true, description: What the note is about }}\n  \
             audience: {{ type: string, default: busy product managers }}\n  \
             tone: {{ type: choice, choices: [friendly, formal], default: friendly }}\n  \
             words: {{ type: integer, default: 200, min: 50, max: 1000 }}\n\
             system: |\n  You are a careful writer. Keep to the facts given.\n\
             prompt: |\n  Write about {{{{words}}}} words on <topic>{{{{topic}}}}</topic> for {{{{audience}}}}.\n  Tone: {{{{tone}}}}.\n\
             examples:\n  - input: {{ topic: onboarding }}\n    output: A short note about onboarding.\n\
             tests:\n  - vars: {{ topic: pricing }}\n    expect: {{ contains: [pricing] }}\n",
            g = i % 100
        );
        std::fs::write(group.join(format!("recipe-{i:05}.yaml")), yaml).unwrap();
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` probes benches; nothing to list here.
    }
    let env_num = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let runs = env_num("BENCH_RUNS", 3).max(1);
    let count = env_num("BENCH_RECIPES", 10_000);
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let pack = home.join("pack");
    write_pack(&pack, count);
    let pack = pack.to_str().unwrap();

    let mut installs = Vec::new();
    for i in 0..runs {
        let library = home.join(format!("lib-{i}.sqlite3"));
        run(&library, &["list"], home); // create and seed first: only the install is timed
        installs.push(run(&library, &["pack", "add", pack], home));
    }
    let library = home.join("lib-0.sqlite3");
    let updates: Vec<Duration> = (0..runs)
        .map(|_| run(&library, &["pack", "update", "--yes"], home))
        .collect();
    // The recipe in the middle of the pack, whatever its size.
    let middle = format!("recipe-{:05}", count / 2);
    let renders: Vec<Duration> = (0..runs.max(10))
        .map(|_| run(&library, &["render", &middle, "--var", "topic=tea"], home))
        .collect();
    let bundle = home.join("bench.pbpack.yaml");
    let builds: Vec<Duration> = (0..runs)
        .map(|_| {
            run(
                &library,
                &["pack", "build", pack, "-o", bundle.to_str().unwrap()],
                home,
            )
        })
        .collect();
    let s = |d: Duration| d.as_secs_f64();
    println!(
        "{:<48} median {:6.2} s  (target: 5 s or less)",
        format!("pack add: {count} recipes from a folder"),
        s(median(installs))
    );
    println!(
        "{:<48} median {:6.2} s",
        "pack update, nothing changed",
        s(median(updates))
    );
    println!(
        "{:<48} median {:6.2} s",
        "pack build: the same folder to a bundle",
        s(median(builds))
    );
    println!(
        "{:<48} median {:6.1} ms",
        "render the middle recipe from that library",
        s(median(renders)) * 1000.0
    );
}
