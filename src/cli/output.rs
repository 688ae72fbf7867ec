//! Writing results: to standard output (quietly stopping when a pager or `head` closes it),
//! or to a file.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Where results go, and whether it is a terminal (for colour and highlights).
pub struct Out {
    pub is_terminal: bool,
    pub color: bool,
}

impl Out {
    /// Standard output, with colour only on a terminal and when `NO_COLOR` is unset.
    pub fn new() -> Self {
        let is_terminal = std::io::stdout().is_terminal();
        let color = is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Out { is_terminal, color }
    }

    /// Prints `text` as it is. A closed pipe ends the output silently.
    pub fn print(&self, text: &str) -> Result<()> {
        let mut stdout = std::io::stdout().lock();
        match stdout
            .write_all(text.as_bytes())
            .and_then(|_| stdout.flush())
        {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(Error::failed(format!("cannot write the output: {e}"))),
        }
    }

    /// Prints `text` followed by a newline.
    pub fn line(&self, text: &str) -> Result<()> {
        let mut s = String::with_capacity(text.len() + 1);
        s.push_str(text);
        s.push('\n');
        self.print(&s)
    }

    /// Bold on a colour terminal, plain otherwise.
    pub fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

impl Default for Out {
    fn default() -> Self {
        Out::new()
    }
}

/// Writes `text` to `path` (replacing it), and says so on standard error.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| {
        Error::failed(format!("cannot write {}: {e}", path.display()))
            .hint("check that the folder exists and you may write to it")
    })?;
    eprintln!("Wrote {} bytes to {}", text.len(), path.display());
    Ok(())
}

/// Lays out rows in columns padded to the widest cell (the last column is not padded).
pub fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.extend(std::iter::repeat_n(
                    ' ',
                    widths[i] - cell.chars().count() + 2,
                ));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
