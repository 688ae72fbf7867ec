//! `promptbook web` in a real headless Chromium, driven through WebDriver (chromedriver and
//! fantoccini): one long session, as a person would use the page, because each browser
//! start costs seconds on a small machine.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use super::web::Server;
use crate::support::Env;

/// Whether chromium and chromedriver are installed. Missing under CI=true fails the test
/// with how to install them; elsewhere the test is skipped, saying so.
fn have_browser(test: &str) -> bool {
    let on_path = |p: &str| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(p).is_file()))
    };
    let missing: Vec<&str> = ["chromium", "chromedriver"]
        .into_iter()
        .filter(|p| !on_path(p))
        .collect();
    if missing.is_empty() {
        return true;
    }
    let hint = "install them with `apt-get install chromium chromium-driver` (.ci/deps/web.sh)";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{test}: CI=true but {} not installed; {hint}",
            missing.join(", ")
        );
    }
    eprintln!(
        "SKIPPED {test}: {} not installed; {hint}",
        missing.join(", ")
    );
    false
}

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let until = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn browser(driver: &Driver, profile: &Path, downloads: &Path) -> Client {
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": { "download.default_directory": downloads.display().to_string() },
        }
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session")
}

/// Waits (up to 15 s) until `check` holds, then returns; fails with `what` otherwise.
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(15);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text(c: &Client, css: &str) -> String {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn wait_text(c: &Client, css: &str, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let last = text(c, css).await;
        if last.contains(needle) {
            return;
        }
        if Instant::now() > deadline {
            let url = c
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let page = text(c, "body").await;
            panic!("{css} never showed {needle:?}; it shows:\n{last}\n\npage {url}:\n{page}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect(script)
}

async fn field(c: &Client, name: &str, inner: &str) -> fantoccini::elements::Element {
    c.find(Locator::Css(&format!(
        ".field[data-name=\"{name}\"] {inner}"
    )))
    .await
    .unwrap_or_else(|_| panic!("field {name} {inner}"))
}

async fn retype(c: &Client, name: &str, text: &str) {
    let input = field(c, name, "input").await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

async fn set_yaml(c: &Client, text: &str) {
    let area = c.find(Locator::Css("#yaml")).await.unwrap();
    c.execute(
        "arguments[0].value = arguments[1];",
        vec![serde_json::to_value(&area).unwrap(), json!(text)],
    )
    .await
    .unwrap();
}

/// No script of a recipe's ran, and none made it into the page as markup.
async fn nothing_injected(c: &Client, page: &str) {
    assert_eq!(
        js(c, "return typeof window.pwned;").await,
        "undefined",
        "{page}"
    );
    assert_eq!(
        js(c, "return document.querySelectorAll('script').length;").await,
        1,
        "{page}: only the page's own script"
    );
    assert_eq!(
        js(
            c,
            "return document.querySelectorAll('img, b, i, iframe').length;"
        )
        .await,
        0,
        "{page}: recipe text became markup"
    );
}

const EVIL: &str = r#"name: evil
title: "<script>window.pwned = 'title'</script><img src=x onerror=\"window.pwned='img'\">"
description: "<b onmouseover=\"window.pwned='desc'\">bold?</b><script>window.pwned='desc'</script>"
tags: [xss-test]
model: { prefer: haiku, why: "<i>why</i>" }
variables:
  who: { type: string, default: "<script>window.pwned='default'</script>", description: "<script>window.pwned='vardesc'</script>" }
  pick: { type: choice, choices: ["<script>window.pwned='choice'</script>", plain], default: plain }
  flag: { type: boolean, default: false, description: A checkbox }
  ratio: { type: number, default: 1.5, min: 0, max: 10, description: A number }
prompt: |
  <script>window.pwned='template'</script> {{who}} / {{pick}} / flag={{flag}} / ratio={{ratio}}
examples:
  - input: { who: "<img src=x onerror=\"window.pwned='example'\">" }
    output: "<script>window.pwned='example-output'</script>"
"#;

#[test]
fn a_person_browses_fills_copies_writes_and_installs_a_pack_in_a_real_browser() {
    if !have_browser("web_browser") {
        return;
    }
    let env = Env::new();
    // A pack whose every field holds markup, as a bundle file to upload.
    env.write(
        "evil-pack/pack.yaml",
        "name: xss\nversion: 1.0.0\ndescription: \"<script>window.pwned='pack'</script>\"\n",
    );
    env.write("evil-pack/evil.yaml", EVIL);
    env.cmd(&["pack", "build", "evil-pack", "-o", "evil.pbpack.yaml"])
        .ok()
        .stderr_has("Built xss 1.0.0");
    let bundle = env.path("evil.pbpack.yaml");

    let server = Server::start(&env);
    let driver = Driver::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = browser(&driver, &env.path("chromium"), &env.path("downloads")).await;
        let base = server.base.clone();

        // The printed address opens the library; the token leaves the address bar.
        c.goto(&server.url()).await.unwrap();
        c.wait().for_element(Locator::Css("#cards")).await.unwrap();
        assert_eq!(c.current_url().await.unwrap().as_str(), format!("{base}/"));
        let cards = c.find_all(Locator::Css("li.card")).await.unwrap().len();
        assert!(cards >= 20, "{cards} cards");

        // Search as you type.
        c.find(Locator::Css("#q")).await.unwrap().send_keys("blog").await.unwrap();
        until("the search narrows the cards", || async {
            c.find_all(Locator::Css("li.card")).await.map(|v| v.len()).unwrap_or(0) < cards
        })
        .await;
        wait_text(&c, "#cards", "Blog post draft").await;
        assert!(c.find(Locator::Css("li.card[data-name=\"unit-tests\"]")).await.is_err());

        // Fill blog-draft through each of its fields; the preview follows.
        c.find(Locator::LinkText("Blog post draft")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#render-error", "needs a value for the required variable `topic`").await;
        wait_text(&c, ".field[data-name=\"topic\"] .field-error", "`topic`").await;
        field(&c, "topic", "input").await.send_keys("zebra migration").await.unwrap();
        wait_text(&c, "#preview", "<topic>zebra migration</topic>").await;
        wait_text(&c, "#preview", "Write a blog post of about 800 words on the topic").await;
        retype(&c, "audience", "new team leads").await;
        wait_text(&c, "#preview", "<audience>new team leads</audience>").await;
        field(&c, "tone", "select").await.select_by_value("formal").await.unwrap();
        wait_text(&c, "#preview", "Tone: formal (measured and precise").await;
        // A value out of range: the command line's message and hint, at the field.
        retype(&c, "words", "50").await;
        wait_text(
            &c,
            ".field[data-name=\"words\"] .field-error",
            "`words` must be at least 200, not 50\nhint: give a value from 200 to 4000",
        )
        .await;
        c.find(Locator::Css("#copy")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#status", "Fix the fields marked in red first.").await;
        retype(&c, "words", "900").await;
        wait_text(&c, "#preview", "Write a blog post of about 900 words on the topic").await;
        assert_eq!(
            js(&c, "return document.querySelector('.field[data-name=\"words\"] .field-error').hidden;").await,
            true
        );
        retype(&c, "primary_keyword", "zebra paths").await;
        wait_text(&c, "#preview", "Primary keyword: zebra paths").await;
        field(&c, "intent", "select").await.select_by_value("commercial").await.unwrap();
        wait_text(&c, "#preview", "Search intent: commercial").await;
        field(&c, "keywords", "button.add").await.click().await.unwrap();
        field(&c, "keywords", ".items input").await.send_keys("async work").await.unwrap();
        field(&c, "keywords", "button.add").await.click().await.unwrap();
        c.find(Locator::Css(".field[data-name=\"keywords\"] .items li:last-child input"))
            .await
            .unwrap()
            .send_keys("handbook")
            .await
            .unwrap();
        wait_text(&c, "#preview", "Secondary keywords: async work, handbook").await;
        field(&c, "notes", "textarea").await.send_keys("Quote: \"{{not a template}}\"").await.unwrap();
        wait_text(&c, "#preview", "Quote: \"{{not a template}}\"").await;
        wait_text(&c, "#stats", "input tokens").await;
        wait_text(&c, "#stats", "claude-sonnet-5-5").await;

        // Formats and the model picker.
        c.find(Locator::Css("#format")).await.unwrap().select_by_value("anthropic").await.unwrap();
        wait_text(&c, "#preview", "\"model\": \"claude-sonnet-5-5\"").await;
        // What the command line prints after `note:` shows under the preview.
        wait_text(&c, "#notes", "claude-sonnet-5-5 does not take a temperature").await;
        c.find(Locator::Css("#model")).await.unwrap().select_by_value("claude-haiku-4-5").await.unwrap();
        wait_text(&c, "#preview", "\"model\": \"claude-haiku-4-5\"").await;
        wait_text(&c, "#stats", "claude-haiku-4-5").await;
        c.find(Locator::Css("#format")).await.unwrap().select_by_value("curl").await.unwrap();
        wait_text(&c, "#preview", "curl").await;
        c.find(Locator::Css("#format")).await.unwrap().select_by_value("text").await.unwrap();
        c.find(Locator::Css("#model")).await.unwrap().select_by_value("").await.unwrap();
        wait_text(&c, "#preview", "### System").await;

        // Copy: the prompt goes out, and the answers are remembered.
        c.find(Locator::Css("#copy")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#status", "Copied. Your answers are remembered").await;
        let again = env.cmd(&["render", "blog-draft", "--again", "--no-history"]).ok().stdout.clone();
        assert!(again.contains("<topic>zebra migration</topic>"), "{again}");
        assert!(again.contains("about 900 words") && again.contains("async work, handbook"));
        // "Use my last answers" fills the form with them.
        c.goto(&format!("{base}/fill/blog-draft")).await.unwrap();
        c.find(Locator::Css("#again")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#preview", "<topic>zebra migration</topic>").await;
        assert_eq!(
            field(&c, "words", "input").await.prop("value").await.unwrap().as_deref(),
            Some("900")
        );

        // Edit into a YAML error: line and column shown, the text kept (and as a draft).
        c.goto(&format!("{base}/edit/blog-draft")).await.unwrap();
        let original = env.cmd(&["export", "blog-draft"]).ok().stdout.clone();
        let broken = original.replace("title: Blog post draft", "title: [Blog post draft");
        set_yaml(&c, &broken).await;
        c.find(Locator::Css("#editor button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#problems", "line ").await;
        let problems = text(&c, "#problems").await;
        assert!(problems.contains("column"), "{problems}");
        let kept = js(&c, "return document.querySelector('#yaml').value;").await;
        assert_eq!(kept.as_str().unwrap(), broken);
        let drafts: Vec<_> = std::fs::read_dir(env.path("data/promptbook/drafts"))
            .expect("a drafts folder")
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        assert_eq!(drafts, std::slice::from_ref(&broken));
        assert_eq!(env.cmd(&["export", "blog-draft"]).ok().stdout.clone(), original);
        // Fixed and saved: a new version, and the draft is gone.
        set_yaml(&c, &original.replace("title: Blog post draft", "title: Blog post draft (edited)")).await;
        c.find(Locator::Css("#editor button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_text(&c, "h1", "Blog post draft (edited)").await;
        wait_text(&c, ".notice.ok", "Stored version 2.").await;
        assert_eq!(std::fs::read_dir(env.path("data/promptbook/drafts")).unwrap().count(), 0);

        // History with the diff, then revert.
        c.goto(&format!("{base}/history/blog-draft")).await.unwrap();
        wait_text(&c, "pre.diff", "+title: Blog post draft (edited)").await;
        wait_text(&c, "pre.diff", "-title: Blog post draft").await;
        c.find(Locator::Css("button[form=\"revert-1\"]")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".notice.ok", "Stored version 3.").await;
        wait_text(&c, "h1", "Blog post draft").await;
        assert_eq!(env.cmd(&["export", "blog-draft"]).ok().stdout.clone(), original);
        env.cmd(&["history", "blog-draft"]).ok().stdout_has("restores v1");

        // Install a pack from an uploaded bundle.
        c.goto(&format!("{base}/packs")).await.unwrap();
        c.find(Locator::Css("#bundle-file"))
            .await
            .unwrap()
            .send_keys(bundle.to_str().unwrap())
            .await
            .unwrap();
        c.find(Locator::Css("#upload-button")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".notice.ok", "Installed the pack xss.").await;
        wait_text(&c, "section.pack[data-pack=\"xss\"]", "<script>window.pwned='pack'</script>").await;
        nothing_injected(&c, "packs").await;
        env.cmd(&["show", "xss/evil"]).ok();

        // Its recipe's markup shows as text everywhere, and nothing of it runs.
        c.goto(&format!("{base}/?pack=xss")).await.unwrap();
        wait_text(&c, "#cards", "<script>window.pwned = 'title'</script>").await;
        nothing_injected(&c, "library").await;
        c.goto(&format!("{base}/fill/xss/evil")).await.unwrap();
        wait_text(&c, "#preview", "<script>window.pwned='template'</script> <script>window.pwned='default'</script> / plain / flag=false / ratio=1.5").await;
        wait_text(&c, "#preview", "<script>window.pwned='example-output'</script>").await;
        assert_eq!(text(&c, "h1").await, "<script>window.pwned = 'title'</script><img src=x onerror=\"window.pwned='img'\">");
        wait_text(&c, ".recipe-head .description", "<b onmouseover").await;
        wait_text(&c, ".field[data-name=\"who\"] .description", "<script>window.pwned='vardesc'</script>").await;
        // The checkbox and the number field.
        field(&c, "flag", "input").await.click().await.unwrap();
        wait_text(&c, "#preview", "flag=true").await;
        retype(&c, "ratio", "2.5").await;
        wait_text(&c, "#preview", "ratio=2.5").await;
        // (fantoccini's select_by_value puts the value in a CSS selector unescaped.)
        let pick = field(&c, "pick", "select").await;
        c.execute(
            "const [s, v] = arguments; s.value = v; s.dispatchEvent(new Event('change', { bubbles: true })); return s.value;",
            vec![serde_json::to_value(&pick).unwrap(), json!("<script>window.pwned='choice'</script>")],
        )
        .await
        .unwrap();
        wait_text(&c, "#preview", "/ <script>window.pwned='choice'</script> /").await;
        nothing_injected(&c, "fill").await;
        c.goto(&format!("{base}/edit/xss/evil")).await.unwrap();
        nothing_injected(&c, "edit").await;
        c.goto(&format!("{base}/history/xss/evil")).await.unwrap();
        nothing_injected(&c, "history").await;

        // Models, with the date of the prices.
        c.goto(&format!("{base}/models")).await.unwrap();
        wait_text(&c, "table.models", "claude-sonnet-5-5").await;
        wait_text(&c, "#prices-as-of", "20").await;

        // Another promptbook adds a recipe: the open library shows it without a reload.
        c.goto(&format!("{base}/")).await.unwrap();
        c.wait().for_element(Locator::Css("#cards")).await.unwrap();
        env.write("live.yaml", "name: live-one\ntitle: Arrived while you looked\nprompt: Hello.\n");
        env.cmd(&["add", "live.yaml"]).ok().stderr_has("live-one");
        wait_text(&c, "#cards", "Arrived while you looked").await;

        c.close().await.unwrap();
    });
    let (code, stderr) = server.stop();
    assert_eq!(code, Some(0), "{stderr}");
}
