//! What the benches that time whole commands share: running the real binary on a library
//! and taking the median of the runs. Included by `#[path]` from each bench.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_promptbook");

/// Runs promptbook with `args` on `library`; its wall time.
pub fn run(library: &Path, args: &[&str], home: &Path) -> Duration {
    let start = Instant::now();
    let out = Command::new(BIN)
        .arg("--library")
        .arg(library)
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("spawn");
    let elapsed = start.elapsed();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}
