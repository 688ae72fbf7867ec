//! Import from and export to other tools' formats, proven by the tools themselves: Prompty's
//! `prepare`, dotprompt (the npm package) and dotpromptz (Python) rendering, llm's own
//! command line with the echo model, and skills-ref's validator. Many files go to one tool
//! process (tests/formats/render.py, render.cjs).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::support::Env;

const FORMATS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/formats");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats");

/// The tools are installed (else skipped, or failed under CI=true).
fn tools(test: &str) -> bool {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let on_path = |p: &str| {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(p).is_file()))
    };
    let missing: Vec<&str> = ["python3", "node", "npm", "llm", "agentskills"]
        .into_iter()
        .filter(|p| !on_path(p))
        .collect();
    if !missing.is_empty() {
        assert!(
            !ci,
            "{test}: CI=true but {} not installed; run .ci/deps/formats.sh",
            missing.join(", ")
        );
        eprintln!(
            "SKIPPED {test}: {} not installed (run .ci/deps/formats.sh)",
            missing.join(", ")
        );
        return false;
    }
    let ok = Command::new("python3")
        .args([
            "-c",
            "import prompty, dotpromptz, llm, llm_echo, skills_ref",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            !ci,
            "{test}: CI=true but the Python tools are missing; run .ci/deps/formats.sh"
        );
        eprintln!(
            "SKIPPED {test}: prompty/dotpromptz/llm-echo/skills-ref missing (run .ci/deps/formats.sh)"
        );
    }
    ok
}

/// Runs a batch of jobs through the Python driver or the Node one.
fn run_tool(node: bool, jobs: &[Value]) -> Vec<Value> {
    let mut cmd = if node {
        let root = Command::new("npm")
            .args(["root", "-g"])
            .output()
            .expect("npm");
        let mut c = Command::new("node");
        c.arg(format!("{FORMATS_DIR}/render.cjs"))
            .env("NODE_PATH", String::from_utf8_lossy(&root.stdout).trim());
        c
    } else {
        let mut c = Command::new("python3");
        c.arg(format!("{FORMATS_DIR}/render.py"));
        c
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut child = cmd
        .env("LLM_USER_PATH", tmp.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the tool driver");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(jobs).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the tool driver failed");
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).expect("driver JSON");
    assert_eq!(results.len(), jobs.len());
    results
}

/// Messages as (role, trimmed text), system first, empty ones left out; `model` is the
/// assistant. Examples are left out when `examples` is false (formats without turns).
fn normalise(messages: &[Value], examples: bool) -> Vec<(String, String)> {
    messages
        .iter()
        .filter(|m| examples || m.get("example").is_none())
        .map(|m| {
            let role = match m["role"].as_str().unwrap() {
                "model" => "assistant",
                r => r,
            };
            (
                role.to_string(),
                m["content"].as_str().unwrap().trim().to_string(),
            )
        })
        .filter(|(_, c)| !c.is_empty())
        .collect()
}

/// promptbook's own messages for `name` with `values`, from the Anthropic request body
/// (the same messages as `--format json`, without its token count, which is slow in a debug
/// build). Without `examples`, only the system prompt and the final turn (for formats that
/// have no turns).
fn promptbook_messages(
    env: &Env,
    name: &str,
    values: &Value,
    examples: bool,
) -> Vec<(String, String)> {
    let file = env.write(&format!("values-{name}.json"), values.to_string());
    let format = "anthropic";
    let out = env
        .cmd(&[
            "render",
            name,
            "--format",
            format,
            "--no-history",
            "--vars",
            file.to_str().unwrap(),
        ])
        .ok();
    // The request body may come with notes (a model that takes no temperature); nothing else.
    let err = out.stderr();
    assert!(err.lines().all(|l| l.starts_with("note: ")), "{err}");
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    let mut all = Vec::new();
    if let Some(s) = json["system"].as_str() {
        all.push(json!({"role": "system", "content": s}));
    }
    for m in json["messages"].as_array().unwrap() {
        let content = match &m["content"] {
            Value::String(s) => s.clone(),
            Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect(),
            other => panic!("{other}"),
        };
        let mut m = m.clone();
        m["content"] = json!(content);
        all.push(m);
    }
    if !examples {
        let last = all.pop().expect("a final turn");
        all.retain(|m| m["role"] == "system");
        all.push(last);
    }
    normalise(&all, true)
}

/// Each starter recipe, with the values of its own test cases.
fn starters() -> Vec<(String, Vec<Value>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("recipes");
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let yaml: Value =
            serde_json::to_value(serde_saphyr_value(&std::fs::read_to_string(&f).unwrap()))
                .unwrap();
        let name = yaml["name"].as_str().unwrap().to_string();
        let cases: Vec<Value> = yaml["tests"]
            .as_array()
            .map(|t| {
                t.iter()
                    .map(|c| c.get("vars").cloned().unwrap_or(json!({})))
                    .collect()
            })
            .unwrap_or_default();
        out.push((name, cases));
    }
    out
}

fn serde_saphyr_value(text: &str) -> Value {
    promptbook::yaml::from_str::<Value>(text).unwrap()
}

#[test]
fn starter_recipes_render_the_same_in_dotprompt_and_prompty() {
    if !tools("starter_recipes_render_the_same_in_dotprompt_and_prompty") {
        return;
    }
    let env = Env::new();
    let mut jobs_py = Vec::new();
    let mut jobs_node = Vec::new();
    let mut expected = Vec::new();
    for (name, cases) in starters() {
        for (format, ext) in [("dotprompt", "prompt"), ("prompty", "prompty")] {
            env.cmd(&["export", &name, "--as", format, "--dir", "out"])
                .ok()
                .stderr_has("Wrote out/");
            let file = env.path(&format!("out/{name}.{ext}"));
            for values in &cases {
                let want = promptbook_messages(&env, &name, values, true);
                let job = json!({"file": file, "values": values});
                if format == "dotprompt" {
                    jobs_node.push(job.clone());
                    jobs_py.push(json!({"tool": "dotpromptz", "file": file, "values": values}));
                    expected.push((format!("{name} (dotpromptz)"), want.clone()));
                    expected.push((format!("{name} (dotprompt, npm)"), want));
                } else {
                    jobs_py.push(json!({"tool": "prompty", "file": file, "values": values}));
                    expected.push((format!("{name} (prompty)"), want));
                }
            }
        }
    }
    assert!(
        jobs_node.len() >= 22,
        "every starter recipe has test values"
    );
    let py = run_tool(false, &jobs_py);
    let node = run_tool(true, &jobs_node);
    // Interleave as pushed: dotpromptz, npm, then prompty per case.
    let (mut p, mut n) = (py.into_iter(), node.into_iter());
    let mut checked = 0;
    for (what, want) in expected {
        let got = if what.ends_with("(dotprompt, npm)") {
            n.next()
        } else {
            p.next()
        }
        .unwrap();
        let messages = got["messages"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: {got}"));
        assert_eq!(normalise(messages, true), want, "{what}");
        checked += 1;
    }
    assert!(checked >= 66);
}

#[test]
fn exports_to_flat_formats_render_the_same_in_llm_or_are_refused_with_a_position() {
    if !tools("exports_to_flat_formats_render_the_same_in_llm_or_are_refused_with_a_position") {
        return;
    }
    let env = Env::new();
    // Most starter recipes use conditions, which llm, GitHub Models and Claude Code
    // commands cannot carry: refused with the position. The others go through llm itself.
    let mut jobs = Vec::new();
    let mut want = Vec::new();
    for (name, cases) in starters() {
        for format in ["llm", "github-prompt", "claude-command"] {
            let run = env
                .cmd(&["export", &name, "--as", format, "--dir", "flat"])
                .run();
            if run.code == 0 {
                assert!(run.stderr().contains("Wrote flat/"), "{}", run.stderr());
                if format == "llm" {
                    for values in &cases {
                        jobs.push(json!({"tool": "llm", "file": env.path(&format!("flat/{name}.yaml")), "values": values}));
                        want.push((
                            name.clone(),
                            promptbook_messages(&env, &name, values, false),
                        ));
                    }
                }
                continue;
            }
            assert!(
                run.code == 3
                    && run.stderr().contains("has no equivalent in")
                    && run.stderr().contains(&format!("error: {name}:")),
                "{name} as {format}: {}",
                run.stderr()
            );
        }
    }
    for ((name, mine), got) in want.iter().zip(run_tool(false, &jobs)) {
        let messages = got["messages"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: {got}"));
        assert_eq!(&normalise(messages, false), mine, "{name} through llm");
    }
    // What they can carry: recipes made of text and variables.
    env.write("flat.yaml", "name: flat\ntitle: Flat\nvariables:\n  topic: { type: string, required: true }\n  tone: { type: choice, choices: [warm, dry], default: warm }\nsystem: You write $-priced {{tone}} notes.\nprompt: |\n  Write about {{topic}} in a {{tone}} tone.\nexamples:\n  - input: { topic: tea }\n    output: Tea is nice.\n");
    env.cmd(&["add", "flat.yaml"]).ok().stderr_has("added flat");
    let run = env
        .cmd(&["export", "flat", "--as", "llm", "--dir", "out"])
        .ok();
    assert!(
        run.stderr()
            .contains("1 example(s) are not carried: an llm template has no turns"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("`tone`: llm does not check values"),
        "{}",
        run.stderr()
    );
    let file = env.path("out/flat.yaml");
    let cases = [
        json!({"topic": "rain"}),
        json!({"topic": "snow", "tone": "dry"}),
    ];
    let jobs: Vec<Value> = cases
        .iter()
        .map(|v| json!({"tool": "llm", "file": file, "values": v}))
        .collect();
    for (got, values) in run_tool(false, &jobs).iter().zip(&cases) {
        let messages = got["messages"]
            .as_array()
            .unwrap_or_else(|| panic!("{got}"));
        assert_eq!(
            normalise(messages, false),
            promptbook_messages(&env, "flat", values, false)
        );
    }
    // And llm's own executable, once: the same system prompt and prompt.
    let home = tempfile::tempdir().unwrap();
    let out = Command::new("llm")
        .args([
            "-t",
            file.to_str().unwrap(),
            "-m",
            "echo",
            "--no-log",
            "-p",
            "topic",
            "rain",
        ])
        .env("LLM_USER_PATH", home.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let echoed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mine = promptbook_messages(&env, "flat", &cases[0], false);
    assert_eq!(echoed["system"].as_str().unwrap().trim(), mine[0].1);
    assert_eq!(echoed["prompt"].as_str().unwrap().trim(), mine[1].1);
}

#[test]
fn every_exported_skill_passes_skills_ref() {
    if !tools("every_exported_skill_passes_skills_ref") {
        return;
    }
    let env = Env::new();
    let names: Vec<String> = starters().into_iter().map(|(n, _)| n).collect();
    let mut args = vec!["pack", "export", "--as", "claude-skill", "--dir", "skills"];
    args.extend(names.iter().map(String::as_str));
    env.cmd(&args)
        .ok()
        .stderr_has(&format!("Exported {} recipes as claude-skill", names.len()));
    let jobs: Vec<Value> = names
        .iter()
        .map(|n| json!({"tool": "skills-ref", "file": env.path(&format!("skills/{n}")), "values": {}}))
        .collect();
    for (name, result) in names.iter().zip(run_tool(false, &jobs)) {
        assert_eq!(result["errors"], json!([]), "{name}: {result}");
    }
    // And the command line itself, once.
    let status = Command::new("agentskills")
        .args(["validate", env.path("skills/blog-draft").to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn importing_an_export_gives_back_the_same_variables_and_messages() {
    let env = Env::new();
    let starters = starters();
    for format in ["dotprompt", "prompty", "claude-skill"] {
        let dir = env.path(&format!("out-{format}"));
        let mut args = vec![
            "pack",
            "export",
            "--as",
            format,
            "--dir",
            dir.to_str().unwrap(),
        ];
        let names: Vec<&str> = starters.iter().map(|(n, _)| n.as_str()).collect();
        args.extend(names.iter());
        env.cmd(&args).ok().stderr_has(&format!("as {format} to"));
        let again = Env::new();
        again
            .cmd(&["import", dir.to_str().unwrap()])
            .ok()
            .stderr_has(&format!("updated {} (now version 2)", starters[0].0));
        for (name, cases) in &starters {
            for values in cases.iter().take(1) {
                assert_eq!(
                    promptbook_messages(&again, name, values, true),
                    promptbook_messages(&env, name, values, true),
                    "{name} through {format}"
                );
            }
            let a = again.cmd(&["export", name]).ok().stdout.clone();
            let b = env.cmd(&["export", name]).ok().stdout.clone();
            let vars = |y: &str| -> Vec<String> {
                let v = serde_saphyr_value(y);
                v["variables"]
                    .as_object()
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default()
            };
            assert_eq!(vars(&a), vars(&b), "{name} through {format}: variables");
        }
    }
}

#[test]
fn fixtures_import_cleanly_pass_lint_and_render_as_their_tools_render_them() {
    let env = Env::new();
    for dir in [
        "fabric/patterns",
        "dotprompt",
        "prompty",
        "llm",
        "github",
        "claude",
    ] {
        let run = env.cmd(&["import", &format!("{FIXTURES}/{dir}")]).ok();
        assert!(run.stderr().contains("added "), "{dir}: {}", run.stderr());
    }
    let lint = env.cmd(&["lint", "--json"]).ok().stderr_has("no errors");
    let report: Value = serde_json::from_str(&lint.stdout).unwrap();
    assert_eq!(report["errors"], json!(0), "{}", lint.stdout);
    // Literal braces in a Fabric pattern stay literal.
    let out = env
        .cmd(&["render", "extract-ideas", "--var", "text=a talk"])
        .ok();
    assert!(
        out.stdout.contains("write {{idea}} in their notes"),
        "{}",
        out.stdout
    );
    // A dollar in a Claude Code command and in an llm template stays a dollar.
    env.cmd(&["render", "fix-issue", "--var", "arguments=42"])
        .ok()
        .stdout_has("Find and fix issue #42.")
        .stdout_has("Costs are in $ (dollars).");
    env.cmd(&[
        "render",
        "price-note",
        "--var",
        "product=tea",
        "--var",
        "price=5",
    ])
    .ok()
    .stdout_has("tea now costs $5.");
    env.cmd(&[
        "render",
        "review-pr",
        "--var",
        "pr_number=7",
        "--var",
        "priority=high",
    ])
    .ok()
    .stdout_has("Review pull request #7 with priority high.");

    if !tools("fixtures_import_cleanly_pass_lint_and_render_as_their_tools_render_them") {
        return;
    }
    let values: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{FIXTURES}/values.json")).unwrap())
            .unwrap();
    let mut py = Vec::new();
    let mut node = Vec::new();
    let mut want = Vec::new();
    let mut node_want = Vec::new();
    for (rel, cases) in values.as_object().unwrap() {
        let file = format!("{FIXTURES}/{rel}");
        let stem = Path::new(rel)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .split('.')
            .next()
            .unwrap()
            .to_string();
        let tool = match rel.split('/').next().unwrap() {
            "dotprompt" => "dotpromptz",
            "prompty" => "prompty",
            _ => "llm",
        };
        for v in cases.as_array().unwrap() {
            // promptbook's variable names are snake_case.
            let pb_values: serde_json::Map<String, Value> = v
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, x)| {
                    (
                        if k == "customerName" {
                            "customer_name".into()
                        } else {
                            k.clone()
                        },
                        x.clone(),
                    )
                })
                .collect();
            let mine = promptbook_messages(&env, &stem, &Value::Object(pb_values), tool != "llm");
            py.push(json!({"tool": tool, "file": file, "values": v}));
            want.push((format!("{rel} with {tool}"), mine.clone()));
            if tool == "dotpromptz" {
                node.push(json!({"file": file, "values": v}));
                node_want.push((format!("{rel} with dotprompt (npm)"), mine));
            }
        }
    }
    for ((what, mine), got) in want.iter().chain(&node_want).zip(
        run_tool(false, &py)
            .into_iter()
            .chain(run_tool(true, &node)),
    ) {
        let messages = got["messages"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: {got}"));
        assert_eq!(&normalise(messages, true), mine, "{what}");
    }
}

#[test]
fn bad_sources_are_refused_with_where_and_why_and_nothing_is_written() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    env.cmd(&["import", "x", "--from", "dotprompts"])
        .fails(2)
        .stderr_has("unknown format `dotprompts`")
        .stderr_has("did you mean `dotprompt`?");
    env.write("notes.txt", "hello\n");
    env.cmd(&["import", "notes.txt"])
        .fails(2)
        .stderr_has("notes.txt: not a format promptbook can import")
        .stderr_has("--from FORMAT");
    env.write(
        "cut.prompt",
        "---\nmodel: x\ninput:\n  schema:\n    a: string\n",
    );
    env.cmd(&["import", "cut.prompt"])
        .fails(3)
        .stderr_has("cut.prompt:1:1: the front matter opened by `---` on line 1 is never closed");
    env.write(
        "upper.prompty",
        "---\nname: x\n---\nsystem:\nBe brief.\n\nuser:\nHello {{ name | upper }}\n",
    );
    env.cmd(&["import", "upper.prompty"])
        .fails(3)
        .stderr_has("upper.prompty:8:7: the Jinja filter `upper` has no promptbook helper")
        .stderr_has("filters that translate: join");
    env.write(
        "loopy.prompty",
        "user:\n{% for a, b in pairs %}{{ a }}{% endfor %}\n",
    );
    env.cmd(&["import", "loopy.prompty"])
        .fails(3)
        .stderr_has("loopy.prompty:2:1: `{% for a, b in … %}`: only one loop variable translates");
    env.write("p/main.prompt", "Hi {{> greeting}}\n");
    env.cmd(&["import", "p/main.prompt"])
        .fails(3)
        .stderr_has("main.prompt:1:4: the partial `greeting` is missing")
        .stderr_has("create _greeting.prompt beside the prompt");
    env.write("pats/good/system.md", "Do it.\n");
    env.write("pats/broken/user.md", "Work on:\n");
    env.cmd(&["import", "pats"])
        .fails(3)
        .stderr_has("broken: a Fabric pattern folder needs a system.md");
    env.write(
        "skills/PDF_Tool/SKILL.md",
        "---\nname: PDF_Tool\ndescription: Reads PDFs.\n---\nRead it.\n",
    );
    env.cmd(&["import", "skills/PDF_Tool"])
        .fails(3)
        .stderr_has("name `PDF_Tool` is not a valid name")
        .stderr_has("write `name: pdf-tool`");
    env.write("loop/one.prompt", "Say {{word}}.\n");
    std::os::unix::fs::symlink(env.path("loop"), env.path("loop/again")).unwrap();
    env.cmd(&["import", "loop"])
        .fails(3)
        .stderr_has("symbolic link loop");
    // One bad file among good ones: nothing is stored, and every bad file is named.
    env.write("mixed/good.prompt", "Say {{word}}.\n");
    env.write("mixed/bad.prompt", "Say {{#if word}}\n");
    env.write("mixed/worse.prompt", "{{media url=x}}\n");
    env.cmd(&["import", "mixed"])
        .fails(3)
        .stderr_has("bad.prompt:1:5: `{{#if}}` is never closed")
        .stderr_has("worse.prompt:1:1: named arguments (`url=x`)")
        .stderr_has("nothing was imported");
    env.cmd(&["import", "mixed", "--skip-bad", "--dry-run"])
        .ok()
        .stderr_has("mixed/good.prompt (dotprompt) → good")
        .stderr_has("dry run: nothing was stored");
    assert_eq!(
        env.dump(),
        before,
        "no failed or dry-run import wrote anything"
    );
    env.cmd(&["import", "mixed", "--skip-bad"])
        .ok()
        .stderr_has("skipped: ")
        .stderr_has("added good");
    env.cmd(&["render", "good", "--var", "word=hi"])
        .ok()
        .stdout_has("Say hi.");
}

#[test]
fn export_refuses_what_a_format_cannot_hold() {
    let env = Env::new();
    env.cmd(&["export", "blog-draft", "--as", "fabric"])
        .fails(2)
        .stderr_has("Fabric patterns are imported, not exported");
    env.cmd(&["export", "blog-draft", "--as", "prompt"])
        .fails(2)
        .stderr_has("unknown format `prompt`");
    env.cmd(&["export", "blog-draft", "--as", "claude-skill", "-o", "x.md"])
        .fails(2)
        .stderr_has("a skill is a folder");
    env.write(
        "chat.yaml",
        "name: chat\ntitle: Chat\nmessages:\n  - role: user\n    content: Hi.\n  - role: assistant\n    content: Hello.\n  - role: user\n    content: Tell me a joke.\n",
    );
    env.cmd(&["add", "chat.yaml"]).ok().stderr_has("added chat");
    env.cmd(&["export", "chat", "--as", "claude-command"])
        .fails(2)
        .stderr_has("a Claude Code command is one message");
    env.cmd(&["export", "chat", "--as", "llm"])
        .fails(2)
        .stderr_has("an llm template has one prompt");
    // A whole pack in a format that cannot carry one of the recipes: nothing is written.
    env.cmd(&[
        "pack",
        "export",
        "blog-draft",
        "invoice-extract",
        "--as",
        "llm",
        "--dir",
        "out",
    ])
    .fails(2)
    .stderr_has("blog-draft: blog-draft:")
    .stderr_has("nothing was written");
    assert!(!env.path("out").exists());
    // What a format cannot say is named at its line and column in the recipe file, also on
    // a later line of an indented block.
    env.write(
        "lister.yaml",
        "name: lister\ntitle: L\nvariables:\n  items: { type: list, default: [a, b] }\nprompt: |\n  Items:\n    {{#each items}}{{this}}{{/each}}\n",
    );
    env.cmd(&["add", "lister.yaml"])
        .ok()
        .stderr_has("added lister");
    env.cmd(&["export", "lister", "--as", "llm"])
        .fails(3)
        .stderr_has("error: lister:7:5: `{{#each}}` has no equivalent in an llm template");
}

#[test]
fn an_import_reports_what_each_file_became_and_what_was_not_carried() {
    let env = Env::new();
    let src = Path::new(FIXTURES).join("claude/.claude/commands");
    for f in ["fix-issue.md", "review-pr.md"] {
        env.write(
            &format!(".claude/commands/{f}"),
            std::fs::read(src.join(f)).unwrap(),
        );
    }
    let run = env.cmd(&["import", ".claude/commands"]).ok();
    // The first command says where it created the library: a temporary path.
    let report: String = run
        .stderr()
        .lines()
        .filter(|l| !l.starts_with("Created a new library at "))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("import_claude_commands", report);
    // Imported recipes are ordinary recipes: shown, rendered, exported back.
    env.cmd(&["export", "review-pr", "--as", "claude-command"])
        .ok()
        .stderr_has("the variables are the command's arguments in order (pr_number, priority)")
        .stdout_has("argument-hint: \"[pr-number] [priority]\"")
        .stdout_has("Review pull request #$1 with priority $2.");
}

/// Importing a file whose name is already taken stores a new version of that recipe, and says
/// so with the way back: an unrelated recipe of the same name is never replaced silently.
#[test]
fn an_import_onto_a_taken_name_says_how_to_undo_it() {
    let env = Env::new();
    env.write("notes.yaml", "prompt: Summarise $input\n");
    env.cmd(&["import", "notes.yaml", "--from", "llm"])
        .ok()
        .stderr_has("added notes");
    env.write("notes.yaml", "prompt: Translate $input\n");
    env.cmd(&["import", "notes.yaml", "--from", "llm"])
        .ok()
        .stderr_has(
            "updated notes (now version 2): a recipe of that name was already in the library",
        )
        .stderr_has("`promptbook revert notes 1` undoes it");
}
