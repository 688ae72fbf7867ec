//! `promptbook web` and `promptbook mcp` run in `promptbook-server`, installed beside
//! `promptbook` (the web and MCP tests go through that hand-off). Here: what a person sees
//! when the second binary is missing or from another version.

use std::path::{Path, PathBuf};

use crate::support::Env;

/// `promptbook` alone in a folder of its own, as when someone copies only that file.
fn promptbook_alone(env: &Env) -> PathBuf {
    let dir = env.path("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let lone = dir.join("promptbook");
    let built = Path::new(env!("CARGO_BIN_EXE_promptbook"));
    if std::fs::hard_link(built, &lone).is_err() {
        std::fs::copy(built, &lone).unwrap();
    }
    lone
}

#[test]
fn without_promptbook_server_beside_it_web_and_mcp_say_what_to_install() {
    let env = Env::new();
    let lone = promptbook_alone(&env);
    let looked_for = env.path("bin/promptbook-server");
    for command in ["web", "mcp"] {
        let run = env.cmd_of(&lone, &[command]).fails(1);
        assert_eq!(
            run.stderr(),
            format!(
                "error: the web page and the MCP server run in promptbook-server, which is not \
                 installed beside this promptbook (looked for {})\n  hint: `cargo install \
                 --path .` (or `cargo install promptbook`) installs both binaries; if you copied \
                 promptbook by hand, copy promptbook-server into the same folder\n",
                looked_for.display()
            )
        );
        assert_eq!(run.stdout, "");
        // Their help is the command line's own, and needs no server.
        env.cmd_of(&lone, &[command, "--help"])
            .ok()
            .stdout_has("Examples:");
    }
    // Every other command is whole without it.
    env.cmd_of(&lone, &["render", "blog-draft", "--var", "topic=tea"])
        .ok()
        .stdout_has("tea");
}

#[test]
fn a_promptbook_server_of_another_version_refuses_to_serve() {
    let env = Env::new();
    let server = Path::new(env!("CARGO_BIN_EXE_promptbook-server"));
    env.cmd(&["list"]).ok();
    let before = env.dump();
    for args in [&["web", "--no-open"][..], &["mcp"]] {
        env.cmd_of(server, args)
            .env("PROMPTBOOK_HANDED_OFF_BY", "0.0.1")
            .fails(1)
            .stderr_is(&format!(
                "error: promptbook-server is version {v}, but the promptbook that started it is \
                 version 0.0.1\n  hint: install both from the same build: `cargo install --path \
                 .` installs both binaries\n",
                v = env!("CARGO_PKG_VERSION")
            ));
    }
    assert_eq!(env.dump(), before, "nothing was served or changed");
}
