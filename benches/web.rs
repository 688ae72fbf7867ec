//! Times `promptbook web` (the release binary) serving a library with 10,000 recipes more
//! than the starter pack: the library page, a search, a render request, and 50 clients
//! rendering at once. Times are measured by a client on the same machine, one keep-alive
//! connection each, from sending the request to reading the whole answer.
//!
//! Targets on the 2-core development machine: library page ≤ 50 ms, search ≤ 15 ms, render
//! ≤ 2 ms median, and every one of the 50 clients answered.
//!
//! Run: `cargo bench --bench web`. `BENCH_RUNS=N` sets the requests per case (default 200),
//! `BENCH_RECIPES=N` the library's size.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_promptbook");

fn promptbook(library: &Path, home: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--library")
        .arg(library)
        .env_clear()
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"));
    c
}

/// A pack of `count` recipes shaped like real ones.
fn write_pack(dir: &Path, count: usize) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("pack.yaml"),
        "name: bench\nversion: 1.0.0\ndescription: A large pack for the web benchmark.\n",
    )
    .unwrap();
    for i in 0..count {
        let group = dir.join(format!("group-{:03}", i % 100));
        std::fs::create_dir_all(&group).unwrap();
        let yaml = format!(
            "name: recipe-{i:05}\ntitle: Benchmark recipe {i}\n\
             description: Draft a short note about a topic for an audience, number {i}.\n\
             tags: [bench, group-{g:03}]\nmodel:\n  prefer: sonnet\n  max_tokens: 800\n\
             variables:\n  topic: {{ type: string, required: true, description: What the note is about }}\n  \
             tone: {{ type: choice, choices: [friendly, formal], default: friendly }}\n\
             prompt: |\n  Write a note on <topic>{{{{topic}}}}</topic>. Tone: {{{{tone}}}}.\n",
            g = i % 100
        );
        std::fs::write(group.join(format!("recipe-{i:05}.yaml")), yaml).unwrap();
    }
}

/// One keep-alive HTTP/1.1 connection with the bearer token.
struct Conn {
    reader: BufReader<TcpStream>,
    port: u16,
    token: String,
}

impl Conn {
    fn open(port: u16, token: &str) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_nodelay(true).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        Conn {
            reader: BufReader::new(s),
            port,
            token: token.to_string(),
        }
    }

    /// Sends one request and reads the whole answer; its status and the time it took.
    fn request(&mut self, method: &str, path: &str, body: &str) -> (u16, Duration) {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            self.port,
            self.token,
            body.len()
        );
        let start = Instant::now();
        let s = self.reader.get_mut();
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body.as_bytes()).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        (status, start.elapsed())
    }
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "{name:<40} median {:>8.2} ms   p90 {:>8.2} ms   max {:>8.2} ms   ({} requests)",
        at(0.5).as_secs_f64() * 1e3,
        at(0.9).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
        times.len()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let num = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let runs = num("BENCH_RUNS", 200);
    let recipes = num("BENCH_RECIPES", 10_000);
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let library = home.join("library.sqlite3");
    write_pack(&home.join("pack"), recipes);
    let out = promptbook(&library, home)
        .args(["pack", "add"])
        .arg(home.join("pack"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut server: Child = promptbook(&library, home)
        .args(["web", "--no-open"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let (base, token) = line.trim().split_once("/?token=").unwrap();
    let port: u16 = base.rsplit(':').next().unwrap().parse().unwrap();
    println!("promptbook web with {} recipes", recipes + 24);

    let mut c = Conn::open(port, token);
    let (status, first) = c.request("GET", "/", "");
    assert_eq!(status, 200);
    println!(
        "{:<40} {:>8.2} ms (reads every summary once)",
        "library page, first",
        first.as_secs_f64() * 1e3
    );
    let time = |c: &mut Conn, method: &str, path: &str, body: &str| {
        (0..runs)
            .map(|_| {
                let (status, t) = c.request(method, path, body);
                assert_eq!(status, 200, "{method} {path}");
                t
            })
            .collect::<Vec<_>>()
    };
    report("library page (GET /)", time(&mut c, "GET", "/", ""));
    report(
        "library search as you type (GET /?q=)",
        time(&mut c, "GET", "/?q=benchmark+recipe+42&partial=1", ""),
    );
    report(
        "search (GET /api/search)",
        time(&mut c, "GET", "/api/search?q=benchmark+recipe+42", ""),
    );
    let render = r#"{"name":"blog-draft","values":{"topic":"remote onboarding","words":"900","keywords":["a","b"]}}"#;
    report(
        "render blog-draft (POST /api/render)",
        time(&mut c, "POST", "/api/render", render),
    );

    // 50 clients at once, each on its own connection.
    let clients = 50;
    let each = (runs / 10).max(10);
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let token = token.to_string();
            std::thread::spawn(move || {
                let mut c = Conn::open(port, &token);
                (0..each)
                    .map(|_| c.request("POST", "/api/render", render))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut failed = 0;
    for h in handles {
        for (status, t) in h.join().expect("a client") {
            if status != 200 {
                failed += 1;
            }
            all.push(t);
        }
    }
    let wall = start.elapsed();
    report(&format!("render, {clients} clients at once"), all);
    println!(
        "{clients} clients × {each} renders: {failed} failed, {:.2} s in all",
        wall.as_secs_f64()
    );
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(failed, 0, "some clients got no answer");
}
