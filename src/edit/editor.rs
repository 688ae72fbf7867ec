//! Which editor to run, and running it on a file.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use crate::error::{Error, ErrorKind, Result};

/// An editor command line: the program and its own arguments (the file is added last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorCommand {
    pub program: String,
    pub args: Vec<String>,
    /// Where it came from: `VISUAL`, `EDITOR`, or `default`.
    pub source: &'static str,
}

/// How an editor run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorExit {
    /// It exited with status 0.
    Saved,
    /// It exited with another status (`:cq` in vim), or was killed by a signal (`None`).
    Failed(Option<i32>),
}

impl EditorCommand {
    /// The editor from `$VISUAL`, then `$EDITOR`, then `vi`, split into words the way a shell
    /// would (so `code --wait` or `"/opt/My Editor/edit" -n` work).
    ///
    /// `vi` is only a fallback on a terminal: without one (`interactive` false) and with
    /// neither variable set, this is an error rather than an editor that waits for keys no
    /// one will type.
    pub fn from_env(interactive: bool) -> Result<EditorCommand> {
        Self::choose(
            std::env::var_os("VISUAL"),
            std::env::var_os("EDITOR"),
            interactive,
        )
    }

    /// [`EditorCommand::from_env`] with the variables given.
    pub fn choose(
        visual: Option<OsString>,
        editor: Option<OsString>,
        interactive: bool,
    ) -> Result<EditorCommand> {
        for (source, value) in [("VISUAL", visual), ("EDITOR", editor)] {
            let Some(value) = value else { continue };
            let text = value.to_string_lossy();
            if text.trim().is_empty() {
                continue;
            }
            let words = shell_words::split(&text).map_err(|e| {
                Error::usage(format!("cannot read ${source} ({text:?}): {e}")).hint(format!(
                    "fix the quoting in ${source}, e.g. export {source}='code --wait'"
                ))
            })?;
            let mut words = words.into_iter();
            let Some(program) = words.next() else {
                continue;
            };
            return Ok(EditorCommand {
                program,
                args: words.collect(),
                source,
            });
        }
        if !interactive {
            return Err(Error::usage(
                "no editor to open: VISUAL and EDITOR are not set, and without a terminal vi cannot be used",
            )
            .hint("set EDITOR to your editor (e.g. EDITOR=nano), or run this on a terminal"));
        }
        Ok(EditorCommand {
            program: "vi".into(),
            args: Vec::new(),
            source: "default",
        })
    }

    /// `vim -f (from $EDITOR)`.
    pub fn describe(&self) -> String {
        let mut words = vec![self.program.clone()];
        words.extend(self.args.iter().cloned());
        let line = shell_words::join(&words);
        match self.source {
            "default" => format!("`{line}` (the default editor)"),
            s => format!("`{line}` (from ${s})"),
        }
    }

    /// Runs the editor on `file` with the terminal handed over, and waits for it.
    pub fn run(&self, file: &Path) -> Result<EditorExit> {
        let status = Command::new(&self.program)
            .args(&self.args)
            .arg(file)
            .status()
            .map_err(|e| {
                let (kind, what) = match e.kind() {
                    std::io::ErrorKind::NotFound => {
                        (ErrorKind::NotFound, "was not found".to_string())
                    }
                    std::io::ErrorKind::PermissionDenied => (
                        ErrorKind::Failed,
                        "cannot be run (permission denied)".to_string(),
                    ),
                    _ => (ErrorKind::Failed, format!("could not be started: {e}")),
                };
                Error::new(kind, format!("the editor {} {what}", self.describe()))
                    .hint("set VISUAL or EDITOR to an installed editor, e.g. `export EDITOR=nano`")
            })?;
        Ok(if status.success() {
            EditorExit::Saved
        } else {
            EditorExit::Failed(status.code())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(visual: Option<&str>, editor: Option<&str>) -> Result<EditorCommand> {
        EditorCommand::choose(visual.map(Into::into), editor.map(Into::into), false)
    }

    #[test]
    fn visual_then_editor_then_an_error_without_a_terminal() {
        let e = pick(Some("code --wait"), Some("nano")).unwrap();
        assert_eq!(
            (e.program.as_str(), e.args.clone(), e.source),
            ("code", vec!["--wait".to_string()], "VISUAL")
        );
        let e = pick(Some("  "), Some("'/opt/My Editor/ed' -n")).unwrap();
        assert_eq!(
            (e.program.as_str(), e.args.clone()),
            ("/opt/My Editor/ed", vec!["-n".to_string()])
        );
        assert_eq!(pick(None, None).unwrap_err().kind, ErrorKind::Usage);
        assert_eq!(
            EditorCommand::choose(None, None, true).unwrap().program,
            "vi"
        );
        assert!(
            pick(Some("vim 'unclosed"), None)
                .unwrap_err()
                .message
                .contains("$VISUAL")
        );
    }
}
