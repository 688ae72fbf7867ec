//! `promptbook web` over plain HTTP: the real binary on a free port, spoken to through a raw
//! socket, so every header is exactly what a browser — or an attacker — would send.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::Env;

/// A running `promptbook web --no-open --port 0`; stopped with SIGTERM when dropped.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub port: u16,
    pub token: String,
    /// The one line the server printed on standard output.
    pub line: String,
}

impl Server {
    /// Starts the server on `env`'s library and reads the address line (within 30 s).
    pub fn start(env: &Env) -> Server {
        let mut cmd = env.std_command(&["web", "--no-open", "--port", "0"]);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start promptbook web");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("promptbook web printed its address");
        let url = line.trim().to_string();
        let (base, token) = url.split_once("/?token=").expect("address with a token");
        let port = base.rsplit(':').next().unwrap().parse().unwrap();
        Server {
            child: Some(child),
            base: base.to_string(),
            port,
            token: token.to_string(),
            line,
        }
    }

    /// The address with the token, as printed.
    pub fn url(&self) -> String {
        format!("{}/?token={}", self.base, self.token)
    }

    /// The cookie the first visit sets.
    pub fn cookie(&self) -> String {
        format!("promptbook-{}={}", self.port, self.token)
    }

    /// Sends `head` (request line and headers, without the blank line) and `body`; returns
    /// the response's status, headers and body.
    pub fn raw(&self, head: &str, body: &[u8]) -> Response {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut req = head.replace('\n', "\r\n");
        req.push_str(&format!(
            "\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        s.write_all(req.as_bytes()).unwrap();
        // The server may answer (413) before it has read everything.
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        Response::parse(&raw)
    }

    /// A request with the right Host and the cookie (and, for writes, the page's Origin).
    pub fn get(&self, path: &str) -> Response {
        self.raw(
            &format!(
                "GET {path} HTTP/1.1\nHost: 127.0.0.1:{}\nCookie: {}",
                self.port,
                self.cookie()
            ),
            b"",
        )
    }

    /// Reads the CSRF token from a page.
    pub fn csrf(&self) -> String {
        let page = self.get("/").body;
        let marker = "name=\"csrf-token\" content=\"";
        let at = page.find(marker).expect("csrf meta") + marker.len();
        page[at..at + 64].to_string()
    }

    /// A JSON POST from the page itself: same Origin, cookie and CSRF header.
    pub fn post_json(&self, path: &str, json: &str) -> Response {
        self.raw(
            &format!(
                "POST {path} HTTP/1.1\nHost: 127.0.0.1:{port}\nOrigin: http://127.0.0.1:{port}\nCookie: {}\nX-CSRF-Token: {}\nContent-Type: application/json",
                self.cookie(),
                self.csrf(),
                port = self.port
            ),
            json.as_bytes(),
        )
    }

    /// Stops the server with SIGTERM and returns its exit code and standard error.
    pub fn stop(mut self) -> (Option<i32>, String) {
        let mut child = self.child.take().unwrap();
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let status = wait_for(&mut child, Duration::from_secs(10));
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        (status, err)
    }
}

fn wait_for(child: &mut Child, limit: Duration) -> Option<i32> {
    let until = std::time::Instant::now() + limit;
    while std::time::Instant::now() < until {
        if let Ok(Some(s)) = child.try_wait() {
            return s.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// An HTTP response, read whole.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let text = String::from_utf8_lossy(raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Response {
            status,
            headers,
            body: body.to_string(),
        }
    }

    /// The value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

#[test]
fn it_prints_one_address_with_a_token_and_stops_cleanly_on_sigterm() {
    let env = Env::new();
    let server = Server::start(&env);
    assert!(
        server.line.starts_with("http://127.0.0.1:") && server.line.ends_with('\n'),
        "{:?}",
        server.line
    );
    assert_eq!(server.token.len(), 64);
    // Listening on both loopback addresses, and only there.
    assert!(TcpStream::connect(("::1", server.port)).is_ok() || !has_ipv6());
    let first = server.get("/");
    assert_eq!(first.status, 200);
    let (code, stderr) = server.stop();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn has_ipv6() -> bool {
    std::net::TcpListener::bind(("::1", 0)).is_ok()
}

#[test]
fn every_request_needs_the_token_and_the_first_visit_trades_it_for_a_cookie() {
    let env = Env::new();
    let server = Server::start(&env);
    let host = format!("Host: 127.0.0.1:{}", server.port);

    // No token: 401 and nothing of the library.
    for path in ["/", "/api/recipes", "/fill/blog-draft", "/assets/app.js"] {
        let r = server.raw(&format!("GET {path} HTTP/1.1\n{host}"), b"");
        assert_eq!(r.status, 401, "{path}");
        assert!(!r.body.contains("blog-draft"), "{path}: {}", r.body);
    }
    // A wrong token, in the address or the cookie: 403.
    let r = server.raw(&format!("GET /?token=nope HTTP/1.1\n{host}"), b"");
    assert_eq!(r.status, 403);
    let r = server.raw(
        &format!(
            "GET /api/recipes HTTP/1.1\n{host}\nCookie: promptbook-{}=nope",
            server.port
        ),
        b"",
    );
    assert_eq!(r.status, 403);
    assert!(!r.body.contains("blog-draft"));

    // The printed address: a cookie only this site's requests carry, then the token leaves
    // the address bar.
    let r = server.raw(
        &format!("GET /?q=blog&token={} HTTP/1.1\n{host}", server.token),
        b"",
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/?q=blog"));
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.starts_with(&server.cookie()), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));

    // With the cookie: the page, with the security headers.
    let r = server.get("/");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Blog post draft"));
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));

    // A script may send the token as a bearer token instead.
    let r = server.raw(
        &format!(
            "GET /api/recipes HTTP/1.1\n{host}\nAuthorization: Bearer {}",
            server.token
        ),
        b"",
    );
    assert_eq!(r.status, 200);
}

#[test]
fn a_host_that_is_not_this_loopback_server_is_refused() {
    let env = Env::new();
    let server = Server::start(&env);
    // DNS rebinding: a site whose name now points at 127.0.0.1, even with the right cookie.
    for host in [
        format!("evil.example:{}", server.port),
        format!("127.0.0.1.nip.io:{}", server.port),
        format!("127.0.0.1:{}", server.port.wrapping_add(1)),
        "127.0.0.1".to_string(),
    ] {
        let r = server.raw(
            &format!(
                "GET /api/recipes HTTP/1.1\nHost: {host}\nCookie: {}",
                server.cookie()
            ),
            b"",
        );
        assert_eq!(r.status, 403, "{host}");
        assert!(!r.body.contains("blog-draft"));
    }
    for host in ["localhost", "[::1]"] {
        let r = server.raw(
            &format!(
                "GET /api/recipes HTTP/1.1\nHost: {host}:{}\nCookie: {}",
                server.port,
                server.cookie()
            ),
            b"",
        );
        assert_eq!(r.status, 200, "{host}");
    }
}

#[test]
fn a_write_from_another_origin_or_without_the_csrf_token_is_refused_and_changes_nothing() {
    let env = Env::new();
    let server = Server::start(&env);
    let before = env.dump();
    let csrf = server.csrf();
    let body = r#"{"name":"blog-draft","values":{"topic":"x"},"remember":true}"#;
    let port = server.port;
    let cases = [
        // Another site's page posting with the user's cookie.
        format!("Origin: http://evil.example\nX-CSRF-Token: {csrf}"),
        format!(
            "Origin: http://localhost:{}\nX-CSRF-Token: {csrf}",
            port + 1
        ),
        // No Origin at all from a cookie-holding client.
        format!("X-CSRF-Token: {csrf}"),
        // This site's Origin without the CSRF token, or a wrong one.
        format!("Origin: http://127.0.0.1:{port}"),
        format!("Origin: http://127.0.0.1:{port}\nX-CSRF-Token: nope"),
    ];
    for extra in &cases {
        let r = server.raw(
            &format!(
                "POST /api/render HTTP/1.1\nHost: 127.0.0.1:{port}\nCookie: {}\nContent-Type: application/json\n{extra}",
                server.cookie()
            ),
            body.as_bytes(),
        );
        assert_eq!(r.status, 403, "{extra}: {}", r.body);
    }
    // A form post (a page elsewhere submitting a form) without the token field.
    let r = server.raw(
        &format!(
            "POST /save HTTP/1.1\nHost: 127.0.0.1:{port}\nOrigin: http://127.0.0.1:{port}\nCookie: {}\nContent-Type: application/x-www-form-urlencoded",
            server.cookie()
        ),
        b"target=&yaml=name%3A+x",
    );
    assert_eq!(r.status, 403);
    assert_eq!(env.dump(), before, "a refused write changed the library");

    // The page's own request goes through, and remembers the answers.
    let r = server.post_json("/api/render", body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["remembered"], true);
    assert_ne!(env.dump(), before);
}

#[test]
fn an_oversized_body_gets_413_and_a_stalled_request_holds_no_one_up() {
    let env = Env::new();
    let server = Server::start(&env);
    // A client that sends half a request and waits.
    let mut stalled = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stalled
        .write_all(
            format!(
                "POST /api/render HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 100\r\n",
                server.port
            )
            .as_bytes(),
        )
        .unwrap();

    let big = format!("{{\"yaml\": \"{}\"}}", "a".repeat(5 * 1024 * 1024));
    let csrf = server.csrf();
    let head = |path: &str, kind: &str| {
        format!(
            "POST {path} HTTP/1.1\nHost: 127.0.0.1:{port}\nOrigin: http://127.0.0.1:{port}\nCookie: {}\nX-CSRF-Token: {csrf}\nContent-Type: {kind}",
            server.cookie(),
            port = server.port
        )
    };
    let r = server.raw(&head("/api/lint", "application/json"), big.as_bytes());
    assert_eq!(r.status, 413, "{}", r.body);
    // A form whose token would be read from the body: bounded the same way.
    let form = format!("_csrf={csrf}&yaml={}", "a".repeat(5 * 1024 * 1024));
    let r = server.raw(
        &head("/save", "application/x-www-form-urlencoded")
            .replace(&format!("\nX-CSRF-Token: {csrf}"), ""),
        form.as_bytes(),
    );
    assert_eq!(r.status, 413, "{}", r.body);

    // Meanwhile everyone else is served.
    assert_eq!(server.get("/api/recipes").status, 200);
    drop(stalled);
}

#[test]
fn a_port_in_use_is_an_error_naming_it() {
    let env = Env::new();
    let server = Server::start(&env);
    let port = server.port.to_string();
    env.cmd(&["web", "--no-open", "--port", &port])
        .fails(1)
        .stderr_has(&format!("port {port} is already in use"))
        .stderr_has("--port");
}

#[test]
fn the_json_api_lists_searches_shows_renders_and_lints_with_the_command_lines_errors() {
    let env = Env::new();
    let server = Server::start(&env);
    let list = server.get("/api/recipes?tag=writing").json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"blog-draft"), "{names:?}");

    let hits = server.get("/api/search?q=blog").json();
    assert_eq!(hits[0]["name"], "blog-draft");

    let show = server.get("/api/recipes/blog-draft").json();
    assert_eq!(show["version"], 1);
    let vars: Vec<&str> = show["variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        vars,
        [
            "topic",
            "audience",
            "tone",
            "words",
            "primary_keyword",
            "intent",
            "keywords",
            "notes"
        ]
    );
    assert_eq!(server.get("/api/recipes/nope").status, 404);

    // The same text `promptbook render` prints.
    let r = server.post_json(
        "/api/render",
        r#"{"name":"blog-draft","values":{"topic":"remote onboarding","keywords":["a","b"]}}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let cli = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=remote onboarding",
            "--var",
            "keywords=a,b",
            "--no-history",
        ])
        .ok()
        .stdout
        .clone();
    assert_eq!(r.json()["text"], cli.as_str());

    // The same error, kind and hints as the command line, and the field it belongs to.
    let r = server.post_json(
        "/api/render",
        r#"{"name":"blog-draft","values":{"topic":"x","words":"50"}}"#,
    );
    assert_eq!(r.status, 400);
    let cli = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "--var",
            "words=50",
        ])
        .fails(2)
        .stderr()
        .to_string();
    let e = &r.json()["error"];
    assert_eq!(e["kind"], "usage");
    assert_eq!(
        format!(
            "error: {}\n  hint: {}\n",
            e["message"].as_str().unwrap(),
            e["hints"][0].as_str().unwrap()
        ),
        cli
    );
    assert_eq!(r.json()["fields"]["words"]["message"], e["message"]);

    let lint = server
        .post_json("/api/lint", r#"{"yaml":"name: x\ntitle: [\n"}"#)
        .json();
    assert_eq!(lint["errors"], 1);
    assert!(lint["diagnostics"][0]["line"].as_u64().is_some(), "{lint}");

    // A body that is not JSON, or sent without saying so, gets the API's error envelope too.
    let r = server.post_json("/api/render", "{bad");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["kind"], "usage", "{}", r.body);
    let r = server.raw(
        &format!(
            "POST /api/lint HTTP/1.1\nHost: 127.0.0.1:{port}\nOrigin: http://127.0.0.1:{port}\nCookie: {}\nX-CSRF-Token: {}",
            server.cookie(),
            server.csrf(),
            port = server.port
        ),
        br#"{"yaml":"name: x"}"#,
    );
    assert_eq!(r.status, 415);
    assert!(
        r.json()["error"]["hints"][0]
            .as_str()
            .unwrap()
            .contains("Content-Type: application/json"),
        "{}",
        r.body
    );
}

#[test]
fn a_pack_bundle_uploaded_again_shows_the_update_and_applies_it_only_when_confirmed() {
    let env = Env::new();
    let recipe = |title: &str| {
        format!(
            "name: note\ntitle: {title}\nvariables:\n  topic: {{ type: string, required: true }}\nprompt: Write about {{{{topic}}}}.\n"
        )
    };
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write("team/note.yaml", recipe("First note"));
    env.cmd(&["pack", "build", "team", "-o", "v1.pbpack.yaml"])
        .ok()
        .stderr_has("Built team 1.0.0");
    // Version 1.1.0 brings a snippet its recipe includes.
    env.write("team/pack.yaml", "name: team\nversion: 1.1.0\n");
    env.write(
        "team/note.yaml",
        recipe("Second note").replace(
            "prompt: Write about {{topic}}.",
            "prompt: \"{{> voice}} Write about {{topic}}.\"",
        ),
    );
    env.write(
        "team/snippets/voice.yaml",
        "name: voice\ntemplate: Be brief.\n",
    );
    env.cmd(&["pack", "build", "team", "-o", "v2.pbpack.yaml"])
        .ok()
        .stderr_has("Built team 1.1.0 (1 recipe, 1 snippet)");
    let server = Server::start(&env);
    let upload = |file: &str| {
        server.raw(
            &format!(
                "POST /packs/upload?file={file} HTTP/1.1\nHost: 127.0.0.1:{port}\nOrigin: http://127.0.0.1:{port}\nCookie: {}\nX-CSRF-Token: {}\nContent-Type: application/octet-stream",
                server.cookie(),
                server.csrf(),
                port = server.port
            ),
            &std::fs::read(env.path(file)).unwrap(),
        )
    };
    let r = upload("v1.pbpack.yaml");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["redirect"], "/packs?installed=team");
    let page = server.get("/packs").body;
    assert!(page.contains("uploaded: v1.pbpack.yaml"), "{page}");

    let r = upload("v2.pbpack.yaml");
    let to = r.json()["redirect"].as_str().unwrap().to_string();
    assert!(to.starts_with("/packs/plan/"), "{to}");
    let preview = server.get(&to).body;
    assert!(preview.contains("team 1.0.0 → 1.1.0"), "{preview}");
    assert!(preview.contains("-title: First note") && preview.contains("+title: Second note"));
    assert!(
        preview.contains("<span class=\"kind\">added</span> snippet <code>team/voice</code>"),
        "{preview}"
    );
    // Nothing changed yet.
    env.cmd(&["show", "team/note"])
        .ok()
        .stdout_has("First note");

    let apply = to.replace("/plan/", "/apply/");
    let r = server.post_json(&apply, "");
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/packs?updated=team"));
    env.cmd(&["show", "team/note"])
        .ok()
        .stdout_has("Second note");
    env.cmd(&["render", "team/note", "--var", "topic=tea"])
        .ok()
        .stdout_has("Be brief. Write about tea.");
    let page = server.get("/packs").body;
    assert!(
        page.contains("<dt>Snippets</dt><dd><code>team/voice</code> </dd>"),
        "{page}"
    );
    // A plan is applied once.
    assert_eq!(server.post_json(&apply, "").status, 404);

    // A bundle that is not one: the core's error, as JSON.
    env.write("junk.pbpack.yaml", "just: text\n");
    let r = upload("junk.pbpack.yaml");
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["kind"], "invalid_recipe");
}

#[test]
fn the_page_renders_and_lints_recipes_that_include_snippets() {
    let env = Env::new();
    env.write(
        "voice.yaml",
        "name: voice\ntemplate: |\n  Keep a {{tone}} voice.\n",
    );
    env.cmd(&["snippet", "add", "voice.yaml"])
        .ok()
        .stderr_has("voice");
    env.write(
        "voiced.yaml",
        crate::support::recipe("voiced", "\n  {{> voice}}"),
    );
    env.cmd(&["add", "voiced.yaml"])
        .ok()
        .stderr_has("added voiced");
    let server = Server::start(&env);
    let before = server.get("/api/changes").json()["signature"].clone();
    let r = server.post_json(
        "/api/render",
        r#"{"name":"voiced","values":{"topic":"tea","tone":"dry"}}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["text"],
        "Say something dry about tea.\nKeep a dry voice.\n"
    );
    // A changed snippet changes what the page shows: its live update sees it.
    env.write(
        "voice.yaml",
        "name: voice\ntemplate: |\n  Keep a {{tone}}, even voice.\n",
    );
    env.cmd(&["snippet", "add", "voice.yaml"])
        .ok()
        .stderr_has("updated voice");
    assert_ne!(server.get("/api/changes").json()["signature"], before);
    // Lint on the write page checks snippets against the library, as `promptbook lint` does.
    let yaml = crate::support::recipe("other", "\n  {{> voise}}");
    let r = server.post_json(
        "/api/lint",
        &serde_json::json!({ "yaml": yaml }).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let d = &r.json()["diagnostics"][0];
    assert_eq!(d["message"], "the snippet `voise` is not in the library");
    assert_eq!(d["line"], 13);
    assert!(
        d["hint"]
            .as_str()
            .unwrap()
            .contains("did you mean `{{> voice}}`?"),
        "{d}"
    );
}
