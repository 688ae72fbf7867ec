//! The `promptbook` binary: parse arguments, run the command, map errors to exit codes.
//! `web` and `mcp` are handed to `promptbook-server` (src/bin/promptbook-server.rs), so this
//! binary carries no server code.

fn main() {
    // A copy to the X11 clipboard re-runs this binary as a detached holder process; it must
    // take over before anything else runs.
    promptbook::clipboard::run_holder_if_requested();
    std::process::exit(promptbook::cli::main(promptbook::cli::Servers::beside()));
}
