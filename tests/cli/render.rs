//! `promptbook render`: the main job.

use crate::support::*;

#[test]
fn first_use_creates_and_seeds_the_library_then_renders() {
    let env = Env::new();
    assert!(!env.lib().exists());
    let run = env
        .cmd(&["render", "blog-draft", "--var", "topic=remote onboarding"])
        .ok();
    assert!(env.lib().exists());
    assert!(
        run.stdout.contains("<topic>remote onboarding</topic>"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.starts_with("### System\n"), "{}", run.stdout);
    assert!(run.stdout.contains("### User\n"));
}

#[test]
fn default_library_lives_in_the_xdg_data_folder() {
    let env = Env::new();
    let mut cmd = env.cmd(&["list"]);
    cmd.inner.env_remove("PROMPTBOOK_LIBRARY");
    cmd.ok();
    assert!(env.path("data/promptbook/library.sqlite3").exists());
    assert!(!env.lib().exists());
}

#[test]
fn library_flag_overrides_the_environment() {
    let env = Env::new();
    let other = env.path("other.sqlite3");
    env.cmd(&["list", "--library", other.to_str().unwrap()])
        .ok();
    assert!(other.exists());
    assert!(!env.lib().exists());
}

#[test]
fn values_are_data_never_template() {
    let env = Env::new();
    env.write("r.yaml", recipe("echo", ""));
    env.cmd(&["add", "r.yaml"]).ok().stderr_has("added echo");
    let tricky = r#"{{#each x}}{{/each}} }} {{topic}} $HOME \n <b>&amp;"#;
    let run = env
        .cmd(&["render", "echo", "--var", &format!("topic={tricky}")])
        .ok();
    assert_eq!(run.stdout, format!("Say something warm about {tricky}.\n"));
}

#[test]
fn missing_required_variables_are_all_named_with_the_flag() {
    let env = Env::new();
    env.write(
        "r.yaml",
        "name: two\ntitle: Two\nvariables:\n  a: { type: string, required: true, description: First thing }\n  b: { type: integer, required: true }\nprompt: '{{a}} {{b}}'\n",
    );
    env.cmd(&["add", "r.yaml"]).ok().stderr_has("added two");
    let run = env.cmd(&["render", "two"]).fails(2);
    insta::assert_snapshot!("missing_required", run.stderr());
}

#[test]
fn unknown_variable_suggests_the_closest() {
    let env = Env::new();
    env.cmd(&["render", "blog-draft", "--var", "topik=x"])
        .fails(2)
        .stderr_has("`blog-draft` has no variable `topik`")
        .stderr_has("did you mean `topic`?");
}

#[test]
fn values_are_checked_against_type_choices_and_range() {
    let env = Env::new();
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        "topic=x",
        "--var",
        "tone=frendly",
    ])
    .fails(2)
    .stderr_has("`tone` cannot be \"frendly\"")
    .stderr_has("did you mean `friendly`?");
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        "topic=x",
        "--var",
        "words=50",
    ])
    .fails(2)
    .stderr_has("`words` must be at least 200, not 50");
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        "topic=x",
        "--var",
        "words=many",
    ])
    .fails(2)
    .stderr_has("`words` must be a whole number");
}

#[test]
fn defaults_fill_what_was_not_given_and_lists_take_commas_and_repeats() {
    let env = Env::new();
    let run = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "--var",
            "keywords=a, b",
            "--var",
            "keywords=c",
        ])
        .ok();
    assert!(
        run.stdout
            .contains("<audience>general readers new to the topic</audience>\nPrimary keyword:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Secondary keywords: a, b, c\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn values_from_files_stdin_and_vars_file() {
    let env = Env::new();
    env.write("notes.txt", "line one\nline two with {{braces}}\n");
    let run = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=-",
            "--var",
            "notes=@notes.txt",
        ])
        .stdin("piped topic\n")
        .ok();
    assert!(
        run.stdout.contains("<topic>piped topic</topic>"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("line two with {{braces}}"));
    env.write(
        "answers.yaml",
        "topic: from a file\nwords: 300\nkeywords: [x, y]\n",
    );
    let run = env
        .cmd(&[
            "render",
            "blog-draft",
            "--vars",
            "answers.yaml",
            "--var",
            "words=400",
        ])
        .ok();
    assert!(
        run.stdout.contains("<topic>from a file</topic>\n")
            && run
                .stdout
                .contains("Write a blog post of about 400 words on the topic"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Secondary keywords: x, y\n"));
    let run = env
        .cmd(&["render", "blog-draft", "--var", "topic=@@handle"])
        .ok();
    assert!(run.stdout.contains("<topic>@handle</topic>"));
}

#[test]
fn anthropic_body_is_a_valid_messages_request() {
    let env = Env::new();
    let run = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "--format",
            "anthropic",
        ])
        .ok()
        // Sonnet 5.5 refuses a temperature (a 400 from the API): it is left out, with a note.
        .stderr_is("note: claude-sonnet-5-5 does not take a temperature, so the recipe's 0.7 is left out of the request\n");
    let body: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(body["model"], "claude-sonnet-5-5");
    assert_eq!(body["max_tokens"], 6000);
    assert_eq!(body.get("temperature"), None);
    // A model that takes one gets the recipe's.
    let older = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "--format",
            "anthropic",
            "--model",
            "claude-sonnet-4-5",
        ])
        .ok();
    let older: serde_json::Value = serde_json::from_str(&older.stdout).unwrap();
    assert_eq!(older["temperature"], 0.7);
    assert!(
        body["system"]
            .as_str()
            .unwrap()
            .contains("content marketer")
    );
    let messages = body["messages"].as_array().unwrap();
    assert!(messages.len() >= 3, "examples come as user/assistant turns");
    assert_eq!(messages[0]["role"], "user");
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(messages.last().unwrap()["role"], "user");
    assert!(
        messages.last().unwrap()["content"]
            .as_str()
            .unwrap()
            .contains("<topic>x</topic>")
    );
}

#[test]
fn openai_body_puts_the_system_prompt_first_and_maps_the_family() {
    let env = Env::new();
    let run = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "--format",
            "openai",
        ])
        .ok();
    let body: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(body["model"], "gpt-4.1");
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["max_completion_tokens"], 6000);
    let run = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "-f",
            "openai",
            "--model",
            "gpt-4o-mini",
        ])
        .ok();
    assert!(run.stdout.contains("\"model\": \"gpt-4o-mini\""));
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        "topic=x",
        "-f",
        "openai",
        "--model",
        "opus",
    ])
    .fails(2)
    .stderr_has("use `--format anthropic`");
}

#[test]
fn json_result_has_messages_estimate_and_costs() {
    let env = Env::new();
    let run = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "--format",
            "json",
            "--model",
            "haiku",
        ])
        .ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["model"], "claude-haiku-5-5");
    assert_eq!(v["estimate"]["approximate"], true);
    let tokens = v["estimate"]["input_tokens"].as_u64().unwrap();
    assert!((30..5000).contains(&tokens), "{tokens}");
    let costs = v["cost"].as_array().unwrap();
    assert!(costs.iter().any(|c| c["model"] == "claude-opus-4-5"));
    assert_eq!(v["hints"]["max_tokens"], 6000);
}

#[test]
fn curl_reads_the_key_from_the_environment_and_quotes_the_body() {
    let env = Env::new();
    let run = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=$(rm -rf /) `x`",
            "--format",
            "curl",
        ])
        .ok()
        .stderr_has("does not take a temperature");
    assert!(run.stdout.contains("x-api-key: $ANTHROPIC_API_KEY"));
    assert!(run.stdout.contains("<<'PROMPTBOOK_BODY'"));
    // The here-document body is exactly the JSON body, with the value as data.
    let body = run
        .stdout
        .split("<<'PROMPTBOOK_BODY'\n")
        .nth(1)
        .unwrap()
        .split("PROMPTBOOK_BODY\n")
        .next()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert!(
        v["messages"].as_array().unwrap().last().unwrap()["content"]
            .as_str()
            .unwrap()
            .contains("$(rm -rf /) `x`")
    );
}

#[test]
fn curl_runs_in_a_shell_and_sends_exactly_the_body() {
    // A fake curl on PATH records its standard input: the shell must pass the body unchanged.
    let env = Env::new();
    let bin = env.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let fake = env.write("bin/curl", "#!/bin/sh\ncat > \"$HOME/sent.json\"\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let script = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=$HOME and `id`",
            "--format",
            "curl",
        ])
        .ok()
        .stderr_has("does not take a temperature")
        .stdout
        .clone()
        .clone();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("HOME", env.dir.path())
        .env("ANTHROPIC_API_KEY", "sk-test")
        .status()
        .unwrap();
    assert!(status.success());
    let sent: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("sent.json")).unwrap()).unwrap();
    assert!(sent["messages"].to_string().contains("$HOME and `id`"));
}

#[test]
fn out_writes_the_file_and_says_so() {
    let env = Env::new();
    let run = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "-o",
            "prompt.txt",
        ])
        .ok();
    assert_eq!(run.stdout, "");
    assert!(run.stderr().contains("Wrote"));
    assert!(
        std::fs::read_to_string(env.path("prompt.txt"))
            .unwrap()
            .contains("<topic>x</topic>")
    );
}

#[test]
fn a_prompt_too_large_for_the_window_fails_with_the_numbers_unless_forced() {
    let env = Env::new();
    env.write(
        "big.yaml",
        "name: big\ntitle: Big\nmodel: { prefer: claude-haiku-4-5, max_tokens: 4000 }\nvariables:\n  doc: { type: text, required: true }\nprompt: '{{doc}}'\n",
    );
    env.cmd(&["add", "big.yaml"]).ok().stderr_has("added big");
    // ~ 250,000 tokens of distinct words: over the 200K window.
    let words: String = (0..250_000).map(|i| format!("w{i} ")).collect();
    env.write("doc.txt", &words[..1_000_000.min(words.len())]);
    env.cmd(&["render", "big", "--var", "doc=@doc.txt"])
        .fails(6)
        .stderr_has("does not fit claude-haiku-4-5")
        .stderr_has("200,000 context window")
        .stderr_has("--force");
    env.cmd(&["render", "big", "--var", "doc=@doc.txt", "--force"])
        .ok();
}

#[test]
fn rendered_text_snapshot() {
    let env = Env::new();
    env.write(
        "r.yaml",
        "name: snap\ntitle: Snap\nvariables:\n  topic: { type: string, required: true }\nsystem: Be brief.\nprompt: |\n  Say something about <topic>{{topic}}</topic>.\nexamples:\n  - input: { topic: tea }\n    output: Tea is calm.\n",
    );
    env.cmd(&["add", "r.yaml"]).ok().stderr_has("added snap");
    let run = env.cmd(&["render", "snap", "--var", "topic=coffee"]).ok();
    insta::assert_snapshot!("render_text", run.stdout);
}

#[test]
fn an_empty_value_does_not_satisfy_a_required_variable() {
    let env = Env::new();
    env.cmd(&["render", "blog-draft", "--var", "topic="])
        .fails(2)
        .stderr_has("needs a value for the required variable `topic`");
    env.cmd(&["render", "blog-draft", "--var", "topic=   "])
        .fails(2);
    env.cmd(&["render", "blog-draft", "--var", "=x"])
        .fails(2)
        .stderr_has("has no variable name before `=`");
}

/// A library made before render forms (schema 3) is brought up to date on first use and
/// renders exactly as before; a version whose form is missing or unreadable is rendered
/// from its YAML.
#[test]
fn a_library_from_before_render_forms_renders_the_same() {
    let env = Env::new();
    let args = [
        "render",
        "blog-draft",
        "--var",
        "topic=remote onboarding",
        "--no-history",
    ];
    let before = env.cmd(&args).ok().stdout.clone();
    let query = |sql: &str| -> i64 {
        let conn = rusqlite::Connection::open(env.lib()).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    };
    let conn = rusqlite::Connection::open(env.lib()).unwrap();
    conn.execute_batch(
        "DROP TABLE pack_snippets; DROP TABLE recipe_snippets; DROP TABLE snippet_versions;
         DROP TABLE snippets;
         ALTER TABLE recipe_versions DROP COLUMN render_form; PRAGMA user_version = 3;",
    )
    .unwrap();
    drop(conn);

    assert_eq!(env.cmd(&args).ok().stdout.clone(), before);
    assert_eq!(
        query("SELECT count(*) FROM recipe_versions WHERE render_form IS NULL"),
        0
    );
    assert_eq!(query("PRAGMA user_version"), 6);

    // A library whose forms an older promptbook wrote (another stamp) gets them written
    // again when it is migrated, so it renders on the fast path at once.
    let stamp = "SELECT count(*) FROM recipe_versions
                 WHERE json_extract(render_form, '$.promptbook') = '0.0.0/old'";
    let conn = rusqlite::Connection::open(env.lib()).unwrap();
    conn.execute_batch(
        "UPDATE recipe_versions SET render_form = json_set(render_form, '$.promptbook', '0.0.0/old');
         PRAGMA user_version = 5;",
    )
    .unwrap();
    drop(conn);
    assert!(query(stamp) > 0);
    assert_eq!(env.cmd(&args).ok().stdout.clone(), before);
    assert_eq!(query(stamp), 0);
    assert_eq!(query("PRAGMA user_version"), 6);

    for garbled in ["NULL", "'{\"layout\":999}'", "'not json'"] {
        let conn = rusqlite::Connection::open(env.lib()).unwrap();
        conn.execute(
            &format!("UPDATE recipe_versions SET render_form = {garbled}"),
            [],
        )
        .unwrap();
        drop(conn);
        assert_eq!(env.cmd(&args).ok().stdout.clone(), before, "form {garbled}");
    }
}

/// A command that fails leaves the library as it was: answers are remembered only after the
/// prompt was delivered.
#[test]
fn a_render_that_cannot_be_delivered_remembers_nothing() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    std::fs::create_dir(env.path("a-folder")).unwrap();
    env.write("a-file", "x");
    let before = env.dump();
    for out in ["a-folder", "a-file/under-a-file.txt"] {
        env.cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=onboarding",
            "-o",
            out,
        ])
        .fails(1);
        assert_eq!(env.dump(), before, "render -o {out}");
        env.cmd(&["fill", "blog-draft", "--var", "topic=onboarding", "-o", out])
            .fails(1);
        assert_eq!(env.dump(), before, "fill -o {out}");
    }
    env.cmd(&["render", "--again"])
        .fails(4)
        .stderr_has("there are no earlier answers to reuse yet");
    // Delivered, then remembered.
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        "topic=onboarding",
        "-o",
        "ok.txt",
    ])
    .ok()
    .stderr_has("bytes to ok.txt");
    assert!(
        env.dump()
            .contains("answers blog-draft v1 {\"topic\":\"onboarding\"")
    );
}

/// The Unix filter habit: text piped in is the one required text value missing.
#[test]
fn piped_text_fills_the_one_missing_text_value() {
    let env = Env::new();
    let run = env
        .cmd(&["render", "paper-summary"])
        .stdin("We measured 40 onboarding sessions.")
        .ok();
    assert!(
        run.stdout.contains("We measured 40 onboarding sessions."),
        "{}",
        run.stdout
    );
    // `fill` without a terminal does what `render` does.
    env.cmd(&["fill", "paper-summary", "--no-history"])
        .stdin("Piped to fill.")
        .ok()
        .stdout_has("Piped to fill.");
    // Several values missing: nothing is guessed, and the error says how to choose.
    env.cmd(&["render", "debug-function"])
        .stdin("def f(): pass")
        .fails(2)
        .stderr_has("needs a value for the required variables `code`, `error`")
        .stderr_has("pass --var code=-");
    // A string value is not filled from standard input either.
    env.cmd(&["render", "blog-draft"])
        .stdin("remote onboarding")
        .fails(2)
        .stderr_has("pass --var topic=-");
    // Nothing piped (standard input is /dev/null here): the plain error, no hint about pipes.
    let run = env.cmd(&["render", "paper-summary"]).fails(2);
    assert!(!run.stderr().contains("piped"), "{}", run.stderr());
}

/// A one-request HTTP server on 127.0.0.1: answers with `status` and `body`, and hands back
/// the request it received (head and body).
fn serve_once(status: &str, body: &str) -> (u16, std::thread::JoinHandle<String>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            head.push_str(&line);
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let mut sent = vec![0; length];
        reader.read_exact(&mut sent).unwrap();
        reader.get_mut().write_all(answer.as_bytes()).unwrap();
        head + &String::from_utf8(sent).unwrap()
    });
    (port, handle)
}

/// Runs a generated curl script with bash, in a clean environment plus `vars`.
fn run_script(script: &str, vars: &[(&str, String)]) -> std::process::Output {
    let mut c = std::process::Command::new("bash");
    c.arg("-c")
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in vars {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// The curl output, run as it is: without the key it stops before sending anything; with
/// it, it sends the key and the body; an HTTP error fails and shows the API's answer.
#[test]
fn the_curl_script_checks_the_key_and_fails_on_http_errors_showing_the_body() {
    if !need_tools(&["bash", "curl"]) {
        return;
    }
    let env = Env::new();
    let script = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=tea",
            "--format",
            "curl",
        ])
        .ok()
        .stderr_has("does not take a temperature")
        .stdout
        .clone();

    // No key: a clear message, exit 1, no request.
    let out = run_script(&script, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: ANTHROPIC_API_KEY is not set, so nothing was sent. Set it to your API key (export ANTHROPIC_API_KEY=...) and run this again.\n"
    );
    assert!(out.stdout.is_empty());

    // With the key, against a local server standing in for the API.
    let (port, server) = serve_once("200 OK", r#"{"content":[{"type":"text","text":"Tea."}]}"#);
    let base = format!("http://127.0.0.1:{port}");
    let out = run_script(
        &script,
        &[
            ("ANTHROPIC_API_KEY", "sk-test-123".into()),
            ("ANTHROPIC_BASE_URL", base.clone()),
        ],
    );
    let request = server.join().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        r#"{"content":[{"type":"text","text":"Tea."}]}"#
    );
    assert!(
        request.starts_with("POST /v1/messages HTTP/1.1\r\n"),
        "{request}"
    );
    let lower = request.to_ascii_lowercase();
    assert!(lower.contains("x-api-key: sk-test-123\r\n"), "{request}");
    assert!(
        lower.contains("anthropic-version: 2023-06-01\r\n"),
        "{request}"
    );
    let body = request.split("\r\n\r\n").nth(1).unwrap();
    let expected = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=tea",
            "--format",
            "anthropic",
        ])
        .ok()
        .stderr_has("does not take a temperature")
        .stdout
        .clone();
    assert_eq!(
        body, expected,
        "the body sent is the anthropic format, byte for byte"
    );

    // An HTTP error: curl fails (22) and the API's explanation is shown.
    let error =
        r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#;
    let (port, server) = serve_once("401 Unauthorized", error);
    let out = run_script(
        &script,
        &[
            ("ANTHROPIC_API_KEY", "wrong".into()),
            ("ANTHROPIC_BASE_URL", format!("http://127.0.0.1:{port}")),
        ],
    );
    server.join().unwrap();
    assert_eq!(out.status.code(), Some(22), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), error);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("401"),
        "{out:?}"
    );

    // The OpenAI script alike: its own key, checked first.
    let openai = env
        .cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=tea",
            "--format",
            "curl",
            "-m",
            "gpt-4o",
        ])
        .ok()
        .stdout
        .clone();
    let out = run_script(&openai, &[("ANTHROPIC_API_KEY", "not this one".into())]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: OPENAI_API_KEY is not set"));
}

/// A model id the catalog does not know is a new model, not a mistake: a warning (with a
/// did-you-mean) at add and lint, and every format renders with the id as given.
#[test]
fn an_unknown_model_is_a_warning_and_renders_to_every_format_as_given() {
    let env = Env::new();
    env.write(
        "new.yaml",
        recipe("new-model", "").replace("prefer: haiku", "prefer: gpt5"),
    );
    env.cmd(&["add", "new.yaml"])
        .ok()
        .stderr_has("warning: new.yaml:6:11: model.prefer `gpt5` is not in the model catalog")
        .stderr_has("did you mean `gpt-5.4`?")
        .stderr_has("added new-model");
    env.cmd(&["lint", "new.yaml"])
        .ok()
        .stderr_has("2 warnings in 1 recipe, no errors.")
        .stdout_has("new.yaml:6:11: warning: model.prefer `gpt5` is not in the model catalog");
    let openai = env
        .cmd(&[
            "render",
            "new-model",
            "--var",
            "topic=x",
            "--format",
            "openai",
        ])
        .ok();
    let body: serde_json::Value = serde_json::from_str(&openai.stdout).unwrap();
    assert_eq!(body["model"], "gpt5");
    // An id spelt like the other provider's maps to the family default, as a hint does.
    let anthropic = env
        .cmd(&[
            "render",
            "new-model",
            "--var",
            "topic=x",
            "--format",
            "anthropic",
        ])
        .ok();
    let body: serde_json::Value = serde_json::from_str(&anthropic.stdout).unwrap();
    assert_eq!(body["model"], "claude-sonnet-5-5");
    for format in ["text", "curl", "json"] {
        env.cmd(&[
            "render",
            "new-model",
            "--var",
            "topic=x",
            "--format",
            format,
        ])
        .ok();
    }
    let json = env
        .cmd(&[
            "render",
            "new-model",
            "--var",
            "topic=x",
            "--format",
            "json",
        ])
        .ok();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["model"], "gpt5");
    let mine = v["cost"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["model"] == "gpt5")
        .expect("the unlisted model has a cost row");
    assert_eq!(mine["price_known"], false);
    assert!(mine["input_usd"].is_null());
    // `--model` takes an id the catalog does not know, for every API format.
    for format in ["anthropic", "openai", "curl"] {
        env.cmd(&[
            "render",
            "blog-draft",
            "--var",
            "topic=x",
            "--format",
            format,
            "--model",
            "some-new-model",
        ])
        .ok()
        .stdout_has("\"model\": \"some-new-model\"");
    }
    // A known id of the other API is still refused.
    env.cmd(&[
        "render",
        "blog-draft",
        "--var",
        "topic=x",
        "--format",
        "anthropic",
        "--model",
        "gpt-4o",
    ])
    .fails(2)
    .stderr_has("use `--format openai`");
}

/// A render form written by another promptbook is never trusted: even when it reads well and
/// says something else, the prompt comes from the recipe's YAML.
#[test]
fn a_render_form_from_another_promptbook_is_ignored() {
    let env = Env::new();
    let args = [
        "render",
        "blog-draft",
        "--var",
        "topic=remote onboarding",
        "--no-history",
    ];
    let before = env.cmd(&args).ok().stdout.clone();
    assert!(before.contains("remote onboarding"), "{before}");
    let conn = rusqlite::Connection::open(env.lib()).unwrap();
    let form: String = conn
        .query_row(
            "SELECT render_form FROM recipe_versions v JOIN recipes r ON r.id = v.recipe_id
             WHERE r.name = 'blog-draft'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let stamp = format!("\"promptbook\":\"{}/", env!("CARGO_PKG_VERSION"));
    assert!(form.contains(&stamp), "{form}");
    // The same form as another version would write it, with a different prompt in it.
    let other = form
        .replacen(&stamp, "\"promptbook\":\"0.0.1/", 1)
        .replace("{{topic}}", "SOMETHING ELSE");
    assert_ne!(other, form);
    conn.execute("UPDATE recipe_versions SET render_form = ?1", [&other])
        .unwrap();
    drop(conn);
    assert_eq!(env.cmd(&args).ok().stdout, before);

    // This promptbook's own stamp on the same text is trusted: that is what makes render
    // skip the YAML (and the template parser: the form holds the prompt parsed, so the text
    // is changed in the parsed template too).
    let conn = rusqlite::Connection::open(env.lib()).unwrap();
    assert!(form.matches("<topic>").count() >= 2, "{form}");
    conn.execute(
        "UPDATE recipe_versions SET render_form = ?1",
        [&form.replace("<topic>", "<topic>SOMETHING ELSE")],
    )
    .unwrap();
    drop(conn);
    assert!(env.cmd(&args).ok().stdout.contains("SOMETHING ELSE"));
}
