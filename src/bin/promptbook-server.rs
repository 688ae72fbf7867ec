//! The `promptbook-server` binary: the whole command line, with the web page and the MCP
//! server run here. `promptbook web` and `promptbook mcp` start it with their command line;
//! keeping the servers' code (tokio, axum, rmcp) out of `promptbook` lets every other
//! command, each a process of its own, map less.

fn main() {
    promptbook::clipboard::run_holder_if_requested();
    std::process::exit(promptbook::cli::main(promptbook::cli::Servers::here()));
}
