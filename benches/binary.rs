//! Times the real `promptbook` binary, process start to exit: median and p90 wall time, and
//! each process's peak memory (the median over the runs, and the largest), on a starter
//! library and on one with 10,000 more recipes. The peak varies from run to run by up to
//! 0.9 MB: the kernel maps a program's file in 64 KB pieces around each page it touches,
//! and where those pieces fall depends on the address the program is loaded at, which is
//! random for every process.
//!
//! Run: `cargo bench --bench binary` (release build). `BENCH_RUNS=N` sets the runs per case.
//!
//! When a static release build exists (README, "A static binary":
//! `target/x86_64-unknown-linux-gnu/release/promptbook`, or the path in `STATIC_BIN`), its
//! renders are timed too, in the same rounds as the ordinary build's.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_promptbook");

/// Runs `argv` once; returns its wall time, peak resident memory in KiB and page faults.
/// `spawn` uses posix_spawn, whose child shares this process's memory until it starts the
/// program, so its peak is the larger of the program's own and this small process's (the
/// `/bin/true` row shows the latter), never a copy of a large parent's.
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which also gives the peak memory
fn run_once(argv: &[&str], home: &Path) -> (Duration, i64, i64) {
    let start = Instant::now();
    let child = Command::new(argv[0])
        .args(&argv[1..])
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut status = 0;
    #[allow(unsafe_code)] // wait4 on our own child, with valid out-pointers
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    #[allow(unsafe_code)]
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(rc, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{argv:?} failed"
    );
    (elapsed, usage.ru_maxrss, usage.ru_minflt)
}

/// Times every case `runs` times, taking the cases in turn (one run of each, then the next
/// round), so a burst of load on the machine falls on all of them alike rather than on
/// whichever case ran during it; each round starts one case later than the last.
fn measure(cases: &[(&str, Vec<&str>)], home: &Path, runs: usize) {
    for (_, argv) in cases {
        for _ in 0..5 {
            run_once(argv, home);
        }
    }
    let mut times = vec![Vec::with_capacity(runs); cases.len()];
    let mut peaks = vec![Vec::with_capacity(runs); cases.len()];
    let mut faults = vec![Vec::with_capacity(runs); cases.len()];
    for round in 0..runs {
        // Each round starts one case later, so no case always follows the same one.
        for k in 0..cases.len() {
            let i = (round + k) % cases.len();
            let (t, rss, minflt) = run_once(&cases[i].1, home);
            times[i].push(t);
            peaks[i].push(rss);
            faults[i].push(minflt);
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for (i, (label, _)) in cases.iter().enumerate() {
        let t = &mut times[i];
        t.sort();
        faults[i].sort();
        peaks[i].sort();
        let mb = |kib: i64| kib as f64 / 1024.0;
        println!(
            "{label:<44} median {:6.2} ms   p90 {:6.2} ms   peak {:4.1} MB (largest {:4.1})   {:4} page faults",
            ms(t[runs / 2]),
            ms(t[runs * 9 / 10]),
            mb(peaks[i][runs / 2]),
            mb(peaks[i][runs - 1]),
            faults[i][runs / 2]
        );
    }
}

/// `promptbook --library LIBRARY ARGS…`
fn on<'a>(library: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    [&[BIN, "--library", library][..], args].concat()
}

fn write_bulk(dir: &Path, count: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..count {
        let yaml = format!(
            "name: bulk-{i:05}\ntitle: Bulk recipe {i}\ndescription: Generated recipe number {i} about topic{} and area{}.\n\
             tags: [bulk, group{}]\nmodel: {{ prefer: haiku, max_tokens: 500 }}\nvariables:\n  \
             subject: {{ type: string, required: true, description: The subject }}\n  \
             tone: {{ type: choice, choices: [warm, dry], default: warm, description: Voice }}\n\
             system: You are assistant number {i}.\nprompt: |\n  Write about {{{{subject}}}} in a {{{{tone}}}} voice.\n",
            i % 97,
            i % 13,
            i % 20
        );
        std::fs::write(dir.join(format!("bulk-{i:05}.yaml")), yaml).unwrap();
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` probes benches; nothing to list here.
    }
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let small = home.join("small.sqlite3");
    let big = home.join("big.sqlite3");
    let (small, big) = (small.to_str().unwrap(), big.to_str().unwrap());
    run_once(&[BIN, "--library", small, "list"], home);
    let bulk = home.join("bulk");
    write_bulk(&bulk, 10_000);
    let (t, _, _) = run_once(
        &[BIN, "--library", big, "add", bulk.to_str().unwrap()],
        home,
    );
    println!(
        "{:<44} {:6.2} s",
        "add 10,000 recipes (one transaction)",
        t.as_secs_f64()
    );

    let render = ["render", "blog-draft", "--var", "topic=remote onboarding"];
    // The same binary copied, as `cargo install` or a package places it: a file the linker
    // has just written sits in the page cache in small pieces, which costs a process that
    // maps it about 20 more page faults (measured on the 2-core machine's kernel, 6.18) than
    // a copy does. Both are timed, so neither hides the other.
    let copied = home.join("promptbook-copied");
    std::fs::copy(BIN, &copied).unwrap();
    let copied: &'static str = copied.to_str().unwrap().to_string().leak();
    let static_bin = std::env::var("STATIC_BIN").ok().or_else(|| {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/x86_64-unknown-linux-gnu/release/promptbook");
        p.is_file().then(|| p.display().to_string())
    });
    let mut cases = vec![
        ("baseline: /bin/true (process start)", vec!["/bin/true"]),
        ("promptbook --version", vec![BIN, "--version"]),
        ("render blog-draft (starter library)", on(small, &render)),
        (
            "render blog-draft --no-history (starter)",
            [on(small, &render), vec!["--no-history"]].concat(),
        ),
        ("render blog-draft (10,000 recipes)", on(big, &render)),
        (
            "render blog-draft (starter), copied binary",
            [&[copied, "--library", small][..], &render[..]].concat(),
        ),
        (
            "search onboarding (10,000 recipes)",
            on(big, &["search", "onboarding"]),
        ),
        (
            "search topic42 area3 (10,000 recipes)",
            on(big, &["search", "topic42", "area3"]),
        ),
        (
            "list --tag group7 (10,000 recipes)",
            on(big, &["list", "--tag", "group7"]),
        ),
    ];
    if let Some(bin) = &static_bin {
        let on_static = |library: &'static str| -> Vec<&str> {
            [&[bin.as_str(), "--library", library][..], &render[..]].concat()
        };
        let (small, big): (&'static str, &'static str) =
            (small.to_string().leak(), big.to_string().leak());
        cases.push((
            "render blog-draft (starter), static build",
            on_static(small),
        ));
        cases.push(("render blog-draft (10,000), static build", on_static(big)));
    }
    measure(&cases, home, runs);
}
