//! `promptbook mcp`: the real binary, spoken to by a real MCP client (rmcp's, over the child
//! process's standard input/output), on a real library.

use std::io::{BufRead, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use rmcp::model::{
    ArgumentInfo, CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig,
    ClientRequest, CompleteRequestParams, ContentBlock, CustomRequest, ErrorCode,
    GetPromptRequestParams, GetPromptResult, Implementation, JsonObject, PaginatedRequestParams,
    Prompt, ProtocolVersion, Reference, Role, SubscriptionFilter,
};
use rmcp::service::{ClientLifecycleMode, ClientServiceExt, NotificationContext, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, RoleClient, ServiceError, ServiceExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::support::*;

/// A client that records `notifications/prompts/list_changed`.
struct Client {
    config: ClientConfig,
    changed: mpsc::UnboundedSender<()>,
}

impl ClientHandler for Client {
    fn get_info(&self) -> ClientConfig {
        self.config.clone()
    }

    async fn on_prompt_list_changed(&self, _context: NotificationContext<RoleClient>) {
        let _ = self.changed.send(());
    }
}

type Session = RunningService<RoleClient, Client>;

/// Runs an async test body on its own runtime.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn client(version: ProtocolVersion) -> (Client, mpsc::UnboundedReceiver<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let config = ClientConfig::new(
        ClientCapabilities::default(),
        Implementation::new("promptbook-tests", "1.0.0"),
    )
    .with_protocol_version(version);
    (
        Client {
            config,
            changed: tx,
        },
        rx,
    )
}

fn transport(env: &Env, args: &[&str]) -> TokioChildProcess {
    let mut full = vec!["mcp"];
    full.extend_from_slice(args);
    let cmd = tokio::process::Command::from(env.std_command(&full));
    TokioChildProcess::builder(cmd)
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts")
        .0
}

/// Starts `promptbook mcp ARGS…` and completes the `initialize` handshake at `version`.
async fn connect_at(
    env: &Env,
    args: &[&str],
    version: ProtocolVersion,
) -> (Session, mpsc::UnboundedReceiver<()>) {
    let (handler, rx) = client(version);
    let session = handler
        .serve(transport(env, args))
        .await
        .expect("initialize handshake");
    (session, rx)
}

async fn connect(env: &Env, args: &[&str]) -> (Session, mpsc::UnboundedReceiver<()>) {
    connect_at(env, args, ProtocolVersion::LATEST_WITH_INITIALIZE).await
}

fn args(v: Value) -> JsonObject {
    match v {
        Value::Object(o) => o,
        _ => panic!("arguments are an object"),
    }
}

fn text(block: &ContentBlock) -> &str {
    match block {
        ContentBlock::Text(t) => &t.text,
        other => panic!("expected text, got {other:?}"),
    }
}

fn mcp_error(e: ServiceError) -> rmcp::ErrorData {
    match e {
        ServiceError::McpError(e) => e,
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}

fn find<'a>(prompts: &'a [Prompt], name: &str) -> &'a Prompt {
    prompts
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no prompt {name}"))
}

/// A library with the test recipe `echo` and `snap` (system prompt and a few-shot example).
fn env_with_recipes() -> Env {
    let env = Env::new();
    env.write("r/echo.yaml", recipe("echo", ""));
    env.write(
        "r/snap.yaml",
        "name: snap\ntitle: Snap\ndescription: Say something short.\ntags: [pbtest]\nvariables:\n  topic: { type: string, required: true }\n  formal: { type: boolean, default: false, description: Use a formal register }\nsystem: Be brief.\nprompt: |\n  Say something {{#if formal}}formal {{/if}}about <topic>{{topic}}</topic>.\nexamples:\n  - input: { topic: tea }\n    output: Tea is calm.\n",
    );
    env.cmd(&["add", "r"]).ok().stderr_has("added echo");
    env
}

async fn get(session: &Session, name: &str, a: Value) -> Result<GetPromptResult, ServiceError> {
    session
        .get_prompt(GetPromptRequestParams::new(name).with_arguments(args(a)))
        .await
}

#[test]
fn initialize_then_list_prompts_with_their_arguments() {
    let env = env_with_recipes();
    block_on(async {
        let (session, _) = connect(&env, &[]).await;
        let info = session.peer_info().expect("server info");
        assert_eq!(info.server_info.as_ref().unwrap().name, "promptbook");
        assert!(info.capabilities.prompts.as_ref().unwrap().list_changed == Some(true));
        assert!(info.capabilities.completions.is_some());
        assert!(info.capabilities.tools.is_some());

        let prompts = session.list_all_prompts().await.unwrap();
        let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
        assert!(
            names.contains(&"blog-draft"),
            "the starter recipe is served: {names:?}"
        );
        let echo = find(&prompts, "echo");
        assert_eq!(echo.title.as_deref(), Some("Test recipe echo"));
        assert_eq!(echo.description.as_deref(), Some("A recipe for tests."));
        let a = echo.arguments.as_ref().unwrap();
        assert_eq!(a[0].name, "topic");
        assert_eq!(a[0].required, Some(true));
        assert_eq!(a[0].description.as_deref(), Some("The topic"));
        // Optional, and a default counts as a value: `required` is left out.
        assert_eq!(a[1].name, "tone");
        assert_eq!(a[1].required, None);
        assert_eq!(
            a[1].description.as_deref(),
            Some("One of: warm, dry; default: warm")
        );
        let blog = find(&prompts, "blog-draft");
        let words = blog
            .arguments
            .as_ref()
            .unwrap()
            .iter()
            .find(|a| a.name == "words")
            .unwrap();
        assert_eq!(words.required, None);
        session.cancel().await.unwrap();
    });
}

#[test]
fn get_renders_with_arguments_defaults_and_examples_like_render() {
    let env = env_with_recipes();
    block_on(async {
        let (session, _) = connect(&env, &[]).await;
        // Values are data: template syntax in a value comes out literally.
        let tricky = "{{#each x}}{{/each}} }} {{topic}} $HOME <b>&amp;";
        let got = get(&session, "echo", json!({ "topic": tricky }))
            .await
            .unwrap();
        assert_eq!(got.messages.len(), 1);
        assert_eq!(got.messages[0].role, Role::User);
        assert_eq!(
            text(&got.messages[0].content),
            format!("Say something warm about {tricky}.")
        );
        assert_eq!(got.description.as_deref(), Some("A recipe for tests."));
        // A blank argument means "not given": the default applies.
        let got = get(&session, "echo", json!({ "topic": "x", "tone": "" }))
            .await
            .unwrap();
        assert_eq!(
            text(&got.messages[0].content),
            "Say something warm about x."
        );
        let got = get(&session, "echo", json!({ "topic": "x", "tone": "dry" }))
            .await
            .unwrap();
        assert_eq!(text(&got.messages[0].content), "Say something dry about x.");

        // Few-shot examples are user/assistant pairs; the system prompt opens the task turn.
        let got = get(
            &session,
            "snap",
            json!({ "topic": "coffee", "formal": "yes" }),
        )
        .await
        .unwrap();
        let turns: Vec<Value> = got
            .messages
            .iter()
            .map(|m| json!({ "role": format!("{:?}", m.role), "text": text(&m.content) }))
            .collect();
        insta::assert_snapshot!(
            "mcp_get_prompt_messages",
            serde_json::to_string_pretty(&turns).unwrap()
        );
        session.cancel().await.unwrap();
    });
}

#[test]
fn bad_arguments_are_invalid_params_with_the_command_line_text() {
    let env = env_with_recipes();
    env.write(
        "two.yaml",
        "name: two\ntitle: Two\nvariables:\n  a: { type: string, required: true, description: First thing }\n  b: { type: integer, required: true }\nprompt: '{{a}} {{b}}'\n",
    );
    env.cmd(&["add", "two.yaml"]).ok().stderr_has("added two");
    let before = env.dump();
    block_on(async {
        let (session, _) = connect(&env, &[]).await;
        let e = mcp_error(get(&session, "two", json!({})).await.unwrap_err());
        assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
        insta::assert_snapshot!("mcp_missing_required", e.message);
        // The command line says the same, naming its own way to pass a value.
        let cli = env.cmd(&["render", "two"]).fails(2).stderr().to_string();
        assert_eq!(
            format!(
                "error: {}\n",
                e.message
                    .replace("argument `a`", "--var a=…")
                    .replace("argument `b`", "--var b=…")
            ),
            cli
        );
        assert_eq!(
            e.data.as_ref().unwrap()["hints"][0],
            "argument `a`  (First thing)"
        );

        let e = mcp_error(
            get(&session, "echo", json!({ "topic": "x", "tone": "wram" }))
                .await
                .unwrap_err(),
        );
        assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
        assert!(
            e.message.starts_with("`tone` cannot be \"wram\""),
            "{}",
            e.message
        );
        assert!(
            e.message
                .contains("hint: did you mean `warm`? The choices are: warm, dry"),
            "{}",
            e.message
        );

        let e = mcp_error(
            get(&session, "echo", json!({ "topik": "x" }))
                .await
                .unwrap_err(),
        );
        assert!(
            e.message.contains("`echo` has no variable `topik`"),
            "{}",
            e.message
        );
        assert!(
            e.message
                .contains("did you mean `topic`? (argument `topic`)"),
            "{}",
            e.message
        );

        let e = mcp_error(
            get(&session, "two", json!({ "a": "x", "b": "many" }))
                .await
                .unwrap_err(),
        );
        assert!(
            e.message.contains("`b` must be a whole number"),
            "{}",
            e.message
        );
        // A typed JSON value is checked too.
        let e = mcp_error(
            get(&session, "two", json!({ "a": "x", "b": 2.5 }))
                .await
                .unwrap_err(),
        );
        assert!(
            e.message.contains("`b` must be a whole number, not 2.5"),
            "{}",
            e.message
        );
        let ok = get(&session, "two", json!({ "a": "x", "b": 7 }))
            .await
            .unwrap();
        assert_eq!(text(&ok.messages[0].content), "x 7");

        // An unknown prompt is an error too, with a suggestion; the server keeps serving.
        let e = mcp_error(get(&session, "ecko", json!({})).await.unwrap_err());
        assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
        assert!(
            e.message.starts_with("no prompt named `ecko`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("did you mean `echo`?"), "{}", e.message);
        assert!(!session.list_all_prompts().await.unwrap().is_empty());
        session.cancel().await.unwrap();
    });
    assert_eq!(env.dump(), before, "the server never writes");
}

#[test]
fn completion_offers_choices_and_booleans_by_prefix() {
    let env = env_with_recipes();
    block_on(async {
        let (session, _) = connect(&env, &[]).await;
        let complete = |prompt: &str, arg: &str, typed: &str| {
            session.complete(CompleteRequestParams::new(
                Reference::for_prompt(prompt),
                ArgumentInfo::new(arg, typed),
            ))
        };
        let c = complete("blog-draft", "tone", "").await.unwrap().completion;
        assert_eq!(c.values, ["friendly", "formal", "playful"]);
        let c = complete("blog-draft", "tone", "f")
            .await
            .unwrap()
            .completion;
        assert_eq!(c.values, ["friendly", "formal"]);
        assert_eq!(c.total, Some(2));
        assert_eq!(c.has_more, Some(false));
        let c = complete("blog-draft", "tone", "FO")
            .await
            .unwrap()
            .completion;
        assert_eq!(c.values, ["formal"]);
        let c = complete("snap", "formal", "t").await.unwrap().completion;
        assert_eq!(c.values, ["true"]);
        let c = complete("snap", "formal", "").await.unwrap().completion;
        assert_eq!(c.values, ["true", "false"]);
        // Free text has nothing to offer.
        let c = complete("snap", "topic", "co").await.unwrap().completion;
        assert!(c.values.is_empty());
        let e = mcp_error(complete("snap", "topik", "").await.unwrap_err());
        assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
        assert!(e.message.contains("did you mean `topic`?"), "{}", e.message);
        let e = mcp_error(complete("nope", "x", "").await.unwrap_err());
        assert!(
            e.message.starts_with("no prompt named `nope`"),
            "{}",
            e.message
        );
        session.cancel().await.unwrap();
    });
}

/// Waits for the next list_changed notification (bounded, so a broken server fails the test
/// instead of hanging it).
async fn next_change(rx: &mut mpsc::UnboundedReceiver<()>) {
    tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("notifications/prompts/list_changed within 30 s")
        .expect("client still running");
}

#[test]
fn list_changed_when_another_process_adds_edits_or_removes_a_recipe() {
    let env = env_with_recipes();
    block_on(async {
        let (session, mut changed) = connect(&env, &[]).await;
        assert!(
            !session
                .list_all_prompts()
                .await
                .unwrap()
                .iter()
                .any(|p| p.name == "fresh")
        );

        env.write("fresh.yaml", recipe("fresh", ""));
        env.cmd(&["add", "fresh.yaml"])
            .ok()
            .stderr_has("added fresh");
        next_change(&mut changed).await;
        let prompts = session.list_all_prompts().await.unwrap();
        assert_eq!(
            find(&prompts, "fresh").title.as_deref(),
            Some("Test recipe fresh")
        );

        env.write("fresh.yaml", recipe("fresh", " Briefly."));
        env.cmd(&["add", "fresh.yaml"])
            .ok()
            .stderr_has("updated fresh (now version 2)");
        next_change(&mut changed).await;
        let got = get(&session, "fresh", json!({ "topic": "x" }))
            .await
            .unwrap();
        assert_eq!(
            text(&got.messages[0].content),
            "Say something warm about x. Briefly."
        );

        env.cmd(&["rm", "fresh", "--yes"])
            .ok()
            .stderr_has("Removed `fresh` (2 versions).");
        next_change(&mut changed).await;
        assert!(
            !session
                .list_all_prompts()
                .await
                .unwrap()
                .iter()
                .any(|p| p.name == "fresh")
        );
        session.cancel().await.unwrap();
    });
}

#[test]
fn a_prompt_that_includes_a_snippet_uses_it_as_it_is_now() {
    let env = env_with_recipes();
    env.write(
        "voice.yaml",
        "name: voice\ntemplate: |\n  Sound {{tone}}.\n",
    );
    env.cmd(&["snippet", "add", "voice.yaml"])
        .ok()
        .stderr_has("voice");
    env.write("voiced.yaml", recipe("voiced", "\n  {{> voice}}"));
    env.cmd(&["add", "voiced.yaml"])
        .ok()
        .stderr_has("added voiced");
    block_on(async {
        let (session, _) = connect(&env, &[]).await;
        let got = get(&session, "voiced", json!({ "topic": "x" }))
            .await
            .unwrap();
        assert_eq!(
            text(&got.messages[0].content),
            "Say something warm about x.\nSound warm."
        );
        // The server keeps parsed recipes, but reads their snippets for every render.
        env.write(
            "voice.yaml",
            "name: voice\ntemplate: |\n  Sound {{tone}}, always.\n",
        );
        env.cmd(&["snippet", "add", "voice.yaml"])
            .ok()
            .stderr_has("voice");
        let got = get(&session, "voiced", json!({ "topic": "x", "tone": "dry" }))
            .await
            .unwrap();
        assert_eq!(
            text(&got.messages[0].content),
            "Say something dry about x.\nSound dry, always."
        );
        session.cancel().await.unwrap();
    });
}

#[test]
fn search_and_render_tools_find_and_fill_recipes() {
    let env = env_with_recipes();
    block_on(async {
        let (session, _) = connect(&env, &[]).await;
        let tools = session.list_all_tools().await.unwrap();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        assert_eq!(names, ["search_recipes", "render_recipe"]);
        assert!(
            tools
                .iter()
                .all(|t| t.annotations.as_ref().unwrap().read_only_hint == Some(true))
        );

        let call = |name: &'static str, a: Value| {
            session.call_tool(CallToolRequestParams::new(name).with_arguments(args(a)))
        };
        let found: CallToolResult = call("search_recipes", json!({ "query": "blog seo" }))
            .await
            .unwrap();
        assert_eq!(found.is_error, Some(false));
        let hits = &found.structured_content.as_ref().unwrap()["recipes"];
        assert_eq!(hits[0]["name"], "blog-draft");
        assert_eq!(hits[0]["title"], "Blog post draft");
        assert!(hits[0]["description"].as_str().unwrap().contains("SEO"));
        assert!(text(&found.content[0]).starts_with("blog-draft — Blog post draft: "));
        let none = call("search_recipes", json!({ "query": "zzzqqq" }))
            .await
            .unwrap();
        assert_eq!(none.is_error, Some(false));
        assert!(text(&none.content[0]).starts_with("No recipe matches"));

        // render_recipe gives exactly what `promptbook render` prints.
        let rendered = call(
            "render_recipe",
            json!({ "name": "snap", "arguments": { "topic": "coffee", "formal": true } }),
        )
        .await
        .unwrap();
        assert_eq!(rendered.is_error, Some(false));
        let cli = env
            .cmd(&[
                "render",
                "snap",
                "--var",
                "topic=coffee",
                "--var",
                "formal=true",
            ])
            .ok()
            .stdout
            .clone();
        assert_eq!(text(&rendered.content[0]), cli);

        // Mistakes come back as tool errors the model can read and fix.
        let bad = call("render_recipe", json!({ "name": "snap" }))
            .await
            .unwrap();
        assert_eq!(bad.is_error, Some(true));
        assert!(text(&bad.content[0]).contains("needs a value for the required variable `topic`"));
        let bad = call("render_recipe", json!({ "name": "nope" }))
            .await
            .unwrap();
        assert_eq!(bad.is_error, Some(true));
        assert!(text(&bad.content[0]).starts_with("no prompt named `nope`"));
        let bad = call("search_recipes", json!({})).await.unwrap();
        assert_eq!(bad.is_error, Some(true));
        let e = mcp_error(call("delete_everything", json!({})).await.unwrap_err());
        assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
        session.cancel().await.unwrap();
    });
}

#[test]
fn unknown_methods_get_a_method_not_found_error() {
    let env = env_with_recipes();
    block_on(async {
        let (session, _) = connect(&env, &[]).await;
        let e = session
            .send_request(ClientRequest::CustomRequest(CustomRequest::new(
                "promptbook/no-such-method",
                Some(json!({})),
            )))
            .await
            .unwrap_err();
        let e = mcp_error(e);
        assert_eq!(e.code, ErrorCode::METHOD_NOT_FOUND);
        assert!(
            e.message.contains("promptbook/no-such-method"),
            "{}",
            e.message
        );
        // Still serving.
        assert!(!session.list_all_prompts().await.unwrap().is_empty());
        session.cancel().await.unwrap();
    });
}

#[test]
fn every_protocol_version_the_sdk_knows_is_answered() {
    let env = env_with_recipes();
    block_on(async {
        for version in ProtocolVersion::KNOWN_VERSIONS
            .iter()
            .filter(|v| v.has_initialize())
        {
            let (session, _) = connect_at(&env, &[], version.clone()).await;
            assert_eq!(&session.peer_info().unwrap().protocol_version, version);
            let got = get(&session, "echo", json!({ "topic": "x" }))
                .await
                .unwrap();
            assert_eq!(
                text(&got.messages[0].content),
                "Say something warm about x.",
                "at {version}"
            );
            session.cancel().await.unwrap();
        }

        // 2026-07-28 has no initialize: the client discovers the server, and change
        // notifications come through subscriptions/listen.
        let (handler, _) = client(ProtocolVersion::V_2026_07_28);
        let session = handler
            .serve_with_lifecycle(
                transport(&env, &[]),
                ClientLifecycleMode::Discover {
                    preferred_versions: vec![ProtocolVersion::V_2026_07_28],
                },
            )
            .await
            .expect("discover");
        assert_eq!(
            session.peer_info().unwrap().protocol_version,
            ProtocolVersion::V_2026_07_28
        );
        let prompts = session.list_all_prompts().await.unwrap();
        assert!(prompts.iter().any(|p| p.name == "echo"));
        let got = get(&session, "echo", json!({ "topic": "x" }))
            .await
            .unwrap();
        assert_eq!(
            text(&got.messages[0].content),
            "Say something warm about x."
        );
        let mut sub = session
            .listen(SubscriptionFilter::builder().prompts_list_changed().build())
            .await
            .expect("subscription");
        env.write("later.yaml", recipe("later", ""));
        env.cmd(&["add", "later.yaml"])
            .ok()
            .stderr_has("added later");
        let note = tokio::time::timeout(Duration::from_secs(30), sub.next())
            .await
            .expect("a notification within 30 s")
            .unwrap()
            .expect("subscription open");
        assert!(
            matches!(
                note,
                rmcp::model::ServerNotification::PromptListChangedNotification(_)
            ),
            "{note:?}"
        );
        session.cancel().await.unwrap();
    });
}

#[test]
fn stdin_closing_ends_the_server_cleanly_and_stdout_is_protocol_only() {
    let env = env_with_recipes();
    let mut child = env
        .std_command(&["mcp"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "raw", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "prompts/get", "params": {"name": "echo", "arguments": {"topic": "x"}}}),
        json!({"jsonrpc": "2.0", "id": 3, "method": "no/such/method", "params": {}}),
    ] {
        writeln!(stdin, "{line}").unwrap();
    }
    // Read the three answers, then close standard input.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut answers = Vec::new();
    for _ in 0..3 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        answers.push(
            serde_json::from_str::<Value>(&line)
                .unwrap_or_else(|_| panic!("not JSON-RPC: {line:?}")),
        );
    }
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not exit after its input closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert_eq!(rest, "", "nothing but answers on standard output");
    assert_eq!(answers[0]["id"], 1);
    assert_eq!(answers[0]["result"]["protocolVersion"], "2025-06-18");
    assert_eq!(
        answers[1]["result"]["messages"][0]["content"]["text"],
        "Say something warm about x."
    );
    assert_eq!(answers[2]["error"]["code"], -32601);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let served = env.cmd(&["list", "--json"]).ok().stdout.clone();
    let served = serde_json::from_str::<Vec<Value>>(&served).unwrap().len();
    assert!(
        stderr.starts_with(&format!("promptbook mcp: serving {served} recipes from ")),
        "{stderr}"
    );
}

#[test]
fn tags_choose_the_served_recipes() {
    let env = env_with_recipes();
    block_on(async {
        let (session, _) = connect(&env, &["--tag", "pbtest"]).await;
        let names: Vec<String> = session
            .list_all_prompts()
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["echo", "snap"]);
        let e = mcp_error(
            get(&session, "blog-draft", json!({ "topic": "x" }))
                .await
                .unwrap_err(),
        );
        assert!(
            e.message
                .contains("`blog-draft` is in the library but not served here"),
            "{}",
            e.message
        );
        let found = session
            .call_tool(
                CallToolRequestParams::new("search_recipes")
                    .with_arguments(args(json!({ "query": "blog" }))),
            )
            .await
            .unwrap();
        assert_eq!(found.structured_content.unwrap()["recipes"], json!([]));
        session.cancel().await.unwrap();

        let (session, _) = connect(&env, &["--tag", "seo,pbtest"]).await;
        assert_eq!(session.list_all_prompts().await.unwrap().len(), 3);
        session.cancel().await.unwrap();
    });
}

#[test]
fn packs_choose_the_served_recipes_which_are_named_pack_slash_recipe() {
    let env = env_with_recipes();
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write("team/echo.yaml", recipe("echo", " From the team."));
    env.write("team/only.yaml", recipe("only", ""));
    env.cmd(&["pack", "add", env.path("team").to_str().unwrap()])
        .ok()
        .stderr_has("Installed team 1.0.0");
    block_on(async {
        // Everything: the user's own `echo` and the pack's `team/echo` side by side.
        let (session, _) = connect(&env, &[]).await;
        let names: Vec<String> = session
            .list_all_prompts()
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert!(names.contains(&"echo".to_string()), "{names:?}");
        assert!(names.contains(&"team/echo".to_string()), "{names:?}");
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(
            names, sorted,
            "prompts/list is sorted by name (the cursor relies on it)"
        );
        let got = get(&session, "team/echo", json!({ "topic": "x" }))
            .await
            .unwrap();
        assert!(format!("{got:?}").contains("From the team."), "{got:?}");
        session.cancel().await.unwrap();

        // Only the pack's.
        let (session, _) = connect(&env, &["--pack", "team"]).await;
        let names: Vec<String> = session
            .list_all_prompts()
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["team/echo", "team/only"]);
        let e = mcp_error(
            get(&session, "echo", json!({ "topic": "x" }))
                .await
                .unwrap_err(),
        );
        assert!(
            e.message.contains("only the recipes of the pack(s) team"),
            "{}",
            e.message
        );
        session.cancel().await.unwrap();
    });
    env.cmd(&["mcp", "--pack", "teams"])
        .fails(4)
        .stderr_has("no pack of that name is installed")
        .stderr_has("did you mean `team`?");
}

#[test]
fn five_thousand_recipes_are_listed_whole_then_paginated_past_the_bound() {
    let env = Env::new();
    let starters = env.cmd(&["list", "--json"]).ok().stdout.clone();
    let total = serde_json::from_str::<Vec<Value>>(&starters).unwrap().len() + 5000;
    for i in 0..5000 {
        env.write(
            &format!("many/r{i:04}.yaml"),
            format!("name: r{i:04}\ntitle: Recipe {i}\nvariables:\n  topic: {{ required: true }}\nprompt: 'About {{{{topic}}}}'\n"),
        );
    }
    env.cmd(&["add", "many"]).ok().stderr_has("added r0000");
    block_on(async {
        let (session, _) = connect(&env, &[]).await;
        let page = session.list_prompts(None).await.unwrap();
        assert_eq!(page.prompts.len(), total, "every recipe in one page");
        assert_eq!(page.next_cursor, None);
        let names: std::collections::BTreeSet<&str> =
            page.prompts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.len(), total);
        assert!((0..5000).all(|i| names.contains(format!("r{i:04}").as_str())));
        let r = find(&page.prompts, "r4321");
        assert_eq!(r.title.as_deref(), Some("Recipe 4321"));
        assert_eq!(r.arguments.as_ref().unwrap()[0].required, Some(true));
        session.cancel().await.unwrap();

        // Past the page bound (lowered here), the client follows the cursor.
        let (session, _) = connect(&env, &["--page-size", "2000"]).await;
        let first = session.list_prompts(None).await.unwrap();
        assert_eq!(first.prompts.len(), 2000);
        let cursor = first.next_cursor.clone().expect("a cursor");
        assert_eq!(cursor, first.prompts[1999].name);
        let second = session
            .list_prompts(Some(
                PaginatedRequestParams::default().with_cursor(Some(cursor.clone())),
            ))
            .await
            .unwrap();
        assert!(second.prompts[0].name > cursor);
        let all = session.list_all_prompts().await.unwrap();
        let names: std::collections::BTreeSet<&str> = all.iter().map(|p| p.name.as_str()).collect();
        assert_eq!((all.len(), names.len()), (total, total));
        session.cancel().await.unwrap();
    });
}
