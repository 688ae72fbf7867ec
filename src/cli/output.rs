//! Writing results: to standard output (quietly stopping when a pager or `head` closes it),
//! or to a file.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};

/// Where results go, and whether it is a terminal (for colour and highlights).
pub struct Out {
    pub is_terminal: bool,
    pub color: bool,
}

/// The width tables are fitted to when nothing says otherwise: a classic terminal.
pub const DEFAULT_WIDTH: usize = 80;

impl Out {
    /// Standard output, with colour only on a terminal and when `NO_COLOR` is unset.
    pub fn new() -> Self {
        let is_terminal = std::io::stdout().is_terminal();
        let color = is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Out { is_terminal, color }
    }

    /// The width to fit tables to: `COLUMNS` when set to a number, else the terminal's
    /// width when standard output is one, else 80.
    pub fn width(&self) -> usize {
        if let Some(n) = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|n| *n > 0)
        {
            return n;
        }
        #[cfg(unix)]
        if self.is_terminal
            && let Ok(size) = rustix::termios::tcgetwinsize(std::io::stdout())
            && size.ws_col > 0
        {
            return usize::from(size.ws_col);
        }
        DEFAULT_WIDTH
    }

    /// [`table`] fitted to [`Out::width`]: see [`fit`].
    pub fn table(&self, rows: &[Vec<String>], shrink: &[usize]) -> String {
        fit(rows, self.width(), shrink)
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
    write_bytes(path, text.as_bytes())
}

/// Writes `bytes` to `path` whole or not at all: into a new file beside it, renamed over
/// `path` once everything is written, so a failure (a full disk, a folder in the way)
/// leaves no half-written file and the old one as it was. Says so on standard error.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    let cannot = |e: std::io::Error| {
        Error::failed(format!("cannot write {}: {e}", path.display()))
            .hint("check that the folder exists and you may write to it")
    };
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err(
                Error::failed(format!("cannot write {}: it is a folder", path.display()))
                    .hint("give a file name, e.g. add the file's name after the folder"),
            );
        }
        // A device or a pipe (`-o /dev/stdout`): there is nothing to replace, so write to it.
        Ok(m) if !m.is_file() => {
            std::fs::write(path, bytes).map_err(cannot)?;
            eprintln!("Wrote {} bytes to {}", bytes.len(), path.display());
            return Ok(());
        }
        _ => {}
    }
    let name = path
        .file_name()
        .ok_or_else(|| cannot(std::io::Error::other("no file name")))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let tmp = dir.join(format!(
        ".{}.promptbook-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(cannot(e));
    }
    eprintln!("Wrote {} bytes to {}", bytes.len(), path.display());
    Ok(())
}

/// Lays out rows in columns padded to the widest cell (the last column is not padded).
pub fn table(rows: &[Vec<String>]) -> String {
    fit(rows, usize::MAX, &[])
}

/// The narrowest a shrinking column gets: enough to recognise a word or two.
const MIN_SHRUNK: usize = 12;

/// Lays out rows like [`table`], no wider than `width` columns: while a line would be wider,
/// the `shrink` columns give up space, in that order (each down to a few characters), and
/// their cells that no longer fit end with `…`. Other columns are never cut, so a name stays whole
/// and can be copied; a table that cannot fit even so is left wider.
pub fn fit(rows: &[Vec<String>], width: usize, shrink: &[usize]) -> String {
    const GAP: usize = 2;
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(shown_width(cell));
        }
    }
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP * w.len().saturating_sub(1);
    for &c in shrink.iter().filter(|&&c| c < cols) {
        let over = total(&widths).saturating_sub(width);
        let spare = widths[c].saturating_sub(MIN_SHRUNK);
        widths[c] -= over.min(spare);
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let cell = if shrink.contains(&i) {
                truncate(cell, widths[i])
            } else {
                std::borrow::Cow::Borrowed(cell.as_str())
            };
            line.push_str(&cell);
            if i + 1 < row.len() {
                let pad = widths[i].saturating_sub(shown_width(&cell)) + GAP;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The columns `s` takes on a terminal (wide characters count two).
pub fn shown_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` cut to at most `width` columns, ending with `…` when it was cut.
pub fn truncate(s: &str, width: usize) -> std::borrow::Cow<'_, str> {
    use unicode_width::UnicodeWidthChar;
    if shown_width(s) <= width {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    std::borrow::Cow::Owned(out)
}

/// Asks `question` on the terminal. Without a terminal it never waits: it fails with
/// `refusal`, which says how to pass --yes.
pub fn confirm(question: &str, refusal: Error) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(refusal);
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let read = std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::failed(e.to_string()))?;
    if read == 0 {
        return Err(Error::new(
            ErrorKind::Interrupted,
            "cancelled; nothing was changed",
        ));
    }
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Red removals, green additions, cyan hunk headers, bold file headers.
pub fn colour_diff(diff: &str) -> String {
    let mut out = String::with_capacity(diff.len() + 256);
    for line in diff.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let code = if body.starts_with("+++") || body.starts_with("---") {
            "1"
        } else if body.starts_with("@@") {
            "36"
        } else if body.starts_with('+') {
            "32"
        } else if body.starts_with('-') {
            "31"
        } else {
            ""
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            out.push_str(&format!("\x1b[{code}m{body}\x1b[0m{nl}"));
        }
    }
    out
}

/// `1 recipe`, `2 recipes`: a count and its noun, plural when it is not one.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<String>> {
        [
            ["NAME", "TITLE", "MODEL"],
            [
                "blog-draft",
                "Blog post draft for a chosen audience and tone",
                "sonnet",
            ],
            ["日本語", "短い", "haiku"],
        ]
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
    }

    #[test]
    fn a_table_fits_the_width_by_cutting_only_the_shrinking_columns() {
        let wide = fit(&rows(), 200, &[1]);
        assert_eq!(wide, table(&rows()));
        let narrow = fit(&rows(), 40, &[1]);
        // In order: the first column named gives up what it can before the next.
        assert_eq!(
            fit(&rows(), 40, &[2, 1]).lines().nth(1),
            Some("blog-draft  Blog post draft for…  sonnet")
        );
        for line in narrow.lines() {
            assert!(shown_width(line) <= 40, "{line:?} is wider than 40");
        }
        assert!(
            narrow.contains("blog-draft  Blog post draft for…  sonnet"),
            "{narrow}"
        );
        // Wide characters count two columns: the next column still lines up.
        assert!(
            narrow.contains("日本語      短い                  haiku"),
            "{narrow}"
        );
        // Nothing to shrink: left as it is.
        assert_eq!(fit(&rows(), 20, &[]), table(&rows()));
    }

    #[test]
    fn truncate_marks_a_cut() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("a longer title", 8), "a longe…");
        assert_eq!(truncate("two words", 5), "two…");
    }
}
