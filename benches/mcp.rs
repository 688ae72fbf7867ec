//! `prompts/get` round trip on a running `promptbook mcp`, measured with rmcp's client over
//! the server's standard input/output, against the optimised binary `cargo bench` builds.
//!
//!     cargo bench --bench mcp
//!
//! Prints the median and tail of the round trip (request written → answer parsed) for the
//! starter recipe `blog-draft` (system prompt, two few-shot examples, six variables), and of
//! `prompts/list` on the same library. The target is a median under 1 ms.

use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::model::{GetPromptRequestParams, JsonObject};
use rmcp::transport::TokioChildProcess;
use serde_json::json;

const WARMUP: usize = 200;
const ROUNDS: usize = 5_000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_promptbook"));
        cmd.arg("mcp")
            .env("PROMPTBOOK_LIBRARY", dir.path().join("library.sqlite3"))
            .env("HOME", dir.path());
        let (transport, _) = TokioChildProcess::builder(cmd)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("server starts");
        let client = ().serve(transport).await.expect("initialize");

        let args: JsonObject = match json!({ "topic": "remote onboarding", "tone": "formal", "words": 600 }) {
            serde_json::Value::Object(o) => o,
            _ => unreachable!(),
        };
        let request = GetPromptRequestParams::new("blog-draft").with_arguments(args);
        let mut get = Vec::with_capacity(ROUNDS);
        for i in 0..WARMUP + ROUNDS {
            let start = Instant::now();
            let result = client.get_prompt(request.clone()).await.expect("prompts/get");
            let took = start.elapsed();
            assert!(!result.messages.is_empty());
            if i >= WARMUP {
                get.push(took);
            }
        }
        let mut list = Vec::with_capacity(ROUNDS / 5);
        for i in 0..WARMUP + ROUNDS / 5 {
            let start = Instant::now();
            let result = client.list_prompts(None).await.expect("prompts/list");
            let took = start.elapsed();
            assert!(!result.prompts.is_empty());
            if i >= WARMUP {
                list.push(took);
            }
        }
        client.cancel().await.expect("shut down");
        report("prompts/get blog-draft", &mut get);
        report("prompts/list", &mut list);
    });
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    println!(
        "{what}: {} round trips: median {:.1} µs, p90 {:.1} µs, p99 {:.1} µs, mean {:.1} µs, max {:.1} µs",
        samples.len(),
        micros(at(0.5)),
        micros(at(0.9)),
        micros(at(0.99)),
        micros(mean),
        micros(samples[samples.len() - 1]),
    );
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
