//! What the pack commands share: the progress bar, asking for confirmation, and diffs.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pack::Progress;

/// A progress bar on standard error when it is a terminal; nothing otherwise.
pub struct Bar {
    bar: ProgressBar,
    terminal: bool,
}

impl Bar {
    pub fn new() -> Bar {
        let bar = ProgressBar::hidden();
        bar.set_style(
            ProgressStyle::with_template("{msg:>18} [{bar:32}] {pos}/{len} {elapsed}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        Bar {
            bar,
            terminal: std::io::stderr().is_terminal(),
        }
    }
}

impl Progress for Bar {
    fn start(&self, step: &str, total: u64) {
        self.bar.reset();
        self.bar.set_length(total);
        self.bar.set_message(step.to_string());
        if self.terminal {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
        self.bar.set_draw_target(ProgressDrawTarget::hidden());
    }
}

/// A spinner with `message` on standard error while something slow runs (a git fetch), on a
/// terminal only; it disappears when dropped.
pub struct Spinner(ProgressBar);

impl Spinner {
    pub fn new(message: String) -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner(ProgressBar::hidden());
        }
        let bar = ProgressBar::new_spinner();
        bar.set_message(message);
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Spinner(bar)
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// A unified diff of two YAML texts, coloured when `color` (as `promptbook diff` shows it).
pub fn diff(before: &str, after: &str, from: &str, to: &str, color: bool) -> String {
    let text = crate::recipe::changes::unified(before, after, from, to);
    if color {
        crate::cli::output::colour_diff(&text)
    } else {
        text
    }
}

/// Says on standard error which files of the pack were passed over and why (a bundle built
/// into the pack folder, YAML that is not a recipe).
pub fn notes(pack: &crate::pack::Pack) {
    for note in &pack.notes {
        eprintln!("note: {note}");
    }
}

/// At most `max` names, then "… and N more".
pub fn some_of(names: &[String], max: usize) -> Vec<String> {
    let mut shown: Vec<String> = names.iter().take(max).cloned().collect();
    if names.len() > max {
        shown.push(format!("… and {} more", names.len() - max));
    }
    shown
}

pub use crate::cli::output::count;
