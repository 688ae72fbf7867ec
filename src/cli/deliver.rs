//! Handing a finished prompt to the person: print it, save it, copy it to the clipboard —
//! the same way for every command that produces one (`render`, `fill`, `export`).

use std::path::{Path, PathBuf};

use super::Ctx;
use super::output::write_file;
use crate::clipboard::{self, Backend};
use crate::error::{Error, Result};
use crate::render::Prompt;
use crate::render::targets::group;
use crate::session::Rendered;

/// Parses `--clipboard BACKEND` (for clap).
pub fn parse_backend(s: &str) -> std::result::Result<Backend, String> {
    s.parse::<Backend>().map_err(|e| e.to_string())
}

/// The clipboard flags every prompt-producing command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct CopyArgs {
    /// Copy the result to the clipboard instead of printing it (with -o: save and copy).
    #[arg(long, short = 'c')]
    pub copy: bool,
    /// How to reach the clipboard: auto, wayland, x11, xclip, xsel, osc52 or native
    /// (default: the `clipboard` setting, else auto).
    #[arg(long, value_name = "BACKEND", value_parser = parse_backend)]
    pub clipboard: Option<Backend>,
}

/// Where a prompt goes; several may be asked for at once.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    pub copy: bool,
    pub print: bool,
    pub out: Option<PathBuf>,
}

impl Targets {
    /// `--copy` and `-o` replace printing; with neither, the prompt is printed.
    pub fn from_flags(copy: bool, print: bool, out: Option<PathBuf>) -> Targets {
        let print = print || (!copy && out.is_none());
        Targets { copy, print, out }
    }
}

/// The backend to copy with: `--clipboard`, else the `clipboard` setting, else auto.
pub fn backend(ctx: &mut Ctx, flag: Option<Backend>) -> Result<Backend> {
    if let Some(b) = flag {
        return Ok(b);
    }
    configured_backend(ctx.config()?)
}

/// The `clipboard` setting as a backend; a name that is none is an error with the file,
/// line and column (checked when any command starts).
pub fn configured_backend(config: &crate::config::Config) -> Result<Backend> {
    match &config.clipboard {
        None => Ok(Backend::Auto),
        Some(name) => name.parse::<Backend>().map_err(|e| {
            let file = config
                .path
                .as_ref()
                .map_or_else(|| "config.yaml".to_string(), |p| p.display().to_string());
            let at = config
                .clipboard_at
                .map(|p| format!(":{}:{}", p.line, p.column))
                .unwrap_or_default();
            Error::usage(format!("{file}{at}: `clipboard`: {e}"))
                .hint("fix the setting, or pass --clipboard BACKEND")
        }),
    }
}

/// Sends `text` to every target. The file is written first, then the copy is made; if
/// the copy fails and the text was not printed or saved, it is printed anyway, so the
/// prompt is never lost, and the copy error is returned (exit code 1). `prompt` is what the
/// text was rendered from (for the token count in the copy message); `None` for text that
/// is not a prompt (a recipe's YAML).
pub fn deliver(
    ctx: &mut Ctx,
    text: &str,
    prompt: Option<&Prompt>,
    targets: &Targets,
    flag: Option<Backend>,
) -> Result<()> {
    if let Some(path) = &targets.out {
        write_file(path, text)?;
    }
    let mut printed = false;
    if targets.print && !targets.copy {
        ctx.out.print(text)?;
        printed = true;
    }
    if targets.copy {
        if let Err(e) = copy(ctx, text, prompt, flag) {
            if targets.out.is_none() || targets.print {
                ctx.out.print(text)?;
                printed = true;
            }
            return Err(not_lost(e, printed, targets.out.as_deref()));
        }
        if targets.print {
            ctx.out.print(text)?;
        }
    }
    Ok(())
}

/// Delivers a rendered prompt, then — only once that worked — remembers its answers, so a
/// command that fails (a folder given to `-o`, a failed copy) leaves the library as it was.
pub fn deliver_rendered(
    ctx: &mut Ctx,
    rendered: &Rendered,
    targets: &Targets,
    flag: Option<Backend>,
    remember: bool,
) -> Result<()> {
    deliver(ctx, rendered.text(), Some(&rendered.prompt), targets, flag)?;
    print_notes(rendered);
    super::answers::remember(ctx, rendered, remember);
    Ok(())
}

/// Prints what the person should know about a delivered output (`note: …` on standard
/// error), the same after every way of delivering it.
pub fn print_notes(rendered: &Rendered) {
    for note in &rendered.output.notes {
        eprintln!("note: {note}");
    }
}

/// Says where the prompt went when the copy failed.
fn not_lost(e: Error, printed: bool, saved: Option<&Path>) -> Error {
    match (printed, saved) {
        (true, Some(p)) => e.hint(format!(
            "the prompt was saved to {} and printed to standard output",
            p.display()
        )),
        (true, None) => e.hint("the prompt was printed to standard output instead"),
        (false, Some(p)) => e.hint(format!("the prompt was saved to {}", p.display())),
        (false, None) => e,
    }
}

/// Copies `text` and reports it in one line on standard error (plus a caveat when the copy
/// cannot be confirmed, as with OSC 52). The tokens shown are the prompt's estimate, the
/// same number the fill preview and `--format json` show; none for text that is not a
/// prompt.
pub fn copy(
    ctx: &mut Ctx,
    text: &str,
    prompt: Option<&Prompt>,
    flag: Option<Backend>,
) -> Result<()> {
    let backend = backend(ctx, flag)?;
    let copied = clipboard::copy(text, backend).map_err(|e| Error::failed(e.to_string()))?;
    let tokens = prompt.map(Prompt::estimated_tokens);
    eprintln!("{}", copied_message(copied.chars, tokens));
    if !copied.confirmed() {
        eprintln!(
            "Sent to your terminal with OSC 52; if pasting gives nothing, your terminal does not allow clipboard writes (in tmux: `set -g set-clipboard on` and `set -g allow-passthrough on`)."
        );
    }
    Ok(())
}

/// The one-line report after a copy, e.g. `Copied 2,314 characters (≈ 540 tokens) to the
/// clipboard`; `None` leaves the estimate out.
fn copied_message(chars: usize, approx_tokens: Option<usize>) -> String {
    let counted = |n: usize, one: &str, many: &str| {
        format!("{} {}", group(n as u64), if n == 1 { one } else { many })
    };
    let chars = counted(chars, "character", "characters");
    match approx_tokens {
        Some(t) => format!(
            "Copied {chars} (≈ {}) to the clipboard",
            counted(t, "token", "tokens")
        ),
        None => format!("Copied {chars} to the clipboard"),
    }
}

#[cfg(test)]
mod tests {
    use super::copied_message;

    #[test]
    fn message_has_thousands_separators_and_tokens() {
        assert_eq!(
            copied_message(2314, Some(540)),
            "Copied 2,314 characters (≈ 540 tokens) to the clipboard"
        );
        assert_eq!(
            copied_message(1_234_567, Some(1000)),
            "Copied 1,234,567 characters (≈ 1,000 tokens) to the clipboard"
        );
        assert_eq!(
            copied_message(1, Some(1)),
            "Copied 1 character (≈ 1 token) to the clipboard"
        );
        assert_eq!(
            copied_message(0, None),
            "Copied 0 characters to the clipboard"
        );
    }
}
