//! The real [`Prompter`]: dialoguer's widgets (select, fuzzy select, confirm, editor)
//! drawn on standard error, plus a small line editor.
//!
//! Why a line editor of our own: dialoguer's `Input` ignores Esc, and Esc must cancel at
//! every question. The editor here pre-fills the default (Enter keeps it), supports the
//! usual keys (←/→, Home/End, Backspace/Delete, Ctrl-U, Ctrl-W, Ctrl-A/E) and redraws
//! lines that wrap.

use std::io::IsTerminal;

use dialoguer::console::{Key, Term, measure_text_width, style};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Editor, FuzzySelect, Select};

use super::{Prompter, cancelled};
use crate::error::{Error, Result};

/// Questions on the terminal: drawn on standard error, keys read from the terminal.
pub struct Terminal {
    term: Term,
    theme: Box<dyn Theme>,
    color: bool,
}

impl Terminal {
    /// Standard error as the terminal, with colour unless `NO_COLOR` is set.
    pub fn new() -> Terminal {
        let term = Term::stderr();
        let color = std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let theme: Box<dyn Theme> = if color {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        };
        Terminal { term, theme, color }
    }

    /// Whether questions can be asked: standard input and standard error are terminals.
    /// (Otherwise promptbook never asks: it would hang a script or CI.)
    pub fn available() -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }

    /// dialoguer redraws its prompt by counting lines, which goes wrong when a long prompt
    /// wraps; so a prompt wider than the terminal is written once above the widget, and
    /// the widget gets a short one.
    fn widget_prompt(&self, prompt: &str) -> Result<String> {
        let width = usize::from(self.term.size().1);
        if measure_text_width(prompt) + 4 <= width {
            return Ok(prompt.to_string());
        }
        self.term.write_line(prompt).map_err(io_error)?;
        Ok("answer".to_string())
    }

    fn prompt_text(&self, prompt: &str) -> String {
        if self.color {
            style(format!("? {prompt}: ")).bold().to_string()
        } else {
            format!("{prompt}: ")
        }
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Terminal::new()
    }
}

/// Maps dialoguer's errors: Ctrl-C (an interrupted read) is a cancel like Esc.
fn widget_error(e: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = e;
    io_error(io)
}

fn io_error(io: std::io::Error) -> Error {
    match io.kind() {
        std::io::ErrorKind::Interrupted => cancelled(),
        std::io::ErrorKind::NotConnected => Error::usage("cannot ask questions: not a terminal")
            .hint("pass the values with --var NAME=VALUE"),
        _ => Error::failed(format!("the terminal failed: {io}")),
    }
}

impl Prompter for Terminal {
    fn say(&mut self, text: &str) -> Result<()> {
        self.term.write_line(text).map_err(io_error)
    }

    fn warn(&mut self, text: &str) -> Result<()> {
        let line = if self.color {
            style(format!("  ✗ {text}")).red().to_string()
        } else {
            format!("  ✗ {text}")
        };
        self.term.write_line(&line).map_err(io_error)
    }

    fn line(&mut self, prompt: &str, initial: &str) -> Result<String> {
        let prompt = self.prompt_text(prompt);
        LineEditor::new(&self.term, &prompt, initial).run()
    }

    fn lines(&mut self, prompt: &str, note: &str, initial: &str) -> Result<String> {
        let head = if self.color {
            style(format!("? {prompt}")).bold().to_string()
        } else {
            prompt.to_string()
        };
        let _raw = RawMode::on();
        self.term.write_line(&head).map_err(io_error)?;
        if !note.is_empty() {
            self.term.write_line(note).map_err(io_error)?;
        }
        // Bracketed paste: the terminal marks pasted text, so blank lines inside a paste
        // (an email, a diff) do not end the answer; only an empty line typed after it does.
        let _paste = BracketedPaste::on(&self.term);
        let mut lines: Vec<String> = Vec::new();
        let mut first = initial.to_string();
        let mut in_paste = false;
        loop {
            let mut ed = LineEditor::new(&self.term, "> ", &std::mem::take(&mut first));
            ed.in_paste = in_paste;
            let (line, pasted) = ed.run_line()?;
            in_paste = pasted;
            if line.is_empty() && !pasted {
                break;
            }
            lines.push(line);
        }
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        Ok(lines.join("\n"))
    }

    fn editor_name(&self) -> Option<String> {
        ["VISUAL", "EDITOR"]
            .iter()
            .filter_map(std::env::var_os)
            .map(|v| v.to_string_lossy().trim().to_string())
            .find(|v| !v.is_empty())
    }

    fn edit(&mut self, initial: &str) -> Result<Option<String>> {
        let editor = self.editor_name().unwrap_or_else(|| "vi".into());
        Editor::new()
            .executable(&editor)
            .extension(".md")
            .edit(initial)
            .map_err(|e| {
                let dialoguer::Error::IO(io) = e;
                if io.kind() == std::io::ErrorKind::Interrupted {
                    return cancelled();
                }
                Error::failed(format!("could not run your editor `{editor}`: {io}"))
                    .hint("set VISUAL or EDITOR to an editor that is installed, e.g. nano")
            })
    }

    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize> {
        let prompt = self.widget_prompt(prompt)?;
        Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .max_length(12)
            .interact_on_opt(&self.term)
            .map_err(widget_error)?
            .ok_or_else(cancelled)
    }

    fn fuzzy_select(&mut self, prompt: &str, items: &[String]) -> Result<usize> {
        FuzzySelect::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(items)
            .default(0)
            .max_length(12)
            .interact_on_opt(&self.term)
            .map_err(widget_error)?
            .ok_or_else(cancelled)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        let prompt = self.widget_prompt(prompt)?;
        Confirm::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .default(default)
            .wait_for_newline(true)
            .interact_on_opt(&self.term)
            .map_err(widget_error)?
            .ok_or_else(cancelled)
    }
}

/// Keeps the terminal in raw mode while it lives (restoring the settings it found).
///
/// Why: the key reader switches raw mode on and off around every key, so keys that arrive
/// between two reads — a paste, or keys typed ahead — would meet the terminal's cooked
/// mode: echoed twice, Backspace or Ctrl-U applied by the terminal instead of the editor,
/// a long line cut at 4 KiB. Holding raw mode for a whole answer avoids all of that.
#[cfg(unix)]
struct RawMode {
    saved: rustix::termios::Termios,
}

#[cfg(unix)]
impl RawMode {
    /// Raw mode on standard input, if it is a terminal (else `None`: keys are read the
    /// ordinary way).
    fn on() -> Option<RawMode> {
        use rustix::termios::{OptionalActions, tcgetattr, tcsetattr};
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return None;
        }
        let saved = tcgetattr(&stdin).ok()?;
        let mut raw = saved.clone();
        raw.make_raw();
        // Keep output processing, so a newline still returns to the first column.
        raw.output_modes = saved.output_modes;
        tcsetattr(&stdin, OptionalActions::Now, &raw).ok()?;
        Some(RawMode { saved })
    }
}

#[cfg(unix)]
impl Drop for RawMode {
    fn drop(&mut self) {
        use rustix::termios::{OptionalActions, tcsetattr};
        let _ = tcsetattr(std::io::stdin(), OptionalActions::Now, &self.saved);
    }
}

#[cfg(not(unix))]
struct RawMode;

#[cfg(not(unix))]
impl RawMode {
    fn on() -> Option<RawMode> {
        None
    }
}

/// Turns on the terminal's bracketed paste mode while it lives.
struct BracketedPaste<'t>(&'t Term);

impl<'t> BracketedPaste<'t> {
    fn on(term: &'t Term) -> Self {
        let _ = term.write_str("\x1b[?2004h");
        BracketedPaste(term)
    }
}

impl Drop for BracketedPaste<'_> {
    fn drop(&mut self) {
        let _ = self.0.write_str("\x1b[?2004l");
    }
}

/// One line of input with a pre-filled value, drawn after `prompt`.
struct LineEditor<'t> {
    term: &'t Term,
    prompt: String,
    chars: Vec<char>,
    pos: usize,
    /// The row of the cursor, counted from the row the prompt starts on.
    cursor_row: usize,
    /// Inside a bracketed paste (between `ESC [200~` and `ESC [201~`).
    in_paste: bool,
}

impl<'t> LineEditor<'t> {
    fn new(term: &'t Term, prompt: &str, initial: &str) -> Self {
        let chars: Vec<char> = initial.chars().collect();
        LineEditor {
            term,
            prompt: prompt.to_string(),
            pos: chars.len(),
            chars,
            cursor_row: 0,
            in_paste: false,
        }
    }

    fn run(self) -> Result<String> {
        let _raw = RawMode::on();
        self.run_line().map(|(line, _)| line)
    }

    /// Reads the line; also says whether it ended inside a bracketed paste.
    fn run_line(mut self) -> Result<(String, bool)> {
        self.draw().map_err(io_error)?;
        loop {
            let key = self.term.read_key_raw().map_err(io_error)?;
            match key {
                Key::Enter => {
                    self.pos = self.chars.len();
                    self.draw().map_err(io_error)?;
                    self.term.write_str("\n").map_err(io_error)?;
                    return Ok((self.chars.iter().collect(), self.in_paste));
                }
                // The paste markers `ESC [200~` and `ESC [201~` arrive as an unknown
                // sequence `[20` followed by `0~` or `1~`.
                Key::UnknownEscSeq(seq) if seq == ['[', '2', '0'] => {
                    let a = self.term.read_key_raw().map_err(io_error)?;
                    let b = self.term.read_key_raw().map_err(io_error)?;
                    match (a, b) {
                        (Key::Char('0'), Key::Char('~')) => self.in_paste = true,
                        (Key::Char('1'), Key::Char('~')) => self.in_paste = false,
                        _ => {}
                    }
                    continue;
                }
                Key::Escape | Key::CtrlC if !self.in_paste || key == Key::CtrlC => {
                    let _ = self.term.write_str("\n");
                    return Err(cancelled());
                }
                Key::Char(c) if !c.is_control() => {
                    self.chars.insert(self.pos, c);
                    self.pos += 1;
                }
                Key::Backspace | Key::Char('\u{8}') if self.pos > 0 => {
                    self.pos -= 1;
                    self.chars.remove(self.pos);
                }
                Key::Del if self.pos < self.chars.len() => {
                    self.chars.remove(self.pos);
                }
                Key::ArrowLeft if self.pos > 0 => self.pos -= 1,
                Key::ArrowRight if self.pos < self.chars.len() => self.pos += 1,
                Key::Home | Key::Char('\u{1}') => self.pos = 0,
                Key::End | Key::Char('\u{5}') => self.pos = self.chars.len(),
                // Ctrl-U: clear the line (to type a new value over the default).
                Key::Char('\u{15}') => {
                    self.chars.clear();
                    self.pos = 0;
                }
                // Ctrl-W: delete the word before the cursor.
                Key::Char('\u{17}') => {
                    let mut start = self.pos;
                    while start > 0 && self.chars[start - 1].is_whitespace() {
                        start -= 1;
                    }
                    while start > 0 && !self.chars[start - 1].is_whitespace() {
                        start -= 1;
                    }
                    self.chars.drain(start..self.pos);
                    self.pos = start;
                }
                // Ctrl-D on an empty line ends input like an empty line.
                Key::Char('\u{4}') if self.chars.is_empty() => {
                    self.term.write_str("\n").map_err(io_error)?;
                    return Ok((String::new(), false));
                }
                // A tab inside pasted text (code, tables) is kept.
                Key::Tab if self.in_paste => {
                    self.chars.insert(self.pos, '\t');
                    self.pos += 1;
                }
                _ => continue,
            }
            self.draw().map_err(io_error)?;
        }
    }

    /// Redraws the prompt and the text, and puts the cursor at `pos`. Handles text that
    /// wraps over several rows.
    fn draw(&mut self) -> std::io::Result<()> {
        let width = usize::from(self.term.size().1).max(2);
        let t = self.term;
        if self.cursor_row > 0 {
            t.move_cursor_up(self.cursor_row)?;
        }
        t.write_str("\r")?;
        t.clear_to_end_of_screen()?;
        let text: String = self.chars.iter().collect();
        t.write_str(&self.prompt)?;
        t.write_str(&text)?;
        let prompt_w = measure_text_width(&self.prompt);
        let total = prompt_w + measure_text_width(&text);
        if total > 0 && total.is_multiple_of(width) {
            // The cursor waits in the last column; move it to the next row explicitly.
            t.write_str(" \r")?;
        }
        let end_row = total / width;
        let before: String = self.chars[..self.pos].iter().collect();
        let at = prompt_w + measure_text_width(&before);
        let (row, col) = (at / width, at % width);
        if end_row > row {
            t.move_cursor_up(end_row - row)?;
        }
        t.write_str("\r")?;
        if col > 0 {
            t.move_cursor_right(col)?;
        }
        t.flush()?;
        self.cursor_row = row;
        Ok(())
    }
}
