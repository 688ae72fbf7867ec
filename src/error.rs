//! The one error type every face shows to people: what went wrong, and how to fix it.

use std::fmt;

/// What kind of failure this is; each kind has its own exit code so scripts can tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Something failed that has no more specific kind (a file could not be written, …).
    Failed,
    /// The command was called wrongly: a bad, missing or unknown variable value.
    Usage,
    /// A recipe file (or template) is invalid.
    InvalidRecipe,
    /// A recipe, version or file does not exist.
    NotFound,
    /// The library file cannot be used: not a database, read-only, locked.
    Library,
    /// The prompt does not fit the model's context window.
    TooLarge,
    /// The user interrupted (Ctrl-C, Esc).
    Interrupted,
}

impl ErrorKind {
    /// The process exit code for this kind, as documented in README.md.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Failed => 1,
            ErrorKind::Usage => 2,
            ErrorKind::InvalidRecipe => 3,
            ErrorKind::NotFound => 4,
            ErrorKind::Library => 5,
            ErrorKind::TooLarge => 6,
            ErrorKind::Interrupted => 130,
        }
    }
}

/// An error with a kind, a message that says what was wrong (and where), and hints on how to
/// fix it. Faces print `error: {message}` and then each hint.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hints: Vec<String>,
}

impl Error {
    /// A new error of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// Shorthand for a usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Usage, message)
    }

    /// Shorthand for a not-found error.
    pub fn not_found(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::NotFound, message)
    }

    /// Shorthand for an invalid-recipe error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidRecipe, message)
    }

    /// Shorthand for a library (storage) error.
    pub fn library(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Library, message)
    }

    /// Shorthand for a generic failure.
    pub fn failed(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Failed, message)
    }

    /// Adds a hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// The message followed by each hint on its own `  hint: …` line: what every face shows
    /// (the command line after `error: `, the MCP server as its error message).
    pub fn full_text(&self) -> String {
        let mut text = self.message.clone();
        for h in &self.hints {
            text.push_str("\n  hint: ");
            text.push_str(h);
        }
        text
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Suggests the closest of `candidates` to `wanted`, for "did you mean" hints.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wanted, c), c))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("topik", ["topic", "tone", "words"]),
            Some("topic")
        );
        assert_eq!(did_you_mean("zzz", ["topic", "tone"]), None);
    }
}
