//! Problems found in an article: what was wrong, where, and how bad.
//!
//! Parsing never fails; it returns the article and a list of these.
//! They are shown above the article in the page and printed by `build.rs` as
//! `cargo:warning` lines of the form `articles/x.md:3: front matter: …`.

use serde::Serialize;
use std::fmt;

/// How bad a problem is.
/// `Error` means part of the article could not be understood (for example
/// front matter that is not valid YAML); `Warning` means it was understood
/// with a guess (for example a date in an unknown form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem, at a 1-based line of the article's file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub line: u32,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn warning(line: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            line,
            severity: Severity::Warning,
            message: message.into(),
        }
    }

    pub fn error(line: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            line,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    /// `path:line: message`, the form compilers use, so editors can jump to it.
    pub fn located<'a>(&'a self, path: &'a str) -> Located<'a> {
        Located {
            path,
            diagnostic: self,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A diagnostic displayed with its file name.
pub struct Located<'a> {
    path: &'a str,
    diagnostic: &'a Diagnostic,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.path, self.diagnostic.line, self.diagnostic.message
        )
    }
}
