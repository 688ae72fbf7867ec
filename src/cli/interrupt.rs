//! Ctrl-C during interactive questions: exit 130 with one message, whichever way the
//! interrupt arrives.
//!
//! A Ctrl-C reaches promptbook two ways at once: the widget reading the key reports an
//! interrupted read (an [`ErrorKind::Interrupted`](crate::ErrorKind::Interrupted) error),
//! and the terminal library raises SIGINT, which the handler installed by [`install`] sees
//! on its own thread. Both call [`exit`]; the first one prints the message and exits, the
//! other waits for the exit. Ctrl-C at any other moment (while rendering, say) is caught
//! by the handler alone. Nothing is half-written: the library is only written after the
//! person picked what to do with the prompt, in one transaction.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::Error;

static EXITING: AtomicBool = AtomicBool::new(false);

/// Makes SIGINT (Ctrl-C) end promptbook with exit code 130 and the cancel message, for
/// the time questions may be asked. Idempotent.
pub fn install() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if !INSTALLED.swap(true, Ordering::SeqCst) {
        let _ = ctrlc::set_handler(|| exit(&crate::fill::cancelled()));
    }
}

/// Restores the terminal, reports `e` (a cancel) once, and exits with its code (130).
pub fn exit(e: &Error) -> ! {
    if EXITING.swap(true, Ordering::SeqCst) {
        // The other path is already reporting and exiting.
        loop {
            std::thread::park();
        }
    }
    let term = dialoguer::console::Term::stderr();
    let _ = term.show_cursor();
    eprintln!();
    super::report(e);
    std::process::exit(e.exit_code());
}
