//! OSC 52: asking the terminal to set the clipboard of the machine it runs on, which is
//! the only clipboard reachable from an SSH session without a display.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{Failure, command};

/// The OSC 52 sequence that sets the clipboard to `text`: `ESC ] 52 ; c ; <base64> BEL`,
/// wrapped in tmux's passthrough (`ESC P tmux; ESC <sequence> ESC \`) when `tmux` is
/// true; public so other faces and tests produce exactly the same bytes.
pub fn osc52_sequence(text: &str, tmux: bool) -> String {
    let seq = format!("\x1b]52;c;{}\x07", STANDARD.encode(text.as_bytes()));
    if tmux {
        // Inside the passthrough every ESC is doubled; the sequence has just the one.
        format!("\x1bPtmux;\x1b{seq}\x1b\\")
    } else {
        seq
    }
}

/// Writes the sequence to the controlling terminal (`/dev/tty`), or to standard error
/// when that is a terminal; the write is bounded so a terminal paused with Ctrl-S
/// cannot hang promptbook.
pub(super) fn copy(text: &str, tmux: bool, timeout: Duration) -> Result<(), Failure> {
    let seq = osc52_sequence(text, tmux);
    let tty = std::fs::OpenOptions::new().write(true).open("/dev/tty");
    let (target, result) = match tty {
        Ok(mut tty) => (
            "/dev/tty",
            command::with_timeout(timeout, move || {
                tty.write_all(seq.as_bytes()).and_then(|()| tty.flush())
            }),
        ),
        Err(tty_err) => {
            if !std::io::stderr().is_terminal() {
                return Err(Failure::new(format!(
                    "no terminal to send it to (/dev/tty: {tty_err}; standard error is not a terminal)"
                )));
            }
            (
                "standard error",
                command::with_timeout(timeout, move || {
                    let mut err = std::io::stderr().lock();
                    err.write_all(seq.as_bytes()).and_then(|()| err.flush())
                }),
            )
        }
    };
    match result {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(Failure::new(format!("could not write to {target}: {e}"))),
        None => Err(Failure::stuck(format!(
            "writing to {target} did not finish within {} (is the terminal paused?)",
            command::secs(timeout)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_tmux_sequences() {
        assert_eq!(osc52_sequence("hi", false), "\x1b]52;c;aGk=\x07");
        assert_eq!(
            osc52_sequence("hi", true),
            "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
        );
        assert_eq!(osc52_sequence("", false), "\x1b]52;c;\x07");
    }
}
