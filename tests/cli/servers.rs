//! `promptbook web` and `promptbook mcp` run in `promptbook-server`, installed beside
//! `promptbook` (the web and MCP tests go through that hand-off). Here: what a person sees
//! when the second binary is missing, cannot run, or comes from another build.

use std::path::{Path, PathBuf};

use crate::support::Env;

/// `promptbook` in a folder of its own (`bin/`), as when someone copies only that file.
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

const BUILD_BOTH: &str = "in a clone of promptbook, `cargo build --release` builds both \
     binaries (`cargo run` builds only the one it runs) and `cargo install --path .` installs both";

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
                 beside this promptbook (looked for {})\n  hint: {BUILD_BOTH}; if you copied \
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

#[cfg(unix)]
#[test]
fn a_promptbook_server_that_cannot_run_says_why() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let lone = promptbook_alone(&env);
    let server = env.write("bin/promptbook-server", "not a program\n");
    std::fs::set_permissions(&server, std::fs::Permissions::from_mode(0o644)).unwrap();
    env.cmd_of(&lone, &["mcp"])
        .fails(1)
        .stderr_has(&format!("error: could not start {}", server.display()))
        .stderr_has(&format!(
            "hint: it is not marked as a program you may run: `chmod +x {}`",
            server.display()
        ));
}

/// A `promptbook` started through a symbolic link (as `~/.local/bin/promptbook` often is)
/// finds `promptbook-server` beside the real file.
#[cfg(unix)]
#[test]
fn through_a_symbolic_link_the_server_beside_the_real_file_is_used() {
    let env = Env::new();
    let dir = env.path("links");
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("promptbook");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_promptbook"), &link).unwrap();
    // The MCP server ends cleanly when its client closes standard input (here at once).
    let run = env
        .cmd_of(&link, &["mcp"])
        .ok()
        .stderr_has("promptbook mcp: serving 24 recipes");
    assert_eq!(run.stdout, "");
}

#[test]
fn a_promptbook_server_from_another_build_refuses_to_serve() {
    let env = Env::new();
    let server = Path::new(env!("CARGO_BIN_EXE_promptbook-server"));
    env.cmd(&["list"]).ok();
    let before = env.dump();
    for args in [&["web", "--no-open"][..], &["mcp"]] {
        env.cmd_of(server, args)
            .env("PROMPTBOOK_HANDED_OFF_BY", "0.0.1+0123456789abcdef")
            .fails(1)
            .stderr_has(
                "error: promptbook-server was built from other sources than the promptbook \
                 that started it (",
            )
            .stderr_has(
                "here, 0.0.1+0123456789abcdef there), so it may not read the library the same way",
            )
            .stderr_has(&format!("hint: build or install both again: {BUILD_BOTH}"));
    }
    assert_eq!(env.dump(), before, "nothing was served or changed");
    // Started by this build's promptbook, it serves (the MCP server ends with its input).
    env.cmd(&["mcp"])
        .ok()
        .stderr_has("promptbook mcp: serving 24 recipes");
}
