//! A tiny binary for the clipboard tests (until they drive `promptbook render --copy`):
//! reads the text from standard input and copies it.
//!
//! Usage: `clipboard_demo [--clipboard BACKEND]`; prints the one-line report (or the
//! error) to standard error and exits 0 on success, 1 on failure, 2 on a bad argument.

use std::io::Read;
use std::process::ExitCode;

use promptbook::clipboard::{self, Backend};

fn main() -> ExitCode {
    // First thing: this process may be the X11 clipboard holder.
    clipboard::run_holder_if_requested();

    let mut backend = Backend::Auto;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let name = match arg.as_str() {
            "--clipboard" => args.next().unwrap_or_default(),
            other => other.to_string(),
        };
        match name.parse() {
            Ok(b) => backend = b,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }

    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("error: could not read standard input: {e}");
        return ExitCode::from(2);
    }
    match clipboard::copy(&text, backend) {
        Ok(copied) => {
            // A rough estimate is enough for a demo; promptbook uses its tokenizer.
            let tokens = text.len().div_ceil(4);
            eprintln!(
                "{} [{}]",
                clipboard::copied_message(copied.chars, Some(tokens)),
                copied.backend
            );
            if let Some(note) = copied.note() {
                eprintln!("{note}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
